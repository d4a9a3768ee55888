/** Streamlined NTRU Prime 761 (NTRU Prime round 3; OpenSSH sntrup761.c) against its known answers. */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  SNTRUP761_CIPHERTEXT_BYTES,
  SNTRUP761_PUBLIC_KEY_BYTES,
  SNTRUP761_SECRET_KEY_BYTES,
  sntrup761Decapsulate,
  sntrup761Encapsulate,
  sntrup761Keypair,
} from '../../src/kex/sntrup761.js';
import {
  decodeRounded,
  decodeRq,
  decodeSmall,
  encodeRounded,
  encodeRq,
  encodeSmall,
  ROUNDED_BYTES,
  RQ_BYTES,
  SMALL_BYTES,
} from '../../src/kex/sntrup761-encode.js';
import {
  multiplyRqSmall,
  P,
  Q12,
  reciprocal3Rq,
  reciprocalR3,
  times3,
} from '../../src/kex/sntrup761-ring.js';
import { nistKatRandom, nistKatSeed0 } from '../support/nist-drbg.js';
import { seededRandom } from '../support/pair.js';

/** KAT entry 0, generated once per file (key generation is the slow part). */
const kat = (() => {
  const seed = nistKatSeed0();
  const random = nistKatRandom(seed);
  const { publicKey, secretKey } = sntrup761Keypair(random);
  const { ciphertext, sharedSecret } = sntrup761Encapsulate(publicKey, random);
  return { seed, publicKey, secretKey, ciphertext, sharedSecret };
})();

const upper = (b: Uint8Array) => bytesToHex(b).toUpperCase();

describe('NTRU Prime round-3 known-answer test (kat_kem.rsp, count = 0)', () => {
  it('reproduces the submission’s first entry byte for byte', () => {
    // The six lines of the entry in NIST's format; their SHA-256 is the `nistkat-sha256` that
    // PQClean recorded for the submission's sequence of randombytes calls (PQClean 5982bdff).
    const entry =
      `count = 0\nseed = ${upper(kat.seed)}\npk = ${upper(kat.publicKey)}\nsk = ${upper(kat.secretKey)}\n` +
      `ct = ${upper(kat.ciphertext)}\nss = ${upper(kat.sharedSecret)}\n`;
    expect(bytesToHex(sha256(new TextEncoder().encode(entry)))).toBe(
      '2eba10673b9077530ba9c063d22f2534e415a6da42985c333c6baee133cc0ff1',
    );
    expect(upper(kat.publicKey).slice(0, 32)).toBe('36C969CF1008A6AA9551A784941C65A9');
    expect(bytesToHex(kat.sharedSecret)).toBe(
      '344ca5e25f6da5ea95e4a695b1c5446eca9859334532e4a9537669f012c743a2',
    );
  });

  it('decapsulates the entry’s ciphertext to its shared secret', () => {
    expect(sntrup761Decapsulate(kat.ciphertext, kat.secretKey)).toEqual(kat.sharedSecret);
  });

  // Expected values from OpenSSH 9.2's sntrup761.c run on the same key (implicit rejection:
  // Hash0(Hash3(rho) || c) instead of an error).
  it.each([
    [
      'the first byte flipped',
      (c: Uint8Array) => {
        c[0]! ^= 1;
      },
      '27e6edc50487ecc73be5f59eead60bd69cc946ae5d106fb8beaffe4015d9cf8a',
    ],
    [
      'the confirmation hash flipped',
      (c: Uint8Array) => {
        c[1038]! ^= 0x80;
      },
      '4f60492137200c229a8043e7213bb1f90721c45e60c7055a72ac23d53e338dbd',
    ],
    [
      'all bytes 0xff',
      (c: Uint8Array) => c.fill(0xff),
      'c2db7ed2168fd47e4e8d0257c2f490acbb0aebb801b25e257908d7acd7a67259',
    ],
    [
      'all bytes zero',
      (c: Uint8Array) => c.fill(0),
      '5e3a8fa88ce5b6b2d8648449cd29124978ccaf22633d9442ff7e59e4d7aed93d',
    ],
  ])('rejects a ciphertext with %s as the reference does', (_name, tamper, expected) => {
    const c = kat.ciphertext.slice();
    tamper(c);
    expect(bytesToHex(sntrup761Decapsulate(c, kat.secretKey))).toBe(expected);
  });
});

describe('NTRU Prime §3.4 encodings', () => {
  const rq = fc.array(fc.integer({ min: -Q12, max: Q12 }), { minLength: P, maxLength: P });
  const small = fc.array(fc.integer({ min: -1, max: 1 }), { minLength: P, maxLength: P });

  it('R/q elements round-trip through 1158 bytes', () => {
    fc.assert(
      fc.property(rq, (values) => {
        const r = Int16Array.from(values);
        const bytes = encodeRq(r);
        expect(bytes.length).toBe(RQ_BYTES);
        expect(decodeRq(bytes)).toEqual(r);
      }),
      { seed: 761, numRuns: 40 },
    );
  });

  it('rounded elements round-trip through 1007 bytes', () => {
    const rounded = fc.array(fc.integer({ min: 0, max: 1530 }), { minLength: P, maxLength: P });
    fc.assert(
      fc.property(rounded, (indices) => {
        // Every coefficient a multiple of 3 in [-Q12, Q12].
        const r = Int16Array.from(indices, (k) => 3 * k - Q12);
        const bytes = encodeRounded(r);
        expect(bytes.length).toBe(ROUNDED_BYTES);
        expect(decodeRounded(bytes)).toEqual(r);
      }),
      { seed: 4591, numRuns: 40 },
    );
  });

  it('small polynomials round-trip through 191 bytes', () => {
    fc.assert(
      fc.property(small, (values) => {
        const f = Int8Array.from(values);
        const bytes = encodeSmall(f);
        expect(bytes.length).toBe(SMALL_BYTES);
        expect(decodeSmall(bytes)).toEqual(f);
      }),
      { seed: 286, numRuns: 40 },
    );
  });

  it('decodes arbitrary bytes to coefficients in range', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: RQ_BYTES, maxLength: RQ_BYTES }), (bytes) => {
        expect(decodeRq(bytes).every((v) => Math.abs(v) <= Q12)).toBe(true);
        const rounded = decodeRounded(bytes.subarray(0, ROUNDED_BYTES));
        expect(rounded.every((v) => Math.abs(v) <= Q12 + 2 && v % 3 === 0)).toBe(true);
      }),
      { seed: 1158, numRuns: 60 },
    );
  });
});

describe('NTRU Prime §3.3 ring arithmetic', () => {
  it('3f · 1/(3f) = 1 in R/q for a short f', () => {
    const f = new Int8Array(P);
    for (let i = 0; i < 286; i++) f[(i * 7) % P] = i % 2 ? 1 : -1;
    const inverse = reciprocal3Rq(f)!;
    const one = times3(multiplyRqSmall(inverse, f));
    expect(one[0]).toBe(1);
    expect(one.subarray(1).every((c) => c === 0)).toBe(true);
  });

  it('has no reciprocal of 0 in R/3 or R/q', () => {
    expect(reciprocalR3(new Int8Array(P))).toBeUndefined();
    expect(reciprocal3Rq(new Int8Array(P))).toBeUndefined();
  });
});

describe('sntrup761 KEM', () => {
  it('agrees on the secret for keys and ciphertexts from several seeds', () => {
    for (const seed of ['a', 'b', 'c']) {
      const random = seededRandom(`sntrup761:${seed}`);
      const { publicKey, secretKey } = sntrup761Keypair(random);
      expect(publicKey.length).toBe(SNTRUP761_PUBLIC_KEY_BYTES);
      expect(secretKey.length).toBe(SNTRUP761_SECRET_KEY_BYTES);
      const { ciphertext, sharedSecret } = sntrup761Encapsulate(publicKey, random);
      expect(ciphertext.length).toBe(SNTRUP761_CIPHERTEXT_BYTES);
      expect(sntrup761Decapsulate(ciphertext, secretKey)).toEqual(sharedSecret);
    }
  });

  it('never throws on an arbitrary ciphertext of the right length', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: SNTRUP761_CIPHERTEXT_BYTES, maxLength: SNTRUP761_CIPHERTEXT_BYTES }),
        (c) => {
          const k = sntrup761Decapsulate(c, kat.secretKey);
          expect(k.length).toBe(32);
          expect(k).not.toEqual(kat.sharedSecret);
        },
      ),
      { seed: 1039, numRuns: 20 },
    );
  });

  it('refuses keys and ciphertexts of the wrong length', () => {
    const random = seededRandom('lengths');
    expect(() => sntrup761Encapsulate(new Uint8Array(1157), random)).toThrow(RangeError);
    expect(() => sntrup761Decapsulate(new Uint8Array(1040), kat.secretKey)).toThrow(RangeError);
    expect(() => sntrup761Decapsulate(kat.ciphertext, new Uint8Array(1762))).toThrow(RangeError);
  });
});
