/**
 * @seashell/connection — the RFC 4254 connection protocol as a sans-IO core: channels, flow
 * control, global and channel requests, and the session requests of RFC 4254 §6.
 */

export { AsyncQueue } from './async-queue.js';
export { MAX_SEND_PACKET, MAX_WINDOW } from './channel-window.js';
export { ConnectionCore } from './connection.js';
export { ChannelOpenError } from './errors.js';
export type * from './events.js';
export * from './messages.js';
export {
  type AcceptChannelOptions,
  type ChannelOptions,
  CONNECTION_DEFAULTS,
  type ConnectionOptions,
  ROLE_DEFAULTS,
  type Role,
} from './options.js';
export * from './session-requests.js';
export * from './terminal-modes.js';
export { lenientText } from './text.js';
