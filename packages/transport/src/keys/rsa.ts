/**
 * ssh-rsa keys with rsa-sha2-512 / rsa-sha2-256 signatures (RFC 8332 §3) and, opt-in only, the
 * SHA-1 `ssh-rsa` signature of RFC 4253 §6.6. RSASSA-PKCS1-v1_5 (RFC 8017 §8.2) through the crypto
 * provider: bigint arithmetic in the portable one, OpenSSL on Node.
 *
 * Public key blob: `string "ssh-rsa" || mpint e || mpint n` (RFC 4253 §6.6).
 * Signature blob: `string "rsa-sha2-512" || string s`, s as long as the modulus (RFC 8332 §3).
 */
import { equalBytes } from '@noble/curves/utils.js';
import { defaultCryptoProvider } from '../crypto/default.js';
import type { CryptoProvider, RsaPrivateParts } from '../crypto/provider.js';
import { defaultRandomBytes, type RandomBytes } from '../random.js';
import type { SshReader } from '../wire/reader.js';
import { SshWriter } from '../wire/writer.js';
import { InvalidKeyError } from './errors.js';
import type { Pkcs1HashName } from './pkcs1.js';
import { bitLength, modInverse } from './rsa-math.js';
import { acceptSignatureBlob, encodeSignatureBlob } from './signature-blob.js';
import type { PrivateKey, PublicKey } from './types.js';

/** The key type name of RSA keys, whatever the signature hash. */
export const RSA = 'ssh-rsa';

/** Signature algorithms over an `ssh-rsa` key and their hash. `ssh-rsa` (SHA-1) is legacy. */
export const RSA_SIGNATURE_HASHES = {
  'rsa-sha2-512': 'sha512',
  'rsa-sha2-256': 'sha256',
  'ssh-rsa': 'sha1',
} as const satisfies Record<string, Pkcs1HashName>;

export type RsaSignatureAlgorithm = keyof typeof RSA_SIGNATURE_HASHES;

/** Default verification set, most preferred first; SHA-1 `ssh-rsa` must be allowed explicitly. */
const DEFAULT_ALGORITHMS: readonly string[] = ['rsa-sha2-512', 'rsa-sha2-256'];
const SUPPORTED_ALGORITHMS: readonly string[] = Object.keys(RSA_SIGNATURE_HASHES);

/** OpenSSH's SSH_RSA_MINIMUM_MODULUS_SIZE. */
export const RSA_MIN_MODULUS_BITS = 1024;
/** OpenSSH's cap (SSHBUF_MAX_BIGNUM); Go settled on the same (x/crypto `10b54ff`). */
export const RSA_MAX_MODULUS_BITS = 16384;
/**
 * Largest public exponent we accept. Real keys use 65537; a bound keeps a hostile key from making
 * verification expensive (x/crypto CVE-2026-39829). Go is stricter (24 bits).
 */
export const RSA_MAX_EXPONENT = 1n << 33n;

/** An RSA public key (e, n). */
export class RsaPublicKey implements PublicKey {
  readonly type = RSA;
  readonly signatureAlgorithms: readonly string[] = DEFAULT_ALGORITHMS;
  readonly blob: Uint8Array;
  readonly e: bigint;
  readonly n: bigint;
  /** Modulus size in bits. */
  readonly bits: number;

  /** @throws InvalidKeyError for a modulus outside 1024..16384 bits or even, or e even, < 3 or > 2^33. */
  constructor(e: bigint, n: bigint) {
    const bits = bitLength(n);
    if (bits < RSA_MIN_MODULUS_BITS || bits > RSA_MAX_MODULUS_BITS)
      throw new InvalidKeyError(
        `RSA modulus of ${bits} bits is outside ${RSA_MIN_MODULUS_BITS}..${RSA_MAX_MODULUS_BITS}`,
      );
    if ((n & 1n) === 0n) throw new InvalidKeyError('RSA modulus is even');
    if (e < 3n || (e & 1n) === 0n || e > RSA_MAX_EXPONENT)
      throw new InvalidKeyError('RSA public exponent must be odd and in 3..2^33');
    this.e = e;
    this.n = n;
    this.bits = bits;
    this.blob = new SshWriter(Math.ceil(bits / 8) + 32).string(RSA).mpint(e).mpint(n).bytes().slice();
  }

  /** Reads the fields after the type string of a public key blob (e before n). */
  static read(r: SshReader): RsaPublicKey {
    const e = r.positiveMpint(RSA_MAX_MODULUS_BITS);
    const n = r.positiveMpint(RSA_MAX_MODULUS_BITS);
    return new RsaPublicKey(e, n);
  }

  /** Modulus length in bytes (RFC 8017 `k`). */
  get size(): number {
    return Math.ceil(this.bits / 8);
  }

  verify(
    data: Uint8Array,
    signatureBlob: Uint8Array,
    allowed?: readonly string[],
    crypto: CryptoProvider = defaultCryptoProvider(),
  ): boolean {
    const sig = acceptSignatureBlob(signatureBlob, SUPPORTED_ALGORITHMS, allowed ?? this.signatureAlgorithms);
    if (sig === undefined) return false;
    const k = this.size;
    // RFC 8332 §3 says s is exactly k bytes; OpenSSH left-pads a short one and refuses a long one.
    if (sig.signature.length > k || sig.signature.length === 0) return false;
    let s = sig.signature;
    if (s.length < k) {
      s = new Uint8Array(k);
      s.set(sig.signature, k - sig.signature.length);
    }
    const hash = RSA_SIGNATURE_HASHES[sig.algorithm as RsaSignatureAlgorithm];
    // RFC 8017 §8.2.2: s below n, and the whole re-encoded EM compared.
    return crypto.rsa.verify(hash, this, data, s);
  }

  equals(other: PublicKey): boolean {
    return equalBytes(this.blob, other.blob);
  }
}

/** The RFC 8017 §3.2 private key, second representation (CRT). */
export interface RsaPrivateComponents {
  readonly n: bigint;
  readonly e: bigint;
  readonly d: bigint;
  readonly p: bigint;
  readonly q: bigint;
  /** q^-1 mod p (OpenSSH's `iqmp`); derived when absent. */
  readonly qinv?: bigint;
}

/** Options for an RSA private key. */
export interface RsaPrivateKeyOptions {
  /** Randomness for blinding each private operation (default: the platform CSPRNG). */
  readonly random?: RandomBytes;
}

/** An RSA private key that signs with CRT, blinding and a check of its own result. */
export class RsaPrivateKey implements PrivateKey {
  readonly publicKey: RsaPublicKey;
  readonly #d: bigint;
  readonly #p: bigint;
  readonly #q: bigint;
  readonly #dp: bigint;
  readonly #dq: bigint;
  readonly #qinv: bigint;
  readonly #random: RandomBytes;
  readonly #parts: RsaPrivateParts;

  /** @throws InvalidKeyError when the parts are inconsistent (p·q ≠ n, d not an inverse of e, bad qinv). */
  constructor(parts: RsaPrivateComponents, options: RsaPrivateKeyOptions = {}) {
    const { n, e, d, p, q } = parts;
    this.publicKey = new RsaPublicKey(e, n);
    if (p <= 1n || q <= 1n || p * q !== n) throw new InvalidKeyError('RSA primes do not multiply to n');
    if (d <= 1n || d >= n) throw new InvalidKeyError('RSA private exponent out of range');
    this.#dp = d % (p - 1n);
    this.#dq = d % (q - 1n);
    // e·d ≡ 1 mod (p-1) and mod (q-1), for both φ- and λ-based d.
    if ((e * this.#dp) % (p - 1n) !== 1n || (e * this.#dq) % (q - 1n) !== 1n)
      throw new InvalidKeyError('RSA private exponent does not match e');
    let qinv: bigint;
    try {
      qinv = parts.qinv ?? modInverse(q, p);
    } catch {
      throw new InvalidKeyError('RSA primes are not coprime');
    }
    if ((qinv * q) % p !== 1n) throw new InvalidKeyError('RSA iqmp is not q^-1 mod p');
    this.#d = d;
    this.#p = p;
    this.#q = q;
    this.#qinv = qinv;
    this.#random = options.random ?? defaultRandomBytes;
    this.#parts = { n, e, d, p, q, dp: this.#dp, dq: this.#dq, qinv };
  }

  /** All private parts, with dp and dq (for writing key files). */
  components(): Required<RsaPrivateComponents> & { readonly dp: bigint; readonly dq: bigint } {
    const { n, e } = this.publicKey;
    return { n, e, d: this.#d, p: this.#p, q: this.#q, qinv: this.#qinv, dp: this.#dp, dq: this.#dq };
  }

  /**
   * Signs with `rsa-sha2-512` (default), `rsa-sha2-256`, or legacy `ssh-rsa` when asked by name.
   * @throws RangeError for another algorithm name.
   */
  sign(
    data: Uint8Array,
    algorithm = 'rsa-sha2-512',
    crypto: CryptoProvider = defaultCryptoProvider(),
  ): Uint8Array {
    if (!Object.hasOwn(RSA_SIGNATURE_HASHES, algorithm))
      throw new RangeError(`an RSA key cannot sign ${algorithm}`);
    const hash = RSA_SIGNATURE_HASHES[algorithm as RsaSignatureAlgorithm];
    return encodeSignatureBlob(algorithm, crypto.rsa.sign(hash, this.#parts, data, this.#random));
  }
}
