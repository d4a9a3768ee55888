/** An in-memory client/server transport pair for tests: pumps bytes both ways until quiet. */
import { sha256 } from '@noble/hashes/sha2.js';
import type { SshError } from '../../src/errors.js';
import { generateEd25519Key } from '../../src/keys/generate.js';
import type { PrivateKey } from '../../src/keys/types.js';
import { Transport, type TransportConfig, type TransportEvent } from '../../src/transport.js';

/** Deterministic randomness: a SHA-256 counter stream from a seed (replayable transcripts). */
export function seededRandom(seed: string): (n: number) => Uint8Array {
  let counter = 0;
  const enc = new TextEncoder();
  return (n) => {
    const out = new Uint8Array(n);
    for (let at = 0; at < n; at += 32) {
      const block = sha256(enc.encode(`${seed}:${counter++}`));
      out.set(block.subarray(0, Math.min(32, n - at)), at);
    }
    return out;
  };
}

let cachedHostKey: PrivateKey | undefined;
export function testHostKey(): PrivateKey {
  cachedHostKey ??= generateEd25519Key(seededRandom('host-key'));
  return cachedHostKey;
}

export interface Side {
  readonly transport: Transport;
  readonly events: TransportEvent[];
  readonly messages: Uint8Array[];
  /** Every byte this side wrote, in order. */
  readonly wire: Uint8Array[];
}

export interface Pair {
  readonly client: Side;
  readonly server: Side;
  /** Moves bytes both ways until neither side has anything to send. */
  pump(): void;
  closedWith(side: Side): SshError | undefined;
}

export interface PairOptions {
  readonly client?: Partial<TransportConfig>;
  readonly server?: Partial<TransportConfig>;
  /** Rewrites bytes in flight (client to server, server to client). */
  readonly tamper?: (from: 'client' | 'server', bytes: Uint8Array) => Uint8Array;
  readonly acceptHostKey?: boolean;
  readonly seed?: string;
}

export function makePair(options: PairOptions = {}): Pair {
  const seed = options.seed;
  const client = side(
    new Transport({
      role: 'client',
      ...(seed ? { random: seededRandom(`${seed}:client`) } : {}),
      ...options.client,
    }),
  );
  const server = side(
    new Transport({
      role: 'server',
      hostKeys: [testHostKey()],
      ...(seed ? { random: seededRandom(`${seed}:server`) } : {}),
      ...options.server,
    }),
  );
  const drainEvents = (s: Side) => {
    for (let e = s.transport.nextEvent(); e; e = s.transport.nextEvent()) {
      s.events.push(e);
      if (e.type === 'message') s.messages.push(e.payload.slice());
      if (e.type === 'host-key' && s === client && options.acceptHostKey !== false)
        s.transport.acceptHostKey();
    }
  };
  const pump = () => {
    for (let rounds = 0; rounds < 10_000; rounds++) {
      let moved = false;
      for (const [from, to, name] of [
        [client, server, 'client'],
        [server, client, 'server'],
      ] as const) {
        for (let b = from.transport.pollTransmit(); b; b = from.transport.pollTransmit()) {
          from.wire.push(b.slice());
          to.transport.receive(options.tamper ? options.tamper(name, b) : b);
          moved = true;
        }
        drainEvents(from);
        drainEvents(to);
      }
      if (!moved) return;
    }
    throw new Error('pair did not settle');
  };
  return {
    client,
    server,
    pump,
    closedWith: (s) => {
      const e = s.events.find((x) => x.type === 'closed');
      return e?.type === 'closed' ? e.error : undefined;
    },
  };
}

function side(transport: Transport): Side {
  return { transport, events: [], messages: [], wire: [] };
}

/** A payload of an upper-layer message number with some body. */
export function upperMessage(type: number, body: Uint8Array | number = 16): Uint8Array {
  const data = typeof body === 'number' ? new Uint8Array(body).map((_, i) => i) : body;
  const out = new Uint8Array(1 + data.length);
  out[0] = type;
  out.set(data, 1);
  return out;
}
