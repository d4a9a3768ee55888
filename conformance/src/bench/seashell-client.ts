/**
 * Seashell's client as a benchmark client end: `connect()` from `@seashell/client/node` with one
 * ed25519 key, streaming through `ClientSession` stdin / stdout as an application would.
 */
import { once } from 'node:events';
import { userInfo } from 'node:os';
import type { Readable } from 'node:stream';
import { type Client, type ClientSession, connect } from '@seashell/client/node';
import type { PrivateKey } from '@seashell/transport';
import { aborted, type ClientEnd, type ServerEnd } from './ends.js';
import { BENCH_KEX, BENCH_MAC } from './options.js';

const CHUNK = 64 * 1024;
/** Never written to: channel writes copy it into packets. */
const ZEROS = new Uint8Array(CHUNK);

/** A client end that logs in as the current user with `key`. */
export function seashellClient(key: PrivateKey): ClientEnd {
  const session = <T>(
    server: ServerEnd,
    cipher: string | undefined,
    signal: AbortSignal,
    work: (client: Client) => Promise<T>,
  ): Promise<T> => withClient(key, server, cipher, signal, work);
  return {
    upload: (server, cipher, bytes, signal) =>
      session(server, cipher, signal, async (client) => {
        const s = await client.session();
        const stderr = text(s.stderr);
        s.stdout.resume();
        await s.exec(server.sinkCommand);
        for (let left = bytes; left > 0; left -= CHUNK) {
          const chunk = left >= CHUNK ? ZEROS : ZEROS.subarray(0, left);
          if (!s.stdin.write(chunk)) await once(s.stdin, 'drain', { signal });
        }
        s.stdin.end();
        await succeeded(s, server.sinkCommand, stderr);
        server.checkSink(bytes);
      }),
    download: (server, cipher, bytes, signal) =>
      session(server, cipher, signal, async (client) => {
        const command = server.sourceCommand(bytes);
        const s = await client.session();
        const stderr = text(s.stderr);
        let received = 0;
        s.stdout.on('data', (chunk: Uint8Array) => {
          received += chunk.length;
        });
        const ended = once(s.stdout, 'end', { signal });
        ended.catch(() => {}); // awaited below, unless exec fails first
        await s.exec(command);
        s.stdin.end();
        await ended;
        await succeeded(s, command, stderr);
        if (received !== bytes) throw new Error(`${command}: received ${received} bytes`);
      }),
    handshake: (server, cipher, signal) =>
      session(server, cipher, signal, async (client) => {
        const { exitStatus, stderr } = await client.exec('true');
        if (exitStatus !== 0) throw new Error(`true: exit ${exitStatus}: ${Buffer.from(stderr)}`);
      }),
  };
}

/** Connects, runs `work`, closes; an abort destroys the connection at once. */
async function withClient<T>(
  key: PrivateKey,
  server: ServerEnd,
  cipher: string | undefined,
  signal: AbortSignal,
  work: (client: Client) => Promise<T>,
): Promise<T> {
  const client = await connect({
    host: '127.0.0.1',
    port: server.port,
    username: userInfo().username,
    auth: [{ type: 'publickey', key }],
    hostKey: (offered) => server.hostKeys.some((known) => known.equals(offered)),
    algorithms: { kex: [BENCH_KEX], ...(cipher !== undefined ? { cipher: [cipher], mac: [BENCH_MAC] } : {}) },
    signal,
    timeoutMs: 30_000,
  });
  const onAbort = (): void => client.destroy();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    const result = await Promise.race([work(client), aborted(signal)]);
    await Promise.race([client.close(), aborted(signal)]);
    return result;
  } finally {
    signal.removeEventListener('abort', onAbort);
    if (!client.closed) client.destroy();
  }
}

async function succeeded(session: ClientSession, command: string, stderr: Promise<string>): Promise<void> {
  const exit = await session.wait();
  if (exit.exitStatus !== 0) {
    const how = exit.exitSignal ? `signal ${exit.exitSignal.name}` : `exit ${exit.exitStatus ?? 'unknown'}`;
    throw new Error(`${command}: ${how}: ${(await stderr).slice(-500)}`);
  }
}

/** Everything `stream` yields as text; never rejects (it only decorates error messages). */
async function text(stream: Readable): Promise<string> {
  let out = '';
  try {
    for await (const chunk of stream as AsyncIterable<Uint8Array>) out += Buffer.from(chunk).toString('utf8');
  } catch {
    // the connection went away; what arrived is all there is
  }
  return out;
}
