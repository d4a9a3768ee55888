/**
 * HMAC-based MACs (RFC 4253 §6.4, RFC 6668) and their encrypt-then-MAC forms (OpenSSH PROTOCOL §1.5).
 */
import type { CHash } from '@noble/hashes/utils.js';
import type { CryptoProvider, HashName } from '../crypto/provider.js';

/** A MAC keyed for one direction. */
export interface Mac {
  readonly length: number;
  readonly etm: boolean;
  /** MAC(key, uint32 seq || data). */
  compute(seq: number, data: Uint8Array): Uint8Array;
}

/** A noble hash function (sha256, sha512, …), as the key exchange uses it. */
export type Hash = CHash;

export function hmacMac(hash: HashName, key: Uint8Array, etm: boolean, crypto: CryptoProvider): Mac {
  const seqBytes = new Uint8Array(4);
  // Keyed once: the provider keeps the key schedule and reuses it per packet.
  const keyed = crypto.hmac(hash, key);
  return {
    length: keyed.length,
    etm,
    compute(seq, data) {
      seqBytes[0] = seq >>> 24;
      seqBytes[1] = seq >>> 16;
      seqBytes[2] = seq >>> 8;
      seqBytes[3] = seq;
      return keyed.compute(seqBytes, data);
    },
  };
}
