/**
 * How the binary packet layer (RFC 4253 §6) protects one direction of traffic. A cipher and a MAC
 * negotiated together become one `PacketSealer` (outbound) and one `PacketOpener` (inbound).
 *
 * Layout of a packet buffer handed to a sealer or opener, offsets from 0:
 *   uint32 packet_length | byte padding_length | payload | padding | mac-or-tag
 * Both work in place on that buffer.
 */

export interface PacketSealer {
  /** Padding aligns to this (at least 8, RFC 4253 §6). */
  readonly blockSize: number;
  /** True when packet_length is not encrypted with the body and is left out of the alignment (ETM, AES-GCM, chacha20-poly1305). */
  readonly lengthExcluded: boolean;
  /** Bytes of MAC or tag after the packet. */
  readonly macLength: number;
  /** Encrypts `buf[0 .. 4 + packet_length)` in place and writes the MAC or tag right after it. */
  seal(seq: number, buf: Uint8Array): void;
}

export interface PacketOpener {
  readonly blockSize: number;
  readonly lengthExcluded: boolean;
  readonly macLength: number;
  /** Bytes needed before the packet length can be read. */
  readonly headerLength: number;
  /**
   * Reads packet_length from the first `headerLength` bytes of `buf`. May decrypt those bytes in
   * place (encrypt-then-MAC does not; classic CTR does), `open` knows which.
   */
  packetLength(seq: number, buf: Uint8Array): number;
  /**
   * Checks the MAC or tag of the whole wire packet `buf` (4 + packet_length + macLength bytes) and
   * decrypts it in place. Throws `MacError` when the packet was tampered with.
   */
  open(seq: number, buf: Uint8Array): void;
}

/** A MAC or AEAD tag did not verify (RFC 4253 §6.4): the connection ends with MAC_ERROR. */
export class MacError extends Error {
  constructor() {
    super('message authentication code incorrect');
    this.name = 'MacError';
  }
}

/** Constant-time comparison of two tags of equal length. */
export function tagsEqual(a: Uint8Array, aOffset: number, b: Uint8Array, length: number): boolean {
  let diff = 0;
  for (let i = 0; i < length; i++) diff |= a[aOffset + i]! ^ b[i]!;
  return diff === 0;
}

/** Big-endian uint32 at `offset`. */
export function readUint32(buf: Uint8Array, offset: number): number {
  return ((buf[offset]! << 24) | (buf[offset + 1]! << 16) | (buf[offset + 2]! << 8) | buf[offset + 3]!) >>> 0;
}

export function writeUint32(buf: Uint8Array, offset: number, v: number): void {
  buf[offset] = v >>> 24;
  buf[offset + 1] = v >>> 16;
  buf[offset + 2] = v >>> 8;
  buf[offset + 3] = v;
}
