/** Node-only adapters of @seashell/auth: the ssh-agent client and server on unix sockets. */

export { AgentServer, type ListenAgentOptions, listenAgent } from './agent-server.js';
export {
  AgentNotPresentError,
  agentSocketPath,
  type ConnectAgentOptions,
  connectAgent,
  SocketAgentTransport,
} from './agent-socket.js';
