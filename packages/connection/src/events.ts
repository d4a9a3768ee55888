/**
 * What the connection core reports to its driver (`ConnectionCore.nextEvent()`), one variant per
 * thing that happened. Channel ids are always our local ids. Byte arrays are views into the payload
 * given to `receive()`: copy them if they must outlive it.
 */
import type { SshProtocolError } from '@seashell/transport';
import type { ChannelOpenError } from './errors.js';
import type { SessionRequest } from './session-requests.js';

/**
 * The peer opens a channel (RFC 4254 §5.1). Answer with `acceptChannel` or `rejectChannel`;
 * until then the channel counts against `maxChannels`.
 */
export interface ChannelOpenEvent {
  readonly type: 'channel-open';
  readonly channelId: number;
  readonly channelType: string;
  /** The channel-type-specific data (RFC 4254 §6.1, §7.1, §7.2 …). */
  readonly data: Uint8Array;
  /** The peer's initial window: what we may send before it grants more. */
  readonly peerWindow: number;
  /** The peer's maximum packet size. */
  readonly peerMaxPacket: number;
}

/** The peer accepted a channel we opened (RFC 4254 §5.1); data may flow. */
export interface ChannelOpenConfirmedEvent {
  readonly type: 'channel-open-confirmed';
  readonly channelId: number;
  /** The channel-type-specific data of the confirmation. */
  readonly data: Uint8Array;
  readonly peerWindow: number;
  readonly peerMaxPacket: number;
}

/** The peer refused a channel we opened (RFC 4254 §5.1); the id is free again. */
export interface ChannelOpenFailedEvent {
  readonly type: 'channel-open-failed';
  readonly channelId: number;
  readonly error: ChannelOpenError;
}

/**
 * Data from the peer (RFC 4254 §5.2). Call `consumed(channelId, data.length)` once the application
 * has taken it, whatever its type: that is what reopens the peer's window.
 */
export interface ChannelDataEvent {
  readonly type: 'channel-data';
  readonly channelId: number;
  readonly data: Uint8Array;
  /** Absent for SSH_MSG_CHANNEL_DATA; the data type code of EXTENDED_DATA (1 = stderr). */
  readonly extendedType?: number;
}

/** The peer will send no more data on the channel (RFC 4254 §5.3); we still may. */
export interface ChannelEofEvent {
  readonly type: 'channel-eof';
  readonly channelId: number;
}

/** Both sides have sent CLOSE (RFC 4254 §5.3): the channel is gone and its id free. */
export interface ChannelCloseEvent {
  readonly type: 'channel-close';
  readonly channelId: number;
}

/**
 * A channel request from the peer (RFC 4254 §5.4). When `wantReply`, answer it with
 * `answerRequest(channelId, ok)`; answers go out in the order the requests came.
 */
export interface ChannelRequestEvent {
  readonly type: 'channel-request';
  readonly channelId: number;
  readonly requestType: string;
  readonly wantReply: boolean;
  /** The request-specific data, unparsed. */
  readonly data: Uint8Array;
  /** On a "session" channel, the RFC 4254 §6 request parsed from `data`. */
  readonly request?: SessionRequest;
}

/** The peer's reply to a channel request we sent with want_reply (RFC 4254 §5.4). */
export interface ChannelReplyEvent {
  readonly type: 'channel-reply';
  readonly channelId: number;
  /** The request type this reply answers (replies come in order). */
  readonly requestType: string;
  readonly ok: boolean;
}

/** The peer's window reopened after a `sendData` was cut short by it: write the rest. */
export interface ChannelWritableEvent {
  readonly type: 'channel-writable';
  readonly channelId: number;
}

/**
 * A global request from the peer (RFC 4254 §4). When `wantReply`, answer it with
 * `answerGlobalRequest(ok, data?)`; answers go out in the order the requests came.
 */
export interface GlobalRequestEvent {
  readonly type: 'global-request';
  readonly requestType: string;
  readonly wantReply: boolean;
  readonly data: Uint8Array;
}

/** The peer's reply to a global request we sent with want_reply (RFC 4254 §4). */
export interface GlobalReplyEvent {
  readonly type: 'global-reply';
  /** The request this reply answers (replies come in order). */
  readonly requestType: string;
  readonly ok: boolean;
  /** Response-specific data of REQUEST_SUCCESS (empty on failure). */
  readonly data: Uint8Array;
}

/**
 * The peer broke the protocol. The core has stopped; the driver sends SSH_MSG_DISCONNECT with
 * `error.reason` and closes the connection. Always the last event.
 */
export interface FatalErrorEvent {
  readonly type: 'fatal';
  readonly error: SshProtocolError;
}

/** Everything `ConnectionCore.nextEvent()` can return. */
export type ConnectionEvent =
  | ChannelOpenEvent
  | ChannelOpenConfirmedEvent
  | ChannelOpenFailedEvent
  | ChannelDataEvent
  | ChannelEofEvent
  | ChannelCloseEvent
  | ChannelRequestEvent
  | ChannelReplyEvent
  | ChannelWritableEvent
  | GlobalRequestEvent
  | GlobalReplyEvent
  | FatalErrorEvent;
