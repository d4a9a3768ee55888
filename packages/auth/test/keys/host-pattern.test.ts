/** ssh_config(5) PATTERNS as known_hosts uses them. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { matchHostPatterns, matchWildcard } from '../../src/keys/host-pattern.js';

describe('host patterns', () => {
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

  it('applies negation to the whole list and ignores case', () => {
    expect(matchHostPatterns('Host.Example.com', ['*.example.com'])).toBe('match');
    expect(matchHostPatterns('bad.example.com', ['*.example.com', '!bad.example.com'])).toBe('negated');
    expect(matchHostPatterns('bad.example.com', ['!bad.example.com'])).toBe('negated');
    expect(matchHostPatterns('other.org', ['*.example.com', '!bad.example.com'])).toBe('none');
    expect(matchHostPatterns('[h]:2222', ['[h]:2222'])).toBe('match');
    expect(matchHostPatterns('h', ['[h]:2222'])).toBe('none');
  });

  it('does not backtrack exponentially on hostile patterns (the test timeout is the bound)', () => {
    expect(matchWildcard('a'.repeat(2000), `${'*a'.repeat(200)}b`)).toBe(false);
    expect(matchWildcard('a'.repeat(2000), `${'*a'.repeat(200)}`)).toBe(true);
  });
});
