/**
 * ecdsa-sha2-nistp256/384/521 keys and signatures (RFC 5656 §3.1, §3.1.1, §6.2.1).
 *
 * Public key blob: `string "ecdsa-sha2-[identifier]" || string identifier || string Q`, with Q the
 * uncompressed SEC1 point `04 || X || Y` (RFC 5656 §3.1; OpenSSH refuses compressed points).
 * Signature blob: `string "ecdsa-sha2-[identifier]" || string (mpint r || mpint s)`.
 * The hash is chosen by curve size (RFC 5656 §6.2.1): SHA-256, SHA-384, SHA-512.
 */

import type { ECDSA } from '@noble/curves/abstract/weierstrass.js';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { bytesToNumberBE, equalBytes, numberToBytesBE } from '@noble/curves/utils.js';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import { defaultCryptoProvider } from '../crypto/default.js';
import type { CryptoProvider, EcdsaCurveName, HashName } from '../crypto/provider.js';
import { SshDecodeError } from '../errors.js';
import { SshReader } from '../wire/reader.js';
import { SshWriter } from '../wire/writer.js';
import { InvalidKeyError } from './errors.js';
import { acceptSignatureBlob, encodeSignatureBlob } from './signature-blob.js';
import type { PrivateKey, PublicKey } from './types.js';

/** One NIST curve as SSH uses it. */
export interface EcdsaCurveSpec {
  /** The RFC 5656 §6.1 curve identifier inside the blob. */
  readonly identifier: EcdsaCurveName;
  readonly curve: ECDSA;
  /** RFC 5656 §6.2.1 hash for this curve size. */
  readonly hash: (data: Uint8Array) => Uint8Array;
  /** The same hash by name, for the crypto provider. */
  readonly hashName: HashName;
}

/** The three curves, keyed by key type (= signature algorithm) name. */
export const ECDSA_CURVES = {
  'ecdsa-sha2-nistp256': { identifier: 'nistp256', curve: p256, hash: sha256, hashName: 'sha256' },
  'ecdsa-sha2-nistp384': { identifier: 'nistp384', curve: p384, hash: sha384, hashName: 'sha384' },
  'ecdsa-sha2-nistp521': { identifier: 'nistp521', curve: p521, hash: sha512, hashName: 'sha512' },
} as const satisfies Record<string, EcdsaCurveSpec>;

/** `ecdsa-sha2-nistp256` | `ecdsa-sha2-nistp384` | `ecdsa-sha2-nistp521`. */
export type EcdsaKeyType = keyof typeof ECDSA_CURVES;

/** Whether `type` names one of our ECDSA key types. */
export function isEcdsaKeyType(type: string): type is EcdsaKeyType {
  return Object.hasOwn(ECDSA_CURVES, type);
}

/** An ECDSA public key on one NIST curve. */
export class EcdsaPublicKey implements PublicKey {
  readonly type: EcdsaKeyType;
  readonly signatureAlgorithms: readonly string[];
  readonly blob: Uint8Array;
  /** The uncompressed point `04 || X || Y`. */
  readonly point: Uint8Array;
  readonly #spec: EcdsaCurveSpec;

  /** @throws InvalidKeyError unless `point` is an uncompressed point on the curve (not infinity). */
  constructor(type: EcdsaKeyType, point: Uint8Array) {
    const spec: EcdsaCurveSpec = ECDSA_CURVES[type];
    const fieldBytes = spec.curve.Point.Fp.BYTES;
    // RFC 5656 §3.1 and SEC1 2.3.3; OpenSSH refuses compressed (02/03) points and so do we.
    if (point.length !== 1 + 2 * fieldBytes || point[0] !== 0x04)
      throw new InvalidKeyError(`${type} point is not an uncompressed ${spec.identifier} point`);
    // RFC 5656 §3.1: the point must be valid (on the curve, not the identity).
    if (!spec.curve.utils.isValidPublicKey(point, false))
      throw new InvalidKeyError(`${type} point is not on the curve`);
    this.type = type;
    this.signatureAlgorithms = [type];
    this.#spec = spec;
    this.point = point.slice();
    this.blob = new SshWriter(point.length + 48)
      .string(type)
      .string(spec.identifier)
      .string(this.point)
      .bytes()
      .slice();
  }

  /** The RFC 5656 §6.1 curve identifier (`nistp256`, …). */
  get curveName(): string {
    return this.#spec.identifier;
  }

  /**
   * Reads the fields after the type string of a public key blob.
   * @throws InvalidKeyError when the curve identifier differs from the type's (x/crypto NCC audit).
   */
  static read(type: EcdsaKeyType, r: SshReader): EcdsaPublicKey {
    const identifier = r.ascii();
    // RFC 5656 §3.1: the identifier must match the one in the key type.
    if (identifier !== ECDSA_CURVES[type].identifier)
      throw new InvalidKeyError(`${type} key names curve ${JSON.stringify(identifier.slice(0, 32))}`);
    return new EcdsaPublicKey(type, r.string());
  }

  verify(
    data: Uint8Array,
    signatureBlob: Uint8Array,
    allowed?: readonly string[],
    crypto: CryptoProvider = defaultCryptoProvider(),
  ): boolean {
    const sig = acceptSignatureBlob(
      signatureBlob,
      this.signatureAlgorithms,
      allowed ?? this.signatureAlgorithms,
    );
    if (sig === undefined) return false;
    const { curve, identifier, hashName } = this.#spec;
    const n = curve.Point.Fn.ORDER;
    let r: bigint;
    let s: bigint;
    try {
      // RFC 5656 §3.1.2: `mpint r || mpint s`, nothing after.
      const inner = new SshReader(sig.signature);
      r = inner.positiveMpint(curve.Point.Fn.BITS);
      s = inner.positiveMpint(curve.Point.Fn.BITS);
      inner.end('ecdsa signature');
    } catch (e) {
      if (e instanceof SshDecodeError) return false;
      throw e;
    }
    if (r <= 0n || r >= n || s <= 0n || s >= n) return false;
    const bytes = curve.Point.Fn.BYTES;
    const compact = new Uint8Array(2 * bytes);
    compact.set(numberToBytesBE(r, bytes), 0);
    compact.set(numberToBytesBE(s, bytes), bytes);
    // OpenSSH signs with OpenSSL, which does not normalise s: high-S signatures are valid here.
    return crypto.ecdsa.verify(identifier, hashName, this.point, data, compact);
  }

  equals(other: PublicKey): boolean {
    return equalBytes(this.blob, other.blob);
  }
}

/** An ECDSA private key: the scalar d on one NIST curve. */
export class EcdsaPrivateKey implements PrivateKey {
  readonly publicKey: EcdsaPublicKey;
  readonly #spec: EcdsaCurveSpec;
  readonly #d: Uint8Array;

  /** @throws InvalidKeyError unless 1 <= d < n. */
  constructor(type: EcdsaKeyType, d: bigint) {
    const spec: EcdsaCurveSpec = ECDSA_CURVES[type];
    if (d <= 0n || d >= spec.curve.Point.Fn.ORDER)
      throw new InvalidKeyError(`${type} private scalar is out of range`);
    this.#spec = spec;
    this.#d = numberToBytesBE(d, spec.curve.Point.Fn.BYTES);
    this.publicKey = new EcdsaPublicKey(type, spec.curve.getPublicKey(this.#d, false));
  }

  get type(): EcdsaKeyType {
    return this.publicKey.type;
  }

  /** The private scalar d (for writing key files). */
  scalar(): bigint {
    return bytesToNumberBE(this.#d);
  }

  /**
   * Signs `data`: noble takes RFC 6979 deterministic k (no nonce bias, PuTTY CVE-2024-31497
   * lesson); OpenSSL derives k from the key, the digest and fresh randomness.
   * @throws RangeError when `algorithm` is not this key's type.
   */
  sign(
    data: Uint8Array,
    algorithm: string = this.publicKey.type,
    crypto: CryptoProvider = defaultCryptoProvider(),
  ): Uint8Array {
    if (algorithm !== this.publicKey.type)
      throw new RangeError(`a ${this.publicKey.type} key cannot sign ${algorithm}`);
    const { curve, identifier, hashName } = this.#spec;
    const compact = crypto.ecdsa.sign(identifier, hashName, this.#d, this.publicKey.point, data);
    const { r, s } = curve.Signature.fromBytes(compact);
    const inner = new SshWriter(2 * compact.length + 16).mpint(r).mpint(s).bytes();
    return encodeSignatureBlob(algorithm, inner);
  }
}
