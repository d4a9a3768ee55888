/**
 * The ciphers OpenSSH encrypts `openssh-key-v1` private sections with (PROTOCOL.key; `cipher.c`,
 * `sshkey.c` `private2_encrypt` / `private2_decrypt`). Key and IV come from bcrypt_pbkdf as
 * `key || iv` (keyLength + ivLength bytes); the section is encrypted as one message with sequence
 * number 0 and no additional data, and an AEAD tag follows the ciphertext outside its length.
 *
 * - `aes*-ctr`: the 16-byte IV is the initial 128-bit big-endian counter (RFC 4344 §4).
 * - `aes*-cbc`, `3des-cbc`: CBC, the section already padded to the block size.
 * - `aes*-gcm@openssh.com`: GCM with the 12-byte IV as nonce, no AAD, 16-byte tag (RFC 5647 §7.1).
 * - `chacha20-poly1305@openssh.com`: 64 bytes of key, no IV; as in the transport
 *   (`cipher/chacha20-poly1305.ts`), the Poly1305 key is the first 32 bytes of the ChaCha20 block
 *   0 under the first key half with nonce = seq = 0, the text is encrypted from block 1, and the
 *   tag covers the ciphertext alone (there is no encrypted length here: aadlen is 0).
 */
import { poly1305 } from '@noble/ciphers/_poly1305.js';
import { cbc, ctr, gcm } from '@noble/ciphers/aes.js';
import { chacha20orig } from '@noble/ciphers/chacha.js';
import { equalBytes } from '@noble/ciphers/utils.js';
import { cbc64, tripleDes } from '@seashell/transport';
import { BadPassphraseError } from './errors.js';

/** One key-file cipher. */
export interface KeyFileCipher {
  readonly keyLength: number;
  readonly ivLength: number;
  /** The private section is padded to this. */
  readonly blockSize: number;
  /** AEAD tag bytes after the ciphertext (0 for unauthenticated ciphers). */
  readonly tagLength: number;
  /** Returns ciphertext || tag. `data` is a whole number of blocks. */
  encrypt(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array;
  /**
   * Returns the plaintext of `ciphertext || tag`.
   * @throws BadPassphraseError when the tag does not verify.
   */
  decrypt(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array;
}

/** noble's AES and ChaCha read 32-bit words and need 4-byte aligned views. */
const aligned = (data: Uint8Array): Uint8Array => (data.byteOffset % 4 === 0 ? data : data.slice());

const aesCtr = (keyLength: number): KeyFileCipher => ({
  keyLength,
  ivLength: 16,
  blockSize: 16,
  tagLength: 0,
  encrypt: (key, iv, data) => ctr(aligned(key), iv.slice()).encrypt(aligned(data)),
  decrypt: (key, iv, data) => ctr(aligned(key), iv.slice()).decrypt(aligned(data)),
});

const aesCbc = (keyLength: number): KeyFileCipher => ({
  keyLength,
  ivLength: 16,
  blockSize: 16,
  tagLength: 0,
  encrypt: (key, iv, data) => cbc(aligned(key), iv.slice(), { disablePadding: true }).encrypt(aligned(data)),
  decrypt: (key, iv, data) => cbc(aligned(key), iv.slice(), { disablePadding: true }).decrypt(aligned(data)),
});

const aesGcm = (keyLength: number): KeyFileCipher => ({
  keyLength,
  ivLength: 12,
  blockSize: 16,
  tagLength: 16,
  encrypt: (key, iv, data) => gcm(aligned(key), iv.slice()).encrypt(aligned(data)),
  decrypt: (key, iv, data) => {
    try {
      return gcm(aligned(key), iv.slice()).decrypt(aligned(data));
    } catch {
      throw new BadPassphraseError();
    }
  },
});

const NONCE_ZERO = new Uint8Array(8);

function chachaPolyKey(key: Uint8Array): Uint8Array {
  return chacha20orig(key.slice(0, 32), NONCE_ZERO, new Uint8Array(32), new Uint8Array(32), 0);
}

const chacha20Poly1305: KeyFileCipher = {
  keyLength: 64,
  ivLength: 0,
  blockSize: 8,
  tagLength: 16,
  encrypt(key, _iv, data) {
    const out = new Uint8Array(data.length + 16);
    const body = out.subarray(0, data.length);
    chacha20orig(key.slice(0, 32), NONCE_ZERO, aligned(data), body, 1);
    out.set(poly1305(body, chachaPolyKey(key)), data.length);
    return out;
  },
  decrypt(key, _iv, data) {
    if (data.length < 16) throw new BadPassphraseError();
    const body = data.slice(0, data.length - 16);
    if (!equalBytes(poly1305(body, chachaPolyKey(key)), data.subarray(data.length - 16)))
      throw new BadPassphraseError();
    return chacha20orig(key.slice(0, 32), NONCE_ZERO, body, new Uint8Array(body.length), 1);
  },
};

const tripleDesCbc: KeyFileCipher = {
  keyLength: 24,
  ivLength: 8,
  blockSize: 8,
  tagLength: 0,
  encrypt(key, iv, data) {
    const out = data.slice();
    cbc64(tripleDes(key), iv).encrypt(out);
    return out;
  },
  decrypt(key, iv, data) {
    const out = data.slice();
    cbc64(tripleDes(key), iv).decrypt(out);
    return out;
  },
};

/** Every cipher OpenSSH accepts for key files, by its name there (`ssh -Q cipher`). */
export const KEY_FILE_CIPHERS = {
  'aes256-ctr': aesCtr(32),
  'aes192-ctr': aesCtr(24),
  'aes128-ctr': aesCtr(16),
  'aes256-cbc': aesCbc(32),
  'aes192-cbc': aesCbc(24),
  'aes128-cbc': aesCbc(16),
  'aes256-gcm@openssh.com': aesGcm(32),
  'aes128-gcm@openssh.com': aesGcm(16),
  'chacha20-poly1305@openssh.com': chacha20Poly1305,
  '3des-cbc': tripleDesCbc,
} as const satisfies Record<string, KeyFileCipher>;

export type KeyFileCipherName = keyof typeof KEY_FILE_CIPHERS;

/** Whether `name` is a cipher `KEY_FILE_CIPHERS` has. */
export function isKeyFileCipher(name: string): name is KeyFileCipherName {
  return Object.hasOwn(KEY_FILE_CIPHERS, name);
}

/** Constant-time-enough equality of two MACs (both are public length, one secret-derived). */
export function macsEqual(a: Uint8Array, b: Uint8Array): boolean {
  return equalBytes(a, b);
}
