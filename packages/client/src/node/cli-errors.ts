/**
 * One line a person understands for each way a connection fails, worded as ssh(1) words it, so
 * that people and scripts that know ssh's messages recognise ours. Text that came from the peer
 * is already sanitised by the layers below; every line is sanitised again on the way out.
 */
import { AuthenticationError } from '@seashell/auth';
import {
  AlgorithmNegotiationError,
  disconnectReasonName,
  SshConnectionLostError,
  SshDisconnectError,
  SshProtocolError,
  sanitizeText,
  TimeoutError,
} from '@seashell/transport';

/** strerror(3) wording for the socket errors people meet. */
const SOCKET_ERRORS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'Connection refused',
  ECONNRESET: 'Connection reset by peer',
  ETIMEDOUT: 'Connection timed out',
  EHOSTUNREACH: 'No route to host',
  ENETUNREACH: 'Network is unreachable',
  EADDRNOTAVAIL: 'Cannot assign requested address',
  EACCES: 'Permission denied',
  EPIPE: 'Broken pipe',
};

/** A socket error as `connect to host H port P: Connection refused` (or the resolver's failure). */
export function describeSocketError(error: NodeJS.ErrnoException, host: string, port: number): string {
  if (error.code === 'ENOTFOUND' || error.code === 'EAI_NONAME')
    return `seashell: Could not resolve hostname ${host}: Name or service not known`;
  if (error.code === 'EAI_AGAIN')
    return `seashell: Could not resolve hostname ${host}: Temporary failure in name resolution`;
  const text = (error.code && SOCKET_ERRORS[error.code]) ?? error.message;
  return `seashell: connect to host ${host} port ${port}: ${text}`;
}

/** OpenSSH's names for the algorithm kinds in "no matching … found". */
function kindName(kind: string): string {
  if (kind.startsWith('key exchange')) return 'key exchange method';
  if (kind.startsWith('host key')) return 'host key type';
  if (kind.startsWith('cipher')) return 'cipher';
  if (kind.startsWith('MAC')) return 'MAC';
  if (kind.startsWith('compression')) return 'compression method';
  return kind;
}

/** The message for an error from the handshake, authentication or a broken connection. */
export function describeConnectionError(error: unknown, user: string, host: string, port: number): string {
  return sanitizeText(describe(error, user, host, port), 4096);
}

function describe(error: unknown, user: string, host: string, port: number): string {
  if (error instanceof AuthenticationError)
    return `${user}@${host}: Permission denied (${error.methodsLeft.join(',') || 'none'}).`;
  if (error instanceof AlgorithmNegotiationError)
    return `Unable to negotiate with ${host} port ${port}: no matching ${kindName(error.kind)} found. Their offer: ${error.theirs.join(',')}`;
  if (error instanceof SshDisconnectError) {
    const desc = error.description ? `: ${error.description}` : '';
    return `Received disconnect from ${host} port ${port}:${error.reason}${desc}\nDisconnected from ${host} port ${port} (${disconnectReasonName(error.reason)})`;
  }
  if (error instanceof TimeoutError)
    return `seashell: connect to host ${host} port ${port}: ${error.message}`;
  if (error instanceof SshConnectionLostError) return `Connection closed by ${host} port ${port}`;
  if (error instanceof SshProtocolError) return `seashell: ${host} port ${port}: ${error.message}`;
  if (error instanceof Error && 'code' in error && error.code === 'ERR_SSH_CLOSED')
    return `Connection closed by ${host} port ${port}`;
  return `seashell: ${error instanceof Error ? error.message : String(error)}`;
}
