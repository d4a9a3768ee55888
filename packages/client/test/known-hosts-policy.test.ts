/** ssh_config(5) StrictHostKeyChecking against known_hosts files. */
import { formatPublicKeyLine, hashHostName, parseKnownHosts } from '@seashell/auth';
import { createCertificate, fingerprintSha256, generateKey, type PublicKey } from '@seashell/transport';
import { describe, expect, it } from 'vitest';
import {
  decideHostKey,
  type KnownHostsFile,
  knownCertAuthority,
  knownKeyTypes,
} from '../src/node/known-hosts-policy.js';

const fixed = (n: number) => (len: number) => new Uint8Array(len).fill(n);
const serverKey = generateKey('ssh-ed25519', fixed(1)).publicKey;
const otherKey = generateKey('ssh-ed25519', fixed(2)).publicKey;
const ecdsaKey = generateKey('ecdsa-sha2-nistp256', fixed(3)).publicKey;
const line = (hosts: string, key: PublicKey) => `${hosts} ${formatPublicKeyLine(key)}`;
const file = (path: string, ...lines: string[]): KnownHostsFile => ({
  path,
  entries: parseKnownHosts(lines.join('\n')).entries,
});

describe('host key decisions', () => {
  it('accepts a listed key, naming the file and line', () => {
    const files = [file('/u', line('other', otherKey), line('[h]:2222', serverKey))];
    expect(decideHostKey(files, 'h', 2222, serverKey, 'yes', '/u')).toEqual({
      kind: 'accept',
      path: '/u',
      line: 2,
    });
  });

  it('falls back to the bare host for another port, but only for a match', () => {
    expect(
      decideHostKey([file('/u', line('h', serverKey))], 'h', 2222, serverKey, 'yes', '/u'),
    ).toMatchObject({
      kind: 'accept',
    });
    expect(decideHostKey([file('/u', line('h', otherKey))], 'h', 2222, serverKey, 'yes', '/u')).toMatchObject(
      {
        kind: 'refuse',
      },
    );
  });

  it('refuses a changed key in every mode, with the warning naming file and line', () => {
    const files = [file('/u'), file('/g', '# c', line('[h]:2222', otherKey))];
    for (const mode of ['yes', 'no', 'accept-new', 'ask'] as const) {
      const d = decideHostKey(files, 'h', 2222, serverKey, mode, '/u');
      expect(d.kind).toBe('refuse');
      if (d.kind !== 'refuse') continue;
      expect(d.message).toContain('@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @');
      expect(d.message).toContain(`${fingerprintSha256(serverKey)}.`);
      expect(d.message).toContain('Offending key in /g:2');
      expect(d.message.at(-1)).toBe('Host key verification failed.');
    }
  });

  it('refuses a revoked key even where a line accepts it', () => {
    const files = [file('/u', line('h', serverKey), `@revoked * ${formatPublicKeyLine(serverKey)}`)];
    const d = decideHostKey(files, 'h', 22, serverKey, 'no', '/u');
    expect(d).toMatchObject({ kind: 'refuse' });
    expect(d.kind === 'refuse' && d.message.join('\n')).toMatch(/REVOKED HOST KEY.*\n.*revoked in \/u:2/s);
  });

  it('an unknown host: yes refuses, accept-new and no add, ask asks', () => {
    const files = [file('/u', line('elsewhere', otherKey))];
    expect(decideHostKey(files, 'h', 22, serverKey, 'yes', '/u')).toEqual({
      kind: 'refuse',
      message: [
        'No ED25519 host key is known for h and you have requested strict checking.',
        'Host key verification failed.',
      ],
    });
    expect(decideHostKey(files, 'h', 22, serverKey, 'accept-new', '/u')).toEqual({ kind: 'add', path: '/u' });
    expect(decideHostKey(files, 'h', 22, serverKey, 'no', '/u')).toEqual({ kind: 'add', path: '/u' });
    expect(decideHostKey(files, 'h', 22, serverKey, 'ask', '/u')).toMatchObject({ kind: 'ask', path: '/u' });
  });

  it('reads hashed names: a hashed line for the host is a match or a mismatch', () => {
    const files = [file('/u', `${hashHostName('[h]:2222')} ${formatPublicKeyLine(otherKey)}`)];
    expect(decideHostKey(files, 'h', 2222, otherKey, 'yes', '/u')).toEqual({
      kind: 'accept',
      path: '/u',
      line: 1,
    });
    const d = decideHostKey(files, 'h', 2222, serverKey, 'accept-new', '/u');
    expect(d.kind === 'refuse' && d.message).toContain('Offending key in /u:1');
    expect(decideHostKey(files, 'other', 22, serverKey, 'accept-new', '/u')).toEqual({
      kind: 'add',
      path: '/u',
    });
  });

  describe('host certificates', () => {
    const ca = generateKey('ecdsa-sha2-nistp256', fixed(9));
    const NOW = Date.UTC(2026, 0, 1);
    const hostCert = (principals = ['h'], validBefore = BigInt(NOW / 1000) + 60n) =>
      createCertificate({ key: serverKey, certType: 'host', principals, validBefore }, ca);
    const caLine = `@cert-authority h,*.corp ${formatPublicKeyLine(ca.publicKey)}`;

    it('accepts a valid certificate of a CA trusted for the host, whatever the mode', () => {
      for (const mode of ['yes', 'no', 'accept-new', 'ask'] as const)
        expect(decideHostKey([file('/u', caLine)], 'h', 22, hostCert(), mode, '/u', NOW)).toEqual({
          kind: 'accept',
          path: '/u',
          line: 1,
          authority: true,
        });
    });

    it('refuses an expired or misnamed certificate of a trusted CA, in every mode', () => {
      for (const cert of [hostCert(['x']), hostCert(['h'], BigInt(NOW / 1000))]) {
        const d = decideHostKey([file('/u', caLine)], 'h', 22, cert, 'no', '/u', NOW);
        expect(d.kind).toBe('refuse');
        expect(d.kind === 'refuse' && d.message[0]).toMatch(
          /^Certificate invalid for h: .* \(CA trusted in \/u:1\)\.$/,
        );
      }
    });

    it('refuses a certificate of a @revoked CA (CVE-2026-42508), naming the CA', () => {
      const files = [file('/u', caLine), file('/g', `@revoked * ${formatPublicKeyLine(ca.publicKey)}`)];
      const d = decideHostKey(files, 'h', 22, hostCert(), 'no', '/u', NOW);
      expect(d.kind === 'refuse' && d.message.join('\n')).toMatch(
        /The CA that signed the ED25519-CERT host key for h is marked as revoked in \/g:1/,
      );
    });

    it('treats a certificate of an unknown CA as its plain key', () => {
      expect(
        decideHostKey([file('/u', line('h', serverKey))], 'h', 22, hostCert(), 'yes', '/u', NOW),
      ).toEqual({
        kind: 'accept',
        path: '/u',
        line: 1,
      });
      expect(decideHostKey([file('/u')], 'h', 22, hostCert(), 'yes', '/u', NOW)).toMatchObject({
        kind: 'refuse',
        message: [
          'No ED25519 host key is known for h and you have requested strict checking.',
          'Host key verification failed.',
        ],
      });
    });

    it('says a CA speaks for the host, so that certificate algorithms are asked for first', () => {
      expect(knownCertAuthority([file('/u', caLine)], 'a.corp', 22)).toBe(true);
      expect(knownCertAuthority([file('/u', caLine)], 'a.org', 22)).toBe(false);
    });
  });

  it('lists the key types known for a host, so the server is asked for those first', () => {
    const files = [
      file('/u', line('h,g', ecdsaKey), line('g', serverKey)),
      file('/g', line('[h]:22', ecdsaKey)),
    ];
    expect(knownKeyTypes(files, 'h', 22)).toEqual(['ecdsa-sha2-nistp256']);
    expect(knownKeyTypes(files, 'g', 22)).toEqual(['ecdsa-sha2-nistp256', 'ssh-ed25519']);
  });
});
