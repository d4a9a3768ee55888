/**
 * @seashell/client — the client side of SSH: the sans-IO `ClientConnection` (transport, auth and
 * connection joined). The Node `connect()` and `Client` are in `@seashell/client/node`.
 */
export {
  ClientConnection,
  type ClientConnectionConfig,
  type ClientConnectionEvent,
} from './client-connection.js';
