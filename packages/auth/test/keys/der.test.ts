/** The strict DER reader and writer (X.690 §8, §10) under the key file parsers. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  contextTag,
  DerReader,
  derBitString,
  derElement,
  derInteger,
  derNull,
  derOctetString,
  derOid,
  derRoot,
  derSequence,
} from '../../src/keys/der.js';
import { KeyFileError } from '../../src/keys/errors.js';

const hex = (h: string) =>
  Uint8Array.from(h.replace(/\s+/g, '').match(/../g) ?? [], (b) => Number.parseInt(b, 16));
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('X.690 encodings', () => {
  it('encodes the textbook examples', () => {
    expect(toHex(derInteger(0))).toBe('020100');
    expect(toHex(derInteger(127))).toBe('02017f');
    expect(toHex(derInteger(128))).toBe('02020080');
    expect(toHex(derInteger(256))).toBe('02020100');
    expect(toHex(derOid('1.2.840.113549.1.1.1'))).toBe('06092a864886f70d010101');
    expect(toHex(derOid('1.3.101.112'))).toBe('06032b6570');
    expect(toHex(derNull())).toBe('0500');
    expect(toHex(derBitString(Uint8Array.of(1, 2)))).toBe('0303000102');
    expect(toHex(derElement(0x04, new Uint8Array(200))).slice(0, 6)).toBe('0481c8');
    expect(toHex(derElement(0x04, new Uint8Array(300))).slice(0, 8)).toBe('0482012c');
  });

  it('round-trips integers, OIDs, octet strings and nested sequences', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 2n ** 4096n }),
        fc.array(fc.nat({ max: 2 ** 40 }), { minLength: 1, maxLength: 8 }),
        fc.uint8Array({ maxLength: 300 }),
        (n, arcs, bytes) => {
          const oid = ['1', '2', ...arcs.map(String)].join('.');
          const der = derSequence([
            derInteger(n),
            derOid(oid),
            derSequence([derOctetString(bytes)], contextTag(0, true)),
            derBitString(bytes),
          ]);
          const r = derRoot(der);
          expect(r.integer('n', 4200)).toBe(n);
          expect(r.oid()).toBe(oid);
          expect(r.optional(contextTag(0, true))!.octetString()).toEqual(bytes);
          expect(r.bitString()).toEqual(bytes);
          r.end();
        },
      ),
      { seed: 10, numRuns: 300 },
    );
  });

  it('reads negative integers and refuses them where positive ones are needed', () => {
    expect(new DerReader(hex('0201ff')).integer()).toBe(-1n);
    expect(new DerReader(hex('02020080')).integer()).toBe(128n);
    expect(() => new DerReader(hex('0201ff')).positiveInteger()).toThrow(KeyFileError);
  });
});

describe('X.690 §10 strictness', () => {
  const bad: [string, string][] = [
    ['indefinite length', '3080020100 0000'],
    ['long form for a short length', '30810302 0100'],
    ['leading zero length octet', '3082000302 0100'],
    ['length past the end', '3005020100'],
    ['non-minimal positive INTEGER', '3004 02020001'],
    ['non-minimal negative INTEGER', '3004 0202ff80'],
    ['empty INTEGER', '3002 0200'],
    ['high tag number', '3003 1f0100'],
    ['trailing data after the root', '3003020100 00'],
    ['five length octets', '3085 0000000003 020100'],
  ];
  for (const [name, h] of bad) {
    it(`refuses ${name}`, () => {
      expect(() => {
        const r = derRoot(hex(h));
        r.integer();
        r.end();
      }).toThrow(KeyFileError);
    });
  }

  it('refuses unused bits in a BIT STRING, a NULL with contents, bad OIDs, and huge INTEGERs', () => {
    expect(() => new DerReader(hex('03020100')).bitString()).toThrow(KeyFileError);
    expect(() => new DerReader(hex('050100')).null()).toThrow(KeyFileError);
    expect(() => new DerReader(hex('0602802a')).oid()).toThrow(KeyFileError);
    expect(() => new DerReader(hex('06022a86')).oid()).toThrow(KeyFileError);
    expect(() => new DerReader(derInteger(2n ** 20000n)).integer()).toThrow(/too large/);
  });

  it('gives KeyFileError, nothing else, on arbitrary bytes read as any type', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        for (const read of [
          (r: DerReader) => r.integer(),
          (r: DerReader) => r.oid(),
          (r: DerReader) => r.bitString(),
          (r: DerReader) => r.sequence().smallInteger(),
          (r: DerReader) => r.element(),
        ]) {
          try {
            read(new DerReader(bytes));
          } catch (e) {
            if (!(e instanceof KeyFileError)) throw e;
          }
        }
      }),
      { seed: 11, numRuns: 2000 },
    );
  });
});
