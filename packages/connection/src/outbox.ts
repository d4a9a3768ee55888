/**
 * What the parts of the connection core share: where they put the messages and events they
 * produce, and how a handler says that a message breaks the protocol.
 */
import type { ConnectionEvent } from './events.js';

/** Where a part of the core puts what it produces. */
export interface Outbox {
  /** Queues a payload for the transport (dropped once the core has stopped). */
  send(payload: Uint8Array): void;
  /** Queues an event for the driver. */
  emit(event: ConnectionEvent): void;
}

/** Why a message breaks the protocol (it becomes the DISCONNECT text), or undefined if it does not. */
export type Violation = string | undefined;
