/**
 * RSASSA-PKCS1-v1_5 (RFC 8017 §8.2) on `bigint`: the portable provider's RSA, since noble has none.
 * The private operation is CRT with blinding and a check of its own result; verification
 * re-encodes the expected message and compares it whole (RFC 8017 §8.2.2 step 4).
 */
import { equalBytes } from '@noble/curves/utils.js';
import { InvalidKeyError } from '../keys/errors.js';
import { emsaPkcs1v15Encode } from '../keys/pkcs1.js';
import { mod, modInverse, modPow } from '../keys/rsa-math.js';
import { bytesToBigInt, unsignedBytes } from '../wire/writer.js';
import type { RsaPkcs1 } from './provider.js';

/** Modulus length in bytes (RFC 8017 `k`). */
function byteLength(n: bigint): number {
  return Math.ceil(n.toString(16).length / 2);
}

/** RSASSA-PKCS1-v1_5 on bigint: the RSA of the portable provider. */
export const bigintRsa: RsaPkcs1 = {
  sign(hash, key, data, random) {
    const { n, e, p, q, dp, dq, qinv } = key;
    const k = byteLength(n);
    const m = bytesToBigInt(emsaPkcs1v15Encode(hash, data, k));
    // Blinding: sign m·r^e, then divide by r, so the timing of the bigint exponentiation does not
    // follow m. r is fresh per signature.
    let r = 0n;
    let rInv = 0n;
    while (rInv === 0n) {
      r = mod(bytesToBigInt(random(k + 8)), n);
      if (r < 2n) continue;
      try {
        rInv = modInverse(r, n);
      } catch {
        rInv = 0n;
      }
    }
    // RSASP1, CRT form 2.b (RFC 8017 §5.1.2).
    const c = (m * modPow(r, e, n)) % n;
    const m1 = modPow(c % p, dp, p);
    const m2 = modPow(c % q, dq, q);
    const h = mod(qinv * (m1 - m2), p);
    const s = ((m2 + h * q) * rInv) % n;
    // A fault in one CRT half would leak a prime (Boneh–DeMillo–Lipton): check before release.
    if (modPow(s, e, n) !== m) throw new InvalidKeyError('RSA signature failed its own check');
    return unsignedBytes(s, k);
  },

  verify(hash, key, data, signature) {
    const k = byteLength(key.n);
    if (signature.length !== k) return false;
    const s = bytesToBigInt(signature);
    // RFC 8017 §5.2.2 RSAVP1: the representative must be below n.
    if (s >= key.n) return false;
    let expected: Uint8Array;
    try {
      expected = emsaPkcs1v15Encode(hash, data, k);
    } catch {
      return false;
    }
    return equalBytes(unsignedBytes(modPow(s, key.e, key.n), k), expected);
  },
};
