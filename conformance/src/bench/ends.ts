/**
 * The two ends of a benchmarked pair. A client end (Seashell's `connect()` or OpenSSH's `ssh`)
 * connects to a server end (OpenSSH's sshd or Seashell's `Server`) to upload and download through
 * session channels, or just shakes hands with it; the server end says which commands to run.
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

/** A client. `cipher` undefined: the defaults. */
export interface ClientEnd {
  /** Opens a connection for transfers (key exchange and authentication are not timed). */
  connect(server: ServerEnd, cipher: string | undefined, signal: AbortSignal): Promise<ClientConnection>;
  /** Connects, authenticates, runs `true`, closes: the whole of it is what a handshake costs. */
  handshake(server: ServerEnd, cipher: string | undefined, signal: AbortSignal): Promise<void>;
}

/**
 * An open connection; each transfer runs in a new session channel on it. A transfer rejects when
 * it was short or the command failed, and soon after `signal` aborts (which may close the
 * connection: the caller then opens another).
 */
export interface ClientConnection {
  /** Sends `bytes` bytes to the sink command. */
  upload(bytes: number, signal: AbortSignal): Promise<void>;
  /** Reads `bytes` bytes from the source command. */
  download(bytes: number, signal: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

/**
 * Settles as `work` does, or rejects with the signal's reason as soon as it aborts (for work that
 * does not watch the signal itself). Leaves no listener behind on a long-lived signal.
 */
export function unlessAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
