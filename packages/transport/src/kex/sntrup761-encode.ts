/**
 * The byte encodings of Streamlined NTRU Prime 761 (NTRU Prime round-3 specification §3.4 "Encode"
 * and "Decode"; OpenSSH `sntrup761.c`): a list of integers 0 <= R[i] < M[i] < 16384 is packed by
 * merging neighbours into one integer below M[i]*M[i+1], emitting its low bytes while that bound
 * is 16384 or more, and recursing on the half-length list. Small polynomials (coefficients in
 * {-1, 0, 1}) are packed four to a byte.
 *
 * Decoding accepts any bytes (a hostile peer's): every output is reduced below its bound, as the
 * reference does, and no length is taken from the input.
 */
import { P, Q, Q12 } from './sntrup761-ring.js';

/** Bytes of a packed small polynomial: (761 + 3) / 4. */
export const SMALL_BYTES = 191;
/** Bytes of an encoded element of R/q (the public key). */
export const RQ_BYTES = 1158;
/** Bytes of an encoded rounded element of R/q (the ciphertext without its confirmation hash). */
export const ROUNDED_BYTES = 1007;
/** Bound of a rounded coefficient's index: (q + 2) / 3. */
const ROUNDED_M = (Q + 2) / 3;

/** Appends the encoding of `r` (each below its bound in `m`) to `out` at `at`; returns the new offset. */
function encode(out: Uint8Array, at: number, r: Uint32Array, m: Uint32Array): number {
  const len = r.length;
  if (len === 1) {
    let value = r[0]!;
    for (let bound = m[0]!; bound > 1; bound = (bound + 255) >>> 8) {
      out[at++] = value & 0xff;
      value >>>= 8;
    }
    return at;
  }
  const half = (len + 1) >> 1;
  const r2 = new Uint32Array(half);
  const m2 = new Uint32Array(half);
  let i = 0;
  for (; i < len - 1; i += 2) {
    const m0 = m[i]!;
    let value = r[i]! + r[i + 1]! * m0;
    let bound = m[i + 1]! * m0;
    while (bound >= 16384) {
      out[at++] = value & 0xff;
      value >>>= 8;
      bound = (bound + 255) >>> 8;
    }
    r2[i >> 1] = value;
    m2[i >> 1] = bound;
  }
  if (i < len) {
    r2[i >> 1] = r[i]!;
    m2[i >> 1] = m[i]!;
  }
  return encode(out, at, r2, m2);
}

/** Reads values below the bounds `m` from `bytes` at `at`; returns them and the new offset. */
function decode(bytes: Uint8Array, at: number, m: Uint32Array): { values: Uint32Array; at: number } {
  const len = m.length;
  const out = new Uint32Array(len);
  if (len === 1) {
    const m0 = m[0]!;
    if (m0 === 1) out[0] = 0;
    else if (m0 <= 256) out[0] = bytes[at]! % m0;
    else out[0] = (bytes[at]! + (bytes[at + 1]! << 8)) % m0;
    return { values: out, at };
  }
  const half = (len + 1) >> 1;
  const m2 = new Uint32Array(half);
  const bottomR = new Uint32Array(len >> 1);
  const bottomT = new Uint32Array(len >> 1);
  let i = 0;
  for (; i < len - 1; i += 2) {
    const bound = m[i]! * m[i + 1]!;
    if (bound > 256 * 16383) {
      bottomT[i >> 1] = 65536;
      bottomR[i >> 1] = bytes[at]! + 256 * bytes[at + 1]!;
      at += 2;
      m2[i >> 1] = (((bound + 255) >>> 8) + 255) >>> 8;
    } else if (bound >= 16384) {
      bottomT[i >> 1] = 256;
      bottomR[i >> 1] = bytes[at]!;
      at += 1;
      m2[i >> 1] = (bound + 255) >>> 8;
    } else {
      bottomT[i >> 1] = 1;
      bottomR[i >> 1] = 0;
      m2[i >> 1] = bound;
    }
  }
  if (i < len) m2[i >> 1] = m[i]!;
  const upper = decode(bytes, at, m2);
  const r2 = upper.values;
  for (i = 0; i < len - 1; i += 2) {
    const value = bottomR[i >> 1]! + bottomT[i >> 1]! * r2[i >> 1]!;
    const m0 = m[i]!;
    out[i] = value % m0;
    // Reducing the high part only matters for bytes no encoder produced.
    out[i + 1] = Math.floor(value / m0) % m[i + 1]!;
  }
  if (i < len) out[i] = r2[i >> 1]!;
  return { values: out, at: upper.at };
}

const RQ_BOUNDS = new Uint32Array(P).fill(Q);
const ROUNDED_BOUNDS = new Uint32Array(P).fill(ROUNDED_M);

/** An element of R/q (coefficients in [-(q-1)/2, (q-1)/2]) as 1158 bytes. */
export function encodeRq(r: Int16Array): Uint8Array {
  const values = new Uint32Array(P);
  for (let i = 0; i < P; i++) values[i] = r[i]! + Q12;
  const out = new Uint8Array(RQ_BYTES);
  encode(out, 0, values, RQ_BOUNDS);
  return out;
}

export function decodeRq(bytes: Uint8Array): Int16Array {
  const { values } = decode(bytes, 0, RQ_BOUNDS);
  const r = new Int16Array(P);
  for (let i = 0; i < P; i++) r[i] = values[i]! - Q12;
  return r;
}

/** A rounded element of R/q (every coefficient a multiple of 3) as 1007 bytes. */
export function encodeRounded(r: Int16Array): Uint8Array {
  const values = new Uint32Array(P);
  // (r + 2295) is a multiple of 3 below 4591; times 10923 / 2^15 divides it by 3 exactly.
  for (let i = 0; i < P; i++) values[i] = ((r[i]! + Q12) * 10923) >>> 15;
  const out = new Uint8Array(ROUNDED_BYTES);
  encode(out, 0, values, ROUNDED_BOUNDS);
  return out;
}

export function decodeRounded(bytes: Uint8Array): Int16Array {
  const { values } = decode(bytes, 0, ROUNDED_BOUNDS);
  const r = new Int16Array(P);
  for (let i = 0; i < P; i++) r[i] = values[i]! * 3 - Q12;
  return r;
}

/** A small polynomial as 191 bytes: coefficient + 1 in two bits, four per byte, low bits first. */
export function encodeSmall(f: Int8Array): Uint8Array {
  const out = new Uint8Array(SMALL_BYTES);
  for (let i = 0; i < P; i++) out[i >> 2]! |= (f[i]! + 1) << ((i & 3) * 2);
  return out;
}

/** The inverse of {@link encodeSmall}; the two-bit value 3 decodes to 2, as in the reference. */
export function decodeSmall(bytes: Uint8Array): Int8Array {
  const f = new Int8Array(P);
  for (let i = 0; i < P; i++) f[i] = ((bytes[i >> 2]! >> ((i & 3) * 2)) & 3) - 1;
  return f;
}
