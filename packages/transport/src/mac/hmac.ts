/**
 * HMAC-based MACs (RFC 4253 §6.4, RFC 6668) and their encrypt-then-MAC forms (OpenSSH PROTOCOL §1.5).
 */
import { hmac } from '@noble/hashes/hmac.js';
import type { CHash } from '@noble/hashes/utils.js';

/** A MAC keyed for one direction. */
export interface Mac {
  readonly length: number;
  readonly etm: boolean;
  /** MAC(key, uint32 seq || data). */
  compute(seq: number, data: Uint8Array): Uint8Array;
}

/** A noble hash function (sha256, sha512, …). */
export type Hash = CHash;

export function hmacMac(hash: Hash, key: Uint8Array, etm: boolean): Mac {
  const seqBytes = new Uint8Array(4);
  const keyed = hmac.create(hash, key);
  return {
    length: hash.outputLen,
    etm,
    compute(seq, data) {
      seqBytes[0] = seq >>> 24;
      seqBytes[1] = seq >>> 16;
      seqBytes[2] = seq >>> 8;
      seqBytes[3] = seq;
      // Clone the keyed state rather than redo the key schedule per packet.
      return keyed.clone().update(seqBytes).update(data).digest();
    },
  };
}
