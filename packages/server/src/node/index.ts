/** Node adapters of @seashell/server: the `Server` framework, its `Session`, and handlers that run real programs. */
export { type ExecHandlerOptions, execHandler, subsystemHandler } from './exec-handler.js';
export type { ProcessSpec } from './process-spec.js';
export {
  type AuthContext,
  type AuthLogEntry,
  type RemoteInfo,
  Server,
  type ServerOptions,
} from './server.js';
export { type Pty, Session, type SessionContext, shellSplit, type Window } from './session.js';
export { currentAccount, DEFAULT_PATH, type LoginAccount, sessionEnvironment } from './session-env.js';
