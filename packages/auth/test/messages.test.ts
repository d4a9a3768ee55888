/** RFC 4252 message codecs: one generic property over the table (STYLE.md §3). */
import { type Fields, type MessageSpec, SshDecodeError, type StructSpec } from '@seashell/transport';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbitraryFields } from '../../transport/test/support/arbitraries.js';
import * as messages from '../src/messages.js';

const specs = (Object.entries(messages) as [string, unknown][]).filter(
  (e): e is [string, StructSpec<Fields>] => typeof e[1] === 'object' && e[1] !== null && 'fields' in e[1],
);

describe('RFC 4252 message table', () => {
  for (const [name, spec] of specs) {
    it(`${name}: decode(encode(m)) equals m, and truncations give SshDecodeError`, () => {
      fc.assert(
        fc.property(arbitraryFields(spec.fields), (value) => {
          const encoded = spec.encode(value as never);
          if ('number' in spec) expect(encoded[0]).toBe((spec as MessageSpec<Fields>).number);
          expect(spec.decode(encoded)).toEqual(value);
          const tail = Object.values(spec.fields).at(-1)?.kind === 'rest';
          for (let n = 0; n < encoded.length && !tail; n++) {
            expect(() => spec.decode(encoded.subarray(0, n))).toThrow(SshDecodeError);
          }
        }),
        { seed: 4252, numRuns: 100 },
      );
    });
  }
});
