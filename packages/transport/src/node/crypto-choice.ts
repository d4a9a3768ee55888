/**
 * Choosing a crypto provider by name, for the programs and the test suite: `SEASHELL_CRYPTO=noble`
 * runs everything on the portable provider, `SEASHELL_CRYPTO=node` on OpenSSL. The library itself
 * never reads the environment; the `seashell` and `seashell-sshd` programs and the test setup do.
 */
import { nobleProvider } from '../crypto/noble.js';
import type { CryptoProvider } from '../crypto/provider.js';
import { nodeProvider } from './crypto-provider.js';

/** The providers by name. */
export const CRYPTO_PROVIDERS = { noble: nobleProvider, node: nodeProvider } as const satisfies Record<
  string,
  CryptoProvider
>;

/**
 * The provider `name` names; undefined for undefined or ''.
 * @throws RangeError for another name.
 * @example
 * setDefaultCryptoProvider(cryptoProviderNamed(process.env.SEASHELL_CRYPTO));
 */
export function cryptoProviderNamed(name: string | undefined): CryptoProvider | undefined {
  if (name === undefined || name === '') return undefined;
  if (!Object.hasOwn(CRYPTO_PROVIDERS, name))
    throw new RangeError(`unknown crypto provider ${JSON.stringify(name)}: choose noble or node`);
  return CRYPTO_PROVIDERS[name as keyof typeof CRYPTO_PROVIDERS];
}
