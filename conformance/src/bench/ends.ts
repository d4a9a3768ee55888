/**
 * The two ends of a benchmarked pair. A client end (Seashell's `connect()` or OpenSSH's `ssh`)
 * uploads, downloads and shakes hands with a server end (OpenSSH's sshd or Seashell's `Server`),
 * which says which commands do that on it.
 */
import type { PublicKey } from '@seashell/transport';

/** A server as a client reaches it. */
export interface ServerEnd {
  readonly port: number;
  /** For `connect()`: any of these is the server. */
  readonly hostKeys: readonly PublicKey[];
  /** For `ssh`: trusts {@link ServerEnd.hostKeys} at `[127.0.0.1]:port`. */
  readonly knownHostsFile: string;
  /** Reads stdin to the end and exits 0. */
  readonly sinkCommand: string;
  /** Writes `bytes` zero bytes to stdout and exits 0. */
  sourceCommand(bytes: number): string;
  /** Throws unless the last sink read `bytes` bytes (where the server can tell). */
  checkSink(bytes: number): void;
}

/**
 * A client. Each call opens its own connection and closes it; each rejects when the transfer was
 * short or a command failed, and soon after `signal` aborts. `cipher` undefined: the defaults.
 */
export interface ClientEnd {
  /** Sends `bytes` bytes to the sink command. */
  upload(server: ServerEnd, cipher: string | undefined, bytes: number, signal: AbortSignal): Promise<void>;
  /** Reads `bytes` bytes from the source command. */
  download(server: ServerEnd, cipher: string | undefined, bytes: number, signal: AbortSignal): Promise<void>;
  /** Connects, authenticates, runs `true`, closes. */
  handshake(server: ServerEnd, cipher: string | undefined, signal: AbortSignal): Promise<void>;
}

/** Rejects with the signal's reason once it aborts (for racing against work that ignores it). */
export function aborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}
