/**
 * A channel of the connection core as Node streams (RFC 4254 §5.2–5.3): `readable` takes the
 * peer's data and reopens its window only as the reader consumes it; `writable` sends as the
 * peer's window and the socket allow, and its `end()` sends EOF. Extended data (stderr, §5.2) is a
 * third stream: readable on a client, writable on a server.
 *
 * The sides are separate streams, not one Duplex, so that finishing or destroying one (as a
 * `for await` loop over `readable` does) never closes the channel: only `close()` and the peer do.
 */
import { Duplex, Readable, Writable } from 'node:stream';
import type { ConnectionCore } from '../connection.js';

/** The connection a channel stream belongs to, as the Node driver exposes it. */
export interface ChannelHost {
  readonly connection: ConnectionCore;
  /** Flushes queued messages to the socket and handles the core's events. */
  service(): void;
  /** Runs `callback` once the socket can take more bytes. */
  whenWritable(callback: () => void): void;
}

/** RFC 4254 §5.2: data type code 1 is stderr. */
export const EXTENDED_DATA_STDERR = 1;

interface PendingWrite {
  chunk: Uint8Array;
  offset: number;
  callback: (error?: Error | null) => void;
}

/** Sends chunks through a channel, waiting on the window and the socket (stdout and stderr each have one). */
class ChannelWriter {
  readonly #host: ChannelHost;
  readonly #id: number;
  readonly #extendedType: number | undefined;
  #pending: PendingWrite | undefined;
  #closed = false;

  constructor(host: ChannelHost, id: number, extendedType: number | undefined) {
    this.#host = host;
    this.#id = id;
    this.#extendedType = extendedType;
  }

  write(chunk: Uint8Array, callback: (error?: Error | null) => void): void {
    if (this.#closed) return callback(new Error('channel closed'));
    this.#pending = { chunk, offset: 0, callback };
    this.resume();
  }

  /** Sends what the window allows; called after each write and whenever the window reopens. */
  resume(): void {
    const p = this.#pending;
    if (!p) return;
    if (this.#closed) {
      this.#pending = undefined;
      p.callback(new Error('channel closed'));
      return;
    }
    while (p.offset < p.chunk.length) {
      const n = this.#host.connection.sendData(this.#id, p.chunk.subarray(p.offset), this.#extendedType);
      if (n === 0) break;
      p.offset += n;
    }
    this.#host.service();
    if (p.offset < p.chunk.length) return;
    this.#pending = undefined;
    this.#host.whenWritable(() => p.callback());
  }

  close(): void {
    this.#closed = true;
    this.resume();
  }
}

/** Delivers incoming data to a Readable, reopening the window only as it is read (STYLE.md §6). */
class ChannelReader {
  readonly readable: Readable;
  readonly #host: ChannelHost;
  readonly #id: number;
  #unconsumed = 0;

  constructor(host: ChannelHost, id: number) {
    this.#host = host;
    this.#id = id;
    this.readable = new Readable({ read: () => this.#read() });
  }

  /** A Readable below its high-water mark counts data consumed at once; a full one on its next read. */
  push(data: Uint8Array): void {
    const r = this.readable;
    if (r.destroyed || r.readableEnded) return this.#consume(data.length);
    if (r.push(data)) this.#consume(data.length);
    else this.#unconsumed += data.length;
  }

  end(): void {
    if (!this.readable.destroyed) this.readable.push(null);
  }

  #read(): void {
    if (this.#unconsumed === 0) return;
    const n = this.#unconsumed;
    this.#unconsumed = 0;
    this.#consume(n);
  }

  #consume(n: number): void {
    this.#host.connection.consumed(this.#id, n);
    this.#host.service();
  }
}

export class ChannelStream {
  readonly channelId: number;
  /** The peer's data (CHANNEL_DATA). */
  readonly readable: Readable;
  /** Our data; `end()` sends EOF (RFC 4254 §5.3). */
  readonly writable: Writable;
  /** Extended data type 1: the peer's stderr (client) or ours (server). */
  readonly stderr: Readable | Writable;
  readonly #host: ChannelHost;
  readonly #in: ChannelReader;
  readonly #errIn: ChannelReader | undefined;
  readonly #out: ChannelWriter;
  readonly #errOut: ChannelWriter | undefined;
  #closed = false;
  #eofSent = false;

  constructor(host: ChannelHost, channelId: number, stderr: 'readable' | 'writable') {
    this.#host = host;
    this.channelId = channelId;
    this.#in = new ChannelReader(host, channelId);
    this.readable = this.#in.readable;
    const out = new ChannelWriter(host, channelId, undefined);
    this.#out = out;
    this.writable = new Writable({
      write: (chunk: Uint8Array, _enc, cb) => out.write(chunk, cb),
      final: (cb) => {
        this.#sendEof();
        cb();
      },
    });
    if (stderr === 'writable') {
      const errOut = new ChannelWriter(host, channelId, EXTENDED_DATA_STDERR);
      this.#errOut = errOut;
      this.stderr = new Writable({ write: (chunk: Uint8Array, _enc, cb) => errOut.write(chunk, cb) });
    } else {
      this.#errIn = new ChannelReader(host, channelId);
      this.stderr = this.#errIn.readable;
    }
  }

  /** True once the channel is closed. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Both directions as one Duplex (for piping, or for a forwarded connection). */
  toDuplex(): Duplex {
    return Duplex.from({ readable: this.readable, writable: this.writable });
  }

  /** Closes the channel now (RFC 4254 §5.3); data not yet sent is dropped. */
  close(): void {
    if (this.#closed) return;
    this.#host.connection.close(this.channelId);
    this.#host.service();
  }

  // ---- events from the driver ----

  /** CHANNEL_DATA / EXTENDED_DATA arrived; extended types other than stderr are dropped. */
  onData(data: Uint8Array, extendedType: number | undefined): void {
    if (extendedType === undefined) this.#in.push(data);
    else if (extendedType === EXTENDED_DATA_STDERR && this.#errIn) this.#errIn.push(data);
    else {
      // RFC 4254 §5.2: they still used the window; reopen it.
      this.#host.connection.consumed(this.channelId, data.length);
      this.#host.service();
    }
  }

  onEof(): void {
    this.#in.end();
    this.#errIn?.end();
  }

  onWritable(): void {
    this.#out.resume();
    this.#errOut?.resume();
  }

  onClose(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.onEof();
    this.#out.close();
    this.#errOut?.close();
  }

  #sendEof(): void {
    if (this.#closed || this.#eofSent) return;
    this.#eofSent = true;
    this.#host.connection.sendEof(this.channelId);
    this.#host.service();
  }
}
