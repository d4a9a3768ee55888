export { CRYPTO_PROVIDERS, cryptoProviderNamed } from './crypto-choice.js';
export { nodeProvider } from './crypto-provider.js';
export { readModuliFile, SYSTEM_MODULI_FILE } from './moduli.js';
export { type DrivenCore, SocketDriver, type SocketDriverOptions } from './socket-driver.js';
