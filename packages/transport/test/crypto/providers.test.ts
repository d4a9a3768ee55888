/**
 * The two crypto providers agree byte for byte (DESIGN.md "Algorithms": the pure-noble provider is
 * tested with the same suite): every primitive, on random keys, IVs and data (fast-check, fixed
 * seeds), gives the same output under `nobleProvider` and `nodeProvider`, and what one seals or
 * signs the other opens or verifies.
 */
import * as built from '@seashell/transport';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultCryptoProvider } from '../../src/crypto/default.js';
import { nobleProvider } from '../../src/crypto/noble.js';
import type { CryptoProvider, EcdsaCurveName, HashName } from '../../src/crypto/provider.js';
import { ECDSA_CURVES, type EcdsaKeyType } from '../../src/keys/ecdsa.js';
import { nodeProvider } from '../../src/node/crypto-provider.js';
import { unsignedBytes } from '../../src/wire/writer.js';
import { nodeRsa } from '../support/node-keys.js';

const PROVIDERS = [nobleProvider, nodeProvider] as const;
const PAIRS = [
  [nobleProvider, nodeProvider],
  [nodeProvider, nobleProvider],
] as const;

const hex = (h: string): Uint8Array => Uint8Array.from(h.match(/../g) ?? [], (b) => Number.parseInt(b, 16));
const bytes = (length: number) => fc.uint8Array({ minLength: length, maxLength: length });
/** Whole AES blocks, as the packet layer hands them over. */
const blocks = (max: number) => fc.integer({ min: 0, max }).chain((n) => bytes(16 * n));
const run = { seed: 0x5ea5e11, numRuns: 60 } as const;

function xorWith(
  provider: CryptoProvider,
  make: (p: CryptoProvider) => (d: Uint8Array) => void,
  data: Uint8Array,
) {
  const out = data.slice();
  make(provider)(out);
  return out;
}

describe('the default provider of this run', () => {
  it('is the one SEASHELL_CRYPTO names (noble when unset)', () => {
    const wanted = process.env.SEASHELL_CRYPTO || 'noble';
    expect(defaultCryptoProvider().name).toBe(wanted);
    // The copy in dist/, which the other packages load, too.
    expect(built.defaultCryptoProvider().name).toBe(wanted);
  });
});

describe('AES-CTR (RFC 4344 §4)', () => {
  it('gives the same keystream, carried across calls of any whole-block sizes', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(16, 24, 32).chain((n) => bytes(n)),
        bytes(16),
        fc.array(blocks(20), { maxLength: 6 }),
        (key, iv, chunks) => {
          const [a, b] = PROVIDERS.map((p) => p.aesCtr(key, iv));
          for (const chunk of chunks) {
            const x = chunk.slice();
            const y = chunk.slice();
            a!.xor(x);
            b!.xor(y);
            expect(x).toEqual(y);
          }
        },
      ),
      run,
    );
  });

  it('carries the counter over all 128 bits (RFC 4344 §4: the counter is one big-endian integer)', () => {
    const key = new Uint8Array(16).fill(7);
    const iv = new Uint8Array(16).fill(0xff);
    iv[0] = 0x7f;
    const data = new Uint8Array(64);
    const [a, b] = PROVIDERS.map((p) => xorWith(p, (q) => (d) => q.aesCtr(key, iv).xor(d), data));
    expect(a).toEqual(b);
  });

  it('works on a view at any byte offset', () => {
    const key = new Uint8Array(32).fill(1);
    const iv = new Uint8Array(16).fill(2);
    const backing = new Uint8Array(100).map((_, i) => i);
    const [a, b] = PROVIDERS.map((p) => {
      const copy = backing.slice();
      p.aesCtr(key, iv).xor(copy.subarray(3, 3 + 64));
      return copy;
    });
    expect(a).toEqual(b);
  });
});

describe('AES-GCM (NIST SP 800-38D, RFC 5647)', () => {
  it('seals to the same bytes and tag, and each opens what the other sealed', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(16, 32).chain((n) => bytes(n)),
        bytes(12),
        fc.uint8Array({ maxLength: 20 }),
        fc.uint8Array({ maxLength: 600 }),
        (key, iv, aad, plain) => {
          const sealed = PROVIDERS.map((p) => {
            const data = plain.slice();
            const tag = new Uint8Array(16);
            p.aesGcm(key).seal(iv, aad, data, tag);
            return { data, tag };
          });
          expect(sealed[0]).toEqual(sealed[1]);
          for (const [sealer, opener] of PAIRS) {
            const data = plain.slice();
            const tag = new Uint8Array(16);
            sealer.aesGcm(key).seal(iv, aad, data, tag);
            expect(opener.aesGcm(key).open(iv, aad, data, tag)).toBe(true);
            expect(data).toEqual(plain);
          }
        },
      ),
      run,
    );
  });

  it('refuses a flipped bit in the tag, the data or the AAD, and leaves the data untouched', () => {
    const key = new Uint8Array(16).fill(3);
    const iv = new Uint8Array(12).fill(4);
    const aad = Uint8Array.of(0, 0, 0, 32);
    for (const where of ['tag', 'data', 'aad'] as const) {
      for (const p of PROVIDERS) {
        const data = new Uint8Array(32).fill(5);
        const tag = new Uint8Array(16);
        const a = aad.slice();
        p.aesGcm(key).seal(iv, a, data, tag);
        const target = where === 'tag' ? tag : where === 'data' ? data : a;
        target[0]! ^= 1;
        const before = data.slice();
        expect(p.aesGcm(key).open(iv, a, data, tag)).toBe(false);
        expect(data).toEqual(before);
      }
    }
  });
});

describe('ChaCha20 with a 64-bit nonce (the original cipher, OpenSSH PROTOCOL.chacha20poly1305)', () => {
  it('matches the known keystream for the zero key and zero nonce', () => {
    // RFC 8439 §A.1 test vector #1: with counter and nonce all zero both ChaCha20 layouts agree.
    const expected = hex(
      '76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7' +
        'da41597c5157488d7724e03fb8d84a376a43b8f41518a11cc387b669b2ee6586',
    );
    for (const p of PROVIDERS) {
      const out = new Uint8Array(64);
      p.chacha20(new Uint8Array(32)).xor(new Uint8Array(8), 0, out);
      expect(out).toEqual(expected);
    }
  });

  it('starts at the block the counter names', () => {
    // The second keystream block at counter 0 is the first block at counter 1.
    for (const p of PROVIDERS) {
      const c = p.chacha20(new Uint8Array(32));
      const two = new Uint8Array(128);
      c.xor(new Uint8Array(8), 0, two);
      const second = new Uint8Array(64);
      c.xor(new Uint8Array(8), 1, second);
      expect(second).toEqual(two.subarray(64));
    }
  });

  it('gives the same keystream for any key, nonce, counter and length', () => {
    fc.assert(
      fc.property(
        bytes(32),
        bytes(8),
        fc.integer({ min: 0, max: 2 ** 32 - 1000 }),
        fc.uint8Array({ maxLength: 700 }),
        (key, nonce, counter, data) => {
          const [a, b] = PROVIDERS.map((p) =>
            xorWith(p, (q) => (d) => q.chacha20(key).xor(nonce, counter, d), data),
          );
          expect(a).toEqual(b);
        },
      ),
      run,
    );
  });
});

describe('HMAC (RFC 2104) and the hashes', () => {
  const HASHES: readonly HashName[] = ['sha1', 'sha256', 'sha384', 'sha512'];

  it('computes the same MAC over the same parts, for keys shorter and longer than a block', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...HASHES),
        fc.uint8Array({ maxLength: 200 }),
        fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 4 }),
        (hash, key, parts) => {
          const [a, b] = PROVIDERS.map((p) => {
            const mac = p.hmac(hash, key);
            // Keyed once, used twice: the second use must not see the first.
            mac.compute(Uint8Array.of(9));
            return { length: mac.length, out: mac.compute(...parts) };
          });
          expect(a).toEqual(b);
          expect(a!.out).toHaveLength(a!.length);
        },
      ),
      run,
    );
  });

  it('hashes to the same digest', () => {
    fc.assert(
      fc.property(fc.constantFrom(...HASHES), fc.uint8Array({ maxLength: 500 }), (hash, data) => {
        expect(nobleProvider.hash(hash, data)).toEqual(nodeProvider.hash(hash, data));
      }),
      run,
    );
  });

  it('returns plain Uint8Arrays (a Buffer would share memory on slice)', () => {
    for (const p of PROVIDERS) {
      expect(Object.getPrototypeOf(p.hash('sha256', Uint8Array.of(1)))).toBe(Uint8Array.prototype);
      expect(Object.getPrototypeOf(p.hmac('sha256', Uint8Array.of(1)).compute())).toBe(Uint8Array.prototype);
    }
  });
});

describe('X25519 (RFC 7748)', () => {
  it('derives the same public key and shared secret for any scalar and any u-coordinate', () => {
    fc.assert(
      fc.property(bytes(32), bytes(32), (secret, peer) => {
        expect(nobleProvider.x25519.publicKey(secret)).toEqual(nodeProvider.x25519.publicKey(secret));
        const outcome = (p: CryptoProvider) => {
          try {
            return p.x25519.sharedSecret(secret, peer);
          } catch {
            return 'refused';
          }
        };
        expect(outcome(nobleProvider)).toEqual(outcome(nodeProvider));
      }),
      run,
    );
  });

  it('agrees across providers: each side may use either', () => {
    fc.assert(
      fc.property(bytes(32), bytes(32), (a, b) => {
        const aPublic = nobleProvider.x25519.publicKey(a);
        const bPublic = nodeProvider.x25519.publicKey(b);
        expect(nobleProvider.x25519.sharedSecret(a, bPublic)).toEqual(
          nodeProvider.x25519.sharedSecret(b, aPublic),
        );
      }),
      { ...run, numRuns: 20 },
    );
  });

  it('refuses low-order points (an all-zero result, RFC 7748 §6.1) and wrong lengths', () => {
    const p = (1n << 255n) - 19n;
    const le = (v: bigint) => unsignedBytes(v, 32).reverse();
    const lowOrder = [
      le(0n),
      le(1n),
      hex('e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800'),
      hex('5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157'),
      le(p - 1n),
      le(p),
      le(p + 1n),
    ];
    const secret = new Uint8Array(32).fill(0x42);
    for (const provider of PROVIDERS) {
      for (const point of lowOrder) expect(() => provider.x25519.sharedSecret(secret, point)).toThrow();
      expect(() => provider.x25519.sharedSecret(secret, new Uint8Array(31))).toThrow();
    }
  });
});

describe('Ed25519 (RFC 8032 §5.1)', () => {
  it('derives the same key and signature, and each verifies the other', () => {
    fc.assert(
      fc.property(bytes(32), fc.uint8Array({ maxLength: 300 }), (seed, data) => {
        const [pa, pb] = PROVIDERS.map((p) => p.ed25519.publicKey(seed));
        expect(pa).toEqual(pb);
        const [sa, sb] = PROVIDERS.map((p) => p.ed25519.sign(seed, data));
        expect(sa).toEqual(sb);
        for (const p of PROVIDERS) {
          expect(p.ed25519.verify(pa!, data, sa!)).toBe(true);
          const bad = sa!.slice();
          bad[data.length % 64]! ^= 0x10;
          expect(p.ed25519.verify(pa!, data, bad)).toBe(false);
        }
      }),
      { ...run, numRuns: 25 },
    );
  });

  it('refuses a non-canonical S (S + L) and a wrong length, without throwing', () => {
    const L = 2n ** 252n + 27742317777372353535851937790883648493n;
    const seed = new Uint8Array(32).fill(9);
    const data = Uint8Array.of(1, 2, 3);
    for (const p of PROVIDERS) {
      const publicKey = p.ed25519.publicKey(seed);
      const sig = p.ed25519.sign(seed, data);
      const s = BigInt(`0x${Buffer.from(sig.subarray(32)).reverse().toString('hex')}`);
      const malleated = sig.slice();
      malleated.set(unsignedBytes(s + L, 32).reverse(), 32);
      expect(p.ed25519.verify(publicKey, data, malleated)).toBe(false);
      expect(p.ed25519.verify(publicKey, data, sig.subarray(0, 63))).toBe(false);
      expect(p.ed25519.verify(new Uint8Array(32).fill(0xff), data, sig)).toBe(false);
    }
  });
});

describe('ECDSA on the NIST curves (RFC 5656 §3.1.2)', () => {
  const TYPES = Object.keys(ECDSA_CURVES) as EcdsaKeyType[];

  it.each(TYPES)('%s: what either signs, both verify; a flipped bit fails under both', (type) => {
    const { identifier, hashName, curve } = ECDSA_CURVES[type];
    fc.assert(
      fc.property(bytes(curve.lengths.seed ?? 48), fc.uint8Array({ maxLength: 200 }), (seed, data) => {
        const scalar = curve.utils.randomSecretKey(seed);
        const point = curve.getPublicKey(scalar, false);
        for (const signer of PROVIDERS) {
          const sig = signer.ecdsa.sign(identifier as EcdsaCurveName, hashName, scalar, point, data);
          expect(sig).toHaveLength(2 * curve.Point.Fn.BYTES);
          for (const p of PROVIDERS) {
            expect(p.ecdsa.verify(identifier, hashName, point, data, sig)).toBe(true);
            const bad = sig.slice();
            bad[bad.length - 1]! ^= 1;
            expect(p.ecdsa.verify(identifier, hashName, point, data, bad)).toBe(false);
          }
        }
      }),
      { ...run, numRuns: 4 },
    );
  });
});

describe('RSASSA-PKCS1-v1_5 (RFC 8017 §8.2)', () => {
  it('signs to the same bytes (the scheme is deterministic) and each verifies the other', () => {
    for (const bits of [1024, 2048]) {
      const key = nodeRsa(bits).ours.components();
      fc.assert(
        fc.property(
          fc.constantFrom('sha1', 'sha256', 'sha512'),
          fc.uint8Array({ maxLength: 200 }),
          (hash, data) => {
            const random = () => new Uint8Array(bits / 8 + 8).fill(0x33);
            const [a, b] = PROVIDERS.map((p) => p.rsa.sign(hash, key, data, random));
            expect(a).toEqual(b);
            for (const p of PROVIDERS) {
              expect(p.rsa.verify(hash, key, data, a!)).toBe(true);
              const bad = a!.slice();
              bad[5]! ^= 1;
              expect(p.rsa.verify(hash, key, data, bad)).toBe(false);
              expect(p.rsa.verify(hash === 'sha1' ? 'sha256' : 'sha1', key, data, a!)).toBe(false);
            }
          },
        ),
        { ...run, numRuns: 6 },
      );
    }
  });

  it('refuses a representative not below n', () => {
    const key = nodeRsa(1024).ours.components();
    const tooBig = unsignedBytes(key.n + 1n, 128);
    for (const p of PROVIDERS) expect(p.rsa.verify('sha256', key, Uint8Array.of(1), tooBig)).toBe(false);
  });
});
