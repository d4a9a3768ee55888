/**
 * A session channel seen from the client (RFC 4254 §6), in the style of x/crypto/ssh's Session:
 * request a pty, set the environment, start a shell, a command or a subsystem, stream stdin /
 * stdout / stderr, send signals and window changes, and wait for the exit status.
 */
import type { Readable, Writable } from 'node:stream';
import { encodeSessionRequest, type SessionRequest, TerminalMode } from '@seashell/connection';
import type { ChannelHost, ChannelStream } from '@seashell/connection/node';
import { SshError } from '@seashell/transport';

/** How a remote command ended (RFC 4254 §6.10); neither is set if the server said nothing. */
export interface ExitInfo {
  readonly exitStatus?: number;
  readonly exitSignal?: { readonly name: string; readonly coreDumped: boolean; readonly message: string };
}

export interface ExecOptions {
  /** Bytes to send as stdin (then EOF). Without it, EOF is sent at once. */
  readonly stdin?: Uint8Array | string;
  /** Environment variables to ask for (the server may refuse them, RFC 4254 §6.4). */
  readonly env?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
}

export interface ExecResult extends ExitInfo {
  readonly stdout: Uint8Array;
  readonly stderr: Uint8Array;
}

export interface PtyOptions {
  readonly term?: string;
  readonly columns?: number;
  readonly rows?: number;
  readonly widthPixels?: number;
  readonly heightPixels?: number;
  /** RFC 4254 §8 opcode → value; default: 38400 baud. */
  readonly modes?: ReadonlyMap<number, number>;
}

/** A command ended badly: non-zero status or a signal (like x/crypto's ExitError). */
export class ExitError extends SshError {
  readonly exitStatus: number | undefined;
  readonly signal: string | undefined;
  constructor(info: ExitInfo) {
    super(
      'ERR_SSH_EXIT',
      info.exitSignal
        ? `remote command killed by signal ${info.exitSignal.name}`
        : `remote command exited with status ${info.exitStatus ?? 'unknown'}`,
    );
    this.exitStatus = info.exitStatus;
    this.signal = info.exitSignal?.name;
  }
}

export class ClientSession {
  readonly stream: ChannelStream;
  readonly #host: ChannelHost;
  readonly #replies: ((ok: boolean) => void)[] = [];
  #exit: ExitInfo = {};
  #closed = false;
  readonly #closeWaiters: (() => void)[] = [];

  constructor(host: ChannelHost, stream: ChannelStream) {
    this.#host = host;
    this.stream = stream;
  }

  /** Our input to the remote command; ending it sends EOF. */
  get stdin(): Writable {
    return this.stream.writable;
  }

  get stdout(): Readable {
    return this.stream.readable;
  }

  get stderr(): Readable {
    return this.stream.stderr as Readable;
  }

  /** RFC 4254 §6.2. */
  requestPty(options: PtyOptions = {}): Promise<boolean> {
    const modes = new Map(
      options.modes ?? [
        [TerminalMode.TTY_OP_ISPEED, 38400],
        [TerminalMode.TTY_OP_OSPEED, 38400],
      ],
    );
    return this.#request(
      'pty-req',
      encodeSessionRequest('pty-req', {
        term: options.term ?? 'xterm-256color',
        columns: options.columns ?? 80,
        rows: options.rows ?? 24,
        widthPixels: options.widthPixels ?? 0,
        heightPixels: options.heightPixels ?? 0,
        modes,
      }),
    );
  }

  /** RFC 4254 §6.4; resolves false when the server refuses the variable. */
  setenv(name: string, value: string): Promise<boolean> {
    return this.#request('env', encodeSessionRequest('env', { name, value }));
  }

  /** RFC 4254 §6.5: starts the user's shell. */
  async shell(): Promise<void> {
    if (!(await this.#request('shell', encodeSessionRequest('shell', {})))) {
      throw new SshError('ERR_SSH_REQUEST_REFUSED', 'the server refused to start a shell');
    }
  }

  /** RFC 4254 §6.5: starts a command. */
  async exec(command: string): Promise<void> {
    if (!(await this.#request('exec', encodeSessionRequest('exec', { command })))) {
      throw new SshError('ERR_SSH_REQUEST_REFUSED', 'the server refused to run the command');
    }
  }

  /** RFC 4254 §6.5: starts a subsystem such as `sftp`. */
  async subsystem(name: string): Promise<void> {
    if (!(await this.#request('subsystem', encodeSessionRequest('subsystem', { name })))) {
      throw new SshError('ERR_SSH_REQUEST_REFUSED', `the server refused the subsystem ${name}`);
    }
  }

  /** RFC 4254 §6.7. */
  windowChange(columns: number, rows: number, widthPixels = 0, heightPixels = 0): void {
    this.#send(
      'window-change',
      encodeSessionRequest('window-change', { columns, rows, widthPixels, heightPixels }),
    );
  }

  /** RFC 4254 §6.9: `name` without "SIG", e.g. "TERM". */
  signal(name: string): void {
    this.#send('signal', encodeSessionRequest('signal', { signal: name }));
  }

  /** Resolves when the channel is closed, with the exit status or signal the server reported. */
  wait(): Promise<ExitInfo> {
    if (this.#closed) return Promise.resolve(this.#exit);
    return new Promise((resolve) => this.#closeWaiters.push(() => resolve(this.#exit)));
  }

  /** Closes the channel (RFC 4254 §5.3). */
  close(): void {
    this.stream.close();
  }

  /** Runs `command`, feeding `stdin`, and collects the output. */
  async run(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    const onAbort = () => this.close();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      for (const [k, v] of Object.entries(options.env ?? {})) await this.setenv(k, v);
      const stdout = collect(this.stdout);
      const stderr = collect(this.stderr);
      await this.exec(command);
      // A command may exit without reading all its input (`head -c 10`); the rest is dropped, as
      // a pipe's reader going away drops it, instead of an unhandled 'error' ending the process.
      this.stdin.on('error', () => {});
      this.stdin.end(options.stdin ?? undefined);
      const [out, err, exit] = await Promise.all([stdout, stderr, this.wait()]);
      return { stdout: out, stderr: err, ...exit };
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
    }
  }

  // ---- driver side ----

  /** @internal A request from the server: exit-status, exit-signal. */
  onRequest(request: SessionRequest | undefined): void {
    if (request?.type === 'exit-status') this.#exit = { ...this.#exit, exitStatus: request.exitStatus };
    else if (request?.type === 'exit-signal') {
      this.#exit = {
        ...this.#exit,
        exitSignal: { name: request.signal, coreDumped: request.coreDumped, message: request.message },
      };
    }
  }

  /** @internal */
  onReply(ok: boolean): void {
    this.#replies.shift()?.(ok);
  }

  /** @internal */
  onClose(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.stream.onClose();
    for (const r of this.#replies.splice(0)) r(false);
    for (const w of this.#closeWaiters.splice(0)) w();
  }

  #request(type: string, data: Uint8Array): Promise<boolean> {
    if (this.#closed) return Promise.resolve(false);
    return new Promise((resolve) => {
      this.#replies.push(resolve);
      this.#host.connection.sendRequest(this.stream.channelId, type, true, data);
      this.#host.service();
    });
  }

  #send(type: string, data: Uint8Array): void {
    if (this.#closed) return;
    this.#host.connection.sendRequest(this.stream.channelId, type, false, data);
    this.#host.service();
  }
}

function collect(stream: Readable): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    stream.on('data', (c: Uint8Array) => chunks.push(c));
    stream.once('end', () => resolve(Buffer.concat(chunks)));
    stream.once('error', reject);
  });
}
