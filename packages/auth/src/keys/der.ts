/**
 * A small strict DER reader and writer (ITU-T X.690 §8, §10), for the ASN.1 of key files:
 * PKCS#1 (RFC 8017 App. A), SEC1 (RFC 5915), PKCS#8 (RFC 5208, RFC 5958), SubjectPublicKeyInfo
 * (RFC 5280 §4.1), PBES2 (RFC 8018 App. A).
 *
 * Strict means one encoding per value, as X.690 §10 requires and as a parser of untrusted bytes
 * should: low-tag-number form only, definite minimal lengths, minimal INTEGERs, BIT STRINGs with
 * no unused bits, minimal OID arcs. Every length is checked against what remains before anything
 * is read; the reader never recurses on its own (callers open nested readers one level at a
 * time), so input cannot drive the stack. All failures are `KeyFileError`.
 */
import { KeyFileError } from './errors.js';

/** Universal tags we use (X.690 §8; X.680 §8.4). */
export const DER_TAG = {
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  SEQUENCE: 0x30,
} as const;

/** A context-specific tag `[n]`, constructed (EXPLICIT or a constructed IMPLICIT type) or not. */
export function contextTag(n: number, constructed: boolean): number {
  return 0x80 | (constructed ? 0x20 : 0) | n;
}

const fail = (what: string): never => {
  throw new KeyFileError(`DER: ${what}`);
};

/** Reads DER elements one after another from a byte range. */
export class DerReader {
  readonly #bytes: Uint8Array;
  #at: number;
  readonly #end: number;

  constructor(bytes: Uint8Array, start = 0, end = bytes.length) {
    this.#bytes = bytes;
    this.#at = start;
    this.#end = end;
  }

  /** Whether every element has been read. */
  get done(): boolean {
    return this.#at >= this.#end;
  }

  /** The tag of the next element, or undefined at the end. */
  peekTag(): number | undefined {
    return this.done ? undefined : this.#bytes[this.#at];
  }

  /** Reads the next element's header and returns its tag and contents. */
  element(expected?: number, what = 'element'): { tag: number; content: Uint8Array } {
    if (this.done) fail(`${what} is missing`);
    const tag = this.#bytes[this.#at]!;
    // X.690 §8.1.2.4: tag numbers above 30 use more octets; nothing in a key file does.
    if ((tag & 0x1f) === 0x1f) fail('high tag numbers are not used in key files');
    if (expected !== undefined && tag !== expected)
      fail(`${what}: expected tag 0x${expected.toString(16)}, found 0x${tag.toString(16)}`);
    let at = this.#at + 1;
    if (at >= this.#end) fail(`${what} has no length`);
    let length = this.#bytes[at++]!;
    if (length === 0x80) fail('indefinite lengths are not DER');
    if (length > 0x80) {
      const count = length & 0x7f;
      // Key files stay far below 2^32 bytes; four length octets are plenty.
      if (count > 4) fail(`${what} length is too long`);
      if (at + count > this.#end) fail(`${what} length runs past the end`);
      length = 0;
      for (let i = 0; i < count; i++) length = length * 256 + this.#bytes[at++]!;
      // X.690 §10.1: the long form only when needed, with no leading zero octet.
      if (length < 0x80 || this.#bytes[at - count] === 0) fail(`${what} length is not minimal`);
    }
    if (length > this.#end - at) fail(`${what} runs past the end of its container`);
    this.#at = at + length;
    return { tag, content: this.#bytes.subarray(at, at + length) };
  }

  /** A SEQUENCE (or another constructed element with `tag`), as a reader of its contents. */
  sequence(what = 'SEQUENCE', tag: number = DER_TAG.SEQUENCE): DerReader {
    const { content } = this.element(tag, what);
    return new DerReader(content);
  }

  /** An optional element `[n]`: its reader when present, undefined when absent. */
  optional(tag: number): DerReader | undefined {
    return this.peekTag() === tag ? this.sequence(`[${tag & 0x1f}]`, tag) : undefined;
  }

  /**
   * An INTEGER (X.690 §8.3) of at most `maxBits` magnitude bits.
   * @throws KeyFileError for a non-minimal encoding or a value too large.
   */
  integer(what = 'INTEGER', maxBits = 16384): bigint {
    const { content } = this.element(DER_TAG.INTEGER, what);
    if (content.length === 0) fail(`${what} is empty`);
    // X.690 §8.3.2: the first nine bits must not all be equal.
    if (content.length > 1) {
      const b0 = content[0]!;
      const b1 = content[1]!;
      if ((b0 === 0x00 && b1 < 0x80) || (b0 === 0xff && b1 >= 0x80)) fail(`${what} is not minimal`);
    }
    if (content.length > Math.ceil(maxBits / 8) + 1) fail(`${what} is too large`);
    let v = 0n;
    for (const b of content) v = (v << 8n) | BigInt(b);
    if (content[0]! >= 0x80) v -= 1n << BigInt(8 * content.length);
    return v;
  }

  /** A non-negative INTEGER that fits a JavaScript number (versions, counts). */
  smallInteger(what = 'INTEGER', max = 2 ** 32): number {
    const v = this.integer(what, 64);
    if (v < 0n || v > BigInt(max)) fail(`${what} is out of range`);
    return Number(v);
  }

  /** A positive INTEGER (key parts). */
  positiveInteger(what = 'INTEGER', maxBits = 16384): bigint {
    const v = this.integer(what, maxBits);
    if (v <= 0n) fail(`${what} must be positive`);
    return v;
  }

  /** An OCTET STRING's contents (a view into the input). */
  octetString(what = 'OCTET STRING'): Uint8Array {
    return this.element(DER_TAG.OCTET_STRING, what).content;
  }

  /** A BIT STRING holding whole octets (X.690 §8.6; keys never have unused bits). */
  bitString(what = 'BIT STRING'): Uint8Array {
    const { content } = this.element(DER_TAG.BIT_STRING, what);
    if (content.length === 0 || content[0] !== 0) fail(`${what} has unused bits`);
    return content.subarray(1);
  }

  /** A NULL, which must be empty. */
  null(what = 'NULL'): void {
    if (this.element(DER_TAG.NULL, what).content.length !== 0) fail(`${what} has contents`);
  }

  /** An OBJECT IDENTIFIER in dotted form (X.690 §8.19). */
  oid(what = 'OBJECT IDENTIFIER'): string {
    const { content } = this.element(DER_TAG.OID, what);
    if (content.length === 0 || content.length > 64) fail(`${what} has a bad length`);
    const arcs: number[] = [];
    let v = 0;
    for (let i = 0; i < content.length; i++) {
      const b = content[i]!;
      // X.690 §8.19.2: no leading 0x80 octet in a subidentifier.
      if (v === 0 && b === 0x80) fail(`${what} is not minimal`);
      v = v * 128 + (b & 0x7f);
      if (v > Number.MAX_SAFE_INTEGER / 128) fail(`${what} arc is too large`);
      if (b & 0x80) continue;
      arcs.push(v);
      v = 0;
    }
    if (content[content.length - 1]! & 0x80) fail(`${what} is truncated`);
    const first = arcs[0]!;
    const head = first < 40 ? [0, first] : first < 80 ? [1, first - 40] : [2, first - 80];
    return [...head, ...arcs.slice(1)].join('.');
  }

  /** @throws KeyFileError when elements remain. */
  end(what = 'SEQUENCE'): void {
    if (!this.done) fail(`${what} has trailing data`);
  }
}

/** Reads a whole DER value of `tag` that must fill `bytes` exactly. */
export function derRoot(bytes: Uint8Array, what = 'SEQUENCE'): DerReader {
  const r = new DerReader(bytes);
  const inner = r.sequence(what);
  r.end(`data after the ${what}`);
  return inner;
}

// --- writing ------------------------------------------------------------------------------

/** The encoding of one element with `tag` and `content`. */
export function derElement(tag: number, content: Uint8Array): Uint8Array {
  const n = content.length;
  const lengthBytes: number[] = [];
  if (n < 0x80) lengthBytes.push(n);
  else {
    for (let v = n; v > 0; v = Math.floor(v / 256)) lengthBytes.unshift(v & 0xff);
    lengthBytes.unshift(0x80 | lengthBytes.length);
  }
  const out = new Uint8Array(1 + lengthBytes.length + n);
  out[0] = tag;
  out.set(lengthBytes, 1);
  out.set(content, 1 + lengthBytes.length);
  return out;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A SEQUENCE of already encoded elements (or another constructed `tag`). */
export function derSequence(parts: readonly Uint8Array[], tag: number = DER_TAG.SEQUENCE): Uint8Array {
  return derElement(tag, concat(parts));
}

/** A minimal INTEGER; key files only hold non-negative ones. */
export function derInteger(v: bigint | number): Uint8Array {
  let n = BigInt(v);
  if (n < 0n) throw new RangeError('negative INTEGERs are not written');
  const bytes: number[] = [];
  for (; n > 0n; n >>= 8n) bytes.unshift(Number(n & 0xffn));
  if (bytes.length === 0 || bytes[0]! >= 0x80) bytes.unshift(0);
  return derElement(DER_TAG.INTEGER, Uint8Array.from(bytes));
}

/** An OCTET STRING. */
export function derOctetString(bytes: Uint8Array): Uint8Array {
  return derElement(DER_TAG.OCTET_STRING, bytes);
}

/** A BIT STRING of whole octets. */
export function derBitString(bytes: Uint8Array): Uint8Array {
  const content = new Uint8Array(bytes.length + 1);
  content.set(bytes, 1);
  return derElement(DER_TAG.BIT_STRING, content);
}

/** A NULL (AlgorithmIdentifier parameters of RSA and the HMAC PRFs). */
export function derNull(): Uint8Array {
  return Uint8Array.of(DER_TAG.NULL, 0);
}

/** An OBJECT IDENTIFIER from dotted form. */
export function derOid(dotted: string): Uint8Array {
  const arcs = dotted.split('.').map(Number);
  if (arcs.length < 2 || arcs.some((a) => !Number.isSafeInteger(a) || a < 0))
    throw new RangeError(`bad OID ${dotted}`);
  const out: number[] = [];
  for (const arc of [arcs[0]! * 40 + arcs[1]!, ...arcs.slice(2)]) {
    const septets = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) septets.unshift(0x80 | (v & 0x7f));
    out.push(...septets);
  }
  return derElement(DER_TAG.OID, Uint8Array.from(out));
}
