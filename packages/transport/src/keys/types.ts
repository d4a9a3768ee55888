/**
 * Public keys, private keys and signatures as the rest of the stack sees them (RFC 4253 §6.6).
 * One implementation per key family lives beside this file; `public-key.ts` parses any blob.
 */
import type { CryptoProvider } from '../crypto/provider.js';

/** A public key decoded from its RFC 4253 §6.6 blob. */
export interface PublicKey {
  /** The key type named at the start of the blob: `ssh-ed25519`, `ecdsa-sha2-nistp256`, `ssh-rsa`. */
  readonly type: string;
  /** The wire encoding (RFC 4253 §6.6); owned by the key, never mutated. */
  readonly blob: Uint8Array;
  /** Signature algorithms this key verifies, most preferred first (`rsa-sha2-512`, `rsa-sha2-256` for RSA). */
  readonly signatureAlgorithms: readonly string[];
  /**
   * Checks a signature blob (`string algorithm || string signature`) over `data`. Returns false for
   * a wrong or malformed signature, and for an algorithm not in `allowed` (default: all of
   * `signatureAlgorithms`); never throws for bad peer input. `crypto` does the arithmetic
   * (default: the process default, `defaultCryptoProvider()`).
   */
  verify(
    data: Uint8Array,
    signatureBlob: Uint8Array,
    allowed?: readonly string[],
    crypto?: CryptoProvider,
  ): boolean;
  /** Equal blobs. */
  equals(other: PublicKey): boolean;
}

/** A private key that signs synchronously (in-memory keys; agents are answered by the driver). */
export interface PrivateKey {
  readonly publicKey: PublicKey;
  /**
   * Signs `data` and returns the signature blob (`string algorithm || string signature`). `crypto`
   * does the arithmetic where the key is in memory (default: `defaultCryptoProvider()`).
   */
  sign(data: Uint8Array, algorithm?: string, crypto?: CryptoProvider): Uint8Array;
}
