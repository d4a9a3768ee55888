/**
 * bcrypt_pbkdf, the KDF of encrypted `openssh-key-v1` files (OpenSSH PROTOCOL.key;
 * `openbsd-compat/bcrypt_pbkdf.c`). It is PBKDF2's outer structure around a "bcrypt hash":
 *
 * ```
 * bcrypt_hash(P, S) = 64 × blf_enc over "OxychromaticBlowfishSwatDynamite" after an EksBlowfish
 *                     setup (expandstate(S, P), then 64 × {expand0state(S), expand0state(P)}),
 *                     output words little-endian (32 bytes)
 * block(count)      = T_1 ⊕ … ⊕ T_rounds, T_1 = bcrypt_hash(SHA512(pass), SHA512(salt || BE32(count))),
 *                     T_i = bcrypt_hash(SHA512(pass), SHA512(T_{i-1}))
 * key[i·stride + count − 1] = block(count)[i]   (the output bytes are interleaved, not concatenated)
 * ```
 *
 * Cost grows linearly with `rounds` (each round is 129 Blowfish key expansions per 32 bytes of
 * output), so the callers bound it before calling: see `BCRYPT_MAX_ROUNDS` in key-limits.ts.
 */
import { sha512 } from '@noble/hashes/sha2.js';
import { BlowfishState } from './blowfish.js';

const MAGIC = new TextEncoder().encode('OxychromaticBlowfishSwatDynamite');
const HASH_SIZE = 32;
/** bcrypt_pbkdf refuses more than sizeof(out)² bytes of key. */
export const BCRYPT_PBKDF_MAX_KEY_LENGTH = HASH_SIZE * HASH_SIZE;

/** The 32-byte bcrypt hash of two 64-byte SHA-512 digests. */
function bcryptHash(state: BlowfishState, sha2pass: Uint8Array, sha2salt: Uint8Array): Uint8Array {
  state.reset();
  state.expand(sha2pass, sha2salt);
  for (let i = 0; i < 64; i++) {
    state.expand(sha2salt);
    state.expand(sha2pass);
  }
  const cdata = new Uint32Array(HASH_SIZE / 4);
  for (let i = 0; i < cdata.length; i++) {
    cdata[i] =
      ((MAGIC[4 * i]! << 24) | (MAGIC[4 * i + 1]! << 16) | (MAGIC[4 * i + 2]! << 8) | MAGIC[4 * i + 3]!) >>>
      0;
  }
  for (let i = 0; i < 64; i++) state.encryptWords(cdata);
  // The words come out little-endian, unlike everything else in Blowfish.
  const out = new Uint8Array(HASH_SIZE);
  for (let i = 0; i < cdata.length; i++) {
    const w = cdata[i]!;
    out[4 * i] = w;
    out[4 * i + 1] = w >>> 8;
    out[4 * i + 2] = w >>> 16;
    out[4 * i + 3] = w >>> 24;
  }
  cdata.fill(0);
  return out;
}

/**
 * Derives `keyLength` bytes from `passphrase` and `salt` as OpenBSD's `bcrypt_pbkdf` does.
 * @throws RangeError for an empty passphrase or salt, rounds < 1, or a key length outside
 *   1..1024 (the C function's own refusals).
 * @example
 * const keyAndIv = bcryptPbkdf(utf8('pw'), salt, 16, 48); // aes256-ctr key || IV
 */
export function bcryptPbkdf(
  passphrase: Uint8Array,
  salt: Uint8Array,
  rounds: number,
  keyLength: number,
): Uint8Array {
  if (!Number.isInteger(rounds) || rounds < 1) throw new RangeError('bcrypt_pbkdf needs at least 1 round');
  if (passphrase.length === 0) throw new RangeError('bcrypt_pbkdf needs a non-empty passphrase');
  if (salt.length === 0 || salt.length > 1 << 20)
    throw new RangeError('bcrypt_pbkdf salt length out of range');
  if (!Number.isInteger(keyLength) || keyLength < 1 || keyLength > BCRYPT_PBKDF_MAX_KEY_LENGTH)
    throw new RangeError('bcrypt_pbkdf key length out of range');
  const stride = Math.ceil(keyLength / HASH_SIZE);
  const amount = Math.ceil(keyLength / stride);
  const key = new Uint8Array(keyLength);
  const sha2pass = sha512(passphrase);
  const countSalt = new Uint8Array(salt.length + 4);
  countSalt.set(salt);
  const state = new BlowfishState();
  for (let count = 1; count <= stride; count++) {
    countSalt[salt.length] = count >>> 24;
    countSalt[salt.length + 1] = count >>> 16;
    countSalt[salt.length + 2] = count >>> 8;
    countSalt[salt.length + 3] = count;
    let tmp = bcryptHash(state, sha2pass, sha512(countSalt));
    const out = tmp.slice();
    for (let r = 1; r < rounds; r++) {
      tmp = bcryptHash(state, sha2pass, sha512(tmp));
      for (let i = 0; i < HASH_SIZE; i++) out[i] = out[i]! ^ tmp[i]!;
    }
    // PROTOCOL.key / bcrypt_pbkdf.c: output byte i of block `count` lands at i·stride + count − 1.
    for (let i = 0; i < amount; i++) {
      const dest = i * stride + count - 1;
      if (dest >= keyLength) break;
      key[dest] = out[i]!;
    }
    out.fill(0);
    tmp.fill(0);
  }
  sha2pass.fill(0);
  state.reset();
  return key;
}
