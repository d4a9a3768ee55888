/** OpenSSH's match_pattern: `*` and `?` wildcards (known_hosts, AcceptEnv, `-` algorithm lists). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { matchWildcard } from '../src/wildcard.js';

describe('wildcard patterns', () => {
  it('matches wildcards like a regular expression would', () => {
    const toRegExp = (p: string) =>
      new RegExp(
        `^${p
          .replace(/[.+^${}()|[\]\\]/g, '\\$&')
          .replace(/\*/g, '.*')
          .replace(/\?/g, '.')}$`,
        's',
      );
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('a', 'b', '.'), maxLength: 12 }),
        fc.string({ unit: fc.constantFrom('a', 'b', '.', '*', '?'), maxLength: 8 }),
        (name, pattern) => {
          expect(matchWildcard(name, pattern)).toBe(toRegExp(pattern).test(name));
        },
      ),
      { seed: 1, numRuns: 3000 },
    );
  });

  it('does not backtrack exponentially on hostile patterns (the test timeout is the bound)', () => {
    expect(matchWildcard('a'.repeat(2000), `${'*a'.repeat(200)}b`)).toBe(false);
    expect(matchWildcard('a'.repeat(2000), `${'*a'.repeat(200)}`)).toBe(true);
  });
});
