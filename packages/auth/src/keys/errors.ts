/**
 * Errors about key files (OpenSSH PROTOCOL.key, sshd(8) AUTHORIZED_KEYS FILE FORMAT,
 * SSH_KNOWN_HOSTS FILE FORMAT). Framing faults inside a binary blob stay `SshDecodeError`.
 */
import { SshError } from '@seashell/transport';

/** A key file that is not in the format it claims (bad armour, checkints, padding, type fields). */
export class KeyFileError extends SshError {
  constructor(message: string) {
    super('ERR_SSH_KEY_FILE', message);
  }
}

/**
 * An `openssh-key-v1` private key protected by a passphrase. Decryption (bcrypt-pbkdf + the key
 * cipher) is not implemented yet.
 */
export class EncryptedKeyError extends SshError {
  /** The key file's cipher name, e.g. `aes256-ctr`. */
  readonly cipher: string;
  /** The key file's KDF name, e.g. `bcrypt`. */
  readonly kdf: string;
  constructor(cipher: string, kdf: string) {
    super(
      'ERR_SSH_KEY_ENCRYPTED',
      `encrypted private keys are not supported yet (cipher ${JSON.stringify(cipher.slice(0, 40))}, kdf ${JSON.stringify(kdf.slice(0, 40))})`,
    );
    this.cipher = cipher;
    this.kdf = kdf;
  }
}
