/** @seashell/auth — RFC 4252/4256 authentication and the OpenSSH key file formats. */
export * from './keys/authorized-keys.js';
export * from './keys/errors.js';
export * from './keys/host-pattern.js';
export * from './keys/known-hosts.js';
export * from './keys/openssh-private-key.js';
export type { OpenSshPrivateKeyType } from './keys/private-key-fields.js';
export * from './keys/public-key-file.js';
export type { SkippedLine } from './keys/text-lines.js';
