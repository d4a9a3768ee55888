/**
 * Session channel requests (RFC 4254 §6, RFC 4335 `break`, OpenSSH `keepalive@openssh.com`): the
 * request-specific data of an SSH_MSG_CHANNEL_REQUEST on a "session" channel, one codec each.
 *
 * Parsing is defensive: a truncated field or trailing bytes give `SshDecodeError`, which the
 * connection core answers with SSH_MSG_CHANNEL_FAILURE instead of delivering the request.
 */
import {
  ascii,
  boolean,
  type Fields,
  type FieldsType,
  type StructSpec,
  struct,
  uint32,
  utf8,
} from '@seashell/transport';
import { terminalModes } from './terminal-modes.js';
import { lenientText } from './text.js';

/** One session request: which side sends it (RFC 4254 §6) and the codec of its data. */
export interface SessionRequestSpec<F extends Fields = Fields> {
  /** The role that sends this request; the other role receives it. */
  readonly sender: 'client' | 'server';
  readonly body: StructSpec<F>;
}

function request<F extends Fields>(sender: 'client' | 'server', fields: F): SessionRequestSpec<F> {
  return { sender, body: struct(fields) };
}

/** The session requests by their wire name, each with its sender and data codec. */
export const SESSION_REQUESTS = {
  /** RFC 4254 §6.2; `modes` as in §8. */
  'pty-req': request('client', {
    term: utf8,
    columns: uint32,
    rows: uint32,
    widthPixels: uint32,
    heightPixels: uint32,
    modes: terminalModes,
  }),
  /** RFC 4254 §6.3.1. */
  'x11-req': request('client', {
    singleConnection: boolean,
    authProtocol: utf8,
    authCookie: utf8,
    screenNumber: uint32,
  }),
  /** RFC 4254 §6.4. */
  env: request('client', { name: utf8, value: utf8 }),
  /** RFC 4254 §6.5. */
  shell: request('client', {}),
  /** RFC 4254 §6.5. */
  exec: request('client', { command: utf8 }),
  /** RFC 4254 §6.5. */
  subsystem: request('client', { name: utf8 }),
  /** RFC 4254 §6.7. */
  'window-change': request('client', {
    columns: uint32,
    rows: uint32,
    widthPixels: uint32,
    heightPixels: uint32,
  }),
  /** RFC 4254 §6.8. */
  'xon-xoff': request('server', { clientCanDo: boolean }),
  /** RFC 4254 §6.9; the signal name has no "SIG" prefix. */
  signal: request('client', { signal: ascii }),
  /** RFC 4254 §6.10. */
  'exit-status': request('server', { exitStatus: uint32 }),
  /** RFC 4254 §6.10; the signal name has no "SIG" prefix. */
  'exit-signal': request('server', {
    signal: ascii,
    coreDumped: boolean,
    message: lenientText,
    language: lenientText,
  }),
  /** RFC 4335 §3: break length in milliseconds. */
  break: request('client', { breakLength: uint32 }),
  /** OpenSSH sshd's ClientAliveInterval probe; answered SSH_MSG_CHANNEL_FAILURE by the core. */
  'keepalive@openssh.com': request('server', {}),
} as const satisfies Record<string, SessionRequestSpec>;

/** The wire name of a session request in {@link SESSION_REQUESTS}. */
export type SessionRequestType = keyof typeof SESSION_REQUESTS;

/** The parsed data of the session request named `K`. */
export type SessionRequestData<K extends SessionRequestType> = FieldsType<
  (typeof SESSION_REQUESTS)[K]['body']['fields']
>;

/** A parsed session request, discriminated by `type`. */
export type SessionRequest = {
  [K in SessionRequestType]: { type: K } & SessionRequestData<K>;
}[SessionRequestType];

/** Whether `type` names a request of {@link SESSION_REQUESTS}. */
export function isSessionRequestType(type: string): type is SessionRequestType {
  return Object.hasOwn(SESSION_REQUESTS, type);
}

/**
 * Parses the request-specific data of a session request.
 * @returns the request, or undefined when `type` is not a session request we know.
 * @throws SshDecodeError when the data is truncated or has trailing bytes.
 */
export function parseSessionRequest(type: string, data: Uint8Array): SessionRequest | undefined {
  if (!isSessionRequestType(type)) return undefined;
  const body: StructSpec<Fields> = SESSION_REQUESTS[type].body;
  return { type, ...body.decode(data) } as SessionRequest;
}

/**
 * Encodes the request-specific data of a session request, for SSH_MSG_CHANNEL_REQUEST.
 * @example
 * core.sendRequest(id, 'exec', true, encodeSessionRequest('exec', { command: 'uname -a' }));
 */
export function encodeSessionRequest<K extends SessionRequestType>(
  type: K,
  data: SessionRequestData<K>,
): Uint8Array {
  const body: StructSpec<Fields> = SESSION_REQUESTS[type].body;
  return body.encode(data);
}
