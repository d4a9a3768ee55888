/**
 * Encrypted openssh-key-v1 files (PROTOCOL.key; sshkey.c private2_encrypt/decrypt): every key
 * file cipher round-trips, a wrong passphrase is BadPassphraseError, a missing one
 * EncryptedKeyError, and damaged files give typed errors in bounded time.
 */
import { base64Decode, base64Encode, type PrivateKey, SshError, SshReader } from '@seashell/transport';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { BadPassphraseError, EncryptedKeyError, KeyFileError } from '../../src/keys/errors.js';
import { KEY_FILE_CIPHERS, type KeyFileCipherName } from '../../src/keys/openssh-key-ciphers.js';
import {
  formatOpenSshPrivateKey,
  openOpenSshPrivateKey,
  parseOpenSshPrivateKey,
} from '../../src/keys/openssh-private-key.js';
import { keysOfEveryType } from '../support/keys.js';

const BEGIN = '-----BEGIN OPENSSH PRIVATE KEY-----';
const END = '-----END OPENSSH PRIVATE KEY-----';
const armor = (blob: Uint8Array) => `${BEGIN}\n${base64Encode(blob)}\n${END}\n`;
const dearmor = (text: string) => base64Decode(text.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, ''));
const CIPHERS = Object.keys(KEY_FILE_CIPHERS) as KeyFileCipherName[];
/** A counter as the random source: fixed salt and checkint. */
const counting = () => {
  let n = 0;
  return (len: number) => Uint8Array.from({ length: len }, () => n++ & 0xff);
};

let keys: PrivateKey[];
beforeAll(() => {
  keys = keysOfEveryType();
});

describe('PROTOCOL.key encryption', () => {
  it('round-trips every key type under every cipher, and only with the right passphrase', () => {
    const data = new TextEncoder().encode('sign me');
    for (const cipher of CIPHERS) {
      for (const key of keys) {
        const text = formatOpenSshPrivateKey(key, {
          comment: 'c',
          passphrase: 'pass phrase',
          cipher,
          rounds: 1,
        });
        const file = openOpenSshPrivateKey(text);
        expect([file.cipher, file.kdf, file.rounds, file.encrypted]).toEqual([cipher, 'bcrypt', 1, true]);
        expect(file.publicKey.equals(key.publicKey)).toBe(true);
        const { privateKey, comment } = parseOpenSshPrivateKey(text, { passphrase: 'pass phrase' });
        expect(comment).toBe('c');
        expect(key.publicKey.verify(data, privateKey.sign(data))).toBe(true);
        expect(() => parseOpenSshPrivateKey(text, { passphrase: 'pass phrasE' })).toThrow(BadPassphraseError);
        expect(() => parseOpenSshPrivateKey(text, { passphrase: '' })).toThrow(BadPassphraseError);
        expect(() => parseOpenSshPrivateKey(text)).toThrow(EncryptedKeyError);
      }
    }
  });

  it('pads to the cipher block and puts an AEAD tag after the counted ciphertext', () => {
    for (const cipher of CIPHERS) {
      const spec = KEY_FILE_CIPHERS[cipher];
      const r = new SshReader(
        dearmor(formatOpenSshPrivateKey(keys[0]!, { passphrase: 'x', cipher, rounds: 1 })),
      );
      r.raw(15);
      expect(r.ascii()).toBe(cipher);
      expect(r.ascii()).toBe('bcrypt');
      const options = new SshReader(r.string());
      expect(options.string()).toHaveLength(16);
      expect(options.uint32()).toBe(1);
      r.uint32();
      r.string();
      const length = r.uint32();
      expect(length % spec.blockSize).toBe(0);
      expect(r.remaining).toBe(length + spec.tagLength);
    }
  });

  it('writes the same bytes from the same randomness, with 24 rounds and aes256-ctr by default', () => {
    const a = formatOpenSshPrivateKey(keys[0]!, { passphrase: 'pw', random: counting() });
    expect(a).toBe(formatOpenSshPrivateKey(keys[0]!, { passphrase: 'pw', random: counting() }));
    expect(openOpenSshPrivateKey(a)).toMatchObject({ cipher: 'aes256-ctr', rounds: 24 });
    // An empty passphrase writes an unencrypted key, as ssh-keygen -N ''.
    expect(openOpenSshPrivateKey(formatOpenSshPrivateKey(keys[0]!, { passphrase: '' })).encrypted).toBe(
      false,
    );
  });

  it('round-trips arbitrary passphrases', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 40, unit: 'grapheme' }),
        fc.constantFrom(...CIPHERS),
        (pw, cipher) => {
          const text = formatOpenSshPrivateKey(keys[0]!, { passphrase: pw, cipher, rounds: 1 });
          expect(
            parseOpenSshPrivateKey(text, { passphrase: pw }).privateKey.publicKey.equals(keys[0]!.publicKey),
          ).toBe(true);
        },
      ),
      { seed: 4, numRuns: 40 },
    );
  });

  it('a flipped ciphertext or tag bit under an AEAD cipher is a bad passphrase, never a key', () => {
    for (const cipher of ['aes256-gcm@openssh.com', 'chacha20-poly1305@openssh.com'] as const) {
      const blob = dearmor(formatOpenSshPrivateKey(keys[0]!, { passphrase: 'pw', cipher, rounds: 1 }));
      for (const at of [blob.length - 1, blob.length - 17, blob.length - 40]) {
        const bad = blob.slice();
        bad[at]! ^= 0x10;
        expect(() => parseOpenSshPrivateKey(armor(bad), { passphrase: 'pw' })).toThrow(BadPassphraseError);
      }
    }
  });

  it('checks framing and cost before the KDF runs', () => {
    const blob = dearmor(formatOpenSshPrivateKey(keys[0]!, { passphrase: 'pw', rounds: 3 }));
    const cut = armor(blob.slice(0, blob.length - 5));
    expect(() => openOpenSshPrivateKey(cut)).toThrow(SshError);
    expect(() => openOpenSshPrivateKey(armor(Uint8Array.of(...blob, 0)))).toThrow(SshError);
    const text = armor(blob);
    expect(() => openOpenSshPrivateKey(text, { maxBcryptRounds: 2 })).toThrow(KeyFileError);
    const unknown = armor(Uint8Array.of(...blob).map((b, i) => (i >= 19 && i < 29 ? 0x61 : b)));
    expect(() => openOpenSshPrivateKey(unknown)).toThrow(/unsupported key file cipher/);
  });

  it('gives a key or a typed error on mutated encrypted files, with the KDF cost bounded', () => {
    const blobs = CIPHERS.map((cipher) =>
      dearmor(formatOpenSshPrivateKey(keys[1]!, { passphrase: 'pw', cipher, rounds: 1 })),
    );
    fc.assert(
      fc.property(
        fc.nat(),
        fc.array(fc.record({ at: fc.nat(), value: fc.nat({ max: 255 }), cut: fc.boolean() }), {
          minLength: 1,
          maxLength: 3,
        }),
        fc.constantFrom(undefined, 'pw', 'wrong'),
        (which, edits, passphrase) => {
          let blob = blobs[which % blobs.length]!.slice();
          for (const e of edits) {
            const i = e.at % blob.length;
            if (e.cut) blob = blob.slice(0, i);
            else blob[i] = e.value;
            if (blob.length === 0) return;
          }
          try {
            parseOpenSshPrivateKey(armor(blob), { passphrase, limits: { maxBcryptRounds: 4 } });
          } catch (e) {
            if (!(e instanceof SshError)) throw e;
          }
        },
      ),
      { seed: 5, numRuns: 400 },
    );
  });
});
