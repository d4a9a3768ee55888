/**
 * Declarative message codecs (STYLE.md §3): each SSH message is declared once as a number, a name
 * and an ordered list of RFC 4251 fields; encode, decode and the TypeScript type all come from that
 * one declaration.
 */
import { SshDecodeError } from '../errors.js';
import { SshReader } from './reader.js';
import { SshWriter } from './writer.js';

/** Reads and writes one RFC 4251 value. `kind` names the wire type (used by the generic tests). */
export interface Codec<T> {
  readonly kind: string;
  read(r: SshReader): T;
  write(w: SshWriter, v: T): void;
}

export type CodecType<C> = C extends Codec<infer T> ? T : never;
export type Fields = Readonly<Record<string, Codec<unknown>>>;
export type FieldsType<F extends Fields> = { -readonly [K in keyof F]: CodecType<F[K]> };

export const byte: Codec<number> = { kind: 'byte', read: (r) => r.byte(), write: (w, v) => w.byte(v) };
export const boolean: Codec<boolean> = {
  kind: 'boolean',
  read: (r) => r.boolean(),
  write: (w, v) => w.boolean(v),
};
export const uint32: Codec<number> = {
  kind: 'uint32',
  read: (r) => r.uint32(),
  write: (w, v) => w.uint32(v),
};
export const uint64: Codec<bigint> = {
  kind: 'uint64',
  read: (r) => r.uint64(),
  write: (w, v) => w.uint64(v),
};
/** A `string` of arbitrary bytes (a view into the packet when decoded). */
export const bytes: Codec<Uint8Array> = {
  kind: 'bytes',
  read: (r) => r.string(),
  write: (w, v) => w.string(v),
};
/** A `string` holding UTF-8 text. */
export const utf8: Codec<string> = { kind: 'utf8', read: (r) => r.utf8(), write: (w, v) => w.string(v) };
/** A `string` holding a US-ASCII protocol name. */
export const ascii: Codec<string> = { kind: 'ascii', read: (r) => r.ascii(), write: (w, v) => w.string(v) };
export const nameList: Codec<string[]> = {
  kind: 'name-list',
  read: (r) => r.nameList(),
  write: (w, v) => w.nameList(v),
};
export const mpint: Codec<bigint> = { kind: 'mpint', read: (r) => r.mpint(), write: (w, v) => w.mpint(v) };
/** Whatever follows, unparsed: the method- or type-specific part of a message. */
export const rest: Codec<Uint8Array> = { kind: 'rest', read: (r) => r.rest(), write: (w, v) => w.raw(v) };
/** `n` raw bytes (the KEXINIT cookie). */
export function raw(n: number): Codec<Uint8Array> {
  return {
    kind: `raw${n}`,
    read: (r) => r.raw(n),
    write: (w, v) => {
      if (v.length !== n) throw new RangeError(`expected ${n} bytes, got ${v.length}`);
      w.raw(v);
    },
  };
}

/** Fields in order, with no message number: the type-specific tail of a message. */
export interface StructSpec<F extends Fields> {
  readonly fields: F;
  read(r: SshReader): FieldsType<F>;
  write(w: SshWriter, v: FieldsType<F>): void;
  /** Decodes exactly `bytes` (trailing bytes are an error). */
  decode(bytes: Uint8Array): FieldsType<F>;
  encode(v: FieldsType<F>): Uint8Array;
}

export function struct<F extends Fields>(fields: F): StructSpec<F> {
  const entries = Object.entries(fields);
  const spec: StructSpec<F> = {
    fields,
    read(r) {
      const out: Record<string, unknown> = {};
      for (const [name, codec] of entries) out[name] = codec.read(r);
      return out as FieldsType<F>;
    },
    write(w, v) {
      const values = v as Record<string, unknown>;
      for (const [name, codec] of entries) codec.write(w, values[name]);
    },
    decode(b) {
      const r = new SshReader(b);
      const v = spec.read(r);
      r.end();
      return v;
    },
    encode(v) {
      const w = new SshWriter();
      spec.write(w, v);
      return w.bytes();
    },
  };
  return spec;
}

/** One SSH message: its number, its RFC name and its fields. */
export interface MessageSpec<F extends Fields> extends StructSpec<F> {
  readonly number: number;
  readonly name: string;
  /** Writes number + fields into `w` (which may carry packet headroom). */
  writeMessage(w: SshWriter, v: FieldsType<F>): void;
}

export type MessageType<M> = M extends MessageSpec<infer F> ? FieldsType<F> : never;

export function message<F extends Fields>(number: number, name: string, fields: F): MessageSpec<F> {
  const body = struct(fields);
  return {
    number,
    name,
    fields,
    read: body.read,
    write: body.write,
    writeMessage(w, v) {
      w.byte(number);
      body.write(w, v);
    },
    decode(payload) {
      const r = new SshReader(payload);
      const n = r.byte();
      if (n !== number) throw new SshDecodeError(`expected ${name} (${number}), got message ${n}`);
      const v = body.read(r);
      r.end(name);
      return v;
    },
    encode(v) {
      const w = new SshWriter(64);
      w.byte(number);
      body.write(w, v);
      return w.bytes();
    },
  };
}
