export { type DrivenCore, SocketDriver, type SocketDriverOptions } from './socket-driver.js';
