/**
 * RFC 4253 §6 binary packet protocol: framing, padding, sequence numbers, and the cipher/MAC of
 * each direction. `PacketDecoder` turns received bytes into payloads; `PacketEncoder` turns
 * payloads into wire packets.
 */
import { noProtection } from './cipher/stream.js';
import type { PacketOpener, PacketSealer } from './cipher/types.js';
import { MacError, writeUint32 } from './cipher/types.js';
import { DisconnectReason, SshProtocolError } from './errors.js';

/** OpenSSH's PACKET_MAX_SIZE: the largest packet_length we accept (RFC 4253 §6.1 requires 35000). */
export const MAX_PACKET_LENGTH = 256 * 1024;

/** A decoded packet: its payload (a view, valid until the caller drops it) and sequence number. */
export interface Packet {
  readonly payload: Uint8Array;
  readonly seq: number;
}

export class PacketDecoder {
  #opener: PacketOpener = noProtection();
  #seq = 0;
  #buf = new Uint8Array(0);
  #start = 0;
  #end = 0;
  /** packet_length of the packet whose header was already read, or -1. */
  #pending = -1;
  /** Bytes of wire data decoded since the counter was last reset (for rekey-by-volume). */
  bytes = 0;
  readonly maxPacketLength: number;

  constructor(maxPacketLength = MAX_PACKET_LENGTH) {
    this.maxPacketLength = maxPacketLength;
  }

  get sequenceNumber(): number {
    return this.#seq;
  }

  /** Bytes received but not yet decoded. */
  get buffered(): number {
    return this.#end - this.#start;
  }

  /** Switches to new keys; applies from the next packet (RFC 4253 §7.3). */
  setOpener(opener: PacketOpener): void {
    this.#opener = opener;
  }

  /** Strict kex (OpenSSH PROTOCOL §1.10): the receive sequence number restarts at 0 after NEWKEYS. */
  resetSequence(): void {
    this.#seq = 0;
  }

  /** Appends received bytes. Bytes already handed out as payload views are never overwritten. */
  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    if (this.#end + chunk.length > this.#buf.length) {
      const live = this.#end - this.#start;
      const next = new Uint8Array(Math.max(64 * 1024, (live + chunk.length) * 2));
      next.set(this.#buf.subarray(this.#start, this.#end));
      this.#buf = next;
      this.#start = 0;
      this.#end = live;
    }
    this.#buf.set(chunk, this.#end);
    this.#end += chunk.length;
  }

  /** Takes raw bytes off the front (the version line comes before any packet). */
  takeRaw(): Uint8Array {
    return this.#buf.subarray(this.#start, this.#end);
  }

  consumeRaw(n: number): void {
    this.#start += n;
  }

  /**
   * The next whole packet, or undefined until more bytes arrive. Throws SshProtocolError with
   * PROTOCOL_ERROR for bad framing and MAC_ERROR for a failed integrity check.
   */
  next(): Packet | undefined {
    const o = this.#opener;
    if (this.#pending < 0) {
      if (this.#end - this.#start < o.headerLength) return undefined;
      const length = o.packetLength(this.#seq, this.#buf.subarray(this.#start, this.#start + o.headerLength));
      // RFC 4253 §6.1; checked before anything is allocated for the packet.
      if (length < 5 || length > this.maxPacketLength) {
        throw new SshProtocolError(DisconnectReason.PROTOCOL_ERROR, `bad packet length ${length}`);
      }
      // RFC 4253 §6: the packet is a multiple of the cipher block size (ETM/AEAD: without the length).
      if ((o.lengthExcluded ? length : length + 4) % o.blockSize !== 0) {
        throw new SshProtocolError(
          DisconnectReason.PROTOCOL_ERROR,
          `packet length ${length} is not a multiple of the block size ${o.blockSize}`,
        );
      }
      this.#pending = length;
    }
    const total = 4 + this.#pending + o.macLength;
    if (this.#end - this.#start < total) return undefined;
    const packet = this.#buf.subarray(this.#start, this.#start + total);
    try {
      o.open(this.#seq, packet);
    } catch (e) {
      if (e instanceof MacError) throw new SshProtocolError(DisconnectReason.MAC_ERROR, e.message);
      throw e;
    }
    const padding = packet[4]!;
    // RFC 4253 §6: at least four bytes of padding, and a payload of at least the message number.
    if (padding < 4)
      throw new SshProtocolError(DisconnectReason.PROTOCOL_ERROR, `padding of ${padding} bytes`);
    const payloadLength = this.#pending - padding - 1;
    if (payloadLength < 1)
      throw new SshProtocolError(DisconnectReason.PROTOCOL_ERROR, 'packet without payload');
    const seq = this.#seq;
    this.#seq = (this.#seq + 1) >>> 0;
    this.#start += total;
    this.#pending = -1;
    this.bytes += total;
    return { payload: packet.subarray(5, 5 + payloadLength), seq };
  }
}

/** Random bytes fetched at a time for padding: one call to the generator per many packets. */
const PADDING_POOL = 1024;

export class PacketEncoder {
  #sealer: PacketSealer = noProtection();
  #seq = 0;
  readonly #random: (n: number) => Uint8Array;
  #pool: Uint8Array = new Uint8Array(0);
  #poolAt = 0;
  bytes = 0;

  constructor(random: (n: number) => Uint8Array) {
    this.#random = random;
  }

  get sequenceNumber(): number {
    return this.#seq;
  }

  setSealer(sealer: PacketSealer): void {
    this.#sealer = sealer;
  }

  resetSequence(): void {
    this.#seq = 0;
  }

  /** One wire packet holding `payload`: length, padding, encryption and MAC (RFC 4253 §6). */
  encode(payload: Uint8Array): Uint8Array {
    const s = this.#sealer;
    const block = s.blockSize;
    let padding = block - (((s.lengthExcluded ? 0 : 4) + 1 + payload.length) % block);
    if (padding < 4) padding += block;
    const packetLength = 1 + payload.length + padding;
    const buf = new Uint8Array(4 + packetLength + s.macLength);
    writeUint32(buf, 0, packetLength);
    buf[4] = padding;
    buf.set(payload, 5);
    buf.set(this.#padding(padding), 5 + payload.length);
    s.seal(this.#seq, buf);
    this.#seq = (this.#seq + 1) >>> 0;
    this.bytes += buf.length;
    return buf;
  }

  /** `n` (at most 255) fresh random bytes for padding, taken from a pool refilled as it runs out. */
  #padding(n: number): Uint8Array {
    if (this.#poolAt + n > this.#pool.length) {
      this.#pool = this.#random(PADDING_POOL);
      this.#poolAt = 0;
    }
    this.#poolAt += n;
    return this.#pool.subarray(this.#poolAt - n, this.#poolAt);
  }
}
