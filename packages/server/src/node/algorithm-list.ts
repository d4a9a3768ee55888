/**
 * Algorithm lists as sshd_config(5) takes them, resolved by the shared `resolveAlgorithmList` of
 * @seashell/transport, with errors prefixed by the keyword as sshd reports them.
 */
import { AlgorithmListError as ListError, resolveAlgorithmList as resolve } from '@seashell/transport';

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
  try {
    return resolve(value, kind);
  } catch (e) {
    if (e instanceof ListError) throw new AlgorithmListError(`${kind.keyword}: ${e.message}`);
    throw e;
  }
}
