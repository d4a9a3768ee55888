export { readModuliFile, SYSTEM_MODULI_FILE } from './moduli.js';
export { type DrivenCore, SocketDriver, type SocketDriverOptions } from './socket-driver.js';
