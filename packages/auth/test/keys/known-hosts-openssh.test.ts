/** Hashed known_hosts names against the real ssh-keygen: `-H` output matches here, and `-F` finds ours. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateKey } from '@seashell/transport';
import { expect, it } from 'vitest';
import {
  describeWithSshKeygen,
  sshKeygen,
  tempDirForSuite,
} from '../../../transport/test/support/ssh-keygen.js';
import { checkHostKey, knownHostsName, parseKnownHosts } from '../../src/keys/known-hosts.js';
import { hashHostName } from '../../src/keys/known-hosts-hash.js';
import { formatPublicKeyLine } from '../../src/keys/public-key-file.js';

describeWithSshKeygen('hashed known_hosts and ssh-keygen', () => {
  const dir = tempDirForSuite('seashell-hashed-');

  it('matches what ssh-keygen -H writes', () => {
    const a = generateKey('ssh-ed25519').publicKey;
    const b = generateKey('ecdsa-sha2-nistp256').publicKey;
    const file = join(dir, 'known_hosts');
    writeFileSync(
      file,
      `example.com,10.0.0.1 ${formatPublicKeyLine(a)}\n[h.test]:2222 ${formatPublicKeyLine(b)}\n`,
    );
    sshKeygen(['-q', '-H', '-f', file]);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain('example.com');
    const { entries, skipped } = parseKnownHosts(text);
    expect(skipped).toEqual([]);
    expect(entries.every((e) => e.hosts.every((h) => h.startsWith('|1|')))).toBe(true);
    expect(checkHostKey(entries, 'example.com', 22, a).status).toBe('match');
    expect(checkHostKey(entries, '10.0.0.1', 22, a).status).toBe('match');
    expect(checkHostKey(entries, 'h.test', 2222, b).status).toBe('match');
    expect(checkHostKey(entries, 'h.test', 22, b).status).toBe('unknown');
    expect(checkHostKey(entries, 'example.com', 22, b).status).toBe('mismatch');
  });

  it('writes hashed names ssh-keygen -F finds', () => {
    const key = generateKey('ssh-ed25519').publicKey;
    const file = join(dir, 'ours');
    const lines = [
      ['example.org', 22],
      ['h.test', 2200],
    ].map(
      ([h, p]) => `${hashHostName(knownHostsName(h as string, p as number))} ${formatPublicKeyLine(key)}`,
    );
    writeFileSync(file, `${lines.join('\n')}\n`);
    expect(sshKeygen(['-F', 'example.org', '-f', file])).toContain(formatPublicKeyLine(key));
    expect(sshKeygen(['-F', '[h.test]:2200', '-f', file])).toContain(formatPublicKeyLine(key));
    expect(() => sshKeygen(['-F', 'example.net', '-f', file])).toThrow();
  });
});
