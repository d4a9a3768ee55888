/**
 * @seashell/auth — RFC 4252 user authentication (the client and server state machines), the
 * OpenSSH file formats (public and private keys, authorized_keys with its options, known_hosts,
 * KRLs), certificate policy (`CertChecker`) and the `Permissions` a login carries; and the
 * ssh-agent protocol (a client, and a keyring that serves it). The unix-socket adapters are in `./node`.
 */
export * from './address-match.js';
export * from './agent/agent-client.js';
export * from './agent/agent-constraints.js';
export * from './agent/agent-errors.js';
export * from './agent/agent-framing.js';
export * from './agent/agent-keyring.js';
export * from './agent/agent-keyring-connection.js';
export * from './agent/agent-messages.js';
export * from './agent/agent-protocol.js';
export * from './certs/cert-checker.js';
export * from './certs/certificate-check.js';
export * from './certs/krl.js';
export {
  ClientAuth,
  type ClientAuthConfig,
  type ClientAuthEvent,
  type ClientAuthMethod,
} from './client-auth.js';
export { AuthenticationError, CertificateRejectedError } from './errors.js';
export * from './keys/authorized-key-options.js';
export * from './keys/authorized-keys.js';
export { bcryptPbkdf } from './keys/bcrypt-pbkdf.js';
export { PADDED_CBC_CIPHERS, type PaddedCbcCipherName } from './keys/cbc-ciphers.js';
export {
  decodePkcs1RsaPrivateKey,
  decodePkcs8PrivateKey,
  decodeRsaPublicKey,
  decodeSec1EcPrivateKey,
  decodeSubjectPublicKeyInfo,
  encodePkcs1RsaPrivateKey,
  encodePkcs8PrivateKey,
  encodeRsaPublicKey,
  encodeSec1EcPrivateKey,
  encodeSubjectPublicKeyInfo,
} from './keys/der-keys.js';
export * from './keys/errors.js';
export * from './keys/host-pattern.js';
export * from './keys/key-limits.js';
export * from './keys/known-hosts.js';
export * from './keys/known-hosts-hash.js';
export { KEY_FILE_CIPHERS, type KeyFileCipherName } from './keys/openssh-key-ciphers.js';
export * from './keys/openssh-private-key.js';
export { decodePem, encodePem, type PemBlock } from './keys/pem.js';
export * from './keys/pem-private-key.js';
export {
  type EncryptedPkcs8,
  type EncryptPkcs8Options,
  encryptPkcs8,
  openEncryptedPkcs8,
} from './keys/pkcs8-encryption.js';
export * from './keys/ppk.js';
export type { OpenSshPrivateKeyType } from './keys/private-key-fields.js';
export * from './keys/private-key-file.js';
export * from './keys/public-key-file.js';
export * from './keys/rfc4716.js';
export type { SkippedLine } from './keys/text-lines.js';
export * from './messages.js';
export * from './permissions.js';
export {
  type AuthCheck,
  type AuthVerdict,
  ServerAuth,
  type ServerAuthConfig,
  type ServerAuthEvent,
  type ServerAuthMethod,
} from './server-auth.js';
export { publicKeySignatureData } from './signature-data.js';
