/** sshd(8) SSH_KNOWN_HOSTS FILE FORMAT: plain entries, [host]:port, markers, hashed names, host certificates. */

import { createHmac } from 'node:crypto';
import { type CertificateTemplate, createCertificate, type PrivateKey } from '@seashell/transport';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  checkHostKey,
  formatKnownHostsLine,
  hasCertAuthorityFor,
  knownHostsName,
  matchKnownHostsPatterns,
  parseKnownHosts,
} from '../../src/keys/known-hosts.js';
import { hashHostName, matchHashedHostName } from '../../src/keys/known-hosts-hash.js';
import { formatPublicKeyLine } from '../../src/keys/public-key-file.js';
import { keysOfEveryType } from '../support/keys.js';

let keys: PrivateKey[];
let key: (i: number) => string;
beforeAll(() => {
  keys = keysOfEveryType();
  key = (i) => formatPublicKeyLine(keys[i]!.publicKey);
});

describe('parseKnownHosts', () => {
  it('reads host lists, markers, hashed names and comments', () => {
    const text = [
      '# comment',
      `example.com,10.0.0.1 ${key(0)} my comment`,
      `[example.com]:2222 ${key(1)}`,
      `|1|c2FsdHNhbHRzYWx0c2FsdHNhbHQ=|aGFzaGhhc2hoYXNoaGFzaGhhc2g= ${key(2)}`,
      `@cert-authority *.example.com ${key(3)}`,
      `@revoked * ${key(4)}`,
      `@weird host ${key(0)}`,
      `host ssh-dss AAAAB3NzaC1kc3MAAAAA`,
      'onlyhost',
    ].join('\n');
    const { entries, skipped } = parseKnownHosts(text);
    expect(entries.map((e) => [e.kind, e.line])).toEqual([
      ['host', 2],
      ['host', 3],
      ['host', 4],
      ['cert-authority', 5],
      ['revoked', 6],
    ]);
    expect(entries[0]).toMatchObject({ hosts: ['example.com', '10.0.0.1'], comment: 'my comment' });
    expect(skipped.map((s) => s.line)).toEqual([7, 8, 9]);
  });

  it('never throws on arbitrary or mutated text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        parseKnownHosts(text);
      }),
      { seed: 1, numRuns: 2000 },
    );
    fc.assert(
      fc.property(
        fc.array(fc.record({ at: fc.nat(), text: fc.string({ maxLength: 4 }), cut: fc.nat({ max: 3 }) }), {
          maxLength: 5,
        }),
        (edits) => {
          let text = [0, 1, 2, 3, 4]
            .map((i) => formatKnownHostsLine(`h${i}`, 22 + i, keys[i]!.publicKey))
            .join('\n');
          for (const e of edits) {
            const i = e.at % (text.length + 1);
            text = text.slice(0, i) + e.text + text.slice(i + e.cut);
          }
          parseKnownHosts(`@revoked ${text}\n|1|${text}`);
        },
      ),
      { seed: 2, numRuns: 1000 },
    );
  });
});

describe('checkHostKey', () => {
  it('finds a match, a mismatch with its line, or nothing', () => {
    const { entries } = parseKnownHosts(
      [`example.com,10.0.0.1 ${key(0)}`, `[example.com]:2222 ${key(1)}`, `*.corp,!bad.corp ${key(2)}`].join(
        '\n',
      ),
    );
    const k = (i: number) => keys[i]!.publicKey;
    expect(checkHostKey(entries, 'example.com', 22, k(0))).toEqual({ status: 'match', line: 1 });
    expect(checkHostKey(entries, 'EXAMPLE.com', 22, k(0))).toEqual({ status: 'match', line: 1 });
    expect(checkHostKey(entries, '10.0.0.1', 22, k(0))).toEqual({ status: 'match', line: 1 });
    expect(checkHostKey(entries, 'example.com', 2222, k(1))).toEqual({ status: 'match', line: 2 });
    expect(checkHostKey(entries, 'example.com', 22, k(1))).toEqual({
      status: 'mismatch',
      line: 1,
      knownKeyTypes: ['ssh-ed25519'],
    });
    expect(checkHostKey(entries, 'example.com', 2222, k(0))).toMatchObject({ status: 'mismatch', line: 2 });
    expect(checkHostKey(entries, 'example.com', 2223, k(0))).toEqual({ status: 'unknown' });
    expect(checkHostKey(entries, 'a.corp', 22, k(2))).toEqual({ status: 'match', line: 3 });
    expect(checkHostKey(entries, 'bad.corp', 22, k(2))).toEqual({ status: 'unknown' });
  });

  it('refuses a @revoked key for any host, even one listed with it', () => {
    const { entries } = parseKnownHosts(
      [`example.com ${key(0)}`, `@revoked nothing.example ${key(0)}`].join('\n'),
    );
    expect(checkHostKey(entries, 'example.com', 22, keys[0]!.publicKey)).toEqual({
      status: 'revoked',
      line: 2,
    });
  });
});

describe('formatKnownHostsLine', () => {
  it('writes host for port 22 and [host]:port otherwise, and reads back as a match', () => {
    const k = keys[0]!.publicKey;
    expect(formatKnownHostsLine('Example.COM', 22, k)).toBe(`example.com ${formatPublicKeyLine(k)}`);
    expect(formatKnownHostsLine('::1', 2222, k)).toBe(`[::1]:2222 ${formatPublicKeyLine(k)}`);
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z0-9][a-z0-9.-]{0,30}$/),
        fc.integer({ min: 1, max: 65535 }),
        fc.nat(),
        (host, port, which) => {
          const pub = keys[which % keys.length]!.publicKey;
          const { entries } = parseKnownHosts(formatKnownHostsLine(host, port, pub));
          expect(checkHostKey(entries, host, port, pub)).toEqual({ status: 'match', line: 1 });
        },
      ),
      { seed: 3, numRuns: 300 },
    );
  });

  it('refuses host names known_hosts cannot hold and bad ports', () => {
    for (const host of ['', 'a b', 'a,b', '*.x', '!x', '|1|x', 'a\nb', 'ünï']) {
      expect(() => knownHostsName(host, 22)).toThrow(RangeError);
    }
    for (const port of [0, 65536, 1.5]) expect(() => knownHostsName('h', port)).toThrow(RangeError);
  });

  it('names unknown key types in skipped lines rather than failing', () => {
    const { skipped } = parseKnownHosts('host ssh-dss AAAAB3NzaC1kc3MAAAAA');
    expect(skipped).toHaveLength(1);
    expect(skipped[0]!.reason).toMatch(/unsupported key type "ssh-dss"/);
  });
});

describe('hashed host names (HashKnownHosts)', () => {
  it('matches |1|salt|hash lines by HMAC-SHA1 of the name, [host]:port included', () => {
    const { entries } = parseKnownHosts(
      [
        `${hashHostName('example.com')} ${key(0)}`,
        `${hashHostName('[example.com]:2222')} ${key(1)}`,
        `|1|bm90IGJhc2U2NA|!!! ${key(2)}`,
      ].join('\n'),
    );
    const k = (i: number) => keys[i]!.publicKey;
    expect(checkHostKey(entries, 'EXAMPLE.COM', 22, k(0))).toEqual({ status: 'match', line: 1 });
    expect(checkHostKey(entries, 'example.com', 2222, k(1))).toEqual({ status: 'match', line: 2 });
    expect(checkHostKey(entries, 'example.com', 22, k(1))).toMatchObject({ status: 'mismatch', line: 1 });
    expect(checkHostKey(entries, 'example.org', 22, k(0))).toEqual({ status: 'unknown' });
  });

  it('a known vector: the hash ssh-keygen -H would write for this salt', () => {
    // HMAC-SHA1(key = 20 bytes of 0x01, "localhost"), computed independently with node:crypto.
    const salt = Buffer.alloc(20, 1);
    const mac = createHmac('sha1', salt).update('localhost').digest('base64');
    const line = `|1|${salt.toString('base64')}|${mac}`;
    expect(matchHashedHostName('localhost', line)).toBe(true);
    expect(matchHashedHostName('localhost2', line)).toBe(false);
    expect(hashHostName('localhost', (n) => new Uint8Array(n).fill(1))).toBe(line);
  });

  it("round-trips any name, and a name never matches another's hash (fast-check)", () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 40 }),
        fc.string({ minLength: 1, maxLength: 40 }),
        (a, b) => {
          const hashed = hashHostName(a);
          expect(matchHashedHostName(a, hashed)).toBe(true);
          expect(matchKnownHostsPatterns(a, [hashed])).toBe('match');
          if (a !== b) expect(matchHashedHostName(b, hashed)).toBe(false);
        },
      ),
      { seed: 61, numRuns: 300 },
    );
  });

  it('treats malformed hashes as matching nothing (fast-check)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (junk) => {
        expect(matchHashedHostName('localhost', `|1|${junk}`)).toBe(false);
      }),
      { seed: 62, numRuns: 1000 },
    );
  });
});

describe('@cert-authority and @revoked with host certificates', () => {
  const NOW = Date.UTC(2026, 0, 1);
  let ca: PrivateKey;
  let hostKey: PrivateKey;
  beforeAll(() => {
    ca = keys[1]!;
    hostKey = keys[0]!;
  });
  const hostCert = (t: Partial<CertificateTemplate> = {}, signer?: PrivateKey) =>
    createCertificate(
      { key: hostKey.publicKey, certType: 'host', principals: ['host.example', '10.0.0.1'], ...t },
      signer ?? ca,
    );
  const caLine = (patterns: string) => `@cert-authority ${patterns} ${formatPublicKeyLine(ca.publicKey)}`;

  it('trusts a valid host certificate from a CA whose line matches the host', () => {
    const { entries } = parseKnownHosts([`other ${key(2)}`, caLine('*.example,[10.0.0.1]:2222')].join('\n'));
    expect(checkHostKey(entries, 'host.example', 22, hostCert(), { now: NOW })).toEqual({
      status: 'match',
      line: 2,
      authority: true,
    });
    expect(checkHostKey(entries, '10.0.0.1', 2222, hostCert(), { now: NOW })).toMatchObject({
      status: 'match',
    });
    expect(hasCertAuthorityFor(entries, 'host.example', 22)).toBe(true);
    expect(hasCertAuthorityFor(entries, 'host.other', 22)).toBe(false);
    // A hashed pattern on a CA line works too.
    const hashed = parseKnownHosts(caLine(hashHostName('host.example'))).entries;
    expect(checkHostKey(hashed, 'host.example', 22, hostCert(), { now: NOW })).toMatchObject({
      status: 'match',
    });
  });

  it('refuses a certificate of a trusted CA that is not valid here and now', () => {
    const { entries } = parseKnownHosts(caLine('*'));
    const check = (cert: ReturnType<typeof hostCert>, host = 'host.example') =>
      checkHostKey(entries, host, 22, cert, { now: NOW });
    expect(check(hostCert(), 'evil.example')).toEqual({
      status: 'invalid-certificate',
      line: 1,
      reason: 'name is not a listed principal',
    });
    expect(check(hostCert({ validBefore: BigInt(NOW / 1000) }))).toMatchObject({
      reason: 'certificate has expired',
    });
    expect(check(hostCert({ validAfter: BigInt(NOW / 1000) + 60n }))).toMatchObject({
      reason: 'certificate is not yet valid',
    });
    expect(check(hostCert({ certType: 'user' }))).toMatchObject({
      reason: 'user certificate used as a host certificate',
    });
    expect(check(hostCert({ criticalOptions: [{ name: 'force-command', value: 'x' }] }))).toMatchObject({
      reason: 'unsupported critical option "force-command"',
    });
    expect(checkHostKey(entries, 'host.example', 22, hostCert())).toMatchObject({
      status: 'invalid-certificate',
      reason: 'no clock to check the certificate against',
    });
    // ssh accepts a host certificate without principals for any host.
    expect(check(hostCert({ principals: [] }), 'anything')).toMatchObject({
      status: 'match',
      authority: true,
    });
  });

  it('looks a certificate of an unknown CA up as its plain key, as ssh does', () => {
    const { entries } = parseKnownHosts(
      [caLine('other.example'), `host.example ${formatPublicKeyLine(hostKey.publicKey)}`].join('\n'),
    );
    expect(checkHostKey(entries, 'host.example', 22, hostCert(), { now: NOW })).toEqual({
      status: 'match',
      line: 2,
    });
    const stranger = createCertificate({ key: keys[3]!.publicKey, certType: 'host' }, keys[2]!);
    expect(checkHostKey(entries, 'host.example', 22, stranger, { now: NOW })).toMatchObject({
      status: 'mismatch',
    });
    // accept-new records the certified key, not the certificate.
    expect(formatKnownHostsLine('h', 22, hostCert())).toBe(`h ${formatPublicKeyLine(hostKey.publicKey)}`);
  });

  it('refuses every certificate of a @revoked CA, and a certificate of a revoked key (CVE-2026-42508)', () => {
    const revokedCa = parseKnownHosts(
      [caLine('*'), `@revoked * ${formatPublicKeyLine(ca.publicKey)}`].join('\n'),
    );
    expect(checkHostKey(revokedCa.entries, 'host.example', 22, hostCert(), { now: NOW })).toEqual({
      status: 'revoked',
      line: 2,
      authority: true,
    });
    const revokedKey = parseKnownHosts(
      [caLine('*'), `@revoked nowhere ${formatPublicKeyLine(hostKey.publicKey)}`].join('\n'),
    );
    expect(checkHostKey(revokedKey.entries, 'host.example', 22, hostCert(), { now: NOW })).toEqual({
      status: 'revoked',
      line: 2,
    });
  });

  it('skips a certificate where a CA or a revoked key belongs', () => {
    const { entries, skipped } = parseKnownHosts(
      `@cert-authority * ${formatPublicKeyLine(hostCert())}\n@revoked * ${formatPublicKeyLine(hostCert())}`,
    );
    expect(entries).toEqual([]);
    expect(skipped.map((s) => s.reason)).toEqual([
      'a certificate cannot be a cert-authority key',
      'a certificate cannot be a revoked key',
    ]);
  });
});
