/** Key generation from an injected random source. */
import { describe, expect, it } from 'vitest';
import { ECDSA_CURVES, type EcdsaKeyType } from '../../src/keys/ecdsa.js';
import { generateEcdsaKey, generateEd25519Key, generateKey } from '../../src/keys/generate.js';

const counter = () => {
  let n = 0;
  return (len: number) => Uint8Array.from({ length: len }, () => n++ & 0xff);
};

describe('key generation', () => {
  it('is reproducible with a fixed random source and differs with the default one', () => {
    expect(generateEd25519Key(counter()).publicKey.blob).toEqual(
      generateEd25519Key(counter()).publicKey.blob,
    );
    expect(generateEd25519Key().publicKey.equals(generateEd25519Key().publicKey)).toBe(false);
    for (const type of Object.keys(ECDSA_CURVES) as EcdsaKeyType[]) {
      const a = generateEcdsaKey(type, counter());
      expect(a.publicKey.type).toBe(type);
      expect(a.publicKey.equals(generateEcdsaKey(type, counter()).publicKey)).toBe(true);
      expect(generateKey(type).publicKey.equals(a.publicKey)).toBe(false);
    }
  });

  it('asks the random source for enough bytes to avoid modulo bias', () => {
    const asked: number[] = [];
    generateEcdsaKey('ecdsa-sha2-nistp521', (n) => {
      asked.push(n);
      return new Uint8Array(n).fill(0x42);
    });
    expect(asked[0]).toBeGreaterThanOrEqual(66 + 8);
  });

  it('makes keys that sign', () => {
    const data = Uint8Array.of(1, 2, 3);
    for (const type of ['ssh-ed25519', ...Object.keys(ECDSA_CURVES)] as const) {
      const key = generateKey(type as 'ssh-ed25519');
      expect(key.publicKey.verify(data, key.sign(data))).toBe(true);
    }
  });
});
