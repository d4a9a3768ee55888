/**
 * @seashell/server — the server side of SSH: the sans-IO `ServerConnection` (transport, auth and
 * connection joined). The Node `Server` framework is in `@seashell/server/node`.
 */
export {
  ServerConnection,
  type ServerConnectionConfig,
  type ServerConnectionEvent,
} from './server-connection.js';
