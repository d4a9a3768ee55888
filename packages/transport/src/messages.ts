/**
 * RFC 4253 transport-layer messages (1–49), each declared once (STYLE.md §3).
 * Kex-method messages (30–49) are declared by their method, keyed by (method, number).
 */
import { ascii, boolean, bytes, message, nameList, raw, rest, uint32 } from './wire/codec.js';

/** RFC 4250 §4.1.2 message numbers of the transport layer. */
export const MessageNumber = {
  DISCONNECT: 1,
  IGNORE: 2,
  UNIMPLEMENTED: 3,
  DEBUG: 4,
  SERVICE_REQUEST: 5,
  SERVICE_ACCEPT: 6,
  EXT_INFO: 7,
  NEWKEYS_NONE: 8,
  KEXINIT: 20,
  NEWKEYS: 21,
  USERAUTH_REQUEST: 50,
  USERAUTH_SUCCESS: 52,
  GLOBAL_REQUEST: 80,
  PING: 192,
  PONG: 193,
} as const;

/** RFC 4253 §11.1. The description is kept as bytes: a hostile peer's text is decoded leniently. */
export const Disconnect = message(1, 'SSH_MSG_DISCONNECT', {
  reason: uint32,
  description: bytes,
  language: bytes,
});
/** RFC 4253 §11.2. */
export const Ignore = message(2, 'SSH_MSG_IGNORE', { data: bytes });
/** RFC 4253 §11.4. */
export const Unimplemented = message(3, 'SSH_MSG_UNIMPLEMENTED', { sequence: uint32 });
/** RFC 4253 §11.3. */
export const Debug = message(4, 'SSH_MSG_DEBUG', { alwaysDisplay: boolean, message: bytes, language: bytes });
/** RFC 4253 §10. */
export const ServiceRequest = message(5, 'SSH_MSG_SERVICE_REQUEST', { service: ascii });
export const ServiceAccept = message(6, 'SSH_MSG_SERVICE_ACCEPT', { service: ascii });
/** RFC 8308 §2.3; the extension pairs are parsed by `ext-info.ts`, which bounds their count. */
export const ExtInfo = message(7, 'SSH_MSG_EXT_INFO', { extensions: rest });
/** RFC 4253 §7.1. */
export const KexInit = message(20, 'SSH_MSG_KEXINIT', {
  cookie: raw(16),
  kexAlgorithms: nameList,
  serverHostKeyAlgorithms: nameList,
  encryptionClientToServer: nameList,
  encryptionServerToClient: nameList,
  macClientToServer: nameList,
  macServerToClient: nameList,
  compressionClientToServer: nameList,
  compressionServerToClient: nameList,
  languagesClientToServer: nameList,
  languagesServerToClient: nameList,
  firstKexPacketFollows: boolean,
  reserved: uint32,
});
export type KexInit = ReturnType<typeof KexInit.decode>;
/** RFC 4253 §7.3. */
export const NewKeys = message(21, 'SSH_MSG_NEWKEYS', {});
/** RFC 5656 §4 / RFC 8731 §3: the ECDH message pair, shared by curve25519 and the hybrid PQ methods. */
export const KexEcdhInit = message(30, 'SSH_MSG_KEX_ECDH_INIT', { clientPublic: bytes });
export const KexEcdhReply = message(31, 'SSH_MSG_KEX_ECDH_REPLY', {
  hostKey: bytes,
  serverPublic: bytes,
  signature: bytes,
});
/** OpenSSH PROTOCOL §1.9. */
export const Ping = message(192, 'SSH_MSG_PING', { data: bytes });
export const Pong = message(193, 'SSH_MSG_PONG', { data: bytes });
