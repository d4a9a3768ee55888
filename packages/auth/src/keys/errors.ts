/**
 * Errors about key files (OpenSSH PROTOCOL.key, PEM/PKCS#8, PuTTY PPK, RFC 4716, sshd(8)
 * AUTHORIZED_KEYS FILE FORMAT, SSH_KNOWN_HOSTS FILE FORMAT). Framing faults inside an SSH binary
 * blob stay `SshDecodeError`; key types we do not implement are `UnsupportedKeyError` and bad key
 * values `InvalidKeyError` (both from @seashell/transport).
 */
import { SshError } from '@seashell/transport';

/** A key file that is not in the format it claims (bad armour, checkints, padding, type fields). */
export class KeyFileError extends SshError {
  constructor(message: string) {
    super('ERR_SSH_KEY_FILE', message);
  }
}

/**
 * A private key protected by a passphrase, and none was given (or the passphrase callback gave
 * none). Ask the user and try again with one.
 */
export class EncryptedKeyError extends SshError {
  /** The file's cipher, e.g. `aes256-ctr` or `AES-128-CBC`. */
  readonly cipher: string;
  /** The file's KDF, e.g. `bcrypt`, `pbkdf2`, `Argon2id`, `EVP_BytesToKey`. */
  readonly kdf: string;
  constructor(cipher: string, kdf: string) {
    super(
      'ERR_SSH_KEY_ENCRYPTED',
      `the private key is encrypted (cipher ${JSON.stringify(cipher.slice(0, 40))}, kdf ${JSON.stringify(kdf.slice(0, 40))}): a passphrase is needed`,
    );
    this.cipher = cipher;
    this.kdf = kdf;
  }
}

/**
 * The passphrase did not decrypt the key: the checkints differ (openssh-key-v1), the AEAD tag or
 * the PPK MAC does not verify, or the CBC padding or the DER inside is garbage (PEM, PKCS#8).
 * A file damaged inside its encrypted part looks the same; nothing can tell the two apart.
 */
export class BadPassphraseError extends SshError {
  constructor(message = 'incorrect passphrase supplied to decrypt private key') {
    super('ERR_SSH_BAD_PASSPHRASE', message);
  }
}
