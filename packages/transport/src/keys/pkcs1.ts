/**
 * EMSA-PKCS1-v1_5 encoding (RFC 8017 §9.2) for the hashes SSH's RSA signatures use
 * (RFC 8332 §3: SHA-256, SHA-512; RFC 4253 §6.6: SHA-1 for legacy `ssh-rsa`).
 *
 * Verification re-encodes the expected message and compares it whole with the recovered one, as
 * RFC 8017 §8.2.2 step 4 says, instead of parsing the recovered DER (which is how
 * Bleichenbacher-style signature forgeries get in).
 */
import { sha1 } from '@noble/hashes/legacy.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';

/** A hash and its DER DigestInfo prefix (RFC 8017 §9.2 note 1). */
export interface Pkcs1Hash {
  readonly hash: (data: Uint8Array) => Uint8Array;
  readonly digestInfo: Uint8Array;
}

const hex = (h: string): Uint8Array => Uint8Array.from(h.match(/../g)!, (b) => Number.parseInt(b, 16));

/** The three hashes, by their RFC 8017 names. */
export const PKCS1_HASHES = {
  sha1: { hash: sha1, digestInfo: hex('3021300906052b0e03021a05000414') },
  sha256: { hash: sha256, digestInfo: hex('3031300d060960864801650304020105000420') },
  sha512: { hash: sha512, digestInfo: hex('3051300d060960864801650304020305000440') },
} as const satisfies Record<string, Pkcs1Hash>;

export type Pkcs1HashName = keyof typeof PKCS1_HASHES;

/**
 * EM = 0x00 || 0x01 || PS (0xff…, at least 8) || 0x00 || DigestInfo || H(data), `k` bytes long.
 * @throws RangeError when `k` is too short for the hash ("intended encoded message length too short").
 */
export function emsaPkcs1v15Encode(hashName: Pkcs1HashName, data: Uint8Array, k: number): Uint8Array {
  const { hash, digestInfo } = PKCS1_HASHES[hashName];
  const digest = hash(data);
  const tLen = digestInfo.length + digest.length;
  if (k < tLen + 11) throw new RangeError('RSA modulus too short for the PKCS#1 v1.5 encoding');
  const em = new Uint8Array(k);
  em[1] = 0x01;
  em.fill(0xff, 2, k - tLen - 1);
  em.set(digestInfo, k - tLen);
  em.set(digest, k - digest.length);
  return em;
}
