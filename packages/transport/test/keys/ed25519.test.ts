/** ssh-ed25519 (RFC 8709, RFC 8032): blobs, signatures, cross-checks with node:crypto. */
import { sign as nodeSign, verify as nodeVerify } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Ed25519PrivateKey, Ed25519PublicKey } from '../../src/keys/ed25519.js';
import { InvalidKeyError } from '../../src/keys/errors.js';
import { parsePublicKey } from '../../src/keys/public-key.js';
import { decodeSignatureBlob, encodeSignatureBlob } from '../../src/keys/signature-blob.js';
import { SshWriter } from '../../src/wire/writer.js';
import { nodeEd25519 } from '../support/node-keys.js';

const fromHex = (h: string) => new Uint8Array(Buffer.from(h, 'hex'));
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('RFC 8709 §4 public key blob', () => {
  it('is string "ssh-ed25519" || string A', () => {
    const key = new Ed25519PublicKey(new Uint8Array(32).fill(7));
    expect(hex(key.blob)).toBe(
      `0000000b${hex(new TextEncoder().encode('ssh-ed25519'))}00000020${'07'.repeat(32)}`,
    );
    expect(parsePublicKey(key.blob).equals(key)).toBe(true);
  });

  it('rejects a key that is not exactly 32 bytes (x/crypto CVE-2020-9283)', () => {
    for (const n of [0, 31, 33, 64]) {
      const blob = new SshWriter().string('ssh-ed25519').string(new Uint8Array(n)).bytes();
      expect(() => parsePublicKey(blob)).toThrow(InvalidKeyError);
    }
  });
});

describe('RFC 8032 §7.1 test 1 through the SSH encoding', () => {
  const seed = fromHex('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60');
  const pub = 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a';
  const sig =
    'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b';

  it('derives the public key and the signature', () => {
    const key = new Ed25519PrivateKey(seed);
    expect(hex((key.publicKey as Ed25519PublicKey).key)).toBe(pub);
    const blob = key.sign(new Uint8Array(0));
    const decoded = decodeSignatureBlob(blob);
    expect(decoded.algorithm).toBe('ssh-ed25519');
    expect(hex(decoded.signature)).toBe(sig);
    expect(key.publicKey.verify(new Uint8Array(0), blob)).toBe(true);
  });
});

describe('RFC 8709 §6 signatures', () => {
  const key = new Ed25519PrivateKey(new Uint8Array(32).fill(1));

  it('round-trips and fails on other data, a flipped bit or another algorithm', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat(), (data, bitSeed) => {
        const blob = key.sign(data);
        expect(key.publicKey.verify(data, blob)).toBe(true);
        const flipped = blob.slice();
        const bit = bitSeed % (blob.length * 8);
        flipped[bit >> 3]! ^= 1 << (bit & 7);
        expect(key.publicKey.verify(data, flipped)).toBe(false);
        expect(key.publicKey.verify(Uint8Array.of(...data, 0), blob)).toBe(false);
        expect(key.publicKey.verify(data, blob, ['rsa-sha2-512'])).toBe(false);
      }),
      { seed: 11, numRuns: 200 },
    );
  });

  it('refuses a signature of the wrong length or with trailing bytes', () => {
    const { signature } = decodeSignatureBlob(key.sign(Uint8Array.of(1)));
    expect(
      key.publicKey.verify(Uint8Array.of(1), encodeSignatureBlob('ssh-ed25519', signature.subarray(1))),
    ).toBe(false);
    const trailing = Uint8Array.of(...key.sign(Uint8Array.of(1)), 0);
    expect(key.publicKey.verify(Uint8Array.of(1), trailing)).toBe(false);
  });

  it('refuses to sign another algorithm', () => {
    expect(() => key.sign(Uint8Array.of(1), 'rsa-sha2-512')).toThrow(RangeError);
  });
});

describe('cross-check with node:crypto (OpenSSL)', () => {
  it('makes byte-identical signatures and verifies each other', () => {
    for (let i = 0; i < 5; i++) {
      const { ours, privateKey, publicKey } = nodeEd25519();
      const data = new TextEncoder().encode(`message ${i}`);
      const theirs = new Uint8Array(nodeSign(null, data, privateKey));
      const mine = decodeSignatureBlob(ours.sign(data)).signature;
      expect(hex(mine)).toBe(hex(theirs));
      expect(nodeVerify(null, data, publicKey, mine)).toBe(true);
      expect(ours.publicKey.verify(data, encodeSignatureBlob('ssh-ed25519', theirs))).toBe(true);
      const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
      expect(hex((ours.publicKey as Ed25519PublicKey).key)).toBe(hex(raw));
    }
  });
});
