/**
 * The signature blob of RFC 4253 §6.6: `string signature-format-identifier || string signature`.
 * Every key family encodes and decodes it through these two functions.
 */
import { SshReader } from '../wire/reader.js';
import { SshWriter } from '../wire/writer.js';

/** A decoded signature blob: the algorithm name and the algorithm-specific bytes (a view). */
export interface SignatureBlob {
  readonly algorithm: string;
  readonly signature: Uint8Array;
}

/** Writes `string algorithm || string signature`. */
export function encodeSignatureBlob(algorithm: string, signature: Uint8Array): Uint8Array {
  return new SshWriter(signature.length + algorithm.length + 8).string(algorithm).string(signature).bytes();
}

/**
 * Reads `string algorithm || string signature`; trailing bytes are refused.
 * @throws SshDecodeError on any framing fault.
 */
export function decodeSignatureBlob(blob: Uint8Array): SignatureBlob {
  const r = new SshReader(blob);
  const algorithm = r.ascii();
  const signature = r.string();
  r.end('signature blob');
  return { algorithm, signature };
}

/**
 * Decodes a peer's signature blob for `verify`: returns undefined (never throws) when it is
 * malformed or names an algorithm outside `allowed` or outside what the key can check.
 */
export function acceptSignatureBlob(
  blob: Uint8Array,
  supported: readonly string[],
  allowed: readonly string[],
): SignatureBlob | undefined {
  let decoded: SignatureBlob;
  try {
    decoded = decodeSignatureBlob(blob);
  } catch {
    return undefined;
  }
  // RFC 8332 §3 / RFC 4252 §7: the signature's algorithm must be one we agreed to, never a fallback.
  if (!supported.includes(decoded.algorithm) || !allowed.includes(decoded.algorithm)) return undefined;
  return decoded;
}
