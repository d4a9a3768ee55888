/** ssh_config(5) StrictHostKeyChecking against known_hosts files. */
import { formatPublicKeyLine, parseKnownHosts } from '@seashell/auth';
import { fingerprintSha256, generateKey, type PublicKey } from '@seashell/transport';
import { describe, expect, it } from 'vitest';
import { decideHostKey, type KnownHostsFile, knownKeyTypes } from '../src/node/known-hosts-policy.js';

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

  it('does not add a key that a line it cannot read (hashed name) may contradict', () => {
    const files = [file('/u', `|1|c2FsdA==|aGFzaA== ${formatPublicKeyLine(otherKey)}`)];
    const d = decideHostKey(files, 'h', 22, serverKey, 'accept-new', '/u');
    expect(d.kind === 'refuse' && d.message[0]).toMatch(/\/u:1 may concern it/);
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
