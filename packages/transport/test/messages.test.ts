/** RFC 4253 message codecs: one generic property over the table (STYLE.md §3). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SshDecodeError } from '../src/errors.js';
import * as messages from '../src/messages.js';
import type { Fields, MessageSpec } from '../src/wire/codec.js';
import { arbitraryFields } from './support/arbitraries.js';

const table = Object.values(messages).filter(
  (m): m is MessageSpec<Fields> => typeof m === 'object' && m !== null && 'number' in m && 'fields' in m,
);

describe('RFC 4253 message table', () => {
  it('declares every transport message once', () => {
    expect(table.map((m) => m.number).sort((a, b) => a - b)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 20, 21, 30, 31, 192, 193,
    ]);
  });

  for (const spec of table) {
    it(`${spec.name}: decode(encode(m)) equals m, and truncations give SshDecodeError`, () => {
      fc.assert(
        fc.property(arbitraryFields(spec.fields), (value) => {
          const encoded = spec.encode(value as never);
          expect(encoded[0]).toBe(spec.number);
          expect(spec.decode(encoded)).toEqual(value);
          const tail = Object.values(spec.fields).at(-1)?.kind === 'rest';
          for (let n = 0; n < encoded.length && !tail; n++) {
            expect(() => spec.decode(encoded.subarray(0, n))).toThrow(SshDecodeError);
          }
        }),
        { seed: 4253 + spec.number, numRuns: 100 },
      );
    });
  }
});
