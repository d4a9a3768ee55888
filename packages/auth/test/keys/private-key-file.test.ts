/**
 * `readPrivateKeyFile` / `parsePrivateKey`: format detection across openssh-key-v1, PEM PKCS#1 and
 * SEC1, PKCS#8, DER and PPK; the passphrase callback asked only for encrypted files; and the typed
 * error contract on anything else.
 */
import { base64Encode, SshError, UnsupportedKeyError } from '@seashell/transport';
import fc from 'fast-check';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { encodePkcs8PrivateKey } from '../../src/keys/der-keys.js';
import { BadPassphraseError, EncryptedKeyError, KeyFileError } from '../../src/keys/errors.js';
import { formatOpenSshPrivateKey } from '../../src/keys/openssh-private-key.js';
import { formatPemPrivateKey } from '../../src/keys/pem-private-key.js';
import { formatPpkPrivateKey } from '../../src/keys/ppk.js';
import type { OpenSshPrivateKeyType } from '../../src/keys/private-key-fields.js';
import {
  type PrivateKeyFormat,
  parsePrivateKey,
  parsePrivateKeySync,
  readPrivateKeyFile,
} from '../../src/keys/private-key-file.js';
import { formatPublicKeyFile } from '../../src/keys/public-key-file.js';
import { keysOfEveryType } from '../support/keys.js';

let keys: OpenSshPrivateKeyType[];
beforeAll(() => {
  keys = keysOfEveryType() as OpenSshPrivateKeyType[];
});

/** Every format we write for `key`, plain (passphrase '') or encrypted. */
function filesOf(key: OpenSshPrivateKeyType, passphrase: string): [PrivateKeyFormat, string][] {
  const out: [PrivateKeyFormat, string][] = [
    ['openssh', formatOpenSshPrivateKey(key, { passphrase, rounds: 1, comment: 'c' })],
    ['pkcs8', formatPemPrivateKey(key, { passphrase, iterations: 10 })],
    ['ppk', formatPpkPrivateKey(key, { passphrase, comment: 'c', argon2: { memoryKiB: 32, passes: 1 } })],
  ];
  const type = key.publicKey.type;
  if (type === 'ssh-rsa') out.push(['pkcs1', formatPemPrivateKey(key, { format: 'pkcs1', passphrase })]);
  if (type.startsWith('ecdsa')) out.push(['sec1', formatPemPrivateKey(key, { format: 'sec1', passphrase })]);
  return out;
}

describe('readPrivateKeyFile', () => {
  it('detects every format, tells what is encrypted, and shows the public key where it is clear', () => {
    for (const key of keys) {
      for (const passphrase of ['', 'pw']) {
        for (const [format, text] of filesOf(key, passphrase)) {
          const file = readPrivateKeyFile(text);
          expect([file.format, file.encrypted]).toEqual([format, passphrase !== '']);
          if (format === 'openssh' || format === 'ppk')
            expect(file.publicKey?.equals(key.publicKey)).toBe(true);
          else expect(file.publicKey).toBeUndefined();
          const parsed = file.decrypt(passphrase || undefined);
          expect(parsed.format).toBe(format);
          expect(parsed.privateKey.publicKey.equals(key.publicKey)).toBe(true);
          expect(parsed.comment).toBe(format === 'openssh' || format === 'ppk' ? 'c' : '');
          // The same file as bytes.
          expect(readPrivateKeyFile(new TextEncoder().encode(text)).format).toBe(format);
        }
      }
    }
  });

  it('reads binary DER (PKCS#8) given as bytes', () => {
    const der = encodePkcs8PrivateKey(keys[2]!);
    const parsed = parsePrivateKeySync(der);
    expect([parsed.format, parsed.privateKey.publicKey.equals(keys[2]!.publicKey)]).toEqual(['pkcs8', true]);
  });

  it('refuses public key files, DSA keys and unknown formats with typed errors', () => {
    expect(() => readPrivateKeyFile(formatPublicKeyFile(keys[0]!.publicKey, 'openssh'))).toThrow(
      KeyFileError,
    );
    expect(() => readPrivateKeyFile(formatPublicKeyFile(keys[0]!.publicKey, 'rfc4716'))).toThrow(
      /public key/,
    );
    expect(() => readPrivateKeyFile(formatPublicKeyFile(keys[0]!.publicKey, 'spki'))).toThrow(/public key/);
    expect(() =>
      readPrivateKeyFile('-----BEGIN DSA PRIVATE KEY-----\nAA==\n-----END DSA PRIVATE KEY-----'),
    ).toThrow(UnsupportedKeyError);
    expect(() =>
      readPrivateKeyFile(
        '---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----\nAA==\n---- END SSH2 ENCRYPTED PRIVATE KEY ----',
      ),
    ).toThrow(KeyFileError);
    // Framing faults inside an SSH blob come out as KeyFileError here, not SshDecodeError.
    const blob = new TextEncoder().encode('openssh-key-v1\0\0\0\0\xff');
    expect(() =>
      readPrivateKeyFile(
        `-----BEGIN OPENSSH PRIVATE KEY-----\n${base64Encode(blob)}\n-----END OPENSSH PRIVATE KEY-----`,
      ),
    ).toThrow(KeyFileError);
  });
});

describe('parsePrivateKey', () => {
  it('asks the callback once, only for encrypted files, and takes a string too', async () => {
    for (const [format, text] of filesOf(keys[1]!, 'pw')) {
      const ask = vi.fn(async () => 'pw');
      const parsed = await parsePrivateKey(text, { passphrase: ask });
      expect([parsed.format, ask.mock.calls.length]).toEqual([format, 1]);
      expect(
        (await parsePrivateKey(text, { passphrase: 'pw' })).privateKey.publicKey.equals(keys[1]!.publicKey),
      ).toBe(true);
      await expect(parsePrivateKey(text, { passphrase: () => 'nope' })).rejects.toThrow(BadPassphraseError);
      await expect(parsePrivateKey(text, { passphrase: async () => undefined })).rejects.toThrow(
        EncryptedKeyError,
      );
      await expect(parsePrivateKey(text)).rejects.toThrow(EncryptedKeyError);
    }
    for (const [, text] of filesOf(keys[1]!, '')) {
      const ask = vi.fn(async () => 'pw');
      await parsePrivateKey(text, { passphrase: ask });
      expect(ask).not.toHaveBeenCalled();
    }
  });

  it('gives a key or a typed error for arbitrary input, as text or bytes', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 300 }),
          fc
            .constantFrom('-----BEGIN ', 'PuTTY-User-Key-File-3: ', '---- BEGIN SSH2')
            .chain((p) => fc.string({ maxLength: 200 }).map((s) => p + s)),
        ),
        fc.uint8Array({ maxLength: 300 }),
        (text, bytes) => {
          for (const input of [text, bytes, Uint8Array.of(0x30, ...bytes)]) {
            try {
              parsePrivateKeySync(input, {
                passphrase: 'pw',
                limits: { maxBcryptRounds: 2, maxPbkdf2Iterations: 2 },
              });
            } catch (e) {
              if (!(e instanceof SshError)) throw e;
            }
          }
        },
      ),
      { seed: 40, numRuns: 1500 },
    );
  });
});
