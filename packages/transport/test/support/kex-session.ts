/**
 * Runs one key exchange method's client and server sessions against each other directly, below
 * the transport, with fixed randomness: for known answers and for feeding a side hostile messages.
 */
import { DisconnectReason, SshProtocolError } from '../../src/errors.js';
import type { KexContext, KexHostKey, KexMethod, KexResult, KexSession } from '../../src/kex/method.js';
import { seededRandom, testHostKey } from './pair.js';

const enc = new TextEncoder();

/** A context as the transport would build it (the KEXINIT payloads are stand-ins: any bytes do). */
export function kexContext(seed: string, extra: Partial<KexContext> = {}): KexContext {
  return {
    clientVersion: enc.encode('SSH-2.0-client'),
    serverVersion: enc.encode('SSH-2.0-server'),
    clientKexInit: Uint8Array.of(20, 1, 2, 3),
    serverKexInit: Uint8Array.of(20, 4, 5, 6),
    random: seededRandom(seed),
    ...extra,
  };
}

export function kexHostKey(): KexHostKey {
  const key = testHostKey();
  return { blob: key.publicKey.blob, sign: (h) => key.sign(h) };
}

export interface KexRun {
  readonly client: KexResult;
  readonly server: KexResult;
  /** Every message in order, with the side that sent it. */
  readonly messages: readonly { from: 'client' | 'server'; payload: Uint8Array }[];
}

/**
 * Plays both sessions to the end. `tamper` may rewrite a message in flight (return it unchanged to
 * pass it on). Throws whatever a session throws.
 */
export function runKex(
  method: KexMethod,
  seed: string,
  options: {
    client?: Partial<KexContext>;
    server?: Partial<KexContext>;
    tamper?: (from: 'client' | 'server', payload: Uint8Array, index: number) => Uint8Array;
  } = {},
): KexRun {
  const client = method.client(kexContext(`${seed}:client`, options.client));
  const server = method.server(kexContext(`${seed}:server`, options.server), kexHostKey());
  const messages: { from: 'client' | 'server'; payload: Uint8Array }[] = [];
  const results: { client?: KexResult; server?: KexResult } = {};
  const queue: { to: KexSession; from: 'client' | 'server'; payload: Uint8Array }[] = [];
  const post = (from: 'client' | 'server', payload: Uint8Array | undefined) => {
    if (!payload) return;
    const sent = options.tamper ? options.tamper(from, payload, messages.length) : payload;
    messages.push({ from, payload: sent });
    queue.push({ to: from === 'client' ? server : client, from, payload: sent });
  };
  post('client', client.start());
  post('server', server.start());
  for (let steps = 0; queue.length > 0; steps++) {
    if (steps > 16) throw new Error('key exchange did not settle');
    const { to, from, payload } = queue.shift()!;
    const step = to.receive(payload);
    const side = from === 'client' ? 'server' : 'client';
    post(side, step.send);
    if (step.result) results[side] = step.result;
  }
  if (!results.client || !results.server) throw new Error('key exchange did not finish');
  return { client: results.client, server: results.server, messages };
}

/** Runs `fn` and checks it threw SshProtocolError with KEY_EXCHANGE_FAILED (RFC 4253 §11.1 reason 3). */
export function expectKexFailed(fn: () => unknown): SshProtocolError {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof SshProtocolError)) throw e;
    if (e.reason !== DisconnectReason.KEY_EXCHANGE_FAILED)
      throw new Error(`expected KEY_EXCHANGE_FAILED, got reason ${e.reason}: ${e.message}`);
    return e;
  }
  throw new Error('expected KEY_EXCHANGE_FAILED, nothing was thrown');
}
