/**
 * Configuration of the connection core and the defaults that depend on the role.
 *
 * The role changes only what a side expects from its peer: which channel types it may open, which
 * channel and global requests reach the driver. Anything else is refused by the core itself, so a
 * hostile server cannot, say, send `exec` to a client (the paramiko CVE-2018-1000805 lesson: one
 * table per role).
 */
import { MAX_WINDOW } from './channel-window.js';
import { SESSION_REQUESTS, type SessionRequestType } from './session-requests.js';

/** Which end of the connection this core is. */
export type Role = 'client' | 'server';

/** Options of {@link ConnectionCore}; every field but `role` has a default. */
export interface ConnectionOptions {
  /** Which end we are; picks the defaults below. */
  readonly role: Role;
  /** Initial window we advertise per channel (RFC 4254 §5.2). Default 2 MiB, as OpenSSH sessions. */
  readonly windowSize?: number;
  /** Largest data length we accept in one message (RFC 4254 §5.1). Default 32 KiB, as OpenSSH. */
  readonly maxPacketSize?: number;
  /** Channels the peer may have open (or opening) at once; more are refused RESOURCE_SHORTAGE. Default 64. */
  readonly maxChannels?: number;
  /** Replies we may owe at once per channel, and for global requests; more is fatal. Default 64. */
  readonly maxPendingRequests?: number;
  /** Channel types the peer may open; others are refused UNKNOWN_CHANNEL_TYPE. Default per role. */
  readonly channelTypes?: readonly string[];
  /** Channel request types delivered to the driver; others are answered FAILURE. Default per role. */
  readonly channelRequestTypes?: readonly string[];
  /** Global request types delivered to the driver; others are answered FAILURE. Default per role. */
  readonly globalRequestTypes?: readonly string[];
}

/** Per-channel settings of `openChannel` and `acceptChannel`; defaults come from the core's options. */
export interface ChannelOptions {
  /** The initial window we advertise for this channel. */
  readonly window?: number;
  /** The largest data length we accept in one message on this channel. */
  readonly maxPacket?: number;
}

/** `acceptChannel` settings: the channel's own, plus type-specific data for the confirmation. */
export interface AcceptChannelOptions extends ChannelOptions {
  /** Channel-type-specific data of the OPEN_CONFIRMATION (none for the RFC 4254 types). */
  readonly extra?: Uint8Array;
}

/** Session requests whose sender is the other role. */
function sessionRequestsFrom(sender: Role): SessionRequestType[] {
  return (Object.keys(SESSION_REQUESTS) as SessionRequestType[]).filter(
    (type) => SESSION_REQUESTS[type].sender === sender && type !== 'keepalive@openssh.com',
  );
}

/** What each role accepts from its peer by default (RFC 4254 §6, §7; OpenSSH PROTOCOL §2). */
export const ROLE_DEFAULTS = {
  server: {
    channelTypes: ['session', 'direct-tcpip', 'direct-streamlocal@openssh.com'],
    channelRequestTypes: sessionRequestsFrom('client'),
    globalRequestTypes: [
      'tcpip-forward',
      'cancel-tcpip-forward',
      'streamlocal-forward@openssh.com',
      'cancel-streamlocal-forward@openssh.com',
      'no-more-sessions@openssh.com',
      'hostkeys-prove-00@openssh.com',
    ],
  },
  client: {
    channelTypes: ['forwarded-tcpip', 'forwarded-streamlocal@openssh.com', 'x11', 'auth-agent@openssh.com'],
    channelRequestTypes: sessionRequestsFrom('server'),
    globalRequestTypes: ['hostkeys-00@openssh.com'],
  },
} as const satisfies Record<Role, Record<string, readonly string[]>>;

/** Defaults that do not depend on the role. */
export const CONNECTION_DEFAULTS = {
  windowSize: 2 * 1024 * 1024,
  maxPacketSize: 32 * 1024,
  maxChannels: 64,
  maxPendingRequests: 64,
} as const;

/** Options with every default filled in and checked. */
export interface ResolvedOptions {
  readonly role: Role;
  readonly windowSize: number;
  readonly maxPacketSize: number;
  readonly maxChannels: number;
  readonly maxPendingRequests: number;
  readonly channelTypes: ReadonlySet<string>;
  readonly channelRequestTypes: ReadonlySet<string>;
  readonly globalRequestTypes: ReadonlySet<string>;
}

/** Throws RangeError unless `v` is an integer in [min, max]. */
export function checkInteger(name: string, v: number, min: number, max: number): number {
  if (!Number.isSafeInteger(v) || v < min || v > max)
    throw new RangeError(`${name} must be an integer in [${min}, ${max}], got ${v}`);
  return v;
}

/** Fills in defaults and checks ranges (local misuse throws RangeError). */
export function resolveOptions(options: ConnectionOptions): ResolvedOptions {
  const { role } = options;
  if (role !== 'client' && role !== 'server') throw new RangeError(`role must be client or server`);
  const defaults = ROLE_DEFAULTS[role];
  return {
    role,
    windowSize: checkInteger(
      'windowSize',
      options.windowSize ?? CONNECTION_DEFAULTS.windowSize,
      1,
      MAX_WINDOW,
    ),
    maxPacketSize: checkInteger(
      'maxPacketSize',
      options.maxPacketSize ?? CONNECTION_DEFAULTS.maxPacketSize,
      1,
      MAX_WINDOW,
    ),
    maxChannels: checkInteger(
      'maxChannels',
      options.maxChannels ?? CONNECTION_DEFAULTS.maxChannels,
      0,
      2 ** 31,
    ),
    maxPendingRequests: checkInteger(
      'maxPendingRequests',
      options.maxPendingRequests ?? CONNECTION_DEFAULTS.maxPendingRequests,
      1,
      2 ** 31,
    ),
    channelTypes: new Set(options.channelTypes ?? defaults.channelTypes),
    channelRequestTypes: new Set(options.channelRequestTypes ?? defaults.channelRequestTypes),
    globalRequestTypes: new Set(options.globalRequestTypes ?? defaults.globalRequestTypes),
  };
}
