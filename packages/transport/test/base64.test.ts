/** RFC 4648 §4 base64, strict as OpenSSH's b64_pton. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SshDecodeError } from '../src/errors.js';
import { base64Decode, base64Encode } from '../src/wire/base64.js';

describe('RFC 4648 §4 base64', () => {
  it('encodes the RFC 4648 §10 vectors', () => {
    const vectors = ['', 'Zg==', 'Zm8=', 'Zm9v', 'Zm9vYg==', 'Zm9vYmE=', 'Zm9vYmFy'];
    for (const [i, v] of vectors.entries()) {
      const bytes = new TextEncoder().encode('foobar'.slice(0, i));
      expect(base64Encode(bytes)).toBe(v);
      expect(base64Decode(v)).toEqual(bytes);
      expect(base64Encode(bytes, { padding: false })).toBe(v.replace(/=+$/, ''));
    }
  });

  it('agrees with Buffer and round-trips', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const text = base64Encode(bytes);
        expect(text).toBe(Buffer.from(bytes).toString('base64'));
        expect(base64Decode(text)).toEqual(bytes);
      }),
      { seed: 1, numRuns: 1000 },
    );
  });

  it('accepts only the canonical text: decode then encode gives the input back', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'AQgw+/=Zz09 \n-_é'), maxLength: 16 }), (text) => {
        let bytes: Uint8Array;
        try {
          bytes = base64Decode(text);
        } catch (e) {
          expect(e).toBeInstanceOf(SshDecodeError);
          return;
        }
        expect(base64Encode(bytes)).toBe(text);
      }),
      { seed: 2, numRuns: 5000 },
    );
  });

  it('refuses missing padding, inner padding, other alphabets, whitespace and non-zero trailing bits', () => {
    for (const bad of [
      'Zg',
      'Zg=',
      'Zm8',
      'Z===',
      '=Zg=',
      'Zg==Zg==',
      'Zh==',
      'Zm9=',
      'Zm-_',
      'Zm 9v',
      'Zm9v\n',
      '====',
    ]) {
      expect(() => base64Decode(bad), bad).toThrow(SshDecodeError);
    }
  });
});
