/**
 * The CBC ciphers with PKCS#7 padding (RFC 5652 §6.3; RFC 8018 §6.1.1 step 4) that PEM and PKCS#8
 * files are encrypted with: AES-128/192/256-CBC (FIPS 197, SP 800-38A) and DES-EDE3-CBC
 * (SP 800-67). Decryption that ends in bad padding is, for a key file, a wrong passphrase.
 */
import { cbc } from '@noble/ciphers/aes.js';
import { cbc64, tripleDes } from '@seashell/transport';
import { BadPassphraseError } from './errors.js';

/** One CBC cipher with padding. */
export interface PaddedCbcCipher {
  readonly keyLength: number;
  readonly ivLength: number;
  encrypt(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array): Uint8Array;
  /** @throws BadPassphraseError for a length that is not whole blocks or bad padding. */
  decrypt(key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array): Uint8Array;
}

const aes = (keyLength: number): PaddedCbcCipher => ({
  keyLength,
  ivLength: 16,
  encrypt: (key, iv, data) => cbc(key.slice(), iv.slice()).encrypt(data.slice()),
  decrypt: (key, iv, data) => {
    if (data.length === 0 || data.length % 16 !== 0) throw new BadPassphraseError();
    try {
      return cbc(key.slice(), iv.slice()).decrypt(data.slice());
    } catch {
      throw new BadPassphraseError();
    }
  },
});

const desEde3: PaddedCbcCipher = {
  keyLength: 24,
  ivLength: 8,
  encrypt(key, iv, data) {
    const pad = 8 - (data.length % 8);
    const out = new Uint8Array(data.length + pad).fill(pad);
    out.set(data);
    cbc64(tripleDes(key), iv).encrypt(out);
    return out;
  },
  decrypt(key, iv, data) {
    if (data.length === 0 || data.length % 8 !== 0) throw new BadPassphraseError();
    const out = data.slice();
    cbc64(tripleDes(key), iv).decrypt(out);
    const pad = out[out.length - 1]!;
    if (pad < 1 || pad > 8 || !out.subarray(out.length - pad).every((b) => b === pad))
      throw new BadPassphraseError();
    return out.subarray(0, out.length - pad);
  },
};

/** By OpenSSL's names (as in a PEM `DEK-Info:` header). */
export const PADDED_CBC_CIPHERS = {
  'AES-128-CBC': aes(16),
  'AES-192-CBC': aes(24),
  'AES-256-CBC': aes(32),
  'DES-EDE3-CBC': desEde3,
} as const satisfies Record<string, PaddedCbcCipher>;

export type PaddedCbcCipherName = keyof typeof PADDED_CBC_CIPHERS;

/** Whether `name` is one of PADDED_CBC_CIPHERS (a `DEK-Info:` cipher we read). */
export function isPaddedCbcCipher(name: string): name is PaddedCbcCipherName {
  return Object.hasOwn(PADDED_CBC_CIPHERS, name);
}
