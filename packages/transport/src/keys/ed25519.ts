/**
 * ssh-ed25519 keys and signatures (RFC 8709 §4–§6; RFC 8032 §5.1).
 *
 * Public key blob: `string "ssh-ed25519" || string A` with A the 32-byte encoded point.
 * Signature blob: `string "ssh-ed25519" || string (R || S)`, 64 bytes.
 */
import { equalBytes } from '@noble/curves/utils.js';
import { defaultCryptoProvider } from '../crypto/default.js';
import type { CryptoProvider } from '../crypto/provider.js';
import type { SshReader } from '../wire/reader.js';
import { SshWriter } from '../wire/writer.js';
import { InvalidKeyError } from './errors.js';
import { acceptSignatureBlob, encodeSignatureBlob } from './signature-blob.js';
import type { PrivateKey, PublicKey } from './types.js';

/** The key and signature algorithm name (RFC 8709 §4). */
export const ED25519 = 'ssh-ed25519';
const ALGORITHMS = [ED25519] as const;

/** An Ed25519 public key. */
export class Ed25519PublicKey implements PublicKey {
  readonly type = ED25519;
  readonly signatureAlgorithms: readonly string[] = ALGORITHMS;
  readonly blob: Uint8Array;
  /** The 32-byte encoded point A (RFC 8032 §5.1.5). */
  readonly key: Uint8Array;

  /** @throws InvalidKeyError unless `key` is exactly 32 bytes (x/crypto CVE-2020-9283). */
  constructor(key: Uint8Array) {
    // RFC 8709 §4: the key is exactly 32 octets.
    if (key.length !== 32) throw new InvalidKeyError(`ssh-ed25519 key is ${key.length} bytes, not 32`);
    this.key = key.slice();
    this.blob = new SshWriter(51).string(ED25519).string(this.key).bytes().slice();
  }

  /** Reads the fields after the type string of a public key blob. */
  static read(r: SshReader): Ed25519PublicKey {
    return new Ed25519PublicKey(r.string());
  }

  verify(
    data: Uint8Array,
    signatureBlob: Uint8Array,
    allowed: readonly string[] = ALGORITHMS,
    crypto: CryptoProvider = defaultCryptoProvider(),
  ): boolean {
    const sig = acceptSignatureBlob(signatureBlob, ALGORITHMS, allowed);
    // RFC 8709 §6: the signature is exactly 64 octets.
    if (sig === undefined || sig.signature.length !== 64) return false;
    // RFC 8032's strict checks (canonical S < L and encodings): no malleability.
    return crypto.ed25519.verify(this.key, data, sig.signature);
  }

  equals(other: PublicKey): boolean {
    return equalBytes(this.blob, other.blob);
  }
}

/** An Ed25519 private key held as its 32-byte seed (RFC 8032 §5.1.5 "private key"). */
export class Ed25519PrivateKey implements PrivateKey {
  readonly publicKey: Ed25519PublicKey;
  readonly #seed: Uint8Array;

  /** @throws InvalidKeyError unless `seed` is 32 bytes. */
  constructor(seed: Uint8Array) {
    if (seed.length !== 32) throw new InvalidKeyError(`ed25519 seed is ${seed.length} bytes, not 32`);
    this.#seed = seed.slice();
    this.publicKey = new Ed25519PublicKey(defaultCryptoProvider().ed25519.publicKey(this.#seed));
  }

  /** A copy of the 32-byte seed (the first half of OpenSSH's 64-byte `sk`). */
  seed(): Uint8Array {
    return this.#seed.slice();
  }

  /** @throws RangeError when `algorithm` is not `ssh-ed25519`. */
  sign(
    data: Uint8Array,
    algorithm: string = ED25519,
    crypto: CryptoProvider = defaultCryptoProvider(),
  ): Uint8Array {
    if (algorithm !== ED25519) throw new RangeError(`an ed25519 key cannot sign ${algorithm}`);
    return encodeSignatureBlob(ED25519, crypto.ed25519.sign(this.#seed, data));
  }
}
