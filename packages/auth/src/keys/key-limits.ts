/**
 * Bounds on the work a key file can ask of us (PROTOCOL-NOTES §4.4 #35; x/crypto `b315afd`,
 * `6f39c52`). Every KDF's cost is read from the file itself, so a hostile or damaged file could
 * otherwise name 2^32 bcrypt rounds or a terabyte of Argon2 memory. The limits are checked when
 * the file is opened, before anyone is asked for a passphrase.
 *
 * Measured on one core of a 2020s x86 server, pure JavaScript (noble and our Blowfish):
 * - bcrypt_pbkdf: about 10 ms per round for a 48-byte key; ssh-keygen writes 16 rounds (9.2) or
 *   24 (9.3+), `-a 100` is a common choice. 2048 rounds (Go's cap) is about 20 s.
 * - PBKDF2-HMAC-SHA-256: about 2 µs per iteration; OpenSSL writes 2048, OWASP suggests 600,000.
 * - Argon2: about 7 ms per MiB per pass; puttygen writes 8 MiB and passes tuned to ~100 ms native.
 */

/** Caps on key-derivation cost; each defaults to the matching `DEFAULT_KEY_LIMITS` entry. */
export interface KeyFileLimits {
  /** Most bcrypt_pbkdf rounds accepted in an openssh-key-v1 file. */
  readonly maxBcryptRounds?: number;
  /** Most PBKDF2 iterations accepted in an encrypted PKCS#8 file. */
  readonly maxPbkdf2Iterations?: number;
  /** Most Argon2 memory, in KiB, accepted in a PPK v3 file. */
  readonly maxArgon2MemoryKiB?: number;
  /** Most Argon2 passes accepted in a PPK v3 file. */
  readonly maxArgon2Passes?: number;
  /** Most Argon2 memory × passes (KiB), the real measure of its time. */
  readonly maxArgon2Work?: number;
  /** Most Argon2 lanes. */
  readonly maxArgon2Parallelism?: number;
}

/** The limits used when none are given. */
export const DEFAULT_KEY_LIMITS: Required<KeyFileLimits> = {
  maxBcryptRounds: 2048,
  maxPbkdf2Iterations: 1_000_000,
  maxArgon2MemoryKiB: 256 * 1024,
  maxArgon2Passes: 1000,
  maxArgon2Work: 2 * 1024 * 1024,
  maxArgon2Parallelism: 64,
};

/** `limits` with defaults filled in. */
export function keyLimits(limits: KeyFileLimits | undefined): Required<KeyFileLimits> {
  return { ...DEFAULT_KEY_LIMITS, ...limits };
}
