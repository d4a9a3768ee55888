/** Two connection cores wired back to back in memory, as a client and a server driver would. */
import { expect } from 'vitest';
import { ConnectionCore, type ConnectionEvent, type ConnectionOptions } from '../src/index.js';

/** Payloads that crossed the wire during one `pump()`. */
export interface Traffic {
  readonly toServer: Uint8Array[];
  readonly toClient: Uint8Array[];
}

export interface Pair {
  readonly client: ConnectionCore;
  readonly server: ConnectionCore;
  /** Moves payloads both ways until neither side has anything to send. */
  pump(): Traffic;
}

/** A client and a server core; options override the defaults of each. */
export function pair(
  clientOptions: Partial<ConnectionOptions> = {},
  serverOptions: Partial<ConnectionOptions> = {},
): Pair {
  const client = new ConnectionCore({ ...clientOptions, role: 'client' });
  const server = new ConnectionCore({ ...serverOptions, role: 'server' });
  return {
    client,
    server,
    pump() {
      const traffic: Traffic = { toServer: [], toClient: [] };
      for (let moved = true; moved; ) {
        moved = false;
        for (let p = client.pollTransmit(); p; p = client.pollTransmit()) {
          traffic.toServer.push(p);
          expect(server.receive(p)).toBe(true);
          moved = true;
        }
        for (let p = server.pollTransmit(); p; p = server.pollTransmit()) {
          traffic.toClient.push(p);
          expect(client.receive(p)).toBe(true);
          moved = true;
        }
      }
      return traffic;
    },
  };
}

/** Every event the core has queued, oldest first. */
export function drain(core: ConnectionCore): ConnectionEvent[] {
  const events: ConnectionEvent[] = [];
  for (let e = core.nextEvent(); e; e = core.nextEvent()) events.push(e);
  return events;
}

/** Every payload the core has queued, oldest first. */
export function transmitted(core: ConnectionCore): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let p = core.pollTransmit(); p; p = core.pollTransmit()) out.push(p);
  return out;
}

/** The single event of the given type the core has queued; fails if there are others. */
export function only<T extends ConnectionEvent['type']>(
  core: ConnectionCore,
  type: T,
): Extract<ConnectionEvent, { type: T }> {
  const events = drain(core);
  expect(events.map((e) => e.type)).toEqual([type]);
  return events[0] as Extract<ConnectionEvent, { type: T }>;
}

/** Opens a session from the client, accepts it on the server; returns both ids. */
export function openSession(
  p: Pair,
  accept: { window?: number; maxPacket?: number } = {},
  channelType = 'session',
): { clientId: number; serverId: number } {
  const clientId = p.client.openChannel(channelType);
  p.pump();
  const open = only(p.server, 'channel-open');
  p.server.acceptChannel(open.channelId, accept);
  p.pump();
  only(p.client, 'channel-open-confirmed');
  return { clientId, serverId: open.channelId };
}
