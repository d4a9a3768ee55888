/**
 * OpenSSH's `match_pattern` (match.c): `*` matches any run of characters, `?` any one character,
 * everything else itself. Used by known_hosts host patterns, AcceptEnv / SendEnv and the `-`
 * form of algorithm lists.
 */

/**
 * Whether `name` matches `pattern` where `*` is any run of characters and `?` one character.
 * Greedy with one backtrack point, so time is O(|name|·|pattern|) at worst, never exponential.
 */
export function matchWildcard(name: string, pattern: string): boolean {
  let n = 0;
  let p = 0;
  let starP = -1;
  let starN = 0;
  while (n < name.length) {
    if (p < pattern.length && (pattern[p] === '?' || pattern[p] === name[n])) {
      n++;
      p++;
    } else if (p < pattern.length && pattern[p] === '*') {
      starP = p++;
      starN = n;
    } else if (starP >= 0) {
      p = starP + 1;
      n = ++starN;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === '*') p++;
  return p === pattern.length;
}
