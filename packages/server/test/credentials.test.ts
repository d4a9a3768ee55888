/**
 * seashell-sshd's credential files: authorized_keys with options, TrustedUserCAKeys, RevokedKeys
 * (a KRL or a key list), host certificates checked at startup.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatOpenSshPrivateKey, formatPublicKeyLine } from '@seashell/auth';
import { base64Encode, createCertificate, generateKey, SshWriter } from '@seashell/transport';
import { afterAll, describe, expect, it } from 'vitest';
import {
  authorizedKeysChecker,
  parsePublicKeyList,
  revokedKeysChecker,
  trustedCaChecker,
} from '../src/node/credentials.js';
import { parseSshdArgs, UsageError } from '../src/node/sshd-options.js';
import { setupSshd } from '../src/node/sshd-setup.js';

const dir = mkdtempSync(join(tmpdir(), 'seashell-credentials-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const fixed = (n: number) => (len: number) => new Uint8Array(len).fill(n);
const ca = generateKey('ssh-ed25519', fixed(1));
const alice = generateKey('ssh-ed25519', fixed(2));
const bob = generateKey('ecdsa-sha2-nistp256', fixed(3));
const file = (name: string, text: string | Uint8Array) => {
  const path = join(dir, name);
  writeFileSync(path, text, { mode: 0o600 });
  return path;
};
const ctx = { user: 'alice', remoteAddress: '127.0.0.1', remotePort: 1, clientVersion: 'SSH-2.0-x' };

describe('authorizedKeysChecker', () => {
  it("grants the line's permissions, logs unusable and refusing lines", async () => {
    const logs: string[] = [];
    const path = file(
      'authorized_keys',
      [
        `bogus-option ${formatPublicKeyLine(bob.publicKey)}`,
        `from="10.0.0.0/8" ${formatPublicKeyLine(alice.publicKey)}`,
        `no-pty,command="id",environment="A=1" ${formatPublicKeyLine(alice.publicKey)}`,
      ].join('\n'),
    );
    const check = authorizedKeysChecker(path, (level, m) => logs.push(`${level} ${m}`), {
      permitUserEnvironment: true,
    });
    const p = await check(ctx, alice.publicKey);
    if (p === false) throw new Error('refused');
    expect(p.criticalOptions.get('force-command')).toBe('id');
    expect(p.extensions.has('permit-pty')).toBe(false);
    expect(p.environment).toEqual(['A=1']);
    expect(await check(ctx, bob.publicKey)).toBe(false);
    expect(logs.some((l) => /^0 .*line 1: skipped: .*unknown option "bogus-option"/.test(l))).toBe(true);
    expect(logs.some((l) => /^1 .*line 2 refused it: from= does not allow 127.0.0.1/.test(l))).toBe(false);
    expect(await authorizedKeysChecker(join(dir, 'missing'), () => {})(ctx, alice.publicKey)).toBe(false);
  });
});

describe('TrustedUserCAKeys and RevokedKeys files', () => {
  it('reads key lists, refusing certificates and garbage', () => {
    expect(parsePublicKeyList(`# cas\n\n${formatPublicKeyLine(ca.publicKey)} comment\n`)).toHaveLength(1);
    const cert = createCertificate({ key: alice.publicKey, certType: 'user' }, ca);
    expect(() => parsePublicKeyList(formatPublicKeyLine(cert))).toThrow(/line 1: a certificate/);
    expect(() => parsePublicKeyList('\nnot a key')).toThrow(/line 2/);
  });

  it('trusts the CAs listed now, re-reading the file', async () => {
    const path = file('cas', formatPublicKeyLine(ca.publicKey));
    const trusted = trustedCaChecker(path, () => {});
    expect(await trusted(ca.publicKey)).toBe(true);
    expect(await trusted(bob.publicKey)).toBe(false);
    writeFileSync(path, formatPublicKeyLine(bob.publicKey));
    expect(await trusted(bob.publicKey)).toBe(true);
    expect(await trustedCaChecker(join(dir, 'nope'), () => {})(ca.publicKey)).toBe(false);
  });

  it('revokes from a key list or a KRL; an unreadable or corrupt file revokes everything', async () => {
    const cert = createCertificate({ key: alice.publicKey, certType: 'user', serial: 5n }, ca);
    const list = revokedKeysChecker(file('revoked.txt', formatPublicKeyLine(ca.publicKey)), () => {});
    expect(await list(cert)).toBe(true);
    expect(await list(alice.publicKey)).toBe(false);
    const krl = new SshWriter()
      .raw(new TextEncoder().encode('SSHKRL\n\0'))
      .uint32(1)
      .uint64(0n)
      .uint64(0n)
      .uint64(0n)
      .string(new Uint8Array(0))
      .string('')
      .byte(2)
      .string(new SshWriter().string(alice.publicKey.blob).bytes())
      .bytes();
    const fromKrl = revokedKeysChecker(file('revoked.krl', krl), () => {});
    expect(await fromKrl(cert)).toBe(true);
    expect(await fromKrl(bob.publicKey)).toBe(false);
    const logs: string[] = [];
    const broken = revokedKeysChecker(file('broken.krl', krl.subarray(0, 30)), (_l, m) => logs.push(m));
    expect(await broken(bob.publicKey)).toBe(true);
    expect(logs[0]).toMatch(/refusing every key/);
  });
});

describe('setupSshd with certificates', () => {
  const hostKeyFile = file('host_key', formatOpenSshPrivateKey(alice));
  const setup = (argv: string[]) => setupSshd(parseSshdArgs(['-h', hostKeyFile, ...argv]), () => {});
  const certLine = (c: ReturnType<typeof createCertificate>) => `${c.type} ${base64Encode(c.blob)} c\n`;

  it('serves a host certificate of a host key, and trusts user CAs from a file', () => {
    const hostCert = createCertificate({ key: alice.publicKey, certType: 'host', principals: ['h'] }, ca);
    const s = setup([
      '--host-certificate',
      file('host-cert.pub', certLine(hostCert)),
      '--trusted-user-ca-keys',
      file('user_ca.pub', formatPublicKeyLine(ca.publicKey)),
    ]);
    expect(s.hostCertificates.map((h) => h.certificate.equals(hostCert))).toEqual([true]);
    expect(s.serverOptions.certChecker).toBeDefined();
    expect(s.serverOptions.hostCertificates).toHaveLength(1);
  });

  it('refuses a certificate for no host key, a user certificate, a plain key, a bad CA file', () => {
    const stray = createCertificate({ key: bob.publicKey, certType: 'host' }, ca);
    const user = createCertificate({ key: alice.publicKey, certType: 'user' }, ca);
    const pw = ['--password', 'a:b'];
    expect(() => setup([...pw, '--host-certificate', file('stray-cert.pub', certLine(stray))])).toThrow(
      /no host key matches it/,
    );
    expect(() => setup([...pw, '--host-certificate', file('user-cert.pub', certLine(user))])).toThrow(
      /a user certificate/,
    );
    expect(() =>
      setup([...pw, '--host-certificate', file('plain.pub', formatPublicKeyLine(bob.publicKey))]),
    ).toThrow(/not a certificate/);
    expect(() => setup(['--trusted-user-ca-keys', file('bad_ca', 'garbage')])).toThrow(UsageError);
    expect(() => setup(['--trusted-user-ca-keys', join(dir, 'absent')])).toThrow(UsageError);
  });
});
