/**
 * The Seashell side of the benchmark's server pairs: an in-process `Server` on 127.0.0.1 that
 * accepts one ed25519 client key and runs three built-in commands instead of a shell, so that what
 * is measured is the SSH stack and not a child process:
 *
 * - `sink`: reads stdin to the end, exits 0 (what `cat > /dev/null` is on sshd);
 * - `source N`: writes N zero bytes in 64 KiB chunks, waiting for 'drain', exits 0
 *   (what `head -c N /dev/zero` is on sshd);
 * - `true`: exits 0.
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { Server, type Session } from '@seashell/server/node';
import { type CryptoProvider, generateEd25519Key, type PublicKey } from '@seashell/transport';

const CHUNK = 64 * 1024;
/** Never written to: channel writes copy it into packets. */
const ZEROS = new Uint8Array(CHUNK);

/** A running bench server. */
export interface SeashellServer {
  readonly port: number;
  readonly hostKey: PublicKey;
  /** Bytes the last `sink` read, to check an upload arrived whole. */
  readonly lastSinkBytes: number;
  /** Disconnects everyone and stops listening. */
  shutdown(): Promise<void>;
}

/**
 * Starts the bench server on a free port of 127.0.0.1; `crypto` undefined: the Server's default.
 *
 * @example
 * const server = await startSeashellServer(clientKey.publicKey);
 * try { … } finally { await server.shutdown(); }
 */
export async function startSeashellServer(
  clientKey: PublicKey,
  crypto?: CryptoProvider,
): Promise<SeashellServer> {
  const hostKey = generateEd25519Key();
  let lastSinkBytes = -1;
  const server = new Server({
    ...(crypto ? { crypto } : {}),
    hostKeys: [hostKey],
    publicKeyHandler: (_ctx, key) => key.equals(clientKey),
    handler: async (session) => {
      const [name, arg, ...extra] = session.command;
      if (name === 'sink' && arg === undefined) {
        lastSinkBytes = await drain(session);
        return session.exit(0);
      }
      if (name === 'source' && arg !== undefined && /^\d+$/.test(arg) && extra.length === 0) {
        await source(session.stdout, Number(arg), session.context.signal);
        return session.exit(0);
      }
      if (name === 'true' && arg === undefined) return session.exit(0);
      session.stderr.write(`bench server: unknown command ${JSON.stringify(session.rawCommand)}\n`);
      return session.exit(127);
    },
  });
  const { port } = await server.listen(0, '127.0.0.1');
  return {
    port,
    hostKey: hostKey.publicKey,
    get lastSinkBytes() {
      return lastSinkBytes;
    },
    shutdown: () => server.shutdown(),
  };
}

async function drain(session: Session): Promise<number> {
  let n = 0;
  for await (const chunk of session.stdin as AsyncIterable<Uint8Array>) n += chunk.length;
  return n;
}

/**
 * Writes `bytes` zeros, pausing whenever the stream asks to (its buffer is full); gives up when
 * the connection ends (`signal`).
 */
async function source(out: Writable, bytes: number, signal: AbortSignal): Promise<void> {
  for (let left = bytes; left > 0; left -= CHUNK) {
    const chunk = left >= CHUNK ? ZEROS : ZEROS.subarray(0, left);
    if (!out.write(chunk)) await once(out, 'drain', { signal });
  }
}
