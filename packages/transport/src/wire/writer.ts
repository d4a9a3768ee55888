/**
 * RFC 4251 §5 data types, written into one growing buffer.
 *
 * A writer may start with reserved headroom so that the packet layer can put the length and
 * padding-length bytes in front of a payload without copying it (RFC 4253 §6).
 */
const utf8Encoder = new TextEncoder();

export class SshWriter {
  #buf: Uint8Array;
  #view: DataView;
  #pos: number;
  readonly #start: number;

  constructor(initialCapacity = 256, headroom = 0) {
    this.#buf = new Uint8Array(Math.max(initialCapacity, headroom + 16));
    this.#view = new DataView(this.#buf.buffer);
    this.#pos = headroom;
    this.#start = headroom;
  }

  /** Bytes written so far (headroom excluded). */
  get length(): number {
    return this.#pos - this.#start;
  }

  #ensure(n: number): void {
    const need = this.#pos + n;
    if (need <= this.#buf.length) return;
    let size = this.#buf.length * 2;
    while (size < need) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.#buf.subarray(0, this.#pos));
    this.#buf = next;
    this.#view = new DataView(next.buffer);
  }

  byte(v: number): this {
    this.#ensure(1);
    this.#buf[this.#pos++] = v;
    return this;
  }

  boolean(v: boolean): this {
    return this.byte(v ? 1 : 0);
  }

  uint32(v: number): this {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new RangeError(`uint32 out of range: ${v}`);
    this.#ensure(4);
    this.#view.setUint32(this.#pos, v);
    this.#pos += 4;
    return this;
  }

  uint64(v: bigint): this {
    if (v < 0n || v > 0xffffffffffffffffn) throw new RangeError('uint64 out of range');
    this.#ensure(8);
    this.#view.setBigUint64(this.#pos, v);
    this.#pos += 8;
    return this;
  }

  raw(bytes: Uint8Array): this {
    this.#ensure(bytes.length);
    this.#buf.set(bytes, this.#pos);
    this.#pos += bytes.length;
    return this;
  }

  /** A `string`: bytes as given, or text as UTF-8. */
  string(v: Uint8Array | string): this {
    const bytes = typeof v === 'string' ? utf8Encoder.encode(v) : v;
    this.uint32(bytes.length);
    return this.raw(bytes);
  }

  nameList(names: readonly string[]): this {
    for (const n of names) {
      if (n.length === 0 || n.includes(','))
        throw new RangeError(`bad name in name-list: ${JSON.stringify(n)}`);
    }
    return this.string(names.join(','));
  }

  /** RFC 4251 §5 mpint in its one minimal two's complement form. */
  mpint(v: bigint): this {
    return this.string(mpintBytes(v));
  }

  /** Overwrites 4 bytes at an absolute offset (for lengths known only later). */
  patchUint32(offset: number, v: number): void {
    this.#view.setUint32(offset, v);
  }

  /** Absolute offset of the next byte (headroom included). */
  get offset(): number {
    return this.#pos;
  }

  /** The bytes written, as a view (headroom excluded). Valid until the next write. */
  bytes(): Uint8Array {
    return this.#buf.subarray(this.#start, this.#pos);
  }

  /** The whole buffer from 0, headroom included, as a view; for the packet layer. */
  withHeadroom(): Uint8Array {
    return this.#buf.subarray(0, this.#pos);
  }

  /** Ensures room for `n` more bytes and returns the backing buffer (for in-place tails). */
  reserveTail(n: number): Uint8Array {
    this.#ensure(n);
    return this.#buf;
  }

  /** Advances past `n` bytes filled directly through `reserveTail`. */
  skip(n: number): void {
    this.#ensure(n);
    this.#pos += n;
  }
}

/** The minimal two's complement big-endian bytes of an mpint (empty for zero). */
export function mpintBytes(v: bigint): Uint8Array {
  if (v === 0n) return new Uint8Array(0);
  if (v > 0n) {
    const mag = unsignedBytes(v);
    if (!(mag[0]! & 0x80)) return mag;
    const padded = new Uint8Array(mag.length + 1);
    padded.set(mag, 1);
    return padded;
  }
  let n = 1;
  while (v < -(1n << BigInt(8 * n - 1))) n++;
  return unsignedBytes((1n << BigInt(8 * n)) + v, n);
}

/** Big-endian unsigned bytes of a bigint with no leading zeros (empty for zero). */
export function unsignedBytes(v: bigint, length?: number): Uint8Array {
  if (v < 0n) throw new RangeError('negative value');
  let hex = v === 0n ? '' : v.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  if (length !== undefined) {
    if (hex.length > length * 2) throw new RangeError('value does not fit');
    hex = hex.padStart(length * 2, '0');
  }
  return hexToBytes(hex);
}

/** Big-endian unsigned bytes to a bigint. */
export function bytesToBigInt(b: Uint8Array): bigint {
  let v = 0n;
  for (const byte of b) v = (v << 8n) | BigInt(byte);
  return v;
}

function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}
