/**
 * @seashell/auth — RFC 4252 user authentication: the client and server state machines, and key
 * files, authorized_keys and known_hosts.
 */
export { ClientAuth, type ClientAuthConfig, type ClientAuthEvent, type ClientAuthMethod } from './client-auth.js';
export { AuthenticationError } from './errors.js';
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
