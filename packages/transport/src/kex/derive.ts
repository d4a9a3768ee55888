/**
 * RFC 4253 §7.2: keys and IVs from the shared secret K, the exchange hash H and the session id.
 */
import type { Hash } from '../mac/hmac.js';

/**
 * HASH(K || H || letter || session_id), extended with HASH(K || H || K1 || K2 …) until `length`
 * bytes are there. `sharedSecret` is K already encoded (mpint or string).
 */
export function deriveKey(
  hash: Hash,
  sharedSecret: Uint8Array,
  exchangeHash: Uint8Array,
  letter: 'A' | 'B' | 'C' | 'D' | 'E' | 'F',
  sessionId: Uint8Array,
  length: number,
): Uint8Array {
  const out = new Uint8Array(Math.ceil(length / hash.outputLen) * hash.outputLen || hash.outputLen);
  let have = hash.outputLen;
  out.set(
    hash
      .create()
      .update(sharedSecret)
      .update(exchangeHash)
      .update(new Uint8Array([letter.charCodeAt(0)]))
      .update(sessionId)
      .digest(),
  );
  while (have < length) {
    out.set(
      hash.create().update(sharedSecret).update(exchangeHash).update(out.subarray(0, have)).digest(),
      have,
    );
    have += hash.outputLen;
  }
  return out.subarray(0, length);
}
