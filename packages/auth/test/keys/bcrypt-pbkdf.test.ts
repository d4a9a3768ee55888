/**
 * Blowfish (Schneier 1993) and OpenBSD's bcrypt_pbkdf (PROTOCOL.key; bcrypt_pbkdf.c): the initial
 * state recomputed from π, Eric Young's Blowfish ECB vectors, and the OpenBSD regress vectors for
 * bcrypt_pbkdf (as collected in RustCrypto's bcrypt-pbkdf tests).
 */
import { describe, expect, it } from 'vitest';
import { bcryptPbkdf } from '../../src/keys/bcrypt-pbkdf.js';
import { BlowfishState } from '../../src/keys/blowfish.js';
import { BLOWFISH_PI_WORDS } from '../../src/keys/blowfish-pi.js';

const hex = (h: string) => Uint8Array.from(h.match(/../g) ?? [], (b) => Number.parseInt(b, 16));
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const bytes = (s: string) => new TextEncoder().encode(s);

/** The first `words` 32-bit words of π's fractional part, by Machin's formula on bigint. */
function piWords(words: number): number[] {
  const bits = BigInt(words * 32 + 64);
  const one = 1n << bits;
  const arctanInverse = (x: bigint) => {
    let sum = 0n;
    let term = one / x;
    let sign = 1n;
    for (let n = 1n; term !== 0n; n += 2n, term /= x * x, sign = -sign) sum += (sign * term) / n;
    return sum;
  };
  const fraction = 16n * arctanInverse(5n) - 4n * arctanInverse(239n) - 3n * one;
  return Array.from({ length: words }, (_, i) =>
    Number((fraction >> (bits - BigInt(32 * (i + 1)))) & 0xffffffffn),
  );
}

describe('Blowfish', () => {
  it('starts from the hexadecimal digits of π', () => {
    expect(BLOWFISH_PI_WORDS).toHaveLength(18 + 1024);
    expect([...BLOWFISH_PI_WORDS]).toEqual(piWords(18 + 1024));
  });

  it("encrypts Eric Young's ECB test vectors (key schedule = expand0state)", () => {
    const cases = [
      ['0000000000000000', '0000000000000000', '4ef997456198dd78'],
      ['ffffffffffffffff', 'ffffffffffffffff', '51866fd5b85ecb8a'],
      ['3000000000000000', '1000000000000001', '7d856f9a613063f2'],
      ['1111111111111111', '1111111111111111', '2466dd878b963c9d'],
      ['0123456789abcdef', '1111111111111111', '61f9c3802281b096'],
      ['fedcba9876543210', '0123456789abcdef', '0aceab0fc6a0a28d'],
    ] as const;
    for (const [key, plain, cipher] of cases) {
      const state = new BlowfishState();
      state.expand(hex(key));
      const p = hex(plain);
      const words = Uint32Array.of(
        ((p[0]! << 24) | (p[1]! << 16) | (p[2]! << 8) | p[3]!) >>> 0,
        ((p[4]! << 24) | (p[5]! << 16) | (p[6]! << 8) | p[7]!) >>> 0,
      );
      state.encryptWords(words);
      expect(words[0]!.toString(16).padStart(8, '0') + words[1]!.toString(16).padStart(8, '0')).toBe(cipher);
    }
  });
});

describe('bcrypt_pbkdf (OpenBSD)', () => {
  it('gives the OpenBSD regress outputs', () => {
    const lorem =
      'Lorem ipsum dolor sit amet, consectetur adipisicing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. ' +
      'Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat. ' +
      'Duis aute irure dolor in reprehenderit in voluptate velit esse cillum dolore eu fugiat nulla pariatur. ' +
      'Excepteur sint occaecat cupidatat non proident, sunt in culpa qui officia deserunt mollit anim id est laborum.';
    const cases: [string, Uint8Array, number, string][] = [
      ['password', bytes('salt'), 4, '5bbf0cc293587f1c3635555c27796598d47e579071bf427e9d8fbe842aba34d9'],
      ['password', Uint8Array.of(0), 4, 'c12b566235eee04c212598970a579a67'],
      ['\0', bytes('salt'), 4, '6051be18c2f4f82cbf0efee5471b4bb9'],
      ['password\0', bytes('salt\0'), 4, '7410e44cf4fa07bfaac8a928b1727fac001375e7bf7384370f48efd121743050'],
      ['pass\0wor', bytes('sa\0l'), 4, 'c2bffd9db38f6569efef4372f4de83c0'],
      ['pass\0word', bytes('sa\0lt'), 4, '4ba4ac3925c0e8d7f0cdb6bb1684a56f'],
      [
        'password',
        bytes('salt'),
        8,
        'e1367ec5151a33faac4cc1c144cd23fa15d5548493ecc99b9b5d9c0d3b27bec76227ea66088b849b20ab7aa478010246e74bba51723fefa9f9474d6508845e8d',
      ],
      ['password', bytes('salt'), 42, '833cf0dcf56db65608e8f0dc0ce882bd'],
      [lorem, bytes('salis\0'), 8, '10978b07253df57f71a162eb0e8ad30a'],
    ];
    for (const [pass, salt, rounds, expected] of cases) {
      expect(toHex(bcryptPbkdf(bytes(pass), salt, rounds, expected.length / 2))).toBe(expected);
    }
  });

  it('refuses what the C function refuses', () => {
    expect(() => bcryptPbkdf(new Uint8Array(0), bytes('salt'), 4, 32)).toThrow(RangeError);
    expect(() => bcryptPbkdf(bytes('pw'), new Uint8Array(0), 4, 32)).toThrow(RangeError);
    expect(() => bcryptPbkdf(bytes('pw'), bytes('salt'), 0, 32)).toThrow(RangeError);
    expect(() => bcryptPbkdf(bytes('pw'), bytes('salt'), 1, 0)).toThrow(RangeError);
    expect(() => bcryptPbkdf(bytes('pw'), bytes('salt'), 1, 1025)).toThrow(RangeError);
  });
});
