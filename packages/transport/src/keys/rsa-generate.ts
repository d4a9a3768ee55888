/**
 * RSA key generation (FIPS 186-5 §A.1.3 probable primes; RFC 8017 §3.2): two primes of half the
 * modulus size each with the top two bits set (so n has exactly `bits` bits), e = 65537, gcd(e,
 * p−1) = gcd(e, q−1) = 1, |p − q| > 2^(bits/2 − 100), and d = e⁻¹ mod lcm(p−1, q−1).
 *
 * Candidates are sieved by the small primes below 2^14 (which discards about 93% of odd numbers
 * without a bigint operation) before Miller–Rabin with random bases from the injected source.
 * Pure bigint is slow-ish: a 3072-bit key takes about a second on one core, rarely several.
 */
import { defaultRandomBytes, type RandomBytes } from '../random.js';
import { bytesToBigInt } from '../wire/writer.js';
import { RsaPrivateKey } from './rsa.js';
import { bitLength, modInverse, modPow } from './rsa-math.js';

/** Key sizes `generateRsaKey` makes, in bits. ssh-keygen's default is 3072. */
export const RSA_GENERATE_MIN_BITS = 2048;
export const RSA_GENERATE_MAX_BITS = 8192;
/** The public exponent F4, as OpenSSH and OpenSSL use. */
export const RSA_PUBLIC_EXPONENT = 65537n;

const SIEVE_LIMIT = 1 << 14;
/** Odd primes below SIEVE_LIMIT. */
const SMALL_PRIMES: readonly number[] = (() => {
  const composite = new Uint8Array(SIEVE_LIMIT);
  const primes: number[] = [];
  for (let i = 3; i < SIEVE_LIMIT; i += 2) {
    if (composite[i]) continue;
    primes.push(i);
    for (let j = i * i; j < SIEVE_LIMIT; j += 2 * i) composite[j] = 1;
  }
  return primes;
})();

/** The first odd primes, for trial division before Miller–Rabin. */
const TRIAL_PRIMES: readonly bigint[] = SMALL_PRIMES.slice(0, 64).map(BigInt);

/**
 * Miller–Rabin rounds with random bases. For random candidates of 1024 bits and more, 8 rounds
 * leave an error probability far below 2^-100 (Damgård–Landrock–Pomerance), more than FIPS 186-5
 * Table B.1 asks; smaller numbers get more.
 */
function roundsFor(bits: number): number {
  return bits >= 1024 ? 8 : bits >= 512 ? 16 : 40;
}

/** A uniform-enough integer in [2, n − 2] (64 extra bits of randomness make the bias negligible). */
function randomBase(n: bigint, random: RandomBytes): bigint {
  const bytes = Math.ceil(bitLength(n) / 8) + 8;
  return (bytesToBigInt(random(bytes)) % (n - 3n)) + 2n;
}

/**
 * Miller–Rabin probable-prime test (FIPS 186-5 §B.3).
 * @param rounds - number of random bases (default: enough for a 2^-100 error on random input).
 * @example
 * isProbablePrime(2n ** 127n - 1n); // true
 */
export function isProbablePrime(
  n: bigint,
  random: RandomBytes = defaultRandomBytes,
  rounds = roundsFor(bitLength(n)),
): boolean {
  if (n < 2n) return false;
  if ((n & 1n) === 0n) return n === 2n;
  for (const p of TRIAL_PRIMES) {
    if (n === p) return true;
    if (n % p === 0n) return false;
  }
  let d = n - 1n;
  let s = 0;
  while ((d & 1n) === 0n) {
    d >>= 1n;
    s++;
  }
  witness: for (let i = 0; i < rounds; i++) {
    let x = modPow(randomBase(n, random), d, n);
    if (x === 1n || x === n - 1n) continue;
    for (let j = 1; j < s; j++) {
      x = (x * x) % n;
      if (x === n - 1n) continue witness;
      if (x === 1n) return false;
    }
    return false;
  }
  return true;
}

/** How far a sieve walk goes from one random start before drawing a new one. */
const MAX_STEP = 1 << 16;

/**
 * A random prime of exactly `bits` bits with its top two bits set and p − 1 prime to e:
 * walk up from a random odd start, skipping numbers the small primes divide.
 */
function randomPrime(bits: number, e: bigint, random: RandomBytes): bigint {
  const eSmall = Number(e);
  for (;;) {
    const raw = bytesToBigInt(random(Math.ceil(bits / 8)));
    const start = (raw & ((1n << BigInt(bits)) - 1n)) | (3n << BigInt(bits - 2)) | 1n;
    const residues = SMALL_PRIMES.map((p) => Number(start % BigInt(p)));
    const eResidue = Number(start % e);
    for (let step = 0; step < MAX_STEP; step += 2) {
      let divisible = false;
      for (let i = 0; i < SMALL_PRIMES.length; i++) {
        if ((residues[i]! + step) % SMALL_PRIMES[i]! === 0) {
          divisible = true;
          break;
        }
      }
      // gcd(e, p − 1) = 1 with e prime: p ≢ 1 (mod e).
      if (divisible || (eResidue + step) % eSmall === 1) continue;
      const candidate = start + BigInt(step);
      if (bitLength(candidate) !== bits) break;
      if (isProbablePrime(candidate, random)) return candidate;
    }
  }
}

/**
 * A new RSA key of `bits` bits (2048–8192) with e = 65537.
 * @throws RangeError for a size outside 2048..8192.
 * @example
 * const key = generateRsaKey(3072);
 */
export function generateRsaKey(bits = 3072, random: RandomBytes = defaultRandomBytes): RsaPrivateKey {
  if (!Number.isInteger(bits) || bits < RSA_GENERATE_MIN_BITS || bits > RSA_GENERATE_MAX_BITS)
    throw new RangeError(`RSA key size must be ${RSA_GENERATE_MIN_BITS}..${RSA_GENERATE_MAX_BITS} bits`);
  const e = RSA_PUBLIC_EXPONENT;
  const pBits = Math.ceil(bits / 2);
  const qBits = bits - pBits;
  for (;;) {
    const p = randomPrime(pBits, e, random);
    const q = randomPrime(qBits, e, random);
    const diff = p > q ? p - q : q - p;
    // FIPS 186-5 §A.1.3 step 5.4: p and q must not be too close (Fermat factoring).
    if (bitLength(diff) <= Math.floor(bits / 2) - 100) continue;
    const n = p * q;
    if (bitLength(n) !== bits) continue;
    const pm1 = p - 1n;
    const qm1 = q - 1n;
    const lambda = (pm1 * qm1) / gcd(pm1, qm1);
    const d = modInverse(e, lambda);
    // FIPS 186-5 §A.1.1: d > 2^(nlen/2), else start again (it practically never happens).
    if (bitLength(d) <= Math.floor(bits / 2)) continue;
    const [big, small] = p > q ? [p, q] : [q, p];
    return new RsaPrivateKey({ n, e, d, p: big, q: small }, { random });
  }
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}
