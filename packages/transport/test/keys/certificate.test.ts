/**
 * OpenSSH certificates (PROTOCOL.certkeys): our writer and parser round-trip, every field and
 * bound the parser enforces, mutated and arbitrary blobs give typed errors, and a host certificate
 * carries a key exchange.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { SshDecodeError, SshError } from '../../src/errors.js';
import {
  CERTIFICATE_SIGNATURE_ALGORITHMS,
  Certificate,
  certificateOptionValue,
  isCertificate,
  parseCertificate,
  plainSignatureAlgorithm,
} from '../../src/keys/certificate.js';
import {
  type CertificateTemplate,
  CertifiedPrivateKey,
  createCertificate,
  DEFAULT_USER_CERTIFICATE_EXTENSIONS,
} from '../../src/keys/certificate-builder.js';
import { InvalidKeyError } from '../../src/keys/errors.js';
import { generateKey } from '../../src/keys/generate.js';
import { parsePublicKey, SIGNATURE_ALGORITHMS } from '../../src/keys/public-key.js';
import type { PrivateKey } from '../../src/keys/types.js';
import { SshWriter } from '../../src/wire/writer.js';
import { nodeRsa } from '../support/node-keys.js';
import { makePair, seededRandom } from '../support/pair.js';

const fixed = (n: number) => (len: number) => new Uint8Array(len).fill(n);
let keys: PrivateKey[];
let ca: PrivateKey;
beforeAll(() => {
  keys = [
    generateKey('ssh-ed25519', fixed(1)),
    generateKey('ecdsa-sha2-nistp256', fixed(2)),
    generateKey('ecdsa-sha2-nistp384', fixed(3)),
    generateKey('ecdsa-sha2-nistp521', fixed(4)),
    nodeRsa(1024).ours,
  ];
  ca = generateKey('ssh-ed25519', fixed(9));
});

/** Parses, and fails the property on anything thrown that is not one of our typed errors. */
function parseOrTypedError(blob: Uint8Array): unknown {
  try {
    return parsePublicKey(blob);
  } catch (e) {
    if (e instanceof SshError) return e;
    throw e;
  }
}

/** A certificate body written field by field, with no checks, signed by `signer` (for bad inputs). */
function rawCertificate(
  fields: {
    type?: string;
    certType?: number;
    principals?: readonly string[];
    critical?: readonly [string, Uint8Array][];
    extensions?: readonly [string, Uint8Array][];
    signatureKey?: Uint8Array;
  },
  signer: PrivateKey = ca,
): Uint8Array {
  const key = keys[0]!.publicKey;
  const w = new SshWriter();
  w.string(fields.type ?? 'ssh-ed25519-cert-v01@openssh.com');
  w.string(new Uint8Array(32));
  w.raw(key.blob.subarray(4 + 'ssh-ed25519'.length));
  w.uint64(1n)
    .uint32(fields.certType ?? 1)
    .string('id');
  const p = new SshWriter();
  for (const name of fields.principals ?? ['alice']) p.string(name);
  w.string(p.bytes());
  w.uint64(0n).uint64((1n << 64n) - 1n);
  for (const list of [fields.critical ?? [], fields.extensions ?? []]) {
    const o = new SshWriter();
    for (const [name, data] of list) o.string(name).string(data);
    w.string(o.bytes());
  }
  w.string(new Uint8Array(0));
  w.string(fields.signatureKey ?? signer.publicKey.blob);
  const signed = w.bytes().slice();
  w.string(signer.sign(signed));
  return w.bytes().slice();
}

describe('PROTOCOL.certkeys certificates', () => {
  it('round-trips every key type under every CA type, with all fields', () => {
    for (const cas of keys) {
      for (const key of keys) {
        const template: CertificateTemplate = {
          key: key.publicKey,
          certType: 'host',
          keyId: 'host ✓ key',
          serial: 0xfedcba9876543210n,
          principals: ['a.example', '10.0.0.1'],
          validAfter: 100n,
          validBefore: 200n,
          criticalOptions: [
            { name: 'source-address', value: '10.0.0.0/8' },
            { name: 'force-command', value: '/bin/true' },
          ],
          extensions: [{ name: 'permit-pty' }],
          nonce: new Uint8Array(16).fill(7),
        };
        const cert = createCertificate(template, cas);
        const parsed = parsePublicKey(cert.blob);
        expect(parsed).toBeInstanceOf(Certificate);
        const c = parsed as Certificate;
        expect(c.type).toBe(`${key.publicKey.type}-cert-v01@openssh.com`);
        expect(c.key.equals(key.publicKey)).toBe(true);
        expect(c.signatureKey.equals(cas.publicKey)).toBe(true);
        expect(c.signatureAlgorithm).toBe(cas.publicKey.signatureAlgorithms[0]);
        expect([c.serial, c.certType, c.keyId, c.principals, c.validAfter, c.validBefore]).toEqual([
          0xfedcba9876543210n,
          'host',
          'host ✓ key',
          ['a.example', '10.0.0.1'],
          100n,
          200n,
        ]);
        // Written sorted by name, as PROTOCOL.certkeys requires.
        expect(c.criticalOptions.map((o) => [o.name, certificateOptionValue(o)])).toEqual([
          ['force-command', '/bin/true'],
          ['source-address', '10.0.0.0/8'],
        ]);
        expect(c.extensions).toEqual([{ name: 'permit-pty', data: new Uint8Array(0) }]);
        expect(c.nonce).toEqual(new Uint8Array(16).fill(7));
        expect(c.equals(cert)).toBe(true);
        expect(c.equals(key.publicKey)).toBe(false);
        expect(isCertificate(c)).toBe(true);
        expect(isCertificate(key.publicKey)).toBe(false);
      }
    }
  });

  it("signs user certificates with ssh-keygen's default extensions, and the option data is string-wrapped", () => {
    const cert = createCertificate(
      {
        key: keys[0]!.publicKey,
        certType: 'user',
        criticalOptions: [{ name: 'force-command', value: '/bin/true' }],
      },
      ca,
    );
    expect(cert.extensions.map((e) => e.name)).toEqual(
      DEFAULT_USER_CERTIFICATE_EXTENSIONS.map((e) => e.name).sort(),
    );
    // PROTOCOL-NOTES §1.11: 00 00 00 0d "force-command" 00 00 00 0d 00 00 00 09 "/bin/true".
    const expected = new SshWriter()
      .string('force-command')
      .string(new SshWriter().string('/bin/true').bytes())
      .bytes();
    const at = findBytes(cert.blob, expected);
    expect(at).toBeGreaterThan(0);
    expect(cert.validAfter).toBe(0n);
    expect(cert.validBefore).toBe((1n << 64n) - 1n);
    expect(cert.nonce).toHaveLength(32);
  });

  it('round-trips arbitrary templates (fast-check)', () => {
    const name = fc.stringMatching(/^[a-z@.-]{1,12}$/);
    const options = fc.uniqueArray(
      fc.record({ name, value: fc.option(fc.string({ maxLength: 20 }), { nil: undefined }) }),
      {
        selector: (o) => o.name,
        maxLength: 4,
      },
    );
    fc.assert(
      fc.property(
        fc.record({
          which: fc.nat({ max: 4 }),
          certType: fc.constantFrom('user' as const, 'host' as const),
          keyId: fc.string({ maxLength: 30 }).filter((s) => !s.includes('\0')),
          serial: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
          principals: fc.array(
            fc.string({ maxLength: 10 }).filter((s) => !s.includes('\0')),
            { maxLength: 5 },
          ),
          validAfter: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
          validBefore: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
          criticalOptions: options,
          extensions: options,
        }),
        (t) => {
          const { which, ...rest } = t;
          const cert = createCertificate({ ...rest, key: keys[which]!.publicKey }, ca, {
            random: seededRandom('n'),
          });
          const c = parseCertificate(cert.blob);
          expect(c.blob).toEqual(cert.blob);
          expect([c.certType, c.keyId, c.serial, c.principals, c.validAfter, c.validBefore]).toEqual([
            t.certType,
            t.keyId,
            t.serial,
            t.principals,
            t.validAfter,
            t.validBefore,
          ]);
          const sorted = (list: typeof t.criticalOptions) =>
            [...list].sort((a, b) => (a.name < b.name ? -1 : 1)).map((o) => [o.name, o.value ?? '']);
          expect(c.criticalOptions.map((o) => [o.name, certificateOptionValue(o)])).toEqual(
            sorted(t.criticalOptions),
          );
          expect(c.extensions.map((o) => [o.name, certificateOptionValue(o)])).toEqual(sorted(t.extensions));
        },
      ),
      { seed: 41, numRuns: 150 },
    );
  });

  it('refuses any changed byte, and truncation, with a typed error (fast-check)', () => {
    const certs = keys.map((k) =>
      createCertificate({ key: k.publicKey, certType: 'user', principals: ['alice'] }, ca),
    );
    fc.assert(
      fc.property(
        fc.nat({ max: certs.length - 1 }),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (which, at, xor) => {
          const blob = certs[which]!.blob.slice();
          blob[at % blob.length]! ^= xor;
          expect(parseOrTypedError(blob)).toBeInstanceOf(SshError);
        },
      ),
      { seed: 42, numRuns: 600 },
    );
    for (const cert of certs) {
      for (let cut = 0; cut < cert.blob.length; cut += 7)
        expect(parseOrTypedError(cert.blob.subarray(0, cut))).toBeInstanceOf(SshError);
      expect(parseOrTypedError(Uint8Array.of(...cert.blob, 0))).toBeInstanceOf(SshDecodeError);
    }
  });

  it('gives a typed error on arbitrary bytes after a certificate type', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(
          ...Object.keys(CERTIFICATE_SIGNATURE_ALGORITHMS).filter((n) => !n.startsWith('rsa-sha2')),
        ),
        fc.uint8Array({ maxLength: 400 }),
        (type, tail) => {
          const blob = new SshWriter().string(type).raw(tail).bytes();
          expect(parseOrTypedError(blob)).toBeInstanceOf(SshError);
        },
      ),
      { seed: 43, numRuns: 1500 },
    );
  });

  it('enforces the bounds of §4.4 #36: principals, option order, CA not a certificate, type', () => {
    const ok = parseCertificate(rawCertificate({}));
    expect(ok.principals).toEqual(['alice']);
    const many = Array.from({ length: 256 }, (_, i) => `p${i}`);
    expect(parseCertificate(rawCertificate({ principals: many })).principals).toHaveLength(256);
    expect(() => parseCertificate(rawCertificate({ principals: [...many, 'one-more'] }))).toThrow(
      /256 principals/,
    );
    const flag = new Uint8Array(0);
    expect(() =>
      parseCertificate(
        rawCertificate({
          extensions: [
            ['permit-pty', flag],
            ['permit-agent-forwarding', flag],
          ],
        }),
      ),
    ).toThrow(/not sorted and unique/);
    expect(() =>
      parseCertificate(
        rawCertificate({
          critical: [
            ['force-command', flag],
            ['force-command', flag],
          ],
        }),
      ),
    ).toThrow(InvalidKeyError);
    expect(() => parseCertificate(rawCertificate({ certType: 3 }))).toThrow(/unknown certificate type 3/);
    const caCert = createCertificate({ key: ca.publicKey, certType: 'user' }, keys[1]!);
    expect(() => parseCertificate(rawCertificate({ signatureKey: caCert.blob }))).toThrow(
      /signed by a certificate/,
    );
    // The type string says RSA but the body is an ed25519 key's.
    expect(parseOrTypedError(rawCertificate({ type: 'ssh-rsa-cert-v01@openssh.com' }))).toBeInstanceOf(
      SshError,
    );
    // Signed by another key than the one named as CA.
    expect(() => parseCertificate(rawCertificate({ signatureKey: keys[0]!.publicKey.blob }))).toThrow(
      /does not verify/,
    );
    expect(() => parseCertificate(keys[0]!.publicKey.blob)).toThrow(/not a certificate/);
  });

  it('accepts a SHA-1 ssh-rsa CA signature at parse time and says so (refusing it is policy)', () => {
    const rsaCa = keys[4]!;
    const cert = createCertificate({ key: keys[0]!.publicKey, certType: 'user' }, rsaCa, {
      algorithm: 'ssh-rsa',
    });
    expect(cert.signatureAlgorithm).toBe('ssh-rsa');
    const sha512 = createCertificate({ key: keys[0]!.publicKey, certType: 'user' }, rsaCa);
    expect(sha512.signatureAlgorithm).toBe('rsa-sha2-512');
  });

  it('refuses misuse of the writer', () => {
    const cert = createCertificate({ key: keys[0]!.publicKey, certType: 'user' }, ca);
    expect(() => createCertificate({ key: cert, certType: 'user' }, ca)).toThrow(TypeError);
    expect(() =>
      createCertificate({ key: keys[0]!.publicKey, certType: 'user', principals: Array(257).fill('x') }, ca),
    ).toThrow(RangeError);
    expect(() =>
      createCertificate(
        { key: keys[0]!.publicKey, certType: 'user', extensions: [{ name: 'a' }, { name: 'a' }] },
        ca,
      ),
    ).toThrow(RangeError);
  });
});

describe('a certificate as a public key', () => {
  it("verifies the certified key's signatures under the certificate algorithm names only", () => {
    const data = new TextEncoder().encode('signed data');
    for (const key of keys) {
      const cert = createCertificate({ key: key.publicKey, certType: 'user' }, ca);
      const certified = new CertifiedPrivateKey(key, cert);
      for (const alg of cert.signatureAlgorithms) {
        expect(SIGNATURE_ALGORITHMS[alg as keyof typeof SIGNATURE_ALGORITHMS].keyType).toBe(cert.type);
        const sig = certified.sign(data, alg);
        expect(cert.verify(data, sig, [alg])).toBe(true);
        expect(cert.verify(data, sig)).toBe(true);
        // The plain name is not a certificate algorithm: refused, as a mixed-up negotiation must be.
        expect(cert.verify(data, sig, [plainSignatureAlgorithm(alg)])).toBe(false);
        expect(cert.verify(new TextEncoder().encode('other'), sig, [alg])).toBe(false);
      }
    }
    const rsaCert = createCertificate({ key: keys[4]!.publicKey, certType: 'user' }, ca);
    expect(rsaCert.signatureAlgorithms).toEqual([
      'rsa-sha2-512-cert-v01@openssh.com',
      'rsa-sha2-256-cert-v01@openssh.com',
    ]);
    expect(() => new CertifiedPrivateKey(keys[1]!, rsaCert)).toThrow(InvalidKeyError);
  });

  it('carries a key exchange as a host certificate, offered first by the server', () => {
    const hostKey = keys[1]!;
    const cert = createCertificate({ key: hostKey.publicKey, certType: 'host', principals: ['h'] }, ca);
    const pair = makePair({
      server: { hostKeys: [hostKey, new CertifiedPrivateKey(hostKey, cert)] },
      client: {
        algorithms: { hostKey: ['ecdsa-sha2-nistp256-cert-v01@openssh.com', 'ecdsa-sha2-nistp256'] },
      },
    });
    pair.pump();
    const hk = pair.client.events.find((e) => e.type === 'host-key');
    expect(hk?.type === 'host-key' && hk.algorithm).toBe('ecdsa-sha2-nistp256-cert-v01@openssh.com');
    expect(hk?.type === 'host-key' && parsePublicKey(hk.hostKey).equals(cert)).toBe(true);
    expect(pair.client.transport.ready).toBe(true);

    // A client that does not ask for certificates gets the plain key from the same server.
    const plain = makePair({ server: { hostKeys: [hostKey, new CertifiedPrivateKey(hostKey, cert)] } });
    plain.pump();
    const phk = plain.client.events.find((e) => e.type === 'host-key');
    expect(phk?.type === 'host-key' && phk.algorithm).toBe('ecdsa-sha2-nistp256');
  });

  it('fails the key exchange when the host certificate was signed by someone else than it says', () => {
    const hostKey = keys[0]!;
    const cert = createCertificate({ key: hostKey.publicKey, certType: 'host' }, ca);
    // Swap the CA key inside the blob: the certificate no longer verifies.
    const forged = cert.blob.slice();
    const at = findBytes(forged, ca.publicKey.blob);
    forged.set(keys[0]!.publicKey.blob, at);
    const fake = {
      publicKey: {
        ...cert,
        blob: forged,
        signatureAlgorithms: cert.signatureAlgorithms,
        verify: () => true,
        equals: () => false,
        type: cert.type,
      },
      sign: (d: Uint8Array) => hostKey.sign(d),
    };
    const pair = makePair({
      server: { hostKeys: [fake] },
      client: { algorithms: { hostKey: ['ssh-ed25519-cert-v01@openssh.com'] } },
    });
    pair.pump();
    expect(pair.closedWith(pair.client)?.message).toMatch(/host key signature verification failed/);
  });
});

function findBytes(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}
