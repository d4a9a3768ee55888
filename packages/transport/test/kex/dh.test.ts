/**
 * Finite-field Diffie-Hellman pieces: the RFC 2409/3526 groups, the secret exponent, agreement
 * against OpenSSL (node:crypto), the moduli(5) file and the group choice of RFC 4419 §3.
 */
import { createDiffieHellman } from 'node:crypto';
import { existsSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SshDecodeError } from '../../src/errors.js';
import { dhAgree, dhExponentBits, dhKeyPair } from '../../src/kex/dh.js';
import { dhEstimate, groupExchangeRequest } from '../../src/kex/dh-gex.js';
import {
  type DhGroup,
  MODP_GROUP_2,
  MODP_GROUP_14,
  MODP_GROUP_16,
  MODP_GROUP_18,
} from '../../src/kex/dh-groups.js';
import * as dhMessages from '../../src/kex/dh-messages.js';
import { BUILT_IN_MODULI, chooseGroup, parseModuli, parseModuliLine } from '../../src/kex/moduli.js';
import { readModuliFile } from '../../src/node/moduli.js';
import type { Fields, MessageSpec } from '../../src/wire/codec.js';
import { SshReader } from '../../src/wire/reader.js';
import { unsignedBytes } from '../../src/wire/writer.js';
import { arbitraryFields } from '../support/arbitraries.js';
import { kexContext } from '../support/kex-session.js';
import { seededRandom } from '../support/pair.js';

/** floor(pi · 2^bits), by Machin's formula on bigints with 64 guard bits. */
function piTimesTwoTo(bits: number): bigint {
  const guard = 64n;
  const one = 1n << (BigInt(bits) + guard);
  const arctanInverse = (x: bigint): bigint => {
    let sum = 0n;
    let term = one / x;
    const x2 = x * x;
    for (let n = 1n; term !== 0n; n += 2n) {
      sum += ((n / 2n) % 2n === 0n ? 1n : -1n) * (term / n);
      term /= x2;
    }
    return sum;
  };
  return (4n * (4n * arctanInverse(5n) - arctanInverse(239n))) >> guard;
}

describe('RFC 2409 §6.2 and RFC 3526 MODP groups', () => {
  // p = 2^N - 2^(N-64) - 1 + 2^64 * (floor(2^(N-130) pi) + c), as the RFCs define them.
  it.each([
    ['group 2 (1024 bits)', MODP_GROUP_2, 1024, 129093n],
    ['group 14 (2048 bits)', MODP_GROUP_14, 2048, 124476n],
    ['group 16 (4096 bits)', MODP_GROUP_16, 4096, 240904n],
    ['group 18 (8192 bits)', MODP_GROUP_18, 8192, 4743158n],
  ] as const)('%s is the prime of its formula', (_name, group, n, c) => {
    const N = BigInt(n);
    const expected = (1n << N) - (1n << (N - 64n)) - 1n + (1n << 64n) * (piTimesTwoTo(n - 130) + c);
    expect(group.p).toBe(expected);
    expect(group.bits).toBe(n);
    expect(group.g).toBe(2n);
  });
});

describe('RFC 4253 §8 key pair and agreement', () => {
  it('sizes the exponent as OpenSSH dh_gen_key: 2 x max(need bits, 256), below |p|', () => {
    expect(dhExponentBits(MODP_GROUP_14, 16)).toBe(512);
    expect(dhExponentBits(MODP_GROUP_14, 32)).toBe(512);
    expect(dhExponentBits(MODP_GROUP_14, 64)).toBe(1024);
    expect(dhExponentBits(MODP_GROUP_2, 64)).toBe(1023);
    const { x } = dhKeyPair(MODP_GROUP_14, { keyBytes: 64, securityBytes: 64 }, seededRandom('x'));
    expect(x.toString(2).length).toBe(1024);
  });

  it.each([MODP_GROUP_2, MODP_GROUP_14, MODP_GROUP_16])('agrees with OpenSSL on K (%#)', (group: DhGroup) => {
    const ours = dhKeyPair(group, { keyBytes: 32, securityBytes: 32 }, seededRandom(`ours:${group.bits}`));
    const theirs = createDiffieHellman(Buffer.from(unsignedBytes(group.p)), Buffer.from([2]));
    const theirPublic = theirs.generateKeys();
    const k = new SshReader(dhAgree(group, ours.x, BigInt(`0x${theirPublic.toString('hex')}`), 'f')).mpint();
    const expected = theirs.computeSecret(Buffer.from(unsignedBytes(ours.publicValue)));
    expect(k).toBe(BigInt(`0x${expected.toString('hex')}`));
  });
});

/** A moduli(5) line for a group: time, type 2 (safe), tests 6, tries 100, size |p|-1, g, p. */
function moduliLine(
  group: DhGroup,
  overrides: Partial<Record<'type' | 'tests' | 'tries' | 'size' | 'g', string>> = {},
) {
  return [
    '20260101000000',
    overrides.type ?? '2',
    overrides.tests ?? '6',
    overrides.tries ?? '100',
    overrides.size ?? String(group.bits - 1),
    overrides.g ?? group.g.toString(16),
    group.p.toString(16).toUpperCase(),
  ].join(' ');
}

describe('moduli(5) parsing, as OpenSSH parse_prime', () => {
  it('reads the groups of a file in order and skips comments and blank lines', () => {
    const text = `# Time Type Tests Tries Size Generator Modulus\n\n${moduliLine(MODP_GROUP_14)}\n${moduliLine(
      MODP_GROUP_16,
      { g: '5' },
    )}\r\n`;
    const groups = parseModuli(text);
    expect(groups.map((g) => [g.bits, g.g])).toEqual([
      [2048, 2n],
      [4096, 5n],
    ]);
    expect(groups[0]!.p).toBe(MODP_GROUP_14.p);
  });

  it.each([
    ['a type other than 2 (safe prime)', moduliLine(MODP_GROUP_14, { type: '4' })],
    ['tests marking it composite', moduliLine(MODP_GROUP_14, { tests: '7' })],
    ['no test at all', moduliLine(MODP_GROUP_14, { tests: '0' })],
    ['zero tries', moduliLine(MODP_GROUP_14, { tries: '0' })],
    ['a size that is not the modulus size', moduliLine(MODP_GROUP_14, { size: '2048' })],
    ['generator 1', moduliLine(MODP_GROUP_14, { g: '1' })],
    ['a generator that is not hex', moduliLine(MODP_GROUP_14, { g: 'xyz' })],
    ['a missing field', moduliLine(MODP_GROUP_14).split(' ').slice(0, 6).join(' ')],
    ['an extra field', `${moduliLine(MODP_GROUP_14)} 00`],
  ])('skips a line with %s', (_what, line) => {
    expect(parseModuliLine(line)).toBeUndefined();
  });

  it.skipIf(!existsSync('/etc/ssh/moduli'))('reads /etc/ssh/moduli through the Node adapter', () => {
    const groups = readModuliFile()!;
    expect(groups.length).toBeGreaterThan(10);
    for (const g of groups) {
      expect(g.bits).toBeGreaterThanOrEqual(2048);
      expect(g.p & 1n).toBe(1n);
    }
  });

  it('has nothing for a file that is missing', () => {
    expect(readModuliFile('/nonexistent/moduli')).toBeUndefined();
  });
});

describe('RFC 4419 §3 group choice, as OpenSSH choose_dh', () => {
  const g3072: DhGroup = { p: (1n << 3071n) + 1n, g: 2n, bits: 3072 };
  const moduli = [MODP_GROUP_14, g3072, MODP_GROUP_16, MODP_GROUP_18];
  const random = seededRandom('choose');
  it.each([
    ['the preferred size when listed', { min: 2048, n: 3072, max: 8192 }, 3072],
    ['else the smallest larger one', { min: 2048, n: 3500, max: 8192 }, 4096],
    ['within [min, max] only', { min: 2048, n: 2048, max: 2048 }, 2048],
    ['n clamped to 8192', { min: 2048, n: 100000, max: 100000 }, 8192],
  ])('takes %s', (_what, request, bits) => {
    expect(chooseGroup(moduli, request, random)?.bits).toBe(bits);
  });

  it('else the largest smaller one', () => {
    expect(chooseGroup([MODP_GROUP_14, g3072], { min: 2048, n: 4096, max: 8192 }, random)?.bits).toBe(3072);
  });

  it('takes one of several groups of the best size at random', () => {
    const a: DhGroup = { p: (1n << 4095n) + 3n, g: 2n, bits: 4096 };
    const seen = new Set<bigint>();
    const r = seededRandom('spread');
    for (let i = 0; i < 40; i++)
      seen.add(chooseGroup([a, MODP_GROUP_16], { min: 2048, n: 4096, max: 8192 }, r)!.p);
    expect(seen).toEqual(new Set([a.p, MODP_GROUP_16.p]));
  });

  it('falls back to the RFC 3526 groups without moduli', () => {
    expect(BUILT_IN_MODULI.map((g) => g.bits)).toEqual([2048, 4096, 8192]);
    expect(chooseGroup(BUILT_IN_MODULI, { min: 2048, n: 3072, max: 8192 }, random)).toBe(MODP_GROUP_16);
  });

  it('asks for 2048, OpenSSH dh_estimate(need), 8192 by default', () => {
    expect([dhEstimate(112), dhEstimate(128), dhEstimate(192), dhEstimate(256)]).toEqual([
      2048, 3072, 7680, 8192,
    ]);
    expect(groupExchangeRequest(kexContext('a', { dh: { keyBytes: 16, securityBytes: 16 } }))).toEqual({
      min: 2048,
      preferred: 3072,
      max: 8192,
    });
    expect(groupExchangeRequest(kexContext('a', { dh: { keyBytes: 64, securityBytes: 64 } })).preferred).toBe(
      8192,
    );
    expect(
      groupExchangeRequest(
        kexContext('a', { dh: { keyBytes: 64, securityBytes: 64, groupExchange: { max: 4096 } } }),
      ),
    ).toEqual({ min: 2048, preferred: 4096, max: 4096 });
  });
});

describe('RFC 4253 §8 and RFC 4419 §5 message table (kex/dh-messages.ts)', () => {
  const table = Object.values(dhMessages) as MessageSpec<Fields>[];
  it('declares KEXDH_INIT/REPLY (30, 31) and GEX GROUP/INIT/REPLY/REQUEST (31–34)', () => {
    expect(table.map((m) => m.number).sort((a, b) => a - b)).toEqual([30, 31, 31, 32, 33, 34]);
  });
  it.each(
    table.map((m) => [m.name, m] as const),
  )('%s: decode(encode(m)) equals m, truncations fail', (_n, spec) => {
    fc.assert(
      fc.property(arbitraryFields(spec.fields), (value) => {
        const encoded = spec.encode(value as never);
        expect(spec.decode(encoded)).toEqual(value);
        for (let n = 0; n < encoded.length; n++)
          expect(() => spec.decode(encoded.subarray(0, n))).toThrow(SshDecodeError);
      }),
      { seed: 4419 + spec.number, numRuns: 50 },
    );
  });
});
