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

/** x mod q, centred in [-Q12, Q12], for |x| below 2^31 - Q12. */
export function freezeQ(x: number): number {
  let r = (x + Q12) % Q;
  r += (r >> 31) & Q;
  return r - Q12;
}

/** x mod 3 as -1, 0 or 1, for |x| below 2^31. */
export function freeze3(x: number): number {
  let r = (x + 1) % 3;
  r += (r >> 31) & 3;
  return r - 1;
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

/**
 * One divstep's bookkeeping shared by both reciprocals: shifts v, decides the swap, updates delta
 * and swaps (f, g) and (v, r) under the mask. Returns the new delta.
 */
function divstepSwap(f: Int16Array, g: Int16Array, v: Int16Array, r: Int16Array, delta: number): number {
  v.copyWithin(1, 0, P);
  v[0] = 0;
  const swap = negativeMask(-delta) & nonzeroMask(g[0]!);
  delta ^= swap & (delta ^ -delta);
  delta += 1;
  for (let i = 0; i <= P; i++) {
    let t = swap & (f[i]! ^ g[i]!);
    f[i]! ^= t;
    g[i]! ^= t;
    t = swap & (v[i]! ^ r[i]!);
    v[i]! ^= t;
    r[i]! ^= t;
  }
  return delta;
}

/** 1/s in R/3, or undefined when s is not invertible there. */
export function reciprocalR3(s: Int8Array): Int8Array | undefined {
  const { f, g } = divstepStart(s);
  const v = new Int16Array(P + 1);
  const r = new Int16Array(P + 1);
  r[0] = 1;
  let delta = 1;
  for (let loop = 0; loop < 2 * P - 1; loop++) {
    delta = divstepSwap(f, g, v, r, delta);
    const sign = -g[0]! * f[0]!;
    for (let i = 0; i <= P; i++) {
      g[i] = freeze3(g[i]! + sign * f[i]!);
      r[i] = freeze3(r[i]! + sign * v[i]!);
    }
    g.copyWithin(0, 1);
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
    delta = divstepSwap(f, g, v, r, delta);
    const f0 = f[0]!;
    const g0 = g[0]!;
    for (let i = 0; i <= P; i++) {
      g[i] = freezeQ(f0 * g[i]! - g0 * f[i]!);
      r[i] = freezeQ(f0 * r[i]! - g0 * v[i]!);
    }
    g.copyWithin(0, 1);
    g[P] = 0;
  }
  const scale = reciprocalQ(f[0]!);
  const out = new Int16Array(P);
  for (let i = 0; i < P; i++) out[i] = freezeQ(scale * v[P - 1 - i]!);
  return nonzeroMask(delta) === 0 ? out : undefined;
}
