/** ssh-rsa keys with rsa-sha2-256/512 (RFC 8332) and opt-in SHA-1 ssh-rsa, RSASSA-PKCS1-v1_5 (RFC 8017). */
import { constants, sign as nodeSign, verify as nodeVerify } from 'node:crypto';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { nobleProvider } from '../../src/crypto/noble.js';
import { InvalidKeyError } from '../../src/keys/errors.js';
import { parsePublicKey } from '../../src/keys/public-key.js';
import { RSA_MAX_EXPONENT, RsaPrivateKey, type RsaPublicKey } from '../../src/keys/rsa.js';
import { bitLength, modInverse, modPow } from '../../src/keys/rsa-math.js';
import { decodeSignatureBlob, encodeSignatureBlob } from '../../src/keys/signature-blob.js';
import { SshReader } from '../../src/wire/reader.js';
import { SshWriter } from '../../src/wire/writer.js';
import { type NodePair, nodeRsa } from '../support/node-keys.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const rsaBlob = (e: bigint, n: bigint) => new SshWriter().string('ssh-rsa').mpint(e).mpint(n).bytes();
const NODE_HASH = { 'rsa-sha2-512': 'sha512', 'rsa-sha2-256': 'sha256', 'ssh-rsa': 'sha1' } as const;

let pair: NodePair<RsaPrivateKey>;
beforeAll(() => {
  pair = nodeRsa(2048);
});

describe('RFC 8017 arithmetic on bigint', () => {
  it('modPow agrees with plain square-and-multiply', () => {
    const reference = (b: bigint, e: bigint, m: bigint) => {
      let r = 1n;
      b %= m;
      for (; e > 0n; e >>= 1n) {
        if (e & 1n) r = (r * b) % m;
        b = (b * b) % m;
      }
      return r % m;
    };
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 1n << 300n }),
        fc.bigInt({ min: 0n, max: 1n << 300n }),
        fc.bigInt({ min: 1n, max: 1n << 300n }),
        (b, e, m) => {
          expect(modPow(b, e, m)).toBe(reference(b, e, m));
        },
      ),
      { seed: 3, numRuns: 300 },
    );
  });

  it('modInverse inverts, and refuses a non-coprime value', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 1n << 200n }), (a) => {
        const p = (1n << 127n) - 1n; // a Mersenne prime
        if (a % p === 0n) return;
        expect((modInverse(a, p) * a) % p).toBe(1n);
      }),
      { seed: 4, numRuns: 200 },
    );
    expect(() => modInverse(6n, 9n)).toThrow(RangeError);
  });
});

describe('RFC 4253 §6.6 ssh-rsa public key blob', () => {
  it('is string "ssh-rsa" || mpint e || mpint n and parses back', () => {
    const key = pair.ours.publicKey as RsaPublicKey;
    const r = new SshReader(key.blob);
    expect(r.ascii()).toBe('ssh-rsa');
    expect(r.positiveMpint()).toBe(65537n);
    expect(r.positiveMpint()).toBe(key.n);
    r.end();
    expect(key.bits).toBe(2048);
    expect(parsePublicKey(key.blob).equals(key)).toBe(true);
    expect(key.signatureAlgorithms).toEqual(['rsa-sha2-512', 'rsa-sha2-256']);
  });

  it('refuses a modulus outside 1024..16384 bits or an even one', () => {
    const e = 65537n;
    expect(() => parsePublicKey(rsaBlob(e, (1n << 511n) | 1n))).toThrow(InvalidKeyError);
    expect(() => parsePublicKey(rsaBlob(e, (1n << 1022n) | 1n))).toThrow(InvalidKeyError);
    expect(parsePublicKey(rsaBlob(e, (1n << 1023n) | 1n)).type).toBe('ssh-rsa');
    expect(parsePublicKey(rsaBlob(e, (1n << 16383n) | 1n)).type).toBe('ssh-rsa');
    expect(() => parsePublicKey(rsaBlob(e, (1n << 16384n) | 1n))).toThrow(InvalidKeyError);
    expect(() => parsePublicKey(rsaBlob(e, 1n << 2047n))).toThrow(InvalidKeyError);
    expect(() => parsePublicKey(rsaBlob(e, 0n))).toThrow(InvalidKeyError);
  });

  it('refuses a huge, even, negative or tiny exponent (x/crypto CVE-2026-39829)', () => {
    const n = (pair.ours.publicKey as RsaPublicKey).n;
    for (const e of [RSA_MAX_EXPONENT + 1n, (1n << 4000n) + 1n, 65536n, 1n, 0n]) {
      expect(() => parsePublicKey(rsaBlob(e, n))).toThrow(InvalidKeyError);
    }
    expect(() => parsePublicKey(rsaBlob(-65537n, n))).toThrow(/negative/);
    expect(parsePublicKey(rsaBlob(3n, n)).type).toBe('ssh-rsa');
    expect(parsePublicKey(rsaBlob(RSA_MAX_EXPONENT - 1n, n)).type).toBe('ssh-rsa');
  });
});

describe('RFC 8332 §3 signatures', () => {
  it('round-trips both SHA-2 algorithms, rsa-sha2-512 by default', () => {
    const data = new TextEncoder().encode('data to sign');
    const def = pair.ours.sign(data);
    expect(decodeSignatureBlob(def).algorithm).toBe('rsa-sha2-512');
    for (const alg of ['rsa-sha2-512', 'rsa-sha2-256']) {
      const blob = pair.ours.sign(data, alg);
      expect(decodeSignatureBlob(blob).signature.length).toBe(256);
      expect(pair.ours.publicKey.verify(data, blob)).toBe(true);
      expect(pair.ours.publicKey.verify(data, blob, [alg])).toBe(true);
      expect(pair.ours.publicKey.verify(Uint8Array.of(...data, 0), blob)).toBe(false);
    }
  });

  it('checks the algorithm name against the allowed list and the hash actually used', () => {
    const data = Uint8Array.of(1);
    const s512 = pair.ours.sign(data, 'rsa-sha2-512');
    expect(pair.ours.publicKey.verify(data, s512, ['rsa-sha2-256'])).toBe(false);
    // The same bytes relabelled as SHA-256 do not verify: the name picks the DigestInfo.
    const relabelled = encodeSignatureBlob('rsa-sha2-256', decodeSignatureBlob(s512).signature);
    expect(pair.ours.publicKey.verify(data, relabelled)).toBe(false);
    expect(
      pair.ours.publicKey.verify(
        data,
        encodeSignatureBlob('ssh-ed25519', decodeSignatureBlob(s512).signature),
      ),
    ).toBe(false);
  });

  it('keeps SHA-1 ssh-rsa off unless named', () => {
    const data = Uint8Array.of(2);
    const sha1 = pair.ours.sign(data, 'ssh-rsa');
    expect(pair.ours.publicKey.verify(data, sha1)).toBe(false);
    expect(pair.ours.publicKey.verify(data, sha1, ['ssh-rsa'])).toBe(true);
    expect(nodeVerify('sha1', data, pair.publicKey, decodeSignatureBlob(sha1).signature)).toBe(true);
    expect(() => pair.ours.sign(data, 'rsa-sha2-384')).toThrow(RangeError);
  });

  it('fails on any flipped bit', () => {
    const data = Uint8Array.of(3, 4);
    const blob = pair.ours.sign(data);
    fc.assert(
      fc.property(fc.nat({ max: blob.length * 8 - 1 }), (bit) => {
        const flipped = blob.slice();
        flipped[bit >> 3]! ^= 1 << (bit & 7);
        expect(pair.ours.publicKey.verify(data, flipped)).toBe(false);
      }),
      { seed: 8, numRuns: 200 },
    );
  });

  it('left-pads a short signature as OpenSSH does, refuses a long one or s >= n', () => {
    const data = new Uint8Array(8);
    let theirs: Uint8Array | undefined;
    // About 1 signature in 256 starts with a zero byte; OpenSSL is fast enough to find one.
    for (let i = 0; i < 20000 && theirs === undefined; i++) {
      new DataView(data.buffer).setUint32(0, i);
      const s = new Uint8Array(nodeSign('sha512', data, pair.privateKey));
      if (s[0] === 0) theirs = s;
    }
    expect(theirs).toBeDefined();
    const full = encodeSignatureBlob('rsa-sha2-512', theirs!);
    const short = encodeSignatureBlob('rsa-sha2-512', theirs!.subarray(1));
    const long = encodeSignatureBlob('rsa-sha2-512', Uint8Array.of(0, ...theirs!));
    expect(pair.ours.publicKey.verify(data, full)).toBe(true);
    expect(pair.ours.publicKey.verify(data, short)).toBe(true);
    expect(pair.ours.publicKey.verify(data, long)).toBe(false);
    const n = (pair.ours.publicKey as RsaPublicKey).n;
    const nBytes = new SshWriter().mpint(n).bytes().subarray(5);
    expect(pair.ours.publicKey.verify(data, encodeSignatureBlob('rsa-sha2-512', nBytes))).toBe(false);
    expect(pair.ours.publicKey.verify(data, encodeSignatureBlob('rsa-sha2-512', new Uint8Array(0)))).toBe(
      false,
    );
  });
});

describe('cross-check with node:crypto (OpenSSL)', () => {
  it('makes byte-identical PKCS#1 v1.5 signatures (they are deterministic) and verifies OpenSSL', () => {
    for (const alg of ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] as const) {
      const data = new TextEncoder().encode(`cross ${alg}`);
      const mine = decodeSignatureBlob(pair.ours.sign(data, alg)).signature;
      const theirs = new Uint8Array(
        nodeSign(NODE_HASH[alg], data, { key: pair.privateKey, padding: constants.RSA_PKCS1_PADDING }),
      );
      expect(hex(mine)).toBe(hex(theirs));
      expect(pair.ours.publicKey.verify(data, encodeSignatureBlob(alg, theirs), [alg])).toBe(true);
    }
  });

  it('works for 1024, 3072 and 4096-bit keys and an odd-sized modulus', () => {
    for (const bits of [1024, 3072, 4096, 1025, 2047]) {
      const { ours, publicKey } = nodeRsa(bits);
      expect(bitLength((ours.publicKey as RsaPublicKey).n)).toBe(bits);
      const data = Uint8Array.of(bits & 0xff);
      const blob = ours.sign(data);
      expect(ours.publicKey.verify(data, blob)).toBe(true);
      expect(nodeVerify('sha512', data, publicKey, decodeSignatureBlob(blob).signature)).toBe(true);
    }
  });
});

describe('RFC 8017 §3.2 private key consistency', () => {
  it('refuses parts that do not belong together', () => {
    const c = pair.ours.components();
    expect(() => new RsaPrivateKey({ ...c, p: c.p + 2n })).toThrow(InvalidKeyError);
    expect(() => new RsaPrivateKey({ ...c, d: c.d + 2n })).toThrow(InvalidKeyError);
    expect(() => new RsaPrivateKey({ ...c, qinv: c.qinv + 1n })).toThrow(InvalidKeyError);
    const swapped = new RsaPrivateKey({ n: c.n, e: c.e, d: c.d, p: c.q, q: c.p });
    const data = Uint8Array.of(9);
    expect(swapped.sign(data)).toEqual(pair.ours.sign(data));
  });

  it('blinds with the injected random source (bigint RSA) and still signs deterministically', () => {
    const c = pair.ours.components();
    let calls = 0;
    const key = new RsaPrivateKey(c, {
      random: (n) => {
        calls++;
        return new Uint8Array(n).fill(0x5a);
      },
    });
    const data = Uint8Array.of(7);
    expect(key.sign(data, 'rsa-sha2-512', nobleProvider)).toEqual(pair.ours.sign(data));
    expect(calls).toBe(1);
  });
});
