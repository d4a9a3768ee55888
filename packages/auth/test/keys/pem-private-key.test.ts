/**
 * PEM and PKCS#8 private keys (RFC 7468, RFC 8017, RFC 5915, RFC 5208/5958, RFC 8018, OpenSSL's
 * legacy DEK headers), cross-checked with OpenSSL through node:crypto in both directions: keys it
 * writes in every form we read, keys we write it reads.
 */
import { createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import {
  base64Decode,
  base64Encode,
  EcdsaPrivateKey,
  type PrivateKey,
  RsaPrivateKey,
  SshError,
} from '@seashell/transport';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { PADDED_CBC_CIPHERS, type PaddedCbcCipherName } from '../../src/keys/cbc-ciphers.js';
import { encodeSubjectPublicKeyInfo } from '../../src/keys/der-keys.js';
import { BadPassphraseError, EncryptedKeyError, KeyFileError } from '../../src/keys/errors.js';
import {
  evpBytesToKey,
  formatPemPrivateKey,
  openDerPrivateKey,
  openPemPrivateKey,
  type PemKeyFormat,
} from '../../src/keys/pem-private-key.js';
import type { OpenSshPrivateKeyType } from '../../src/keys/private-key-fields.js';
import { keysOfEveryType } from '../support/keys.js';

let keys: OpenSshPrivateKeyType[];
beforeAll(() => {
  keys = keysOfEveryType() as OpenSshPrivateKeyType[];
});

/** Our key as an OpenSSL key object, through its SubjectPublicKeyInfo. */
const spkiOf = (key: PrivateKey): KeyObject =>
  createPublicKey({
    key: Buffer.from(encodeSubjectPublicKeyInfo(key.publicKey)),
    format: 'der',
    type: 'spki',
  });
const sameKey = (node: KeyObject, ours: PrivateKey) =>
  createPublicKey(node)
    .export({ format: 'der', type: 'spki' })
    .equals(spkiOf(ours).export({ format: 'der', type: 'spki' }));

const formatsFor = (key: PrivateKey): PemKeyFormat[] =>
  key instanceof RsaPrivateKey
    ? ['pkcs1', 'pkcs8']
    : key instanceof EcdsaPrivateKey
      ? ['sec1', 'pkcs8']
      : ['pkcs8'];
const CIPHERS = Object.keys(PADDED_CBC_CIPHERS) as PaddedCbcCipherName[];

describe('EVP_BytesToKey (OpenSSL, MD5, one iteration)', () => {
  it('chains MD5 digests: D1 = MD5(pass || salt), D2 = MD5(D1 || pass || salt), …', () => {
    const key = evpBytesToKey(
      new TextEncoder().encode('password'),
      Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8),
      48,
    );
    const salt = Buffer.from([1, 2, 3, 4, 5, 6, 7, 8]);
    const d1 = createHash('md5').update('password').update(salt).digest();
    const d2 = createHash('md5').update(d1).update('password').update(salt).digest();
    const d3 = createHash('md5').update(d2).update('password').update(salt).digest();
    expect(Buffer.from(key)).toEqual(Buffer.concat([d1, d2, d3]));
    // `openssl enc -aes-256-cbc -P -md md5 -S 0102030405060708 -pass pass:password`: key || iv.
    expect(Buffer.from(key).toString('hex').toUpperCase()).toBe(
      'E7B0971E52CA5CC8D0539FB3412F6316F7BA2E6EE293D9F3457B99436B51CE02' + '8D450E2ED75A84A923D4EAC9FE49226B',
    );
  });
});

describe('we read what OpenSSL writes', () => {
  it('PKCS#1, SEC1 and PKCS#8, plain and encrypted with every cipher, PEM and DER', () => {
    for (const key of keys) {
      const node = createPrivateKey({ key: Buffer.from(formatPemPrivateKey(key)), format: 'pem' });
      for (const type of formatsFor(key)) {
        const nodeType = type === 'sec1' ? 'sec1' : type === 'pkcs1' ? 'pkcs1' : 'pkcs8';
        const plain = node.export({ format: 'pem', type: nodeType }) as string;
        const opened = openPemPrivateKey(plain);
        expect([opened.format, opened.encrypted]).toEqual([type, false]);
        expect(opened.open().publicKey.equals(key.publicKey)).toBe(true);
        const der = new Uint8Array(node.export({ format: 'der', type: nodeType }));
        expect(openDerPrivateKey(der).open().publicKey.equals(key.publicKey)).toBe(true);
        for (const cipher of CIPHERS) {
          const encrypted = node.export({
            format: 'pem',
            type: nodeType,
            cipher: cipher.toLowerCase(),
            passphrase: 'pass word',
          }) as string;
          const file = openPemPrivateKey(encrypted);
          expect([file.format, file.encrypted, file.cipher]).toEqual([type, true, cipher]);
          expect(file.open('pass word').publicKey.equals(key.publicKey)).toBe(true);
          expect(() => file.open('pass worD')).toThrow(BadPassphraseError);
          expect(() => file.open()).toThrow(EncryptedKeyError);
        }
      }
    }
  });
});

describe('OpenSSL reads what we write', () => {
  it('every format, plain and encrypted with every cipher', () => {
    for (const key of keys) {
      for (const format of formatsFor(key)) {
        const plain = formatPemPrivateKey(key, { format });
        expect(sameKey(createPrivateKey(plain), key)).toBe(true);
        for (const cipher of CIPHERS) {
          const text = formatPemPrivateKey(key, {
            format,
            passphrase: 'pass word',
            cipher,
            iterations: 1000,
          });
          expect(sameKey(createPrivateKey({ key: text, passphrase: 'pass word' }), key)).toBe(true);
          expect(() => createPrivateKey({ key: text, passphrase: 'wrong' })).toThrow();
          expect(openPemPrivateKey(text).open('pass word').publicKey.equals(key.publicKey)).toBe(true);
        }
      }
    }
  });

  it('writes PKCS#1 and SEC1 with the labels and headers ssh-keygen -m PEM uses', () => {
    const rsa = keys.find((k) => k instanceof RsaPrivateKey)!;
    const text = formatPemPrivateKey(rsa, { format: 'pkcs1', passphrase: 'pw' });
    expect(text.split('\n').slice(0, 3)).toEqual([
      '-----BEGIN RSA PRIVATE KEY-----',
      'Proc-Type: 4,ENCRYPTED',
      expect.stringMatching(/^DEK-Info: AES-128-CBC,[0-9A-F]{32}$/),
    ]);
    expect(formatPemPrivateKey(keys[1]!, { format: 'sec1' })).toMatch(/^-----BEGIN EC PRIVATE KEY-----\n/);
    expect(formatPemPrivateKey(keys[0]!, { passphrase: 'pw', iterations: 1 })).toMatch(
      /^-----BEGIN ENCRYPTED PRIVATE KEY-----\n/,
    );
    expect(() => formatPemPrivateKey(keys[0]!, { format: 'pkcs1' })).toThrow(TypeError);
    expect(() => formatPemPrivateKey(rsa, { format: 'sec1' })).toThrow(TypeError);
  });
});

describe('hostile PEM and PKCS#8 files', () => {
  it('refuses PBKDF2 iterations over the limit before asking for a passphrase', () => {
    const text = formatPemPrivateKey(keys[0]!, { passphrase: 'pw', iterations: 5000 });
    expect(() => openPemPrivateKey(text, { maxPbkdf2Iterations: 4999 })).toThrow(/iterations 5000/);
  });

  it('refuses DSA, unknown DEK ciphers, and headers on plain keys', () => {
    expect(() =>
      openPemPrivateKey('-----BEGIN DSA PRIVATE KEY-----\nAA==\n-----END DSA PRIVATE KEY-----\n'),
    ).toThrow(/ssh-dss/);
    const rsa = formatPemPrivateKey(keys[4]!, { format: 'pkcs1', passphrase: 'pw' });
    expect(() => openPemPrivateKey(rsa.replace('AES-128-CBC', 'DES-CBC'))).toThrow(/unsupported PEM cipher/);
    expect(() => openPemPrivateKey(rsa.replace('Proc-Type: 4,ENCRYPTED\n', ''))).toThrow(KeyFileError);
  });

  it('gives a key or a typed error on mutated files, with or without a passphrase', () => {
    const texts = keys.flatMap((key) =>
      formatsFor(key).flatMap((format) => [
        formatPemPrivateKey(key, { format }),
        formatPemPrivateKey(key, { format, passphrase: 'pw', iterations: 2, cipher: 'AES-128-CBC' }),
        formatPemPrivateKey(key, { format, passphrase: 'pw', iterations: 2, cipher: 'DES-EDE3-CBC' }),
      ]),
    );
    const blobs = texts.map((t) =>
      base64Decode(
        t
          .split('\n\n')
          .pop()!
          .replace(/-----[A-Z ]+-----|\s/g, ''),
      ),
    );
    fc.assert(
      fc.property(
        fc.nat(),
        fc.array(fc.record({ at: fc.nat(), value: fc.nat({ max: 255 }), cut: fc.boolean() }), {
          minLength: 1,
          maxLength: 3,
        }),
        fc.constantFrom(undefined, 'pw', 'no'),
        (which, edits, passphrase) => {
          const i = which % texts.length;
          let blob = blobs[i]!.slice();
          for (const e of edits) {
            const at = e.at % blob.length;
            if (e.cut) blob = blob.slice(0, at);
            else blob[at] = e.value;
            if (blob.length === 0) return;
          }
          const header = texts[i]!.includes('Proc-Type')
            ? `${texts[i]!.split('\n\n')[0]!.split('\n').slice(1).join('\n')}\n\n`
            : '';
          const label = /-----BEGIN ([A-Z ]+)-----/.exec(texts[i]!)![1]!;
          const text = `-----BEGIN ${label}-----\n${header}${base64Encode(blob)}\n-----END ${label}-----\n`;
          for (const attempt of [
            () => openPemPrivateKey(text, { maxPbkdf2Iterations: 4 }).open(passphrase),
            () => openDerPrivateKey(blob, { maxPbkdf2Iterations: 4 }).open(passphrase),
          ]) {
            try {
              attempt();
            } catch (e) {
              if (!(e instanceof SshError)) throw e;
            }
          }
        },
      ),
      { seed: 12, numRuns: 600 },
    );
  });
});
