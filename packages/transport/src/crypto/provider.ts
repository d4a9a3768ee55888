/**
 * The crypto provider (DESIGN.md "Algorithms"): the primitives the packet path, the key exchange
 * and the key classes use, behind one small interface. `nobleProvider` is the portable
 * implementation (@noble/*, and bigint RSA); on Node, `nodeProvider` from `@seashell/transport/node`
 * routes the same calls to node:crypto (OpenSSL) where that is faster. Both give byte-identical
 * results for the same inputs (ECDSA signatures excepted: each picks its own k), which the test
 * suite checks.
 *
 * Everything works on `Uint8Array` and is synchronous; "in place" means the output overwrites the
 * input bytes. Keys are copied by the implementation where it keeps them.
 */

/** The hashes SSH uses: SHA-1 (legacy `ssh-rsa`, `hmac-sha1`), SHA-2 (FIPS 180-4). */
export type HashName = 'sha1' | 'sha256' | 'sha384' | 'sha512';

/** Output length in bytes of each hash. */
export const HASH_LENGTHS = { sha1: 20, sha256: 32, sha384: 48, sha512: 64 } as const satisfies Record<
  HashName,
  number
>;

/** The NIST curves of RFC 5656 §6.1, by their SSH identifiers. */
export type EcdsaCurveName = 'nistp256' | 'nistp384' | 'nistp521';

/** A keystream whose position runs on from one call to the next (AES-CTR across packets). */
export interface Keystream {
  /** XORs the next `data.length` bytes of keystream into `data`, in place; whole 16-byte blocks. */
  xor(data: Uint8Array): void;
}

/** AES-GCM (NIST SP 800-38D) keyed once, used with a fresh 12-byte IV per message; 16-byte tags. */
export interface AesGcm {
  /** Encrypts `data` in place and writes the tag over `aad` and the ciphertext into `tag`. */
  seal(iv: Uint8Array, aad: Uint8Array, data: Uint8Array, tag: Uint8Array): void;
  /**
   * Checks `tag` over `aad` and the ciphertext `data`; when it matches, decrypts `data` in place and
   * returns true. Returns false, with `data` untouched, when it does not.
   */
  open(iv: Uint8Array, aad: Uint8Array, data: Uint8Array, tag: Uint8Array): boolean;
}

/**
 * ChaCha20 with the original 64-bit nonce and 64-bit block counter (Bernstein's variant, which
 * OpenSSH's chacha20-poly1305 uses), keyed once.
 */
export interface ChaCha20 {
  /**
   * XORs into `data`, in place, the keystream for the 8-byte `nonce` starting at block `counter`
   * (blocks are 64 bytes; `counter` below 2^32).
   */
  xor(nonce: Uint8Array, counter: number, data: Uint8Array): void;
}

/** HMAC (RFC 2104) keyed once, computed per message. */
export interface Hmac {
  /** Bytes of output: the hash's length. */
  readonly length: number;
  /** HMAC(key, parts[0] || parts[1] || …); a new array each call. */
  compute(...parts: Uint8Array[]): Uint8Array;
}

/** X25519 (RFC 7748 §5) on 32-byte scalars and u-coordinates. */
export interface X25519 {
  /** The public u-coordinate of `secret` (clamped as RFC 7748 §5 says). */
  publicKey(secret: Uint8Array): Uint8Array;
  /**
   * X25519(secret, peerPublic). Throws when `peerPublic` is not 32 bytes or the result is all zero
   * (a low-order point, RFC 7748 §6.1).
   */
  sharedSecret(secret: Uint8Array, peerPublic: Uint8Array): Uint8Array;
}

/** Ed25519 (RFC 8032 §5.1), pure (no prehash), keys as 32-byte seeds and encoded points. */
export interface Ed25519 {
  /** The encoded public point A of a 32-byte seed. */
  publicKey(seed: Uint8Array): Uint8Array;
  /** The 64-byte signature R || S (deterministic). */
  sign(seed: Uint8Array, data: Uint8Array): Uint8Array;
  /**
   * Checks a 64-byte signature with RFC 8032's checks (S < L, canonical encodings). False for
   * anything that does not verify, never a throw. (noble checks the cofactored equation, OpenSSL
   * the cofactorless one: they can differ only on signatures crafted with small-order components,
   * which no honest signer makes; neither accepts a malleated S.)
   */
  verify(publicKey: Uint8Array, data: Uint8Array, signature: Uint8Array): boolean;
}

/** ECDSA (FIPS 186-5) on the NIST curves, hashing the data with the hash given. */
export interface Ecdsa {
  /**
   * Signs `data`: `r || s`, each as long as the curve order (high-S allowed, as OpenSSH's OpenSSL).
   * `scalar` is d big-endian at the order's length; `point` the matching uncompressed public point.
   */
  sign(
    curve: EcdsaCurveName,
    hash: HashName,
    scalar: Uint8Array,
    point: Uint8Array,
    data: Uint8Array,
  ): Uint8Array;
  /**
   * Checks `r || s` (each at the order's length, both in 1..n-1) over `data` for the uncompressed
   * public `point`, which the caller has validated. False for anything that does not verify.
   */
  verify(
    curve: EcdsaCurveName,
    hash: HashName,
    point: Uint8Array,
    data: Uint8Array,
    signature: Uint8Array,
  ): boolean;
}

/** An RSA public key (RFC 8017 §3.1). */
export interface RsaPublicParts {
  readonly n: bigint;
  readonly e: bigint;
}

/** An RSA private key in CRT form (RFC 8017 §3.2, second representation), checked by the caller. */
export interface RsaPrivateParts extends RsaPublicParts {
  readonly d: bigint;
  readonly p: bigint;
  readonly q: bigint;
  readonly dp: bigint;
  readonly dq: bigint;
  readonly qinv: bigint;
}

/** RSASSA-PKCS1-v1_5 (RFC 8017 §8.2) with SHA-1, SHA-256 or SHA-512. */
export interface RsaPkcs1 {
  /**
   * The signature, as long as the modulus. `random` feeds the blinding of an implementation that
   * blinds itself (the bigint one); OpenSSL blinds with its own generator.
   */
  sign(
    hash: 'sha1' | 'sha256' | 'sha512',
    key: RsaPrivateParts,
    data: Uint8Array,
    random: (length: number) => Uint8Array,
  ): Uint8Array;
  /** Checks a signature exactly as long as the modulus. False for anything that does not verify. */
  verify(
    hash: 'sha1' | 'sha256' | 'sha512',
    key: RsaPublicParts,
    data: Uint8Array,
    signature: Uint8Array,
  ): boolean;
}

/**
 * The primitives Seashell takes from a crypto library. Everything a connection does per packet
 * (ciphers, MACs) is keyed once per key exchange through the factories here.
 */
export interface CryptoProvider {
  /** `noble`, `node`: for logs and test names. */
  readonly name: string;
  /** AES-CTR (NIST SP 800-38A) with a 16-byte key, 24 or 32; the 128-bit big-endian counter starts at `iv`. */
  aesCtr(key: Uint8Array, iv: Uint8Array): Keystream;
  /** AES-GCM with a 16- or 32-byte key. */
  aesGcm(key: Uint8Array): AesGcm;
  /** ChaCha20 with a 32-byte key. */
  chacha20(key: Uint8Array): ChaCha20;
  /** HMAC with `hash`, keyed with `key`. */
  hmac(hash: HashName, key: Uint8Array): Hmac;
  /** hash(data). */
  hash(hash: HashName, data: Uint8Array): Uint8Array;
  readonly x25519: X25519;
  readonly ed25519: Ed25519;
  readonly ecdsa: Ecdsa;
  readonly rsa: RsaPkcs1;
}
