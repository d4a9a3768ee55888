/** Node adapters of @seashell/server: the `Server` framework and its `Session`. */
export {
  type AuthContext,
  type AuthLogEntry,
  type RemoteInfo,
  Server,
  type ServerOptions,
} from './server.js';
export { type Pty, Session, type SessionContext, shellSplit, type Window } from './session.js';
