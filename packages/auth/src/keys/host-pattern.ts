/**
 * Host pattern lists as known_hosts uses them (sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT"; ssh_config(5)
 * PATTERNS): comma-separated patterns with `*` and `?` wildcards, `!` negating. Names compare
 * case-insensitively.
 */
import { matchWildcard } from '@seashell/transport';

/** How a name fares against a pattern list. */
export type PatternListMatch = 'match' | 'negated' | 'none';

/**
 * `match` when some positive pattern matches and no negated one does; `negated` when a negated
 * pattern matches (the whole line then does not apply, whatever else matches); else `none`.
 */
export function matchHostPatterns(name: string, patterns: readonly string[]): PatternListMatch {
  const lower = name.toLowerCase();
  let matched = false;
  for (const raw of patterns) {
    const negated = raw.startsWith('!');
    const pattern = (negated ? raw.slice(1) : raw).toLowerCase();
    if (!matchWildcard(lower, pattern)) continue;
    if (negated) return 'negated';
    matched = true;
  }
  return matched ? 'match' : 'none';
}
