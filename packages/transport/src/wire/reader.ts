/**
 * RFC 4251 §5 data types, read from untrusted bytes.
 *
 * Every length is checked against what remains before anything is allocated, strings are returned
 * as views into the input (copy them if they must outlive it), and the only error thrown is
 * `SshDecodeError`.
 */
import { SshDecodeError } from '../errors.js';

const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

/** Cursor over one buffer of RFC 4251 encoded data. */
export class SshReader {
  readonly bytes: Uint8Array;
  #view: DataView;
  #pos: number;
  readonly #end: number;

  constructor(bytes: Uint8Array, start = 0, end = bytes.length) {
    this.bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.#pos = start;
    this.#end = end;
  }

  /** Bytes not read yet. */
  get remaining(): number {
    return this.#end - this.#pos;
  }

  get position(): number {
    return this.#pos;
  }

  #need(n: number, what: string): void {
    if (n > this.#end - this.#pos) {
      throw new SshDecodeError(`truncated ${what}: need ${n} bytes, have ${this.#end - this.#pos}`);
    }
  }

  byte(): number {
    this.#need(1, 'byte');
    return this.bytes[this.#pos++]!;
  }

  /** RFC 4251 §5: any non-zero value is TRUE. */
  boolean(): boolean {
    return this.byte() !== 0;
  }

  uint32(): number {
    this.#need(4, 'uint32');
    const v = this.#view.getUint32(this.#pos);
    this.#pos += 4;
    return v;
  }

  uint64(): bigint {
    this.#need(8, 'uint64');
    const v = this.#view.getBigUint64(this.#pos);
    this.#pos += 8;
    return v;
  }

  /** `n` raw bytes, as a view. */
  raw(n: number): Uint8Array {
    this.#need(n, 'bytes');
    const v = this.bytes.subarray(this.#pos, this.#pos + n);
    this.#pos += n;
    return v;
  }

  /** A `string` (uint32 length + bytes), as a view into the input. */
  string(): Uint8Array {
    const n = this.uint32();
    this.#need(n, 'string');
    const v = this.bytes.subarray(this.#pos, this.#pos + n);
    this.#pos += n;
    return v;
  }

  /** A `string` that must be valid UTF-8 (ISO 10646, RFC 4251 §5). */
  utf8(): string {
    const b = this.string();
    try {
      return utf8Decoder.decode(b);
    } catch {
      throw new SshDecodeError('string is not valid UTF-8');
    }
  }

  /** A `string` of US-ASCII without NUL, as protocol names are. */
  ascii(): string {
    return asciiName(this.string(), 'name');
  }

  /** RFC 4251 §5 name-list: comma-separated, non-empty US-ASCII names, no NUL. */
  nameList(): string[] {
    const b = this.string();
    if (b.length === 0) return [];
    const names = asciiName(b, 'name-list').split(',');
    for (const name of names) if (name.length === 0) throw new SshDecodeError('name-list has an empty name');
    return names;
  }

  /**
   * RFC 4251 §5 mpint, two's complement big-endian. Like OpenSSH we accept needless leading
   * bytes on input (we never emit them); `maxBits` bounds the work a peer can cause.
   */
  mpint(maxBits = 16384): bigint {
    const b = this.string();
    if (b.length === 0) return 0n;
    if (b.length * 8 > maxBits + 8) throw new SshDecodeError(`mpint longer than ${maxBits} bits`);
    let v = 0n;
    for (const byte of b) v = (v << 8n) | BigInt(byte);
    if (b[0]! & 0x80) v -= 1n << BigInt(b.length * 8);
    return v;
  }

  /** An mpint that must be >= 0 (keys, DH values). */
  positiveMpint(maxBits = 16384): bigint {
    const v = this.mpint(maxBits);
    if (v < 0n) throw new SshDecodeError('negative mpint where a positive one is required');
    return v;
  }

  /** All bytes not read yet, as a view. */
  rest(): Uint8Array {
    const v = this.bytes.subarray(this.#pos, this.#end);
    this.#pos = this.#end;
    return v;
  }

  /** Throws unless every byte was read: fixed layouts reject trailing data. */
  end(what = 'message'): void {
    if (this.#pos !== this.#end)
      throw new SshDecodeError(`${this.#end - this.#pos} trailing bytes after ${what}`);
  }
}

function asciiName(b: Uint8Array, what: string): string {
  let s = '';
  for (const c of b) {
    if (c === 0 || c > 0x7e || c < 0x20)
      throw new SshDecodeError(`${what} holds a byte that is not printable US-ASCII`);
    s += String.fromCharCode(c);
  }
  return s;
}
