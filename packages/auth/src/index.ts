/**
 * @seashell/auth — RFC 4252 user authentication (the client and server state machines) and the
 * OpenSSH file formats: public and private keys, authorized_keys, known_hosts.
 */
export {
  ClientAuth,
  type ClientAuthConfig,
  type ClientAuthEvent,
  type ClientAuthMethod,
} from './client-auth.js';
export { AuthenticationError } from './errors.js';
export * from './keys/authorized-keys.js';
export { bcryptPbkdf } from './keys/bcrypt-pbkdf.js';
export * from './keys/errors.js';
export * from './keys/host-pattern.js';
export * from './keys/key-limits.js';
export * from './keys/known-hosts.js';
export { KEY_FILE_CIPHERS, type KeyFileCipherName } from './keys/openssh-key-ciphers.js';
export * from './keys/openssh-private-key.js';
export type { OpenSshPrivateKeyType } from './keys/private-key-fields.js';
export * from './keys/public-key-file.js';
export type { SkippedLine } from './keys/text-lines.js';
export * from './messages.js';
export {
  type AuthCheck,
  type AuthVerdict,
  ServerAuth,
  type ServerAuthConfig,
  type ServerAuthEvent,
  type ServerAuthMethod,
} from './server-auth.js';
export { publicKeySignatureData } from './signature-data.js';
