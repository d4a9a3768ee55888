/**
 * Seashell's client as a benchmark client end: `connect()` from `@seashell/client/node` with one
 * ed25519 key, streaming through `ClientSession` stdin / stdout as an application would.
 */
import { once } from 'node:events';
import { userInfo } from 'node:os';
import type { Readable } from 'node:stream';
import { type Client, type ClientSession, connect } from '@seashell/client/node';
import type { CryptoProvider, PrivateKey } from '@seashell/transport';
import { type ClientEnd, type ServerEnd, unlessAborted } from './ends.js';
import { BENCH_KEX, BENCH_MAC } from './options.js';

const CHUNK = 64 * 1024;
/** Never written to: channel writes copy it into packets. */
const ZEROS = new Uint8Array(CHUNK);

/** A client end that logs in as the current user with `key`; `crypto` undefined: connect()'s default. */
export function seashellClient(key: PrivateKey, crypto?: CryptoProvider): ClientEnd {
  return {
    connect: async (server, cipher, signal) => {
      const client = await open(key, server, cipher, signal, crypto);
      return {
        upload: (bytes, signal) => guard(client, signal, () => upload(client, server, bytes, signal)),
        download: (bytes, signal) => guard(client, signal, () => download(client, server, bytes, signal)),
        close: () => client.close(),
      };
    },
    handshake: async (server, cipher, signal) => {
      const client = await open(key, server, cipher, signal, crypto);
      await guard(client, signal, async () => {
        const { exitStatus, stderr } = await client.exec('true');
        if (exitStatus !== 0) throw new Error(`true: exit ${exitStatus}: ${Buffer.from(stderr)}`);
        await client.close();
      });
    },
  };
}

function open(
  key: PrivateKey,
  server: ServerEnd,
  cipher: string | undefined,
  signal: AbortSignal,
  crypto: CryptoProvider | undefined,
): Promise<Client> {
  return connect({
    ...(crypto ? { crypto } : {}),
    host: '127.0.0.1',
    port: server.port,
    username: userInfo().username,
    auth: [{ type: 'publickey', key }],
    hostKey: (offered) => server.hostKeys.some((known) => known.equals(offered)),
    algorithms: { kex: [BENCH_KEX], ...(cipher !== undefined ? { cipher: [cipher], mac: [BENCH_MAC] } : {}) },
    signal,
    timeoutMs: 30_000,
  });
}

/** Runs `work`; an abort destroys the connection at once, as does a failure. */
async function guard<T>(client: Client, signal: AbortSignal, work: () => Promise<T>): Promise<T> {
  const onAbort = (): void => client.destroy();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    return await unlessAborted(work(), signal);
  } catch (error) {
    if (!client.closed) client.destroy();
    throw error;
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

async function upload(client: Client, server: ServerEnd, bytes: number, signal: AbortSignal): Promise<void> {
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
}

async function download(
  client: Client,
  server: ServerEnd,
  bytes: number,
  signal: AbortSignal,
): Promise<void> {
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
