/**
 * The portable crypto provider: @noble/ciphers, @noble/curves and @noble/hashes, and bigint RSA.
 * It runs wherever Seashell runs (browsers, Deno, Bun, Workers, Node) and is the default of the
 * sans-IO core.
 */

import { ctr, gcm } from '@noble/ciphers/aes.js';
import { chacha20orig } from '@noble/ciphers/chacha.js';
import type { ECDSA } from '@noble/curves/abstract/weierstrass.js';
import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha1 } from '@noble/hashes/legacy.js';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import type { CHash } from '@noble/hashes/utils.js';
import { bigintRsa } from './bigint-rsa.js';
import type { CryptoProvider, EcdsaCurveName, HashName, Keystream } from './provider.js';

const HASHES: Readonly<Record<HashName, CHash>> = { sha1, sha256, sha384, sha512 };
const CURVES: Readonly<Record<EcdsaCurveName, ECDSA>> = { nistp256: p256, nistp384: p384, nistp521: p521 };

/** AES-CTR over noble's one-shot `ctr`, carrying the 128-bit big-endian counter between calls. */
class NobleAesCtr implements Keystream {
  readonly #key: Uint8Array;
  readonly #counter: Uint8Array;
  #scratch = new Uint8Array(0);

  constructor(key: Uint8Array, iv: Uint8Array) {
    if (iv.length !== 16) throw new RangeError('AES-CTR needs a 16-byte IV');
    this.#key = key.slice();
    this.#counter = iv.slice();
  }

  xor(data: Uint8Array): void {
    if (data.length % 16 !== 0) throw new RangeError('AES-CTR here works on whole 16-byte blocks');
    if (data.byteOffset % 4 === 0) ctr(this.#key, this.#counter).encrypt(data, data);
    else {
      // noble works on 4-byte aligned memory; a packet inside the receive buffer may not be.
      if (this.#scratch.length < data.length) this.#scratch = new Uint8Array(Math.max(data.length, 4096));
      const tmp = this.#scratch.subarray(0, data.length);
      tmp.set(data);
      ctr(this.#key, this.#counter).encrypt(tmp, tmp);
      data.set(tmp);
    }
    this.#advance(data.length / 16);
  }

  /** Adds `blocks` to the 128-bit big-endian counter. */
  #advance(blocks: number): void {
    let carry = blocks;
    for (let i = 15; i >= 0 && carry > 0; i--) {
      const sum = this.#counter[i]! + (carry & 0xff);
      this.#counter[i] = sum & 0xff;
      carry = Math.floor(carry / 256) + (sum >> 8);
    }
  }
}

/** `data || tag` as one view when they already sit side by side (the SSH packet layout), else a copy. */
function joined(data: Uint8Array, tag: Uint8Array): Uint8Array {
  if (data.buffer === tag.buffer && data.byteOffset + data.length === tag.byteOffset)
    return new Uint8Array(data.buffer, data.byteOffset, data.length + tag.length);
  const out = new Uint8Array(data.length + tag.length);
  out.set(data);
  out.set(tag, data.length);
  return out;
}

/**
 * The portable provider: @noble for everything, bigint RSA. The default of a `Transport` and of
 * key operations unless `setDefaultCryptoProvider` chose another.
 * @example
 * const transport = new Transport({ role: 'client', crypto: nobleProvider });
 */
export const nobleProvider: CryptoProvider = {
  name: 'noble',

  aesCtr: (key, iv) => new NobleAesCtr(key, iv),

  aesGcm(key) {
    // noble's gcm() derives the key schedule and GHASH tables per call: there is no keyed object
    // to keep, so this only holds the key.
    const k = key.slice();
    return {
      seal(iv, aad, data, tag) {
        const sealed = gcm(k, iv, aad).encrypt(data);
        data.set(sealed.subarray(0, data.length));
        tag.set(sealed.subarray(data.length));
      },
      open(iv, aad, data, tag) {
        let plain: Uint8Array;
        try {
          plain = gcm(k, iv, aad).decrypt(joined(data, tag));
        } catch {
          return false;
        }
        data.set(plain);
        return true;
      },
    };
  },

  chacha20(key) {
    const k = key.slice();
    return {
      xor(nonce, counter, data) {
        chacha20orig(k, nonce, data, data, counter);
      },
    };
  },

  hmac(hash, key) {
    const keyed = hmac.create(HASHES[hash], key);
    return {
      length: HASHES[hash].outputLen,
      compute(...parts) {
        // Clone the keyed state rather than redo the key schedule per message.
        const h = keyed.clone();
        for (const part of parts) h.update(part);
        return h.digest();
      },
    };
  },

  hash: (hash, data) => HASHES[hash](data),

  x25519: {
    publicKey: (secret) => x25519.getPublicKey(secret),
    sharedSecret(secret, peerPublic) {
      if (peerPublic.length !== 32) throw new RangeError('X25519 public key must be 32 bytes');
      return x25519.getSharedSecret(secret, peerPublic);
    },
  },

  ed25519: {
    publicKey: (seed) => ed25519.getPublicKey(seed),
    sign: (seed, data) => ed25519.sign(data, seed),
    verify(publicKey, data, signature) {
      try {
        // zip215: false is RFC 8032's strict check (canonical S < L and encodings): no malleability.
        return ed25519.verify(signature, data, publicKey, { zip215: false });
      } catch {
        return false;
      }
    },
  },

  ecdsa: {
    sign(curve, hash, scalar, _point, data) {
      // RFC 6979 deterministic k (no nonce bias, PuTTY CVE-2024-31497 lesson); high S as OpenSSL.
      return CURVES[curve].sign(HASHES[hash](data), scalar, { prehash: false, lowS: false });
    },
    verify(curve, hash, point, data, signature) {
      try {
        // OpenSSH signs with OpenSSL, which does not normalise s: high-S signatures are valid here.
        return CURVES[curve].verify(signature, HASHES[hash](data), point, { prehash: false, lowS: false });
      } catch {
        return false;
      }
    },
  },

  rsa: bigintRsa,
};
