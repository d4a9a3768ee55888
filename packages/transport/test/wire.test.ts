/** RFC 4251 §5 data types: round-trips, the RFC's own examples, and hostile input. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SshDecodeError } from '../src/errors.js';
import { SshReader } from '../src/wire/reader.js';
import { mpintBytes, SshWriter } from '../src/wire/writer.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const fromHex = (h: string) => new Uint8Array(Buffer.from(h.replace(/\s+/g, ''), 'hex'));

describe('RFC 4251 §5 mpint', () => {
  it('encodes the RFC examples', () => {
    const cases: [bigint, string][] = [
      [0n, '00000000'],
      [0x9a378f9b2e332a7n, '0000000809a378f9b2e332a7'],
      [0x80n, '000000020080'],
      [-0x1234n, '00000002edcc'],
      [-0xdeadbeefn, '00000005ff21524111'],
      [-1n, '00000001ff'],
      [-128n, '0000000180'],
      [-129n, '00000002ff7f'],
    ];
    for (const [v, h] of cases) {
      expect(hex(new SshWriter().mpint(v).bytes())).toBe(h);
      expect(new SshReader(fromHex(h)).mpint()).toBe(v);
    }
  });

  it('always emits the minimal encoding and reads it back', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(1n << 600n), max: 1n << 600n }), (v) => {
        const b = mpintBytes(v);
        if (b.length > 1) {
          // No needless leading 0x00 or 0xff (RFC 4251 §5).
          expect(b[0] === 0x00 && !(b[1]! & 0x80)).toBe(false);
          expect(b[0] === 0xff && b[1]! & 0x80).toBeFalsy();
        }
        expect(new SshReader(new SshWriter().mpint(v).bytes()).mpint()).toBe(v);
      }),
      { seed: 42, numRuns: 2000 },
    );
  });

  it('refuses a negative value where a positive one is required', () => {
    expect(() => new SshReader(fromHex('00000001ff')).positiveMpint()).toThrow(SshDecodeError);
  });

  it('bounds the size of an mpint', () => {
    const w = new SshWriter().string(new Uint8Array(2100).fill(1));
    expect(() => new SshReader(w.bytes()).mpint()).toThrow(SshDecodeError);
  });
});

describe('RFC 4251 §5 string and name-list', () => {
  it('round-trips every basic type', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 255 }),
        fc.boolean(),
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
        fc.uint8Array({ maxLength: 64 }),
        fc.string(),
        fc.array(fc.stringMatching(/^[a-z0-9@.-]{1,20}$/), { maxLength: 6 }),
        (b, bool, u32, u64, bytes, text, names) => {
          const w = new SshWriter(1)
            .byte(b)
            .boolean(bool)
            .uint32(u32)
            .uint64(u64)
            .string(bytes)
            .string(text)
            .nameList(names);
          const r = new SshReader(w.bytes());
          expect(r.byte()).toBe(b);
          expect(r.boolean()).toBe(bool);
          expect(r.uint32()).toBe(u32);
          expect(r.uint64()).toBe(u64);
          expect(r.string()).toEqual(bytes);
          expect(r.utf8()).toBe(text);
          expect(r.nameList()).toEqual(names);
          r.end();
        },
      ),
      { seed: 7, numRuns: 500 },
    );
  });

  it('checks a length against the bytes left before allocating', () => {
    expect(() => new SshReader(fromHex('ffffffff00')).string()).toThrow(SshDecodeError);
    expect(() => new SshReader(fromHex('0000000561')).string()).toThrow(/truncated/);
  });

  it('rejects empty names, NUL and non-ASCII in a name-list', () => {
    for (const s of ['a,,b', ',a', 'a,', 'a\0b', 'é']) {
      const w = new SshWriter().string(s);
      expect(() => new SshReader(w.bytes()).nameList()).toThrow(SshDecodeError);
    }
    expect(new SshReader(new SshWriter().string('').bytes()).nameList()).toEqual([]);
  });

  it('rejects invalid UTF-8 where text is required', () => {
    expect(() => new SshReader(fromHex('00000001ff')).utf8()).toThrow(SshDecodeError);
  });

  it('gives only SshDecodeError on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const r = new SshReader(bytes);
        try {
          r.string();
          r.nameList();
          r.mpint();
          r.uint64();
          r.utf8();
          r.end();
        } catch (e) {
          expect(e).toBeInstanceOf(SshDecodeError);
        }
      }),
      { seed: 1, numRuns: 2000 },
    );
  });
});
