/**
 * DES and Triple DES (FIPS 46-3, NIST SP 800-67) against the standards' worked examples and,
 * for random keys and blocks, against OpenSSL through node:crypto.
 */
import { createCipheriv, createDecipheriv, getCiphers } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cbc64, DES_SBOXES, des, tripleDes } from '../../src/cipher/des.js';

const hex = (h: string) =>
  Uint8Array.from(h.replace(/\s+/g, '').match(/../g)!, (b) => Number.parseInt(b, 16));
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex').toUpperCase();

function ecb(cipher: ReturnType<typeof des>, data: Uint8Array, decrypt = false): Uint8Array {
  const out = data.slice();
  for (let i = 0; i < out.length; i += 8) {
    if (decrypt) cipher.decryptBlock(out, i);
    else cipher.encryptBlock(out, i);
  }
  return out;
}

describe('FIPS 46-3 DES', () => {
  it('has S-boxes whose every row is a permutation of 0..15', () => {
    for (const box of DES_SBOXES) {
      for (let row = 0; row < 4; row++) {
        expect([...box.slice(row * 16, row * 16 + 16)].sort((a, b) => a - b)).toEqual(
          Array.from({ length: 16 }, (_, i) => i),
        );
      }
    }
  });

  it('encrypts the known-answer blocks', () => {
    const cases = [
      ['0123456789ABCDEF', '4E6F772069732074', '3FA40E8A984D4815'],
      ['133457799BBCDFF1', '0123456789ABCDEF', '85E813540F0AB405'],
      ['0000000000000000', '0000000000000000', '8CA64DE9C1B123A7'],
      ['FFFFFFFFFFFFFFFF', 'FFFFFFFFFFFFFFFF', '7359B2163E4EDC58'],
    ] as const;
    for (const [key, plain, cipher] of cases) {
      const c = des(hex(key));
      expect(toHex(ecb(c, hex(plain)))).toBe(cipher);
      expect(toHex(ecb(c, hex(cipher), true))).toBe(plain);
    }
  });

  it('rejects keys of the wrong size and blocks out of bounds', () => {
    expect(() => des(new Uint8Array(7))).toThrow(RangeError);
    expect(() => tripleDes(new Uint8Array(8))).toThrow(RangeError);
    expect(() => des(new Uint8Array(8)).encryptBlock(new Uint8Array(8), 1)).toThrow(RangeError);
  });
});

describe('SP 800-67 Triple DES (EDE)', () => {
  it('encrypts the example of SP 800-67 Rev. 1 Appendix B', () => {
    const key = hex('0123456789ABCDEF 23456789ABCDEF01 456789ABCDEF0123');
    const plain = new TextEncoder().encode('The qufck brown fox jump');
    const expected = 'A826FD8CE53B855FCCE21C8112256FE668D5C05DD9B6B900';
    expect(toHex(ecb(tripleDes(key), plain))).toBe(expected);
    expect(ecb(tripleDes(key), hex(expected), true)).toEqual(plain);
  });

  it('with K1 = K2 = K3 is single DES', () => {
    const k = hex('0123456789ABCDEF');
    const key = new Uint8Array(24);
    key.set(k, 0);
    key.set(k, 8);
    key.set(k, 16);
    expect(toHex(ecb(tripleDes(key), hex('4E6F772069732074')))).toBe('3FA40E8A984D4815');
  });

  const openssl = getCiphers().includes('des-ede3-cbc');
  it.skipIf(!openssl)('equals OpenSSL des-ede3 (ECB) and des-ede3-cbc on random keys and data', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 24, maxLength: 24 }),
        fc.uint8Array({ minLength: 8, maxLength: 8 }),
        fc.integer({ min: 1, max: 6 }).chain((n) => fc.uint8Array({ minLength: 8 * n, maxLength: 8 * n })),
        (key, iv, data) => {
          const e = createCipheriv('des-ede3', key, null).setAutoPadding(false);
          const theirs = Buffer.concat([e.update(data), e.final()]);
          expect(toHex(ecb(tripleDes(key), data))).toBe(toHex(theirs));

          const c = createCipheriv('des-ede3-cbc', key, iv).setAutoPadding(false);
          const theirsCbc = new Uint8Array(Buffer.concat([c.update(data), c.final()]));
          const ours = data.slice();
          cbc64(tripleDes(key), iv).encrypt(ours);
          expect(ours).toEqual(theirsCbc);
          const d = createDecipheriv('des-ede3-cbc', key, iv).setAutoPadding(false);
          expect(new Uint8Array(Buffer.concat([d.update(theirsCbc), d.final()]))).toEqual(data);
          cbc64(tripleDes(key), iv).decrypt(ours);
          expect(ours).toEqual(data);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('CBC carries its chaining value across calls and refuses partial blocks', () => {
    const key = hex('0123456789ABCDEF23456789ABCDEF01456789ABCDEF0123');
    const iv = hex('1122334455667788');
    const data = Uint8Array.from({ length: 32 }, (_, i) => i);
    const whole = data.slice();
    cbc64(tripleDes(key), iv).encrypt(whole);
    const split = data.slice();
    const c = cbc64(tripleDes(key), iv);
    c.encrypt(split.subarray(0, 8));
    c.encrypt(split.subarray(8));
    expect(split).toEqual(whole);
    expect(() => c.encrypt(new Uint8Array(5))).toThrow(RangeError);
    expect(() => cbc64(tripleDes(key), new Uint8Array(16))).toThrow(RangeError);
  });
});
