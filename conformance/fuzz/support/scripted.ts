/**
 * Structure-aware fuzzing rigs: one side is a real Seashell connection (server or client), the other
 * a bare `Transport` we script message by message. After the key exchange the script's messages
 * go out encrypted exactly as a real peer's would, so mutations act on SSH messages — dropped,
 * duplicated, reordered, truncated, injected — rather than on ciphertext the MAC would reject.
 */

import { sha256 } from '@noble/hashes/sha2.js';
import { ClientConnection, type ClientConnectionEvent } from '@seashell/client';
import { ServerConnection, type ServerConnectionEvent } from '@seashell/server';
import { generateEd25519Key, SshError, Transport, type TransportEvent } from '@seashell/transport';

/** Deterministic randomness (a SHA-256 counter stream) so that every failure replays. */
export function seeded(seed: string): (n: number) => Uint8Array {
  let counter = 0;
  const enc = new TextEncoder();
  return (n) => {
    const out = new Uint8Array(n);
    for (let at = 0; at < n; at += 32)
      out.set(sha256(enc.encode(`${seed}:${counter++}`)).subarray(0, n - at), at);
    return out;
  };
}

export const HOST_KEY = generateEd25519Key(seeded('fuzz-host-key'));

/** Bounds every rig checks after each step: a hostile peer must not make us hold more than this. */
export const MEMORY_BOUND = 8 << 20;

export interface ServerRig {
  readonly server: ServerConnection;
  readonly peer: Transport;
  readonly events: ServerConnectionEvent[];
  /** Sends one message from the scripted client and lets both sides settle. */
  send(payload: Uint8Array): void;
  /** True once the server has closed (it must say why with an SshError, or not at all). */
  readonly closed: boolean;
}

/**
 * A ServerConnection that accepts password `pw` for anyone and accepts every channel and request,
 * facing a scripted client whose key exchange has completed.
 */
export function serverRig(seed: string): ServerRig {
  const server = new ServerConnection({
    transport: { hostKeys: [HOST_KEY], random: seeded(`${seed}:server`) },
    auth: { methods: ['password'] },
    now: () => 0,
  });
  const peer = new Transport({ role: 'client', random: seeded(`${seed}:client`) });
  const events: ServerConnectionEvent[] = [];
  let closed = false;
  const settle = () => {
    for (let moved = true, rounds = 0; moved && rounds < 10_000; rounds++) {
      moved = false;
      for (let b = peer.pollTransmit(); b; b = peer.pollTransmit()) {
        server.receive(b);
        moved = true;
      }
      for (let b = server.pollTransmit(); b; b = server.pollTransmit()) {
        peer.receive(b);
        moved = true;
      }
      for (let e = peer.nextEvent(); e; e = peer.nextEvent()) {
        moved = true;
        if (e.type === 'host-key') peer.acceptHostKey();
      }
      for (let e = server.nextEvent(); e; e = server.nextEvent()) {
        moved = true;
        events.push(e);
        answerServerEvent(server, e);
        if (e.type === 'closed') {
          closed = true;
          if (e.error !== undefined && !(e.error instanceof SshError)) throw e.error;
        }
      }
      if (server.bufferedAmount > MEMORY_BOUND)
        throw new Error(`server holds ${server.bufferedAmount} bytes`);
    }
  };
  settle();
  return {
    server,
    peer,
    events,
    send: (payload) => {
      peer.send(payload);
      settle();
    },
    get closed() {
      return closed;
    },
  };
}

function answerServerEvent(server: ServerConnection, e: ServerConnectionEvent): void {
  const conn = server.connection;
  if (e.type === 'check') server.answerAuth(e.id, e.method === 'password' && e.password === 'pw');
  else if (e.type === 'channel-open') conn?.acceptChannel(e.channelId);
  else if (e.type === 'channel-request' && e.wantReply) conn?.answerRequest(e.channelId, true);
  else if (e.type === 'global-request' && e.wantReply) conn?.answerGlobalRequest(false);
  else if (e.type === 'channel-data') conn?.consumed(e.channelId, e.data.length);
}

export interface ClientRig {
  readonly client: ClientConnection;
  readonly peer: Transport;
  readonly events: ClientConnectionEvent[];
  send(payload: Uint8Array): void;
  readonly closed: boolean;
}

/** A ClientConnection (password `pw`) facing a scripted server whose key exchange has completed. */
export function clientRig(seed: string): ClientRig {
  const client = new ClientConnection({
    user: 'fuzz',
    methods: [{ type: 'password' }],
    transport: { random: seeded(`${seed}:client`) },
  });
  const peer = new Transport({ role: 'server', hostKeys: [HOST_KEY], random: seeded(`${seed}:server`) });
  const events: ClientConnectionEvent[] = [];
  let closed = false;
  const settle = () => {
    for (let moved = true, rounds = 0; moved && rounds < 10_000; rounds++) {
      moved = false;
      for (let b = peer.pollTransmit(); b; b = peer.pollTransmit()) {
        client.receive(b);
        moved = true;
      }
      for (let b = client.pollTransmit(); b; b = client.pollTransmit()) {
        peer.receive(b);
        moved = true;
      }
      for (let e: TransportEvent | undefined = peer.nextEvent(); e; e = peer.nextEvent()) moved = true;
      for (let e = client.nextEvent(); e; e = client.nextEvent()) {
        moved = true;
        events.push(e);
        if (e.type === 'host-key') client.acceptHostKey();
        if (e.type === 'password') client.answerPassword(e.id, 'pw');
        if (e.type === 'channel-data') client.connection?.consumed(e.channelId, e.data.length);
        if (e.type === 'closed') {
          closed = true;
          if (e.error !== undefined && !(e.error instanceof SshError)) throw e.error;
        }
      }
      if (client.bufferedAmount > MEMORY_BOUND)
        throw new Error(`client holds ${client.bufferedAmount} bytes`);
    }
  };
  settle();
  return {
    client,
    peer,
    events,
    send: (payload) => {
      peer.send(payload);
      settle();
    },
    get closed() {
      return closed;
    },
  };
}
