/**
 * The `bigint` arithmetic RSA needs (RFC 8017 §5.1–§5.2): modular exponentiation, inverse, bit
 * length. noble has no RSA, so this is ours; V8's bigint is not constant time, which is why the
 * private operation in `rsa.ts` is blinded.
 */

/** Number of significant bits (0 for 0). */
export function bitLength(v: bigint): number {
  if (v < 0n) v = -v;
  return v === 0n ? 0 : v.toString(2).length;
}

/** Mathematical modulo: the result is in [0, m). */
export function mod(a: bigint, m: bigint): bigint {
  const r = a % m;
  return r < 0n ? r + m : r;
}

const WINDOW = 5;
const WINDOW_MASK = (1n << BigInt(WINDOW)) - 1n;

/**
 * `base^exp mod m` by left-to-right fixed-window exponentiation (5-bit windows: about 1.2
 * multiplications per exponent bit instead of 1.5).
 * @throws RangeError for m <= 0 or exp < 0.
 */
export function modPow(base: bigint, exp: bigint, m: bigint): bigint {
  if (m <= 0n) throw new RangeError('modulus must be positive');
  if (exp < 0n) throw new RangeError('negative exponent');
  if (m === 1n) return 0n;
  base = mod(base, m);
  if (exp < 64n) {
    // Small exponents (RSA verify with e = 65537): plain square-and-multiply.
    let result = 1n;
    for (let e = exp; e > 0n; e >>= 1n) {
      if (e & 1n) result = (result * base) % m;
      base = (base * base) % m;
    }
    return result;
  }
  const table: bigint[] = [1n, base];
  for (let i = 2; i < 1 << WINDOW; i++) table.push((table[i - 1]! * base) % m);
  const bits = bitLength(exp);
  const windows = Math.ceil(bits / WINDOW);
  let result = 1n;
  for (let w = windows - 1; w >= 0; w--) {
    for (let i = 0; i < WINDOW; i++) result = (result * result) % m;
    const digit = Number((exp >> BigInt(w * WINDOW)) & WINDOW_MASK);
    if (digit !== 0) result = (result * table[digit]!) % m;
  }
  return result;
}

/**
 * The inverse of `a` modulo `m` by the extended Euclidean algorithm.
 * @throws RangeError when gcd(a, m) != 1.
 */
export function modInverse(a: bigint, m: bigint): bigint {
  let [oldR, r] = [mod(a, m), m];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const q = oldR / r;
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  if (oldR !== 1n) throw new RangeError('value is not invertible');
  return mod(oldS, m);
}
