/**
 * RFC 4254 connection-protocol messages (80–100), each declared once (STYLE.md §3), with the
 * RFC 4254 §5.1 open-failure reason codes and the §5.2 extended-data type codes.
 *
 * The type-specific tails (global request data, channel-open data, channel request data) are kept
 * unparsed (`rest`): their layout depends on the request or channel type, which is parsed by the
 * module that knows it (`session-requests.ts` for RFC 4254 §6).
 */
import { ascii, boolean, bytes, message, rest, uint32 } from '@seashell/transport';
import { lenientText } from './text.js';

/** RFC 4250 §4.1.2 message numbers of the connection protocol. */
export const ConnectionMessageNumber = {
  GLOBAL_REQUEST: 80,
  REQUEST_SUCCESS: 81,
  REQUEST_FAILURE: 82,
  CHANNEL_OPEN: 90,
  CHANNEL_OPEN_CONFIRMATION: 91,
  CHANNEL_OPEN_FAILURE: 92,
  CHANNEL_WINDOW_ADJUST: 93,
  CHANNEL_DATA: 94,
  CHANNEL_EXTENDED_DATA: 95,
  CHANNEL_EOF: 96,
  CHANNEL_CLOSE: 97,
  CHANNEL_REQUEST: 98,
  CHANNEL_SUCCESS: 99,
  CHANNEL_FAILURE: 100,
} as const;

/** RFC 4254 §5.1 / RFC 4250 §4.3: why a channel open was refused. */
export const ChannelOpenFailureReason = {
  ADMINISTRATIVELY_PROHIBITED: 1,
  CONNECT_FAILED: 2,
  UNKNOWN_CHANNEL_TYPE: 3,
  RESOURCE_SHORTAGE: 4,
} as const;
/** One of the RFC 4254 §5.1 reason codes. */
export type ChannelOpenFailureReason =
  (typeof ChannelOpenFailureReason)[keyof typeof ChannelOpenFailureReason];

/** The name of an open-failure reason code, for messages and logs. */
export function channelOpenFailureReasonName(reason: number): string {
  for (const [name, code] of Object.entries(ChannelOpenFailureReason)) if (code === reason) return name;
  return `UNKNOWN_${reason}`;
}

/** RFC 4254 §5.2 / RFC 4250 §4.4: `data_type_code` of SSH_MSG_CHANNEL_EXTENDED_DATA. */
export const ExtendedDataType = {
  STDERR: 1,
} as const;

/** RFC 4254 §4: a request that concerns the whole connection; `data` is request-specific. */
export const GlobalRequest = message(80, 'SSH_MSG_GLOBAL_REQUEST', {
  requestName: ascii,
  wantReply: boolean,
  data: rest,
});
/** RFC 4254 §4: `data` is response-specific (the bound port of a `tcpip-forward` to port 0). */
export const RequestSuccess = message(81, 'SSH_MSG_REQUEST_SUCCESS', { data: rest });
/** RFC 4254 §4. */
export const RequestFailure = message(82, 'SSH_MSG_REQUEST_FAILURE', {});

/** RFC 4254 §5.1; `data` is channel-type-specific. */
export const ChannelOpen = message(90, 'SSH_MSG_CHANNEL_OPEN', {
  channelType: ascii,
  senderChannel: uint32,
  initialWindowSize: uint32,
  maximumPacketSize: uint32,
  data: rest,
});
/** RFC 4254 §5.1; `data` is channel-type-specific. */
export const ChannelOpenConfirmation = message(91, 'SSH_MSG_CHANNEL_OPEN_CONFIRMATION', {
  recipientChannel: uint32,
  senderChannel: uint32,
  initialWindowSize: uint32,
  maximumPacketSize: uint32,
  data: rest,
});
/** RFC 4254 §5.1. The description is a hostile peer's text: decoded leniently. */
export const ChannelOpenFailure = message(92, 'SSH_MSG_CHANNEL_OPEN_FAILURE', {
  recipientChannel: uint32,
  reasonCode: uint32,
  description: lenientText,
  languageTag: lenientText,
});
/** RFC 4254 §5.2. */
export const ChannelWindowAdjust = message(93, 'SSH_MSG_CHANNEL_WINDOW_ADJUST', {
  recipientChannel: uint32,
  bytesToAdd: uint32,
});
/** RFC 4254 §5.2. */
export const ChannelData = message(94, 'SSH_MSG_CHANNEL_DATA', { recipientChannel: uint32, data: bytes });
/** RFC 4254 §5.2. */
export const ChannelExtendedData = message(95, 'SSH_MSG_CHANNEL_EXTENDED_DATA', {
  recipientChannel: uint32,
  dataTypeCode: uint32,
  data: bytes,
});
/** RFC 4254 §5.3. */
export const ChannelEof = message(96, 'SSH_MSG_CHANNEL_EOF', { recipientChannel: uint32 });
/** RFC 4254 §5.3. */
export const ChannelClose = message(97, 'SSH_MSG_CHANNEL_CLOSE', { recipientChannel: uint32 });
/** RFC 4254 §5.4; `data` is request-type-specific. */
export const ChannelRequest = message(98, 'SSH_MSG_CHANNEL_REQUEST', {
  recipientChannel: uint32,
  requestType: ascii,
  wantReply: boolean,
  data: rest,
});
/** RFC 4254 §5.4. */
export const ChannelSuccess = message(99, 'SSH_MSG_CHANNEL_SUCCESS', { recipientChannel: uint32 });
/** RFC 4254 §5.4. */
export const ChannelFailure = message(100, 'SSH_MSG_CHANNEL_FAILURE', { recipientChannel: uint32 });

/** Every RFC 4254 message, in number order (the generic codec tests walk this table). */
export const CONNECTION_MESSAGES = [
  GlobalRequest,
  RequestSuccess,
  RequestFailure,
  ChannelOpen,
  ChannelOpenConfirmation,
  ChannelOpenFailure,
  ChannelWindowAdjust,
  ChannelData,
  ChannelExtendedData,
  ChannelEof,
  ChannelClose,
  ChannelRequest,
  ChannelSuccess,
  ChannelFailure,
] as const;
