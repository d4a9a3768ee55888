/**
 * RFC 4252 authentication messages (50–79), each declared once. Numbers 60–79 belong to the
 * method in use (RFC 4250 §4.1.2), so their declarations are grouped by method.
 */
import { ascii, boolean, bytes, message, nameList, rest, struct, utf8 } from '@seashell/transport';

/** RFC 4252 §5; the method-specific part stays raw and is read by the method's own struct. */
export const UserauthRequest = message(50, 'SSH_MSG_USERAUTH_REQUEST', {
  user: utf8,
  service: ascii,
  method: ascii,
  methodData: rest,
});
export const UserauthFailure = message(51, 'SSH_MSG_USERAUTH_FAILURE', {
  methods: nameList,
  partialSuccess: boolean,
});
export const UserauthSuccess = message(52, 'SSH_MSG_USERAUTH_SUCCESS', {});
/** RFC 4252 §5.4. */
export const UserauthBanner = message(53, 'SSH_MSG_USERAUTH_BANNER', { message: utf8, language: bytes });

/** RFC 4252 §7: the publickey method. */
export const PublicKeyQuery = struct({ hasSignature: boolean, algorithm: ascii, key: bytes });
export const PublicKeySigned = struct({
  hasSignature: boolean,
  algorithm: ascii,
  key: bytes,
  signature: bytes,
});
export const UserauthPkOk = message(60, 'SSH_MSG_USERAUTH_PK_OK', { algorithm: ascii, key: bytes });

/** RFC 4252 §8: the password method (without a change request; a change request carries a second password). */
export const PasswordRequest = struct({ change: boolean, password: utf8 });
export const PasswordChangeRequest = struct({ change: boolean, password: utf8, newPassword: utf8 });

/** The service the user authenticates for (RFC 4252 §5) and the service that runs auth (RFC 4253 §10). */
export const SERVICE_USERAUTH = 'ssh-userauth';
export const SERVICE_CONNECTION = 'ssh-connection';
