/**
 * Streamlined NTRU Prime 761, the KEM of `sntrup761x25519-sha512` (NTRU Prime round-3
 * specification; the SUPERCOP 20201130 reference that OpenSSH ships as `sntrup761.c`). No
 * JavaScript library has it, so this is ours, checked against the submission's known-answer test.
 *
 * Randomness is drawn exactly as the reference draws it — one 4-byte little-endian word per
 * coefficient, then the 191 rejection bytes — so that a deterministic source reproduces the
 * reference's keys and ciphertexts byte for byte.
 *
 * Secret key layout: f (191) || 1/g in R/3 (191) || public key (1158) || rho (191) || Hash4(pk) (32).
 * Ciphertext: Rounded(h·r) (1007) || HashConfirm (32).
 */
import { sha512 } from '@noble/hashes/sha2.js';
import type { RandomBytes } from '../random.js';
import {
  decodeRounded,
  decodeRq,
  decodeSmall,
  encodeRounded,
  encodeRq,
  encodeSmall,
  ROUNDED_BYTES,
  RQ_BYTES,
  SMALL_BYTES,
} from './sntrup761-encode.js';
import {
  multiplyR3,
  multiplyRqSmall,
  P,
  r3FromRq,
  reciprocal3Rq,
  reciprocalR3,
  round,
  times3,
  W,
  weightMask,
} from './sntrup761-ring.js';

const HASH_BYTES = 32;
export const SNTRUP761_PUBLIC_KEY_BYTES = RQ_BYTES;
export const SNTRUP761_SECRET_KEY_BYTES = 2 * SMALL_BYTES + RQ_BYTES + SMALL_BYTES + HASH_BYTES;
export const SNTRUP761_CIPHERTEXT_BYTES = ROUNDED_BYTES + HASH_BYTES;
export const SNTRUP761_SHARED_SECRET_BYTES = HASH_BYTES;

/** Hash_b(x): the first 32 bytes of SHA-512(b || x). */
function hashPrefix(b: number, ...parts: Uint8Array[]): Uint8Array {
  const h = sha512.create().update(Uint8Array.of(b));
  for (const part of parts) h.update(part);
  return h.digest().subarray(0, HASH_BYTES);
}

/** urandom32: four bytes, little-endian. */
function randomWord(random: RandomBytes): number {
  const c = random(4);
  return (c[0]! | (c[1]! << 8) | (c[2]! << 16) | (c[3]! << 24)) >>> 0;
}

/** Small_random: each coefficient uniform in {-1, 0, 1} from the top of 30 random bits. */
function smallRandom(random: RandomBytes): Int8Array {
  const out = new Int8Array(P);
  for (let i = 0; i < P; i++) out[i] = (((randomWord(random) & 0x3fffffff) * 3) >>> 30) - 1;
  return out;
}

/**
 * Short_random: a uniform polynomial of weight W. The first W words are made even (giving ±1),
 * the rest ≡ 1 mod 4 (giving 0); sorting the words shuffles the low bits into place.
 */
function shortRandom(random: RandomBytes): Int8Array {
  const list = new Uint32Array(P);
  for (let i = 0; i < P; i++) list[i] = randomWord(random);
  for (let i = 0; i < W; i++) list[i] = list[i]! & 0xfffffffe;
  for (let i = W; i < P; i++) list[i] = ((list[i]! & 0xfffffffc) | 1) >>> 0;
  list.sort();
  const out = new Int8Array(P);
  for (let i = 0; i < P; i++) out[i] = (list[i]! & 3) - 1;
  return out;
}

/** Key generation: h = g / (3f) with g invertible in R/3 and f short. */
export function sntrup761Keypair(random: RandomBytes): { publicKey: Uint8Array; secretKey: Uint8Array } {
  let g: Int8Array;
  let gInverse: Int8Array | undefined;
  do {
    g = smallRandom(random);
    gInverse = reciprocalR3(g);
  } while (!gInverse);
  const f = shortRandom(random);
  // A short f is always invertible in R/q (q prime, x^P - x - 1 irreducible mod q).
  const fInverse = reciprocal3Rq(f)!;
  const publicKey = encodeRq(multiplyRqSmall(fInverse, g));
  const secretKey = new Uint8Array(SNTRUP761_SECRET_KEY_BYTES);
  let at = 0;
  secretKey.set(encodeSmall(f), at);
  at += SMALL_BYTES;
  secretKey.set(encodeSmall(gInverse), at);
  at += SMALL_BYTES;
  secretKey.set(publicKey, at);
  at += RQ_BYTES;
  secretKey.set(random(SMALL_BYTES), at);
  at += SMALL_BYTES;
  secretKey.set(hashPrefix(4, publicKey), at);
  return { publicKey, secretKey };
}

/** Hide: the ciphertext of r under pk, with its confirmation hash; also r encoded. */
function hide(r: Int8Array, publicKey: Uint8Array, cache: Uint8Array) {
  const rEncoded = encodeSmall(r);
  const ciphertext = new Uint8Array(SNTRUP761_CIPHERTEXT_BYTES);
  ciphertext.set(encodeRounded(round(multiplyRqSmall(decodeRq(publicKey), r))));
  ciphertext.set(hashPrefix(2, hashPrefix(3, rEncoded), cache), ROUNDED_BYTES);
  return { ciphertext, rEncoded };
}

/**
 * Encapsulation to a 1158-byte public key.
 * @throws RangeError for a public key of the wrong length.
 */
export function sntrup761Encapsulate(
  publicKey: Uint8Array,
  random: RandomBytes,
): { ciphertext: Uint8Array; sharedSecret: Uint8Array } {
  if (publicKey.length !== SNTRUP761_PUBLIC_KEY_BYTES)
    throw new RangeError(`sntrup761 public key of ${publicKey.length} bytes`);
  const cache = hashPrefix(4, publicKey);
  const r = shortRandom(random);
  const { ciphertext, rEncoded } = hide(r, publicKey, cache);
  const sharedSecret = hashPrefix(1, hashPrefix(3, rEncoded), ciphertext);
  return { ciphertext, sharedSecret };
}

/**
 * Decapsulation. A ciphertext that does not re-encrypt to itself yields a pseudo-random secret
 * derived from rho (implicit rejection), never an error.
 * @throws RangeError for a ciphertext or secret key of the wrong length.
 */
export function sntrup761Decapsulate(ciphertext: Uint8Array, secretKey: Uint8Array): Uint8Array {
  if (ciphertext.length !== SNTRUP761_CIPHERTEXT_BYTES)
    throw new RangeError(`sntrup761 ciphertext of ${ciphertext.length} bytes`);
  if (secretKey.length !== SNTRUP761_SECRET_KEY_BYTES)
    throw new RangeError(`sntrup761 secret key of ${secretKey.length} bytes`);
  const f = decodeSmall(secretKey.subarray(0, SMALL_BYTES));
  const gInverse = decodeSmall(secretKey.subarray(SMALL_BYTES, 2 * SMALL_BYTES));
  const publicKey = secretKey.subarray(2 * SMALL_BYTES, 2 * SMALL_BYTES + RQ_BYTES);
  const rho = secretKey.subarray(2 * SMALL_BYTES + RQ_BYTES, 3 * SMALL_BYTES + RQ_BYTES);
  const cache = secretKey.subarray(3 * SMALL_BYTES + RQ_BYTES);

  // Decrypt: e = 3·c·f in R/3, r = e / g; a result of the wrong weight becomes (1,…,1,0,…,0).
  const c = decodeRounded(ciphertext.subarray(0, ROUNDED_BYTES));
  const e = r3FromRq(times3(multiplyRqSmall(c, f)));
  const ev = multiplyR3(e, gInverse);
  const bad = weightMask(ev);
  const r = new Int8Array(P);
  for (let i = 0; i < W; i++) r[i] = ((ev[i]! ^ 1) & ~bad) ^ 1;
  for (let i = W; i < P; i++) r[i] = ev[i]! & ~bad;

  const again = hide(r, publicKey, cache);
  let difference = 0;
  for (let i = 0; i < SNTRUP761_CIPHERTEXT_BYTES; i++) difference |= ciphertext[i]! ^ again.ciphertext[i]!;
  // 0 when equal, -1 otherwise.
  const mismatch = (((difference - 1) >> 8) & 1) - 1;
  const rEncoded = again.rEncoded;
  for (let i = 0; i < SMALL_BYTES; i++) rEncoded[i]! ^= mismatch & (rEncoded[i]! ^ rho[i]!);
  return hashPrefix(1 + mismatch, hashPrefix(3, rEncoded), ciphertext);
}
