/**
 * Typed errors for the whole stack (STYLE.md §5) and the RFC 4253 §11.1 disconnect reasons.
 */

/** RFC 4253 §11.1 / RFC 4250 §4.2.2 disconnect reason codes. */
export const DisconnectReason = {
  HOST_NOT_ALLOWED_TO_CONNECT: 1,
  PROTOCOL_ERROR: 2,
  KEY_EXCHANGE_FAILED: 3,
  RESERVED: 4,
  MAC_ERROR: 5,
  COMPRESSION_ERROR: 6,
  SERVICE_NOT_AVAILABLE: 7,
  PROTOCOL_VERSION_NOT_SUPPORTED: 8,
  HOST_KEY_NOT_VERIFIABLE: 9,
  CONNECTION_LOST: 10,
  BY_APPLICATION: 11,
  TOO_MANY_CONNECTIONS: 12,
  AUTH_CANCELLED_BY_USER: 13,
  NO_MORE_AUTH_METHODS_AVAILABLE: 14,
  ILLEGAL_USER_NAME: 15,
} as const;
export type DisconnectReason = (typeof DisconnectReason)[keyof typeof DisconnectReason];

/** The name of a reason code, for messages and logs. */
export function disconnectReasonName(reason: number): string {
  for (const [name, code] of Object.entries(DisconnectReason)) if (code === reason) return name;
  return `UNKNOWN_${reason}`;
}

/** Base class of every error Seashell raises on purpose. */
export class SshError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/**
 * Bytes that do not decode as the RFC 4251 §5 type or the message that was expected.
 * The layer above turns it into a DISCONNECT with PROTOCOL_ERROR.
 */
export class SshDecodeError extends SshError {
  constructor(message: string) {
    super('ERR_SSH_DECODE', message);
  }
}

/** The peer broke the protocol; `reason` is what we send (or sent) in our DISCONNECT. */
export class SshProtocolError extends SshError {
  readonly reason: DisconnectReason;
  constructor(reason: DisconnectReason, message: string, options?: { cause?: unknown }) {
    super('ERR_SSH_PROTOCOL', message, options);
    this.reason = reason;
  }
}

/** The peer sent SSH_MSG_DISCONNECT. `description` is already sanitised for printing. */
export class SshDisconnectError extends SshError {
  readonly reason: number;
  readonly description: string;
  constructor(reason: number, description: string) {
    super(
      'ERR_SSH_DISCONNECT',
      `peer disconnected: ${disconnectReasonName(reason)}${description ? `: ${description}` : ''}`,
    );
    this.reason = reason;
    this.description = description;
  }
}

/** The connection ended without a DISCONNECT (socket closed, EOF mid-packet). */
export class SshConnectionLostError extends SshError {
  constructor(message = 'connection lost', options?: { cause?: unknown }) {
    super('ERR_SSH_CONNECTION_LOST', message, options);
  }
}

/** The two sides share no algorithm of one kind (RFC 4253 §7.1). */
export class AlgorithmNegotiationError extends SshProtocolError {
  readonly kind: string;
  readonly ours: readonly string[];
  readonly theirs: readonly string[];
  constructor(kind: string, ours: readonly string[], theirs: readonly string[]) {
    super(
      DisconnectReason.KEY_EXCHANGE_FAILED,
      `no matching ${kind} algorithm: we offer [${ours.join(',')}], the peer offers [${theirs.join(',')}]`,
    );
    this.kind = kind;
    this.ours = ours;
    this.theirs = theirs;
  }
}

/** A deadline passed (handshake, authentication, idle, connect). */
export class TimeoutError extends SshError {
  constructor(message: string) {
    super('ERR_SSH_TIMEOUT', message);
  }
}

/**
 * Makes peer-supplied text safe to print: control characters (terminal escapes included) become
 * `\xNN`, and the length is capped. Used for DISCONNECT descriptions, banners, prompts, version lines.
 */
export function sanitizeText(text: string, maxLength = 1024): string {
  let out = '';
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (c === 0x0a || c === 0x09) out += ch;
    else if (c < 0x20 || c === 0x7f || (c >= 0x80 && c < 0xa0))
      out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += ch;
    if (out.length >= maxLength) return `${out.slice(0, maxLength)}…`;
  }
  return out;
}
