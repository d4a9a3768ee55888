/**
 * PuTTY PPK v2 and v3 (PuTTY manual Appendix C): files puttygen made (fixtures), our writer's
 * round trip, MAC and passphrase failures, Argon2 cost limits, and mutated files.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SshError } from '@seashell/transport';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { BadPassphraseError, EncryptedKeyError, KeyFileError } from '../../src/keys/errors.js';
import { type Argon2Flavour, formatPpkPrivateKey, openPpkPrivateKey } from '../../src/keys/ppk.js';
import type { OpenSshPrivateKeyType } from '../../src/keys/private-key-fields.js';
import { parsePublicKeyLine } from '../../src/keys/public-key-file.js';
import { keysOfEveryType } from '../support/keys.js';

const FIXTURES = join(import.meta.dirname, '../fixtures/ppk');
const data = new TextEncoder().encode('signed with a PPK key');
const counting = () => {
  let n = 0;
  return (len: number) => Uint8Array.from({ length: len }, () => n++ & 0xff);
};
const cheap = { memoryKiB: 64, passes: 1 };

let keys: OpenSshPrivateKeyType[];
beforeAll(() => {
  keys = keysOfEveryType() as OpenSshPrivateKeyType[];
});

describe('files made by puttygen 0.78', () => {
  const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.ppk'));
  it('has the fixtures', () => expect(files.length).toBeGreaterThanOrEqual(7));
  for (const name of files) {
    it(name, () => {
      const text = readFileSync(join(FIXTURES, name), 'utf8');
      const pub = parsePublicKeyLine(readFileSync(join(FIXTURES, name.replace('.ppk', '.pub')), 'utf8'));
      const ppk = openPpkPrivateKey(text);
      expect(ppk.version).toBe(name.includes('-v2') ? 2 : 3);
      expect(ppk.comment).toBe(pub.comment);
      expect(ppk.publicKey.equals(pub.key)).toBe(true);
      const pass = ppk.encrypted ? 'pass word' : undefined;
      const { privateKey, comment } = ppk.open(pass);
      expect(comment).toBe(pub.comment);
      expect(pub.key.verify(data, privateKey.sign(data))).toBe(true);
      if (ppk.encrypted) {
        expect(() => ppk.open()).toThrow(EncryptedKeyError);
        expect(() => ppk.open('pass worD')).toThrow(BadPassphraseError);
      }
      // CRLF and CR line ends are read too (Appendix C.2).
      expect(
        openPpkPrivateKey(text.replace(/\n/g, '\r\n')).open(pass).privateKey.publicKey.equals(pub.key),
      ).toBe(true);
      expect(
        openPpkPrivateKey(text.replace(/\n/g, '\r')).open(pass).privateKey.publicKey.equals(pub.key),
      ).toBe(true);
    });
  }
});

describe('our PPK writer', () => {
  it('round-trips every key type, v2 and v3, plain and encrypted, every Argon2 flavour', () => {
    for (const key of keys) {
      for (const version of [2, 3] as const) {
        for (const passphrase of ['', 'pass word']) {
          for (const flavour of ['Argon2id', 'Argon2i', 'Argon2d'] as Argon2Flavour[]) {
            if ((version === 2 || passphrase === '') && flavour !== 'Argon2id') continue;
            const text = formatPpkPrivateKey(key, {
              version,
              passphrase,
              comment: `k ${key.publicKey.type}`,
              argon2: { ...cheap, flavour },
            });
            const ppk = openPpkPrivateKey(text);
            expect([ppk.version, ppk.encrypted, ppk.comment]).toEqual([
              version,
              passphrase !== '',
              `k ${key.publicKey.type}`,
            ]);
            if (ppk.argon2) expect(ppk.argon2.flavour).toBe(flavour);
            const { privateKey } = ppk.open(passphrase || undefined);
            expect(key.publicKey.verify(data, privateKey.sign(data))).toBe(true);
          }
        }
      }
    }
  });

  it('writes the same file from the same randomness, puttygen-style', () => {
    const a = formatPpkPrivateKey(keys[0]!, { passphrase: 'pw', argon2: cheap, random: counting() });
    expect(a).toBe(formatPpkPrivateKey(keys[0]!, { passphrase: 'pw', argon2: cheap, random: counting() }));
    const lines = a.split('\n');
    expect(lines.slice(0, 3)).toEqual([
      'PuTTY-User-Key-File-3: ssh-ed25519',
      'Encryption: aes256-cbc',
      'Comment: ',
    ]);
    expect(lines).toContain('Key-Derivation: Argon2id');
    expect(lines.at(-2)).toMatch(/^Private-MAC: [0-9a-f]{64}$/);
    expect(() => formatPpkPrivateKey(keys[0]!, { comment: 'a\nb' })).toThrow(RangeError);
  });

  it('round-trips arbitrary comments and passphrases', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 30 }).filter((c) => !/[\r\n]/.test(c) && c.trim() === c),
        fc.string({ minLength: 1, maxLength: 20 }),
        fc.constantFrom(2 as const, 3 as const),
        (comment, passphrase, version) => {
          const text = formatPpkPrivateKey(keys[1]!, { comment, passphrase, version, argon2: cheap });
          const { comment: c, privateKey } = openPpkPrivateKey(text).open(passphrase);
          expect(c).toBe(comment);
          expect(privateKey.publicKey.equals(keys[1]!.publicKey)).toBe(true);
        },
      ),
      { seed: 20, numRuns: 40 },
    );
  });
});

describe('PPK integrity and hostile files', () => {
  it('the MAC covers comment and public key: a change is a damaged file, or a bad passphrase', () => {
    const plain = formatPpkPrivateKey(keys[0]!, { comment: 'one' });
    expect(() => openPpkPrivateKey(plain.replace('Comment: one', 'Comment: two')).open()).toThrow(
      /Private-MAC/,
    );
    const enc = formatPpkPrivateKey(keys[0]!, { comment: 'one', passphrase: 'pw', argon2: cheap });
    expect(() => openPpkPrivateKey(enc.replace('Comment: one', 'Comment: two')).open('pw')).toThrow(
      BadPassphraseError,
    );
    const other = formatPpkPrivateKey(keys[1]!, { comment: 'one' });
    const swapped = other.split('Private-Lines')[0] + plain.slice(plain.indexOf('Private-Lines'));
    expect(() => openPpkPrivateKey(swapped).open()).toThrow(SshError);
  });

  it('refuses Argon2 costs over the limits before any passphrase is asked for', () => {
    const text = formatPpkPrivateKey(keys[0]!, { passphrase: 'pw', argon2: { memoryKiB: 128, passes: 2 } });
    expect(() => openPpkPrivateKey(text, { maxArgon2MemoryKiB: 64 })).toThrow(/Argon2-Memory 128/);
    expect(() => openPpkPrivateKey(text, { maxArgon2Passes: 1 })).toThrow(/Argon2-Passes 2/);
    expect(() => openPpkPrivateKey(text, { maxArgon2Work: 255 })).toThrow(/memory × passes/);
    expect(() => openPpkPrivateKey(text.replace('Argon2-Memory: 128', 'Argon2-Memory: 4294967295'))).toThrow(
      KeyFileError,
    );
    expect(() => openPpkPrivateKey(text.replace('Argon2-Parallelism: 1', 'Argon2-Parallelism: 0'))).toThrow(
      KeyFileError,
    );
  });

  it('refuses other versions, ciphers and key types', () => {
    const text = formatPpkPrivateKey(keys[0]!);
    expect(() => openPpkPrivateKey(text.replace('File-3', 'File-1'))).toThrow(/version 1/);
    expect(() => openPpkPrivateKey(text.replace('Encryption: none', 'Encryption: aes128-cbc'))).toThrow(
      /encryption/,
    );
    expect(() => openPpkPrivateKey(text.replace('ssh-ed25519', 'ssh-dss'))).toThrow(SshError);
    expect(() => openPpkPrivateKey(`${text}extra\n`)).toThrow(/trailing/);
  });

  it('gives a key or a typed error on mutated files', () => {
    const texts = keys.flatMap((key) => [
      formatPpkPrivateKey(key, { comment: 'c' }),
      formatPpkPrivateKey(key, { comment: 'c', version: 2, passphrase: 'pw' }),
      formatPpkPrivateKey(key, { comment: 'c', passphrase: 'pw', argon2: { memoryKiB: 16, passes: 1 } }),
    ]);
    fc.assert(
      fc.property(
        fc.nat(),
        fc.array(
          fc.record({ at: fc.nat(), char: fc.constantFrom('0', '9', 'A', '/', ':', ' ', '\n', 'x', '') }),
          {
            minLength: 1,
            maxLength: 4,
          },
        ),
        fc.constantFrom(undefined, 'pw', 'wrong'),
        (which, edits, passphrase) => {
          let text = texts[which % texts.length]!;
          for (const e of edits) {
            const at = e.at % text.length;
            text = text.slice(0, at) + e.char + text.slice(at + 1);
          }
          try {
            openPpkPrivateKey(text, { maxArgon2MemoryKiB: 64, maxArgon2Passes: 2 }).open(passphrase);
          } catch (e) {
            if (!(e instanceof SshError)) throw e;
          }
        },
      ),
      { seed: 21, numRuns: 500 },
    );
  });
});
