/**
 * Algorithm lists as OpenSSH's configuration takes them (ssh_config(5) and sshd_config(5)
 * `Ciphers`, `KexAlgorithms`, `MACs`, `HostKeyAlgorithms`, `PubkeyAcceptedAlgorithms`; OpenSSH
 * `kex_assemble_names`):
 *
 * - `a,b`  exactly these, in this order;
 * - `+a,b` the defaults, then these;
 * - `-a*`  the defaults without those matching the patterns (`*` and `?` wildcards);
 * - `^a,b` these first, then the rest of the defaults.
 *
 * A name Seashell does not implement is an error, never silently dropped: an operator would
 * believe a restriction or an addition is in force. Each program words the error its own way.
 */
import { CIPHERS, DEFAULT_CIPHERS, DEFAULT_KEX, DEFAULT_MACS, MACS, SUPPORTED_KEX } from './algorithms.js';
import {
  DEFAULT_HOST_KEY_ALGORITHMS,
  DEFAULT_PUBLIC_KEY_ALGORITHMS,
  SUPPORTED_SIGNATURE_ALGORITHMS,
} from './keys/public-key.js';
import { matchWildcard } from './wildcard.js';

/** One configurable list: its default order and everything implemented. */
export interface AlgorithmListKind {
  readonly defaults: readonly string[];
  readonly supported: readonly string[];
}

/** The algorithm lists OpenSSH's configuration lets a user set, by option name. */
export const ALGORITHM_OPTIONS = {
  Ciphers: { defaults: DEFAULT_CIPHERS, supported: Object.keys(CIPHERS) },
  KexAlgorithms: { defaults: DEFAULT_KEX, supported: SUPPORTED_KEX },
  MACs: { defaults: DEFAULT_MACS, supported: Object.keys(MACS) },
  HostKeyAlgorithms: { defaults: DEFAULT_HOST_KEY_ALGORITHMS, supported: SUPPORTED_SIGNATURE_ALGORITHMS },
  // Certificates first, as OpenSSH's PubkeyAcceptedAlgorithms default.
  PubkeyAcceptedAlgorithms: {
    defaults: DEFAULT_PUBLIC_KEY_ALGORITHMS,
    supported: SUPPORTED_SIGNATURE_ALGORITHMS,
  },
} as const satisfies Record<string, AlgorithmListKind>;
export type AlgorithmOption = keyof typeof ALGORITHM_OPTIONS;

/** What is wrong with a list: an empty name, names we do not implement, or nothing left. */
export class AlgorithmListError extends Error {
  override readonly name = 'AlgorithmListError';
  readonly problem: 'empty-name' | 'unsupported' | 'empty-result';
  /** The unsupported names (for `unsupported`). */
  readonly names: readonly string[];
  readonly supported: readonly string[];
  constructor(
    problem: AlgorithmListError['problem'],
    spec: string,
    names: readonly string[],
    supported: readonly string[],
  ) {
    super(
      problem === 'unsupported'
        ? `not supported: ${names.join(', ')}; supported: ${supported.join(',')}`
        : problem === 'empty-name'
          ? `empty name in "${spec}"`
          : `"${spec}" leaves no algorithm`,
    );
    this.problem = problem;
    this.names = names;
    this.supported = supported;
  }
}

/**
 * The list `spec` asks for, most preferred first.
 * @throws AlgorithmListError
 * @example
 * resolveAlgorithmList('^aes256-ctr', ALGORITHM_OPTIONS.Ciphers); // ['aes256-ctr', 'chacha20-poly1305@openssh.com', …]
 */
export function resolveAlgorithmList(spec: string, kind: AlgorithmListKind): string[] {
  const first = spec[0] ?? '';
  const prefix = '+-^'.includes(first) ? first : '';
  const names = spec
    .slice(prefix.length)
    .split(',')
    .map((n) => n.trim());
  if (names.some((n) => n === '')) throw new AlgorithmListError('empty-name', spec, [], kind.supported);
  let result: string[];
  if (prefix === '-') {
    // Removal takes patterns (OpenSSH match_filter_denylist): there is nothing to check them against.
    result = kind.defaults.filter((name) => !names.some((pattern) => matchWildcard(name, pattern)));
  } else {
    const unknown = names.filter((n) => !kind.supported.includes(n));
    if (unknown.length > 0) throw new AlgorithmListError('unsupported', spec, unknown, kind.supported);
    if (prefix === '+') result = [...kind.defaults, ...names.filter((n) => !kind.defaults.includes(n))];
    else if (prefix === '^') result = [...names, ...kind.defaults.filter((n) => !names.includes(n))];
    else result = names;
  }
  result = [...new Set(result)];
  if (result.length === 0) throw new AlgorithmListError('empty-result', spec, [], kind.supported);
  return result;
}
