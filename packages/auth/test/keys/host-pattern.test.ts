/** ssh_config(5) PATTERNS as known_hosts uses them. */
import { describe, expect, it } from 'vitest';
import { matchHostPatterns } from '../../src/keys/host-pattern.js';

describe('host patterns', () => {
  it('applies negation to the whole list and ignores case', () => {
    expect(matchHostPatterns('Host.Example.com', ['*.example.com'])).toBe('match');
    expect(matchHostPatterns('bad.example.com', ['*.example.com', '!bad.example.com'])).toBe('negated');
    expect(matchHostPatterns('bad.example.com', ['!bad.example.com'])).toBe('negated');
    expect(matchHostPatterns('other.org', ['*.example.com', '!bad.example.com'])).toBe('none');
    expect(matchHostPatterns('[h]:2222', ['[h]:2222'])).toBe('match');
    expect(matchHostPatterns('h', ['[h]:2222'])).toBe('none');
  });
});
