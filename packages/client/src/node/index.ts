/**
 * Node adapters of @seashell/client: `connect()`, `Client` and `ClientSession`, and `agentAuth()`
 * to authenticate with the keys of an ssh-agent.
 */
export { type AgentAuthOptions, agentAuth, agentKeyMethod } from './agent-auth.js';
export {
  type AuthMethod,
  Client,
  type ConnectOptions,
  connect,
  type GlobalReply,
  type HostKeyInfo,
} from './client.js';
export {
  ClientSession,
  type ExecOptions,
  type ExecResult,
  ExitError,
  type ExitInfo,
  type PtyOptions,
} from './client-session.js';
