/**
 * Injected randomness (DESIGN.md "Sans-IO cores"): code that needs random bytes takes a
 * `RandomBytes` so that tests and recorded transcripts can replay with fixed values.
 */

/** Returns `length` fresh random bytes. */
export type RandomBytes = (length: number) => Uint8Array;

/** The platform CSPRNG, `globalThis.crypto.getRandomValues` (Node 20+, browsers, Deno, Bun, Workers). */
export const defaultRandomBytes: RandomBytes = (length) => {
  const out = new Uint8Array(length);
  // getRandomValues fills at most 65536 bytes per call (WebCrypto §10.1.1).
  for (let i = 0; i < length; i += 65536) globalThis.crypto.getRandomValues(out.subarray(i, i + 65536));
  return out;
};
