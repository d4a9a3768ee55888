/**
 * The messages of the finite-field Diffie-Hellman methods, keyed by method family because their
 * numbers are reused (RFC 4250 §4.1.2): 30/31 carry KEXDH_INIT/REPLY for the fixed groups
 * (RFC 4253 §8) and 31–34 carry group exchange (RFC 4419 §5), where 31 is GROUP, not REPLY.
 *
 * DH values are decoded as signed mpints; the methods then reject anything outside [2, p-2] with
 * KEY_EXCHANGE_FAILED, negative values included.
 */
import { bytes, message, mpint, uint32 } from '../wire/codec.js';

/** RFC 4253 §8. */
export const KexDhInit = message(30, 'SSH_MSG_KEXDH_INIT', { e: mpint });
export const KexDhReply = message(31, 'SSH_MSG_KEXDH_REPLY', { hostKey: bytes, f: mpint, signature: bytes });

/** RFC 4419 §5. (30, SSH_MSG_KEX_DH_GEX_REQUEST_OLD, is not accepted, as in OpenSSH.) */
export const KexDhGexGroup = message(31, 'SSH_MSG_KEX_DH_GEX_GROUP', { p: mpint, g: mpint });
export const KexDhGexInit = message(32, 'SSH_MSG_KEX_DH_GEX_INIT', { e: mpint });
export const KexDhGexReply = message(33, 'SSH_MSG_KEX_DH_GEX_REPLY', {
  hostKey: bytes,
  f: mpint,
  signature: bytes,
});
export const KexDhGexRequest = message(34, 'SSH_MSG_KEX_DH_GEX_REQUEST', {
  min: uint32,
  n: uint32,
  max: uint32,
});
