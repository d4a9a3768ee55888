/**
 * OpenSSH's `match_pattern` (match.c) as sshd_config uses it in `AcceptEnv` and in `-` algorithm
 * lists: `*` matches any run of characters, `?` any one character, everything else itself.
 */

/** A pattern as an anchored RegExp. */
export function patternToRegExp(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 's');
}

/**
 * Whether `name` matches one of `patterns`.
 * @example
 * matchesAnyPattern('LC_ALL', ['LANG', 'LC_*']); // true
 */
export function matchesAnyPattern(name: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => patternToRegExp(p).test(name));
}
