/**
 * Errors about public and private keys. A blob whose RFC 4251 framing is broken (truncated,
 * trailing bytes, negative mpint) is an `SshDecodeError`; these two cover blobs that frame
 * correctly but name a type we do not implement, or hold values the type forbids.
 */
import { SshError } from '../errors.js';

/** A key or signature type we do not implement (the name is sanitised for printing). */
export class UnsupportedKeyError extends SshError {
  /** The type string as found, e.g. `ssh-dss`. */
  readonly keyType: string;
  constructor(keyType: string) {
    super('ERR_SSH_UNSUPPORTED_KEY', `unsupported key type ${JSON.stringify(keyType.slice(0, 64))}`);
    this.keyType = keyType;
  }
}

/**
 * A key that decodes but is not acceptable: an ed25519 key that is not 32 bytes, a compressed or
 * off-curve ECDSA point, a curve name that differs from the type, an RSA modulus or exponent out of
 * bounds, private parts that do not match the public ones.
 */
export class InvalidKeyError extends SshError {
  constructor(message: string) {
    super('ERR_SSH_INVALID_KEY', message);
  }
}
