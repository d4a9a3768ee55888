/**
 * A session channel as the server's handler sees it (RFC 4254 §6), in the style of gliderlabs/ssh:
 * who logged in, what they asked to run, the pty and its window changes, signals, and stdin /
 * stdout / stderr as Node streams; `exit()` reports the exit status and closes.
 */
import type { Readable, Writable } from 'node:stream';
import type { Permissions } from '@seashell/auth';
import { AsyncQueue, encodeSessionRequest, type TerminalModes } from '@seashell/connection';
import type { ChannelHost, ChannelStream } from '@seashell/connection/node';
import type { PublicKey } from '@seashell/transport';

/** The terminal a client asked for with pty-req (RFC 4254 §6.2). */
export interface Pty {
  readonly term: string;
  readonly window: Window;
  /** RFC 4254 §8 terminal modes, opcode → value. */
  readonly modes: TerminalModes;
}

/** A terminal size (RFC 4254 §6.2, §6.7). */
export interface Window {
  readonly columns: number;
  readonly rows: number;
  readonly widthPixels: number;
  readonly heightPixels: number;
}

/** What authentication established, shared by every session of a connection. */
export interface SessionContext {
  readonly user: string;
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localAddress: string;
  readonly localPort: number;
  /** The key whose signature verified, when the user logged in with one (x/crypto CVE-2024-45337). */
  readonly publicKey: PublicKey | undefined;
  /**
   * What the accepted credentials allow (certificate options and extensions, authorized_keys
   * options). The server already refuses a pty without `permit-pty` and runs a forced command.
   */
  readonly permissions: Permissions;
  /** Aborted when the connection ends. */
  readonly signal: AbortSignal;
  readonly clientVersion: string;
  readonly sessionId: Uint8Array;
}

export class Session {
  readonly context: SessionContext;
  /** `KEY=value` pairs the client set with `env` requests (RFC 4254 §6.4), in order. */
  readonly environ: string[] = [];
  /**
   * The command to run: the `exec` request's, verbatim, or the forced command of the
   * permissions (`force-command`, `command=`). Empty for a shell or subsystem.
   */
  rawCommand = '';
  /**
   * What the client asked to run when a forced command replaced it (sshd's
   * SSH_ORIGINAL_COMMAND): the exec command, or the subsystem name.
   */
  originalCommand: string | undefined;
  /** The subsystem name of a `subsystem` request. */
  subsystem = '';
  #pty: Pty | undefined;
  readonly #windowChanges = new AsyncQueue<Window>(16);
  readonly #signals = new AsyncQueue<string>(128);
  readonly #breaks = new AsyncQueue<number>(16);
  readonly #stream: ChannelStream;
  readonly #host: ChannelHost;
  readonly #closed = new AbortController();
  #exited = false;

  constructor(context: SessionContext, stream: ChannelStream, host: ChannelHost) {
    this.context = context;
    this.#stream = stream;
    this.#host = host;
    // Writing after the client closed the channel fails each write with an 'error' event; without
    // a listener that would crash the whole server. The handler learns of the close from `signal`.
    stream.writable.on('error', () => {});
    stream.stderr.on('error', () => {});
  }

  /**
   * Aborted once the channel is closed — by the client, after `exit()` when the client's CLOSE
   * comes back, or with the connection: whatever the handler still does for the session is wasted.
   */
  get signal(): AbortSignal {
    return this.#closed.signal;
  }

  get user(): string {
    return this.context.user;
  }

  get publicKey(): PublicKey | undefined {
    return this.context.publicKey;
  }

  get permissions(): Permissions {
    return this.context.permissions;
  }

  /** The `exec` command split as a POSIX shell would split it (quotes and backslashes). */
  get command(): string[] {
    return shellSplit(this.rawCommand);
  }

  /** The client's input. */
  get stdin(): Readable {
    return this.#stream.readable;
  }

  /** Standard output: CHANNEL_DATA; ending it sends EOF. */
  get stdout(): Writable {
    return this.#stream.writable;
  }

  /** Standard error: EXTENDED_DATA type 1. */
  get stderr(): Writable {
    return this.#stream.stderr as Writable;
  }

  /** The pty the client requested, if any. */
  pty(): Pty | undefined {
    return this.#pty;
  }

  /** Window size changes after the pty was allocated (RFC 4254 §6.7). */
  windowChanges(): AsyncIterable<Window> {
    return this.#windowChanges;
  }

  /** Signal names (without "SIG") the client sent (RFC 4254 §6.9). */
  signals(): AsyncIterable<string> {
    return this.#signals;
  }

  /** Break lengths in milliseconds (RFC 4335). */
  breaks(): AsyncIterable<number> {
    return this.#breaks;
  }

  get exited(): boolean {
    return this.#exited;
  }

  /**
   * Sends the exit status and closes the session, after everything written to stdout and stderr
   * has gone out (OpenSSH's order: EOF, exit-status, CLOSE).
   */
  async exit(code: number): Promise<void> {
    await this.#finish('exit-status', encodeSessionRequest('exit-status', { exitStatus: code >>> 0 }));
  }

  /** Reports death by a signal (RFC 4254 §6.10): `name` without "SIG", e.g. "TERM". */
  async exitSignal(name: string, coreDumped = false, message = ''): Promise<void> {
    await this.#finish(
      'exit-signal',
      encodeSessionRequest('exit-signal', { signal: name, coreDumped, message, language: '' }),
    );
  }

  async #finish(request: string, data: Uint8Array): Promise<void> {
    if (this.#exited) return;
    this.#exited = true;
    const stream = this.#stream;
    if (!stream.closed) await Promise.all([endWritable(this.stderr), endWritable(stream.writable)]);
    const conn = this.#host.connection;
    if (!stream.closed) {
      conn.sendRequest(stream.channelId, request, false, data);
      conn.close(stream.channelId);
      this.#host.service();
    }
    this.#windowChanges.end();
    this.#signals.end();
    this.#breaks.end();
  }

  // ---- driver side ----

  /** @internal */
  setPty(pty: Pty): void {
    this.#pty = pty;
  }

  /** @internal */
  windowChanged(window: Window): void {
    this.#pty &&= { ...this.#pty, window };
    this.#windowChanges.push(window);
  }

  /** @internal */
  signalled(name: string): void {
    this.#signals.push(name);
  }

  /** @internal */
  breakRequested(ms: number): void {
    this.#breaks.push(ms);
  }

  /** @internal The channel is gone. */
  closed(): void {
    this.#exited = true;
    this.#closed.abort();
    this.#windowChanges.end();
    this.#signals.end();
    this.#breaks.end();
  }
}

function endWritable(w: Writable): Promise<void> {
  if (w.writableFinished) return Promise.resolve();
  return new Promise((resolve) => {
    w.once('finish', resolve);
    w.once('close', resolve);
    w.once('error', () => resolve());
    if (!w.writableEnded) w.end();
  });
}

/**
 * Splits a command line as POSIX sh does for words: whitespace separates, single quotes keep
 * everything, double quotes keep all but `\"`, `\\`, `\$`, `` \` ``, and a backslash escapes the
 * next character outside quotes. No expansion is done.
 */
export function shellSplit(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      word += end < 0 ? line.slice(i + 1) : line.slice(i + 1, end);
      i = end < 0 ? line.length : end;
      inWord = true;
    } else if (c === '"') {
      i++;
      for (; i < line.length && line[i] !== '"'; i++) {
        if (line[i] === '\\' && i + 1 < line.length && '"\\$`'.includes(line[i + 1]!)) i++;
        word += line[i];
      }
      inWord = true;
    } else if (c === '\\') {
      if (i + 1 < line.length) word += line[++i];
      inWord = true;
    } else if (c === ' ' || c === '\t' || c === '\n') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}
