/**
 * Runs a sans-IO SSH core over a Node stream (a `net.Socket`, a child's stdio, any Duplex): bytes
 * in, bytes out, and the core's deadlines on a timer. The role-specific event handling is a
 * callback; everything here is the same for client and server.
 */
import type { Duplex } from 'node:stream';

/** What the driver needs of a core (the composition of transport, auth and connection). */
export interface DrivenCore {
  receive(bytes: Uint8Array): void;
  receiveEof(): void;
  pollTransmit(): Uint8Array | undefined;
  pollTimeout?(): number | undefined;
  handleTimeout?(now: number): void;
  /** Bytes the core holds for sending (queued during a key exchange); counts toward congestion. */
  readonly bufferedAmount?: number;
}

export interface SocketDriverOptions {
  /** Called whenever the core may have events; it drains `core.nextEvent()`. */
  readonly onEvents: () => void;
  /** Called once when the socket has ended or failed. */
  readonly onSocketClosed?: (error: Error | undefined) => void;
  /** Bytes queued in the socket above which writers are asked to wait (default 1 MiB). */
  readonly highWaterMark?: number;
  readonly now?: () => number;
}

export class SocketDriver {
  readonly socket: Duplex;
  readonly #core: DrivenCore;
  readonly #options: SocketDriverOptions;
  readonly #now: () => number;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #timerAt: number | undefined;
  #servicing = false;
  #again = false;
  #ended = false;
  readonly #drainWaiters: (() => void)[] = [];

  constructor(socket: Duplex, core: DrivenCore, options: SocketDriverOptions) {
    this.socket = socket;
    this.#core = core;
    this.#options = options;
    this.#now = options.now ?? Date.now;
    socket.on('data', (chunk: Uint8Array) => {
      core.receive(chunk);
      this.service();
    });
    socket.on('end', () => {
      core.receiveEof();
      this.service();
    });
    socket.on('drain', () => this.#wakeWriters());
    socket.on('error', (e) => this.#socketClosed(e));
    socket.on('close', () => this.#socketClosed(undefined));
    this.service();
  }

  /**
   * True when the socket and the core together hold more than the high-water mark: writers should
   * wait. This is what bounds memory when the peer reads slowly or stalls a key exchange
   * (x/crypto CVE-2025-22869).
   */
  get congested(): boolean {
    const hwm = this.#options.highWaterMark ?? 1 << 20;
    return this.socket.writableLength + (this.#core.bufferedAmount ?? 0) > hwm;
  }

  /** Runs `callback` once the socket has room again (at once if it has). */
  whenWritable(callback: () => void): void {
    if (!this.congested || this.#ended) callback();
    else this.#drainWaiters.push(callback);
  }

  /**
   * Lets the core work: its events are handled, its bytes written, its next deadline armed.
   * Safe to call from inside an event handler (the work is then redone once).
   */
  service(): void {
    if (this.#servicing) {
      this.#again = true;
      return;
    }
    this.#servicing = true;
    try {
      do {
        this.#again = false;
        this.#options.onEvents();
        this.#flush();
      } while (this.#again);
    } catch (error) {
      // A failure in a handler must end this connection only, never the process.
      this.socket.destroy(error instanceof Error ? error : new Error(String(error)));
    } finally {
      this.#servicing = false;
    }
    this.#arm();
    // Messages held during a key exchange leave without a socket 'drain': recheck here.
    if (this.#drainWaiters.length && !this.congested) this.#wakeWriters();
  }

  #wakeWriters(): void {
    for (const w of this.#drainWaiters.splice(0)) w();
  }

  /** Writes what the core has and ends the socket (after a DISCONNECT, say). */
  end(): void {
    this.#flush();
    if (!this.#ended) this.socket.end();
  }

  /** Writes every chunk the core has, corked, so that a batch of packets leaves in one writev. */
  #flush(): void {
    let corked = false;
    for (let b = this.#core.pollTransmit(); b; b = this.#core.pollTransmit()) {
      if (this.#ended || !this.socket.writable) continue;
      if (!corked) {
        this.socket.cork();
        corked = true;
      }
      this.socket.write(b);
    }
    if (corked) this.socket.uncork();
  }

  #arm(): void {
    const at = this.#ended ? undefined : this.#core.pollTimeout?.();
    if (at === this.#timerAt) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = at;
    if (at === undefined) return;
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        this.#timerAt = undefined;
        this.#core.handleTimeout?.(this.#now());
        this.service();
      },
      Math.max(0, at - this.#now()),
    );
    this.#timer.unref?.();
  }

  #socketClosed(error: Error | undefined): void {
    if (this.#ended) return;
    this.#ended = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#core.receiveEof();
    this.service();
    this.#wakeWriters();
    this.#options.onSocketClosed?.(error);
  }
}
