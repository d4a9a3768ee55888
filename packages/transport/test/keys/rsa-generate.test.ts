/**
 * RSA key generation (FIPS 186-5 §A.1.3) and the Miller–Rabin test, checked against OpenSSL
 * (node:crypto checkPrime, RSA verification) and with a fixed random source for reproducibility.
 */
import { checkPrimeSync, createPublicKey, verify } from 'node:crypto';
import { sha256 } from '@noble/hashes/sha2.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateRsaKey, isProbablePrime } from '../../src/keys/rsa-generate.js';
import { bitLength } from '../../src/keys/rsa-math.js';
import { decodeSignatureBlob } from '../../src/keys/signature-blob.js';

/** A deterministic byte stream: SHA-256 of a seed and a counter. */
function seeded(seed: number) {
  let counter = 0;
  let pool = new Uint8Array(0);
  return (length: number) => {
    const out = new Uint8Array(length);
    for (let at = 0; at < length; ) {
      if (pool.length === 0)
        pool = sha256(Uint8Array.of(seed, counter >> 24, counter >> 16, counter >> 8, counter++));
      const take = Math.min(pool.length, length - at);
      out.set(pool.subarray(0, take), at);
      pool = pool.subarray(take);
      at += take;
    }
    return out;
  };
}

const b64url = (v: bigint) =>
  Buffer.from(v.toString(16).padStart(2 * Math.ceil(v.toString(16).length / 2), '0'), 'hex').toString(
    'base64url',
  );

describe('Miller–Rabin (FIPS 186-5 §B.3)', () => {
  it('accepts primes and refuses Carmichael numbers and small composites', () => {
    for (const p of [2n, 3n, 5n, 65537n, 2n ** 61n - 1n, 2n ** 127n - 1n, 2n ** 521n - 1n])
      expect(isProbablePrime(p)).toBe(true);
    for (const c of [
      0n,
      1n,
      4n,
      561n,
      41041n,
      825265n,
      321197185n,
      5394826801n,
      (2n ** 61n - 1n) * (2n ** 89n - 1n),
    ])
      expect(isProbablePrime(c)).toBe(false);
  });

  it('agrees with OpenSSL on random 64-bit and 200-bit numbers', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 64n }), (n) => {
        expect(isProbablePrime(n)).toBe(checkPrimeSync(n));
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.bigInt({ min: 2n ** 199n, max: 2n ** 200n }), (n) => {
        // Make primes common enough to matter: step to the next number coprime to 6.
        const m = n - (n % 6n) + 5n;
        expect(isProbablePrime(m)).toBe(checkPrimeSync(m));
      }),
      { numRuns: 300 },
    );
  });
});

describe('generateRsaKey', () => {
  it('makes a 2048-bit key with e = 65537 that FIPS 186-5 would accept, reproducibly', () => {
    const key = generateRsaKey(2048, seeded(1));
    const c = key.components();
    expect(key.publicKey.bits).toBe(2048);
    expect(c.e).toBe(65537n);
    expect([bitLength(c.p), bitLength(c.q)]).toEqual([1024, 1024]);
    expect(c.p >> 1022n).toBe(3n);
    expect(c.q >> 1022n).toBe(3n);
    expect(bitLength(c.p - c.q)).toBeGreaterThan(1024 - 100);
    expect(checkPrimeSync(c.p, { checks: 20 })).toBe(true);
    expect(checkPrimeSync(c.q, { checks: 20 })).toBe(true);
    expect(bitLength(c.d)).toBeGreaterThan(1024);
    expect(generateRsaKey(2048, seeded(1)).publicKey.equals(key.publicKey)).toBe(true);
    expect(generateRsaKey(2048, seeded(2)).publicKey.equals(key.publicKey)).toBe(false);
  });

  it('makes keys whose signatures OpenSSL verifies (an odd size too)', () => {
    for (const bits of [2048, 2051]) {
      const key = generateRsaKey(bits, seeded(bits & 0xff));
      expect(key.publicKey.bits).toBe(bits);
      const publicKey = createPublicKey({
        key: { kty: 'RSA', n: b64url(key.publicKey.n), e: b64url(key.publicKey.e) },
        format: 'jwk',
      });
      const data = new TextEncoder().encode('signed by a generated key');
      const { signature } = decodeSignatureBlob(key.sign(data, 'rsa-sha2-256'));
      expect(verify('sha256', data, publicKey, signature)).toBe(true);
    }
  });

  it('refuses sizes outside 2048..8192', () => {
    for (const bits of [1024, 2047, 8193, 2048.5]) expect(() => generateRsaKey(bits)).toThrow(RangeError);
  });
});
