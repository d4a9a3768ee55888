/**
 * CertChecker (x/crypto/ssh's, PROTOCOL.certkeys checks): authorities, the injected clock and the
 * validity window, principals, certificate type, critical options, extensions into Permissions,
 * revocation; a missing callback is an error, never a crash (x/crypto CVE-2026-39835).
 */
import {
  type CertificateTemplate,
  createCertificate,
  generateKey,
  type PrivateKey,
} from '@seashell/transport';
import { beforeAll, describe, expect, it } from 'vitest';
import { CertChecker } from '../../src/certs/cert-checker.js';
import { checkCertificate, DEFAULT_CA_SIGNATURE_ALGORITHMS } from '../../src/certs/certificate-check.js';
import { CertificateRejectedError } from '../../src/errors.js';
import { rsaKey } from '../support/keys.js';

const fixed = (n: number) => (len: number) => new Uint8Array(len).fill(n);
const T0 = 1_800_000_000n; // seconds
let ca: PrivateKey;
let otherCa: PrivateKey;
let user: PrivateKey;
beforeAll(() => {
  ca = generateKey('ssh-ed25519', fixed(1));
  otherCa = generateKey('ecdsa-sha2-nistp256', fixed(2));
  user = generateKey('ssh-ed25519', fixed(3));
});

const userCert = (t: Partial<CertificateTemplate> = {}, signer = ca) =>
  createCertificate(
    {
      key: user.publicKey,
      certType: 'user',
      principals: ['alice'],
      validAfter: T0,
      validBefore: T0 + 3600n,
      ...t,
    },
    signer,
  );

function checker(options: Partial<ConstructorParameters<typeof CertChecker>[0]> = {}, nowSeconds = T0 + 10n) {
  return new CertChecker({
    now: () => Number(nowSeconds) * 1000,
    isUserAuthority: (k) => k.equals(ca.publicKey),
    isHostAuthority: (k, host) => k.equals(ca.publicKey) && host.endsWith('.example'),
    ...options,
  });
}

async function rejection(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (e instanceof CertificateRejectedError) return e.reason;
    throw e;
  }
  return 'accepted';
}

describe('CertChecker user certificates', () => {
  it('accepts a valid certificate and carries its options and extensions into Permissions', async () => {
    const cert = userCert({
      criticalOptions: [
        { name: 'force-command', value: '/usr/bin/uptime' },
        { name: 'source-address', value: '127.0.0.0/8' },
        { name: 'verify-required' },
      ],
      extensions: [{ name: 'permit-pty' }, { name: 'x-custom@example.org', value: 'v' }],
    });
    const p = await checker().checkUserCertificate(cert, 'alice', '127.0.0.1');
    expect([...p.criticalOptions]).toEqual([
      ['force-command', '/usr/bin/uptime'],
      ['source-address', '127.0.0.0/8'],
      ['verify-required', ''],
    ]);
    expect([...p.extensions]).toEqual([
      ['permit-pty', ''],
      ['x-custom@example.org', 'v'],
    ]);
  });

  it('keeps to valid_after <= now < valid_before with the injected clock', async () => {
    const cert = userCert();
    const at = (s: bigint) => rejection(checker({}, s).checkUserCertificate(cert, 'alice'));
    expect(await at(T0 - 1n)).toBe('certificate is not yet valid');
    expect(await at(T0)).toBe('accepted');
    expect(await at(T0 + 3599n)).toBe('accepted');
    expect(await at(T0 + 3600n)).toBe('certificate has expired');
  });

  it('refuses the wrong principal, an empty principal list and a host certificate', async () => {
    const c = checker();
    expect(await rejection(c.checkUserCertificate(userCert(), 'bob'))).toBe('name is not a listed principal');
    expect(await rejection(c.checkUserCertificate(userCert({ principals: [] }), 'alice'))).toBe(
      'certificate lacks a principal list',
    );
    expect(await rejection(c.checkUserCertificate(userCert({ certType: 'host' }), 'alice'))).toBe(
      'host certificate used as a user certificate',
    );
  });

  it('refuses an unknown CA, an unknown critical option, and ignores an unknown extension', async () => {
    const c = checker();
    expect(await rejection(c.checkUserCertificate(userCert({}, otherCa), 'alice'))).toBe(
      'certificate signed by an unrecognised authority',
    );
    expect(
      await rejection(
        c.checkUserCertificate(userCert({ criticalOptions: [{ name: 'no-such@x' }] }), 'alice'),
      ),
    ).toBe('unsupported critical option "no-such@x"');
    const narrowed = checker({ supportedCriticalOptions: ['force-command'] });
    expect(
      await rejection(
        narrowed.checkUserCertificate(userCert({ criticalOptions: [{ name: 'verify-required' }] }), 'alice'),
      ),
    ).toBe('unsupported critical option "verify-required"');
    expect(
      await rejection(c.checkUserCertificate(userCert({ extensions: [{ name: 'unheard-of' }] }), 'alice')),
    ).toBe('accepted');
  });

  it('enforces source-address when given the client address; an empty value denies (CVE-2026-46595)', async () => {
    const c = checker();
    const at = (value: string, address: string) =>
      rejection(
        c.checkUserCertificate(
          userCert({ criticalOptions: [{ name: 'source-address', value }] }),
          'alice',
          address,
        ),
      );
    expect(await at('10.0.0.0/8', '127.0.0.1')).toBe('source-address does not allow 127.0.0.1');
    expect(await at('10.0.0.0/8,127.0.0.1', '127.0.0.1')).toBe('accepted');
    expect(await at('10.0.0.0/8', '10.200.0.1')).toBe('accepted');
    expect(await at('', '127.0.0.1')).toBe('source-address cannot be evaluated for this client');
    expect(await at('10.0.0.0/8', 'not-an-ip')).toBe('source-address cannot be evaluated for this client');
  });

  it('refuses SHA-1 CA signatures unless asked to take them', async () => {
    const rsaCa = rsaKey(1024);
    const cert = userCert({}, { publicKey: rsaCa.publicKey, sign: (d) => rsaCa.sign(d, 'ssh-rsa') });
    expect(cert.signatureAlgorithm).toBe('ssh-rsa');
    const trustRsa = { isUserAuthority: () => true };
    expect(await rejection(checker(trustRsa).checkUserCertificate(cert, 'alice'))).toBe(
      'CA signature algorithm ssh-rsa is not accepted',
    );
    const legacy = checker({
      ...trustRsa,
      caSignatureAlgorithms: [...DEFAULT_CA_SIGNATURE_ALGORITHMS, 'ssh-rsa'],
    });
    expect(await rejection(legacy.checkUserCertificate(cert, 'alice'))).toBe('accepted');
  });

  it('asks the revocation callback, and fails closed when it does not say false', async () => {
    const cert = userCert({ serial: 9n });
    expect(
      await rejection(checker({ isRevoked: (c) => c.serial === 9n }).checkUserCertificate(cert, 'alice')),
    ).toBe('certificate is revoked');
    expect(
      await rejection(checker({ isRevoked: async () => false }).checkUserCertificate(cert, 'alice')),
    ).toBe('accepted');
    const sloppy = checker({ isRevoked: (() => undefined) as unknown as () => boolean });
    expect(await rejection(sloppy.checkUserCertificate(cert, 'alice'))).toBe('certificate is revoked');
  });

  it('is an error, not a crash, without an authority callback (CVE-2026-39835)', async () => {
    const bare = new CertChecker({ now: () => Number(T0) * 1000 });
    expect(await rejection(bare.checkUserCertificate(userCert(), 'alice'))).toBe(
      'no user certificate authority is configured',
    );
    expect(await rejection(bare.checkHostCertificate(userCert({ certType: 'host' }), 'h.example'))).toBe(
      'no host certificate authority is configured',
    );
    expect(() => new CertChecker({} as ConstructorParameters<typeof CertChecker>[0])).toThrow(TypeError);
  });
});

describe('CertChecker host certificates', () => {
  const hostCert = (t: Partial<CertificateTemplate> = {}) =>
    userCert({ certType: 'host', principals: ['h.example'], extensions: [], ...t });

  it('checks the authority for the host, the principal and the type', async () => {
    const c = checker();
    expect(await rejection(c.checkHostCertificate(hostCert(), 'h.example'))).toBe('accepted');
    expect(await rejection(c.checkHostCertificate(hostCert(), 'h.other'))).toBe(
      'certificate signed by an unrecognised authority',
    );
    expect(
      await rejection(c.checkHostCertificate(hostCert({ principals: ['x.example'] }), 'h.example')),
    ).toBe('name is not a listed principal');
    expect(await rejection(c.checkHostCertificate(userCert(), 'h.example'))).toBe(
      'user certificate used as a host certificate',
    );
    expect(
      await rejection(
        c.checkHostCertificate(
          hostCert({ criticalOptions: [{ name: 'force-command', value: 'x' }] }),
          'h.example',
        ),
      ),
    ).toBe('unsupported critical option "force-command"');
  });

  it('gives connect() a host key callback: certificates checked, plain keys to the fallback', async () => {
    const cb = checker().hostKeyCallback((key) => key.equals(user.publicKey));
    expect(await cb(hostCert(), { host: 'h.example' })).toBe(true);
    expect(await cb(hostCert(), { host: 'evil.example' })).toBe(false);
    expect(await cb(user.publicKey, { host: 'h.example' })).toBe(true);
    expect(await cb(ca.publicKey, { host: 'h.example' })).toBe(false);
    expect(await checker().hostKeyCallback()(user.publicKey, { host: 'h.example' })).toBe(false);
  });
});

describe('checkCertificate', () => {
  it('is pure: the same answer for the same time', () => {
    const cert = userCert();
    const now = Number(T0) * 1000;
    const a = checkCertificate(cert, { certType: 'user', principals: ['alice'], now });
    const b = checkCertificate(cert, { certType: 'user', principals: ['alice'], now });
    expect(a).toEqual(b);
    expect(() => checkCertificate(cert, { certType: 'user', principals: ['alice'], now: now - 1 })).toThrow(
      CertificateRejectedError,
    );
  });
});
