/** ecdsa-sha2-nistp256/384/521 (RFC 5656): blobs, signatures, cross-checks with node:crypto. */
import { sign as nodeSign, verify as nodeVerify } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nobleProvider } from '../../src/crypto/noble.js';
import {
  ECDSA_CURVES,
  type EcdsaKeyType,
  EcdsaPrivateKey,
  type EcdsaPublicKey,
} from '../../src/keys/ecdsa.js';
import { InvalidKeyError } from '../../src/keys/errors.js';
import { generateEcdsaKey } from '../../src/keys/generate.js';
import { parsePublicKey } from '../../src/keys/public-key.js';
import { decodeSignatureBlob, encodeSignatureBlob } from '../../src/keys/signature-blob.js';
import { SshReader } from '../../src/wire/reader.js';
import { SshWriter } from '../../src/wire/writer.js';
import { ecdsaBlobToP1363, NODE_CURVE, nodeEcdsa, p1363ToEcdsaBlob } from '../support/node-keys.js';

const TYPES = Object.keys(ECDSA_CURVES) as EcdsaKeyType[];
const seeded = (n: number) => (len: number) => new Uint8Array(len).fill(n);

describe('RFC 5656 §3.1 public key blob', () => {
  for (const type of TYPES) {
    const key = generateEcdsaKey(type, seeded(3)).publicKey;
    const id = ECDSA_CURVES[type].identifier;

    it(`${type}: string type || string "${id}" || string Q, parsed back`, () => {
      const r = new SshReader(key.blob);
      expect(r.ascii()).toBe(type);
      expect(r.ascii()).toBe(id);
      const q = r.string();
      expect(q[0]).toBe(0x04);
      r.end();
      expect(parsePublicKey(key.blob).equals(key)).toBe(true);
    });

    it(`${type}: rejects a compressed point`, () => {
      const q = key.point;
      const half = (q.length - 1) / 2;
      const compressed = Uint8Array.of(2 + (q[q.length - 1]! & 1), ...q.subarray(1, 1 + half));
      const blob = new SshWriter().string(type).string(id).string(compressed).bytes();
      expect(() => parsePublicKey(blob)).toThrow(InvalidKeyError);
    });

    it(`${type}: rejects a point off the curve`, () => {
      const q = key.point.slice();
      q[q.length - 1]! ^= 1;
      const blob = new SshWriter().string(type).string(id).string(q).bytes();
      expect(() => parsePublicKey(blob)).toThrow(InvalidKeyError);
    });

    it(`${type}: rejects a curve name that differs from the type`, () => {
      for (const other of ['nistp256', 'nistp384', 'nistp521', 'secp256r1', ''].filter((n) => n !== id)) {
        const blob = new SshWriter().string(type).string(other).string(key.point).bytes();
        expect(() => parsePublicKey(blob)).toThrow(InvalidKeyError);
      }
    });
  }
});

describe('RFC 5656 §3.1.2 signatures', () => {
  for (const type of TYPES) {
    const key = generateEcdsaKey(type, seeded(9));

    it(`${type}: round-trips; a flipped bit, other data or another algorithm fail`, () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 100 }), fc.nat(), (data, bitSeed) => {
          const blob = key.sign(data);
          expect(key.publicKey.verify(data, blob)).toBe(true);
          const flipped = blob.slice();
          const bit = bitSeed % (blob.length * 8);
          flipped[bit >> 3]! ^= 1 << (bit & 7);
          expect(key.publicKey.verify(data, flipped)).toBe(false);
          expect(key.publicKey.verify(Uint8Array.of(...data, 1), blob)).toBe(false);
          expect(key.publicKey.verify(data, blob, ['ssh-ed25519'])).toBe(false);
        }),
        { seed: 5, numRuns: 25 },
      );
    });

    it(`${type}: is deterministic (RFC 6979) with the portable provider`, () => {
      const data = Uint8Array.of(1, 2, 3);
      expect(key.sign(data, type, nobleProvider)).toEqual(key.sign(data, type, nobleProvider));
    });

    it(`${type}: refuses r or s of 0 or >= n, trailing bytes, and another key type's name`, () => {
      const n = ECDSA_CURVES[type].curve.Point.Fn.ORDER;
      const data = Uint8Array.of(4);
      const inner = new SshReader(decodeSignatureBlob(key.sign(data)).signature);
      const r = inner.positiveMpint();
      const s = inner.positiveMpint();
      const make = (rr: bigint, ss: bigint, tail = new Uint8Array(0)) =>
        encodeSignatureBlob(type, new SshWriter().mpint(rr).mpint(ss).raw(tail).bytes());
      expect(key.publicKey.verify(data, make(r, s))).toBe(true);
      expect(key.publicKey.verify(data, make(0n, s))).toBe(false);
      expect(key.publicKey.verify(data, make(r, 0n))).toBe(false);
      expect(key.publicKey.verify(data, make(r + n, s))).toBe(false);
      expect(key.publicKey.verify(data, make(r, s + n))).toBe(false);
      expect(key.publicKey.verify(data, make(-r, s))).toBe(false);
      expect(key.publicKey.verify(data, make(r, s, Uint8Array.of(0)))).toBe(false);
      const other = TYPES.find((t) => t !== type)!;
      const otherBlob = encodeSignatureBlob(other, new SshWriter().mpint(r).mpint(s).bytes());
      expect(key.publicKey.verify(data, otherBlob)).toBe(false);
      expect(key.publicKey.verify(data, otherBlob, [other])).toBe(false);
    });

    it(`${type}: accepts high-S signatures as OpenSSL makes them`, () => {
      const n = ECDSA_CURVES[type].curve.Point.Fn.ORDER;
      const data = Uint8Array.of(5);
      const inner = new SshReader(decodeSignatureBlob(key.sign(data)).signature);
      const r = inner.positiveMpint();
      const s = inner.positiveMpint();
      const flippedS = encodeSignatureBlob(
        type,
        new SshWriter()
          .mpint(r)
          .mpint(n - s)
          .bytes(),
      );
      expect(key.publicKey.verify(data, flippedS)).toBe(true);
    });
  }

  it('refuses to sign with another algorithm name', () => {
    const key = generateEcdsaKey('ecdsa-sha2-nistp256', seeded(1));
    expect(() => key.sign(Uint8Array.of(1), 'ecdsa-sha2-nistp384')).toThrow(RangeError);
  });

  it('refuses a private scalar out of range', () => {
    const n = ECDSA_CURVES['ecdsa-sha2-nistp256'].curve.Point.Fn.ORDER;
    expect(() => new EcdsaPrivateKey('ecdsa-sha2-nistp256', 0n)).toThrow(InvalidKeyError);
    expect(() => new EcdsaPrivateKey('ecdsa-sha2-nistp256', n)).toThrow(InvalidKeyError);
  });
});

describe('cross-check with node:crypto (OpenSSL)', () => {
  for (const type of TYPES) {
    it(`${type}: OpenSSL verifies ours, we verify OpenSSL's`, () => {
      const { name, hash } = NODE_CURVE[type];
      for (let i = 0; i < 4; i++) {
        const { ours, privateKey, publicKey } = nodeEcdsa(type);
        const jwk = publicKey.export({ format: 'jwk' });
        expect(jwk.crv).toBe(name);
        const q = (ours.publicKey as EcdsaPublicKey).point;
        const size = (q.length - 1) / 2;
        expect(Buffer.from(q.subarray(1, 1 + size)).toString('base64url')).toBe(jwk.x);
        const data = new TextEncoder().encode(`ecdsa ${type} ${i}`);
        const mine = ecdsaBlobToP1363(type, ours.sign(data));
        expect(nodeVerify(hash, data, { key: publicKey, dsaEncoding: 'ieee-p1363' }, mine)).toBe(true);
        for (let j = 0; j < 4; j++) {
          const theirs = new Uint8Array(nodeSign(hash, data, { key: privateKey, dsaEncoding: 'ieee-p1363' }));
          expect(ours.publicKey.verify(data, p1363ToEcdsaBlob(type, theirs))).toBe(true);
          expect(ours.publicKey.verify(Uint8Array.of(...data, 0), p1363ToEcdsaBlob(type, theirs))).toBe(
            false,
          );
        }
      }
    });
  }
});
