/**
 * Algorithm lists as ssh_config(5) takes them (Ciphers, KexAlgorithms, MACs, HostKeyAlgorithms,
 * PubkeyAcceptedAlgorithms): a comma-separated list replaces the default; `+list` appends to it,
 * `^list` puts names at its head, `-list` removes the names or wildcard patterns it matches. Every
 * name must be one Seashell implements; an unknown one is an error that says what is supported.
 */
import { matchWildcard } from '@seashell/auth';
import {
  CIPHERS,
  DEFAULT_CIPHERS,
  DEFAULT_HOST_KEY_ALGORITHMS,
  DEFAULT_KEX,
  DEFAULT_MACS,
  KEX_METHODS,
  MACS,
  SUPPORTED_SIGNATURE_ALGORITHMS,
} from '@seashell/transport';

/** The algorithm lists ssh_config(5) lets a user set, by the option's name. */
export const ALGORITHM_OPTIONS = {
  Ciphers: { defaults: DEFAULT_CIPHERS, supported: Object.keys(CIPHERS) },
  KexAlgorithms: { defaults: DEFAULT_KEX, supported: Object.keys(KEX_METHODS) },
  MACs: { defaults: DEFAULT_MACS, supported: Object.keys(MACS) },
  HostKeyAlgorithms: { defaults: DEFAULT_HOST_KEY_ALGORITHMS, supported: SUPPORTED_SIGNATURE_ALGORITHMS },
  PubkeyAcceptedAlgorithms: {
    defaults: DEFAULT_HOST_KEY_ALGORITHMS,
    supported: SUPPORTED_SIGNATURE_ALGORITHMS,
  },
} as const satisfies Record<string, { defaults: readonly string[]; supported: readonly string[] }>;
export type AlgorithmOption = keyof typeof ALGORITHM_OPTIONS;

/** A list that names something we do not implement, or leaves nothing. */
export class AlgorithmListError extends Error {}

/**
 * Checks a list without resolving it (config files are checked line by line, before use).
 * @throws AlgorithmListError naming the bad entry and what is supported.
 */
export function checkAlgorithmList(option: AlgorithmOption, spec: string): void {
  resolveAlgorithmList(option, spec);
}

/**
 * The list `spec` asks for, most preferred first.
 * @throws AlgorithmListError for an unsupported name, an empty entry, or an empty result.
 * @example
 * resolveAlgorithmList('Ciphers', '^aes256-ctr'); // ['aes256-ctr', 'chacha20-poly1305@openssh.com', …]
 */
export function resolveAlgorithmList(option: AlgorithmOption, spec: string): string[] {
  const { defaults, supported }: { defaults: readonly string[]; supported: readonly string[] } =
    ALGORITHM_OPTIONS[option];
  const mode = spec[0] === '+' || spec[0] === '-' || spec[0] === '^' ? spec[0] : '';
  const names = (mode ? spec.slice(1) : spec).split(',');
  if (names.some((n) => n === '')) throw new AlgorithmListError(`Bad ${option} spec '${spec}': empty name`);
  let result: string[];
  if (mode === '-') {
    // Removal takes patterns (OpenSSH: match_filter_denylist); nothing to check them against.
    result = defaults.filter((name) => !names.some((pattern) => matchWildcard(name, pattern)));
  } else {
    const unknown = names.filter((n) => !supported.includes(n));
    if (unknown.length > 0) {
      throw new AlgorithmListError(
        `Bad ${option} spec '${spec}': seashell does not support ${unknown.join(',')} (supported: ${supported.join(',')})`,
      );
    }
    const unique = [...new Set(names)];
    if (mode === '+') result = [...defaults, ...unique.filter((n) => !defaults.includes(n))];
    else if (mode === '^') result = [...unique, ...defaults.filter((n) => !unique.includes(n))];
    else result = unique;
  }
  if (result.length === 0) throw new AlgorithmListError(`Bad ${option} spec '${spec}': no algorithms left`);
  return result;
}
