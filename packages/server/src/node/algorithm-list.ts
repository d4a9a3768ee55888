/**
 * Algorithm lists as sshd_config(5) takes them (`Ciphers`, `KexAlgorithms`, `MACs`,
 * `HostKeyAlgorithms`, `PubkeyAcceptedAlgorithms`; OpenSSH `kex_assemble_names`):
 *
 * - `a,b`  exactly these, in this order;
 * - `+a,b` the defaults, then these;
 * - `-a*`  the defaults without those matching the patterns (`*` and `?` wildcards);
 * - `^a,b` these first, then the rest of the defaults.
 *
 * A name we do not implement is an error that lists what we do: silently dropping it would
 * leave an operator believing a restriction or an addition is in force.
 */
import { matchesAnyPattern } from './match-pattern.js';

/** One kind of algorithm: its sshd_config keyword, default order and everything implemented. */
export interface AlgorithmKind {
  readonly keyword: string;
  readonly defaults: readonly string[];
  readonly supported: readonly string[];
}

/** A bad algorithm list; the message is for the operator. */
export class AlgorithmListError extends Error {
  override readonly name = 'AlgorithmListError';
}

/**
 * Resolves an sshd_config algorithm list against `kind`.
 * @throws AlgorithmListError on an unknown name, an empty name or an empty result.
 * @example
 * resolveAlgorithmList('-*-gcm@openssh.com', ciphers); // the default ciphers without AES-GCM
 */
export function resolveAlgorithmList(value: string, kind: AlgorithmKind): string[] {
  const first = value[0] ?? '';
  const prefix = '+-^'.includes(first) ? first : '';
  const names = value.slice(prefix.length).split(',');
  if (names.some((n) => n.trim() === ''))
    throw new AlgorithmListError(`${kind.keyword}: empty name in "${value}"`);
  const trimmed = names.map((n) => n.trim());
  let result: string[];
  if (prefix === '-') {
    result = kind.defaults.filter((name) => !matchesAnyPattern(name, trimmed));
  } else {
    const unknown = trimmed.filter((n) => !kind.supported.includes(n));
    if (unknown.length > 0) {
      throw new AlgorithmListError(
        `${kind.keyword}: not supported: ${unknown.join(', ')}; supported: ${kind.supported.join(',')}`,
      );
    }
    if (prefix === '+') result = [...kind.defaults, ...trimmed.filter((n) => !kind.defaults.includes(n))];
    else if (prefix === '^') result = [...trimmed, ...kind.defaults.filter((n) => !trimmed.includes(n))];
    else result = trimmed;
  }
  result = [...new Set(result)];
  if (result.length === 0) throw new AlgorithmListError(`${kind.keyword}: "${value}" leaves no algorithm`);
  return result;
}
