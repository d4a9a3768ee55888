/**
 * Algorithm lists as ssh_config(5) takes them, checked and resolved by the shared
 * `resolveAlgorithmList` of @seashell/transport, with errors worded as ssh words them.
 */
import {
  ALGORITHM_OPTIONS,
  type AlgorithmOption,
  AlgorithmListError as ListError,
  resolveAlgorithmList as resolve,
} from '@seashell/transport';

export { ALGORITHM_OPTIONS, type AlgorithmOption };

/** A list that names something we do not implement, or leaves nothing. */
export class AlgorithmListError extends Error {}

/**
 * Checks a list without using it (config files are checked line by line, before use).
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
  try {
    return resolve(spec, ALGORITHM_OPTIONS[option]);
  } catch (e) {
    if (!(e instanceof ListError)) throw e;
    const why =
      e.problem === 'unsupported'
        ? `seashell does not support ${e.names.join(',')} (supported: ${e.supported.join(',')})`
        : e.problem === 'empty-name'
          ? 'empty name'
          : 'no algorithms left';
    throw new AlgorithmListError(`Bad ${option} spec '${spec}': ${why}`);
  }
}
