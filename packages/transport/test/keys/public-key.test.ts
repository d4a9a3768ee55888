/** parsePublicKey (RFC 4253 §6.6) on valid, mutated and arbitrary blobs; the algorithm registry. */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { SshDecodeError, SshError } from '../../src/errors.js';
import { UnsupportedKeyError } from '../../src/keys/errors.js';
import { generateKey } from '../../src/keys/generate.js';
import {
  DEFAULT_HOST_KEY_ALGORITHMS,
  parsePublicKey,
  SIGNATURE_ALGORITHMS,
  SUPPORTED_KEY_TYPES,
  signatureAlgorithmsFor,
} from '../../src/keys/public-key.js';
import type { PublicKey } from '../../src/keys/types.js';
import { SshWriter } from '../../src/wire/writer.js';
import { nodeRsa } from '../support/node-keys.js';

const fixed = (n: number) => (len: number) => new Uint8Array(len).fill(n);
let keys: PublicKey[];
beforeAll(() => {
  keys = [
    generateKey('ssh-ed25519', fixed(1)).publicKey,
    generateKey('ecdsa-sha2-nistp256', fixed(2)).publicKey,
    generateKey('ecdsa-sha2-nistp384', fixed(3)).publicKey,
    generateKey('ecdsa-sha2-nistp521', fixed(4)).publicKey,
    nodeRsa(1024).ours.publicKey,
  ];
});

/** Parses, and fails the property on anything thrown that is not one of our typed errors. */
function parseOrTypedError(blob: Uint8Array): PublicKey | SshError {
  try {
    return parsePublicKey(blob);
  } catch (e) {
    if (e instanceof SshError) return e;
    throw e;
  }
}

describe('RFC 4253 §6.6 parsePublicKey', () => {
  it('parses every key type back to an equal key', () => {
    for (const key of keys) {
      const parsed = parsePublicKey(key.blob);
      expect(parsed.type).toBe(key.type);
      expect(parsed.equals(key)).toBe(true);
      expect(parsed.blob).toEqual(key.blob);
      expect(parsed.blob).not.toBe(key.blob);
    }
  });

  it('refuses trailing bytes', () => {
    for (const key of keys)
      expect(() => parsePublicKey(Uint8Array.of(...key.blob, 0))).toThrow(SshDecodeError);
  });

  it('names an unknown type with UnsupportedKeyError', () => {
    for (const type of ['ssh-dss', 'sk-ssh-ed25519@openssh.com', 'ssh-dss-cert-v01@openssh.com', 'x']) {
      const blob = new SshWriter().string(type).string(new Uint8Array(32)).bytes();
      const err = parseOrTypedError(blob);
      expect(err).toBeInstanceOf(UnsupportedKeyError);
      expect((err as UnsupportedKeyError).keyType).toBe(type);
    }
  });

  it('refuses a truncated blob and an empty one with SshDecodeError', () => {
    expect(() => parsePublicKey(new Uint8Array(0))).toThrow(SshDecodeError);
    for (const key of keys) {
      for (const cut of [1, 4, 10, key.blob.length - 1]) {
        expect(() => parsePublicKey(key.blob.subarray(0, cut))).toThrow(SshError);
      }
    }
  });

  it('gives a key or a typed error on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        parseOrTypedError(bytes);
      }),
      { seed: 21, numRuns: 3000 },
    );
  });

  it('gives a key or a typed error on a known type followed by arbitrary fields', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SUPPORTED_KEY_TYPES),
        fc.array(
          fc.oneof(fc.uint8Array({ maxLength: 140 }), fc.constantFrom('nistp256', 'nistp384', 'nistp521')),
          {
            maxLength: 4,
          },
        ),
        fc.uint8Array({ maxLength: 8 }),
        (type, fields, tail) => {
          const w = new SshWriter().string(type);
          for (const f of fields) w.string(f);
          w.raw(tail);
          parseOrTypedError(w.bytes());
        },
      ),
      { seed: 22, numRuns: 3000 },
    );
  });

  it('gives a key or a typed error on mutated valid blobs', () => {
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.nat({ max: 7 }) }),
      fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.nat({ max: 255 }) }),
      fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
      fc.record({
        kind: fc.constant('insert' as const),
        at: fc.nat(),
        bytes: fc.uint8Array({ maxLength: 6 }),
      }),
      fc.record({ kind: fc.constant('length' as const), at: fc.nat(), value: fc.nat({ max: 0xffffffff }) }),
    );
    fc.assert(
      fc.property(fc.nat(), fc.array(mutation, { minLength: 1, maxLength: 4 }), (which, mutations) => {
        let blob = keys[which % keys.length]!.blob.slice();
        for (const m of mutations) {
          const at = m.at % (blob.length + 1);
          if (m.kind === 'flip' && at < blob.length) blob[at]! ^= 1 << m.bit;
          else if (m.kind === 'set' && at < blob.length) blob[at] = m.value;
          else if (m.kind === 'cut') blob = blob.slice(0, at);
          else if (m.kind === 'insert')
            blob = Uint8Array.of(...blob.subarray(0, at), ...m.bytes, ...blob.subarray(at));
          else if (m.kind === 'length' && at + 4 <= blob.length)
            new DataView(blob.buffer, blob.byteOffset).setUint32(at, m.value);
        }
        const result = parseOrTypedError(blob);
        if (!(result instanceof SshError)) expect(parsePublicKey(result.blob).equals(result)).toBe(true);
      }),
      { seed: 23, numRuns: 3000 },
    );
  });

  it('verify never throws on arbitrary signature blobs', () => {
    fc.assert(
      fc.property(
        fc.nat(),
        fc.uint8Array({ maxLength: 600 }),
        fc.uint8Array({ maxLength: 16 }),
        (which, sig, data) => {
          const key = keys[which % keys.length]!;
          expect(key.verify(data, sig)).toBe(false);
          const framed = new SshWriter().string(key.signatureAlgorithms[0]!).string(sig).bytes();
          expect(key.verify(data, framed)).toBe(false);
        },
      ),
      { seed: 24, numRuns: 1000 },
    );
  });
});

describe('signature algorithm registry', () => {
  it('orders the defaults as OpenSSH does and maps each to its key type', () => {
    expect(DEFAULT_HOST_KEY_ALGORITHMS).toEqual([
      'ssh-ed25519',
      'ecdsa-sha2-nistp256',
      'ecdsa-sha2-nistp384',
      'ecdsa-sha2-nistp521',
      'rsa-sha2-512',
      'rsa-sha2-256',
    ]);
    expect(SIGNATURE_ALGORITHMS['rsa-sha2-512'].keyType).toBe('ssh-rsa');
    expect(SIGNATURE_ALGORITHMS['ssh-rsa'].legacy).toBe(true);
  });

  it('lists what a key can sign, SHA-1 only when asked for', () => {
    const [ed, p256, p384, p521, rsa] = keys as [PublicKey, PublicKey, PublicKey, PublicKey, PublicKey];
    expect(signatureAlgorithmsFor(ed)).toEqual(['ssh-ed25519']);
    expect(signatureAlgorithmsFor(p256)).toEqual(['ecdsa-sha2-nistp256']);
    expect(signatureAlgorithmsFor(p384)).toEqual(['ecdsa-sha2-nistp384']);
    expect(signatureAlgorithmsFor(p521)).toEqual(['ecdsa-sha2-nistp521']);
    expect(signatureAlgorithmsFor(rsa)).toEqual(['rsa-sha2-512', 'rsa-sha2-256']);
    expect(signatureAlgorithmsFor(rsa, ['ssh-rsa', 'rsa-sha2-256', 'bogus'])).toEqual([
      'ssh-rsa',
      'rsa-sha2-256',
    ]);
    for (const key of keys) expect(signatureAlgorithmsFor(key)).toEqual(key.signatureAlgorithms);
  });
});
