/**
 * The per-type private key fields inside an `openssh-key-v1` private section (OpenSSH
 * PROTOCOL.key; `sshkey_private_serialize`):
 *
 * - ssh-ed25519: `string pk(32) || string sk(64 = seed || pk)`
 * - ecdsa-sha2-*: `string curve || string Q || mpint d`
 * - ssh-rsa: `mpint n || mpint e || mpint d || mpint iqmp || mpint p || mpint q` (iqmp before p, q)
 */
import {
  ECDSA_CURVES,
  EcdsaPrivateKey,
  EcdsaPublicKey,
  Ed25519PrivateKey,
  Ed25519PublicKey,
  InvalidKeyError,
  isEcdsaKeyType,
  type PrivateKey,
  RSA_MAX_MODULUS_BITS,
  RsaPrivateKey,
  type SshReader,
  type SshWriter,
  UnsupportedKeyError,
} from '@seashell/transport';
import { KeyFileError } from './errors.js';

/** Private keys this module reads and writes. */
export type OpenSshPrivateKeyType = Ed25519PrivateKey | EcdsaPrivateKey | RsaPrivateKey;

/**
 * Reads the fields of a key of `type` (its type string already read) and checks that the public
 * parts stored beside the private ones are the ones the private parts give.
 * @throws SshDecodeError, InvalidKeyError, UnsupportedKeyError or KeyFileError.
 */
export function readPrivateKeyFields(type: string, r: SshReader): OpenSshPrivateKeyType {
  if (type === 'ssh-ed25519') {
    const pk = r.string();
    const sk = r.string();
    if (pk.length !== 32 || sk.length !== 64)
      throw new InvalidKeyError('ed25519 private key has wrong lengths');
    const key = new Ed25519PrivateKey(sk.subarray(0, 32));
    if (
      !key.publicKey.equals(new Ed25519PublicKey(pk)) ||
      !key.publicKey.equals(new Ed25519PublicKey(sk.subarray(32)))
    )
      throw new KeyFileError('ed25519 private key does not match its public key');
    return key;
  }
  if (isEcdsaKeyType(type)) {
    const curve = r.ascii();
    if (curve !== ECDSA_CURVES[type].identifier)
      throw new InvalidKeyError(`${type} private key names curve ${JSON.stringify(curve.slice(0, 32))}`);
    const q = r.string();
    const key = new EcdsaPrivateKey(type, r.positiveMpint(600));
    if (!key.publicKey.equals(new EcdsaPublicKey(type, q)))
      throw new KeyFileError(`${type} private key does not match its public key`);
    return key;
  }
  if (type === 'ssh-rsa') {
    // x/crypto `6f39c52`: every part is bounded before any arithmetic on it.
    const n = r.positiveMpint(RSA_MAX_MODULUS_BITS);
    const e = r.positiveMpint(RSA_MAX_MODULUS_BITS);
    const d = r.positiveMpint(RSA_MAX_MODULUS_BITS);
    const qinv = r.positiveMpint(RSA_MAX_MODULUS_BITS);
    const p = r.positiveMpint(RSA_MAX_MODULUS_BITS);
    const q = r.positiveMpint(RSA_MAX_MODULUS_BITS);
    return new RsaPrivateKey({ n, e, d, p, q, qinv });
  }
  throw new UnsupportedKeyError(type);
}

/** Writes the type string and fields of `key`. */
export function writePrivateKeyFields(w: SshWriter, key: OpenSshPrivateKeyType): void {
  if (key instanceof Ed25519PrivateKey) {
    const pk = key.publicKey.key;
    const sk = new Uint8Array(64);
    sk.set(key.seed(), 0);
    sk.set(pk, 32);
    w.string('ssh-ed25519').string(pk).string(sk);
    sk.fill(0);
  } else if (key instanceof EcdsaPrivateKey) {
    const pub = key.publicKey;
    w.string(pub.type).string(pub.curveName).string(pub.point).mpint(key.scalar());
  } else {
    const c = key.components();
    w.string('ssh-rsa').mpint(c.n).mpint(c.e).mpint(c.d).mpint(c.qinv).mpint(c.p).mpint(c.q);
  }
}

/** Whether `key` is one of the types `writePrivateKeyFields` handles. */
export function isWritablePrivateKey(key: PrivateKey): key is OpenSshPrivateKeyType {
  return key instanceof Ed25519PrivateKey || key instanceof EcdsaPrivateKey || key instanceof RsaPrivateKey;
}
