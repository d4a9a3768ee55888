/**
 * The process-wide default crypto provider: what a `Transport` without `crypto`, the Node drivers
 * without a `crypto` option, and key operations called without a provider use. Unset, the
 * portable core falls back to `nobleProvider` and the Node drivers to `nodeProvider`.
 */
import { nobleProvider } from './noble.js';
import type { CryptoProvider } from './provider.js';

let configured: CryptoProvider | undefined;

/**
 * Sets (or, with undefined, clears) the provider used wherever none is given.
 * @example
 * import { nodeProvider } from '@seashell/transport/node';
 * setDefaultCryptoProvider(nodeProvider); // keys and transports made anywhere use OpenSSL
 */
export function setDefaultCryptoProvider(provider: CryptoProvider | undefined): void {
  configured = provider;
}

/**
 * The provider set by `setDefaultCryptoProvider`, else `fallback` (the portable `nobleProvider`;
 * the Node drivers pass `nodeProvider`).
 */
export function defaultCryptoProvider(fallback: CryptoProvider = nobleProvider): CryptoProvider {
  return configured ?? fallback;
}
