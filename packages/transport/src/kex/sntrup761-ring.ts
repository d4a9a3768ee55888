/**
 * Arithmetic of Streamlined NTRU Prime 761 (NTRU Prime round-3 specification §3; OpenSSH
 * `sntrup761.c`): polynomials modulo x^761 - x - 1 with coefficients in Z/3 ("small", kept as
 * -1, 0, 1 in an Int8Array) or in Z/4591 (kept centred in [-2295, 2295] in an Int16Array).
 *
 * Products accumulate in 32-bit integers and are reduced once at the end, which gives the same
 * residues as the reference's reduction after every step. The reciprocals use the reference's
 * constant-time extended-GCD "divstep" loop with masks rather than branches; JavaScript engines
 * promise no constant time, so these masks are a best effort, not a guarantee.
 */

/** Degree of the ring: x^P - x - 1. */
export const P = 761;
/** The modulus of R/q. */
export const Q = 4591;
/** (q - 1) / 2: coefficients of R/q lie in [-Q12, Q12]. */
export const Q12 = (Q - 1) / 2;
/** Weight of a short polynomial: exactly W coefficients are non-zero. */
export const W = 286;

const INVERSE_Q = 1 / Q;

/**
 * x mod q, centred in [-Q12, Q12], for |x| below 2^31. x/q is never within 1/(2q) of a half
 * integer (q is odd), far more than the rounding error of the division, so rounding is exact.
 */
export function freezeQ(x: number): number {
  return x - Q * Math.round(x * INVERSE_Q);
}

/** x mod 3 as -1, 0 or 1, for |x| below 2^31 (same argument as freezeQ). */
export function freeze3(x: number): number {
  return x - 3 * Math.round(x * (1 / 3));
}

/** 0 if x is 0, else -1. */
function nonzeroMask(x: number): number {
  return -((-(x & 0xffff) >>> 31) & 1);
}

/** -1 if x < 0, else 0 (x a 16-bit value). */
function negativeMask(x: number): number {
  return -(((x & 0xffff) >>> 15) & 1);
}

/** a^(q-2) mod q, the inverse of a (a not divisible by q). */
function reciprocalQ(a: number): number {
  let result = 1;
  let base = freezeQ(a);
  for (let e = Q - 2; e > 0; e >>= 1) {
    if (e & 1) result = freezeQ(result * base);
    base = freezeQ(base * base);
  }
  return result;
}

/** The product f·g (g small) before reduction, folded modulo x^P - x - 1; not yet frozen. */
function multiplyFolded(f: Int16Array | Int8Array, g: Int8Array): Int32Array {
  const fg = new Int32Array(2 * P - 1);
  for (let j = 0; j < P; j++) {
    const gj = g[j]!;
    for (let i = 0; i < P; i++) fg[i + j]! += f[i]! * gj;
  }
  // x^P = x + 1: fold the high half down (the targets all lie below P, so one pass suffices).
  for (let i = 2 * P - 2; i >= P; i--) {
    const top = fg[i]!;
    fg[i - P]! += top;
    fg[i - P + 1]! += top;
  }
  return fg;
}

/** h = f·g in R/q, g small. */
export function multiplyRqSmall(f: Int16Array, g: Int8Array): Int16Array {
  const fg = multiplyFolded(f, g);
  const h = new Int16Array(P);
  for (let i = 0; i < P; i++) h[i] = freezeQ(fg[i]!);
  return h;
}

/** h = f·g in R/3. */
export function multiplyR3(f: Int8Array, g: Int8Array): Int8Array {
  const fg = multiplyFolded(f, g);
  const h = new Int8Array(P);
  for (let i = 0; i < P; i++) h[i] = freeze3(fg[i]!);
  return h;
}

/** 3·f in R/q. */
export function times3(f: Int16Array): Int16Array {
  const h = new Int16Array(P);
  for (let i = 0; i < P; i++) h[i] = freezeQ(3 * f[i]!);
  return h;
}

/** The R/3 image of an R/q element (each coefficient reduced mod 3). */
export function r3FromRq(r: Int16Array): Int8Array {
  const out = new Int8Array(P);
  for (let i = 0; i < P; i++) out[i] = freeze3(r[i]!);
  return out;
}

/** Round(a): each coefficient minus its residue mod 3 (a multiple of 3 in [-Q12, Q12]). */
export function round(a: Int16Array): Int16Array {
  const out = new Int16Array(P);
  for (let i = 0; i < P; i++) out[i] = a[i]! - freeze3(a[i]!);
  return out;
}

/** Number of odd (non-zero) coefficients, compared with W: 0 if the weight is W, else -1. */
export function weightMask(r: Int8Array): number {
  let weight = 0;
  for (let i = 0; i < P; i++) weight += r[i]! & 1;
  return nonzeroMask(weight - W);
}

/** The starting state of both reciprocals: f = x^P - x - 1 (reversed), g = the input reversed. */
function divstepStart(input: Int8Array): { f: Int16Array; g: Int16Array } {
  const f = new Int16Array(P + 1);
  f[0] = 1;
  f[P - 1] = -1;
  f[P] = -1;
  const g = new Int16Array(P + 1);
  for (let i = 0; i < P; i++) g[P - 1 - i] = input[i]!;
  return { f, g };
}

/** -1 when this divstep swaps (delta > 0 and g[0] != 0), else 0. */
function swapMask(delta: number, g0: number): number {
  return negativeMask(-delta) & nonzeroMask(g0);
}

/**
 * 1/s in R/3, or undefined when s is not invertible there.
 *
 * Each of the 2P-1 divsteps of the reference (v <- x·v; maybe swap (f, g) and (v, r); eliminate
 * g[0] with f[0]; g <- g/x) is fused into one pass over the coefficients: the shift of v is
 * carried along, and g is written one place down as it is updated (its new g[0] is always 0).
 */
export function reciprocalR3(s: Int8Array): Int8Array | undefined {
  const { f, g } = divstepStart(s);
  const v = new Int16Array(P + 1);
  const r = new Int16Array(P + 1);
  r[0] = 1;
  let delta = 1;
  for (let loop = 0; loop < 2 * P - 1; loop++) {
    const swap = swapMask(delta, g[0]!);
    delta ^= swap & (delta ^ -delta);
    delta += 1;
    const t0 = swap & (f[0]! ^ g[0]!);
    const f0 = f[0]! ^ t0;
    const g0 = g[0]! ^ t0;
    const sign = -g0 * f0;
    let carry = 0;
    for (let i = 0; i <= P; i++) {
      let fi = f[i]!;
      let gi = g[i]!;
      let vi = carry;
      carry = v[i]!;
      let ri = r[i]!;
      let t = swap & (fi ^ gi);
      fi ^= t;
      gi ^= t;
      t = swap & (vi ^ ri);
      vi ^= t;
      ri ^= t;
      f[i] = fi;
      v[i] = vi;
      if (i > 0) g[i - 1] = freeze3(gi + sign * fi);
      r[i] = freeze3(ri + sign * vi);
    }
    g[P] = 0;
  }
  const sign = f[0]!;
  const out = new Int8Array(P);
  for (let i = 0; i < P; i++) out[i] = sign * v[P - 1 - i]!;
  return nonzeroMask(delta) === 0 ? out : undefined;
}

/** 1/(3s) in R/q, or undefined when s is not invertible there (never for a short s). */
export function reciprocal3Rq(s: Int8Array): Int16Array | undefined {
  const { f, g } = divstepStart(s);
  const v = new Int16Array(P + 1);
  const r = new Int16Array(P + 1);
  r[0] = reciprocalQ(3);
  let delta = 1;
  for (let loop = 0; loop < 2 * P - 1; loop++) {
    const swap = swapMask(delta, g[0]!);
    delta ^= swap & (delta ^ -delta);
    delta += 1;
    const t0 = swap & (f[0]! ^ g[0]!);
    const f0 = f[0]! ^ t0;
    const g0 = g[0]! ^ t0;
    let carry = 0;
    for (let i = 0; i <= P; i++) {
      let fi = f[i]!;
      let gi = g[i]!;
      let vi = carry;
      carry = v[i]!;
      let ri = r[i]!;
      let t = swap & (fi ^ gi);
      fi ^= t;
      gi ^= t;
      t = swap & (vi ^ ri);
      vi ^= t;
      ri ^= t;
      f[i] = fi;
      v[i] = vi;
      if (i > 0) g[i - 1] = freezeQ(f0 * gi - g0 * fi);
      r[i] = freezeQ(f0 * ri - g0 * vi);
    }
    g[P] = 0;
  }
  const scale = reciprocalQ(f[0]!);
  const out = new Int16Array(P);
  for (let i = 0; i < P; i++) out[i] = freezeQ(scale * v[P - 1 - i]!);
  return nonzeroMask(delta) === 0 ? out : undefined;
}
