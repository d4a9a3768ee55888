/**
 * The SSH server framework for Node, in the style of gliderlabs/ssh: a `Server` with handlers for
 * authentication, sessions and subsystems; each accepted socket runs a `ServerConnection` core
 * through a `SocketDriver`.
 *
 * @example
 * const server = new Server({
 *   hostKeys: [generateEd25519Key()],
 *   passwordHandler: (ctx, password) => ctx.user === 'demo' && password === 'secret',
 *   handler: async (session) => {
 *     session.stdout.write(`hello ${session.user}\n`);
 *     await session.exit(0);
 *   },
 * });
 * await server.listen(2222, '127.0.0.1');
 */
import { createServer, type Server as NetServer, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { CertChecker, type Permissions } from '@seashell/auth';
import {
  type AlgorithmPreferences,
  type Certificate,
  CertifiedPrivateKey,
  type CryptoProvider,
  type DhGroup,
  type PrivateKey,
  type PublicKey,
  type SshError,
} from '@seashell/transport';
import { ServerConnectionHandler } from './connection-handler.js';
import type { Pty, Session } from './session.js';

/** Who is trying to log in, for the auth handlers. */
export interface AuthContext {
  readonly user: string;
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly clientVersion: string;
}

type MaybePromise<T> = T | Promise<T>;

/**
 * An auth handler's answer: accept (`true`, nothing restricted), refuse (`false`), or accept with
 * these `Permissions` (x/crypto's `*Permissions`). Whatever the method, `source-address` and
 * `from=` in the permissions are enforced against the client's address.
 */
export type AuthAnswer = boolean | Permissions;

export interface ServerOptions {
  /** Host keys, one per type (at least one). */
  readonly hostKeys: readonly PrivateKey[];
  /** Runs a session once the client asked for a shell or a command. */
  readonly handler?: (session: Session) => MaybePromise<void>;
  /** Subsystem handlers by name (RFC 4254 §6.5), e.g. `sftp`. */
  readonly subsystemHandlers?: Readonly<Record<string, (session: Session) => MaybePromise<void>>>;
  /** Password authentication (RFC 4252 §8); absent: the method is not offered. */
  readonly passwordHandler?: (ctx: AuthContext, password: string) => MaybePromise<AuthAnswer>;
  /**
   * Public key authentication (RFC 4252 §7); absent (and no certificate authority): the method is
   * not offered. Sees certificates too when `certChecker` refused them (authorized_keys
   * `cert-authority` lines are decided here).
   */
  readonly publicKeyHandler?: (ctx: AuthContext, key: PublicKey) => MaybePromise<AuthAnswer>;
  /**
   * Decides user certificates first (their CA, validity, the login name among the principals,
   * critical options, revocation); its permissions become the session's.
   */
  readonly certChecker?: CertChecker;
  /**
   * CA keys trusted to sign user certificates (sshd TrustedUserCAKeys): the login name must be a
   * listed principal. A shorthand for a `certChecker` with `isUserAuthority`; not with one.
   */
  readonly trustedUserCAKeys?: readonly PublicKey[];
  /**
   * Revoked keys (sshd RevokedKeys), asked about every key offered, certificates included,
   * before anything else: e.g. `(key) => krl.isRevoked(key)`. A throw counts as revoked.
   */
  readonly isRevoked?: (key: PublicKey) => MaybePromise<boolean>;
  /**
   * Host certificates (sshd HostCertificate), each served with the host key it certifies; their
   * algorithms are offered first, as OpenSSH does.
   */
  readonly hostCertificates?: readonly Certificate[];
  /** Accept a `none` login (an open server); default false. */
  readonly allowAnonymous?: boolean;
  /** Decides a pty request (default: allowed). */
  readonly ptyCallback?: (session: Session, pty: Pty) => MaybePromise<boolean>;
  /** Decides each session request before it is honoured (default: allowed). */
  readonly sessionRequestCallback?: (session: Session, requestType: string) => MaybePromise<boolean>;
  /** Sent as SSH_MSG_USERAUTH_BANNER (RFC 4252 §5.4). */
  readonly banner?: string;
  /** The softwareversion of our version line. */
  readonly version?: string;
  readonly algorithms?: AlgorithmPreferences;
  /** Signature algorithms accepted for publickey authentication (OpenSSH PubkeyAcceptedAlgorithms). */
  readonly publicKeyAlgorithms?: readonly string[];
  /** OpenSSH MaxAuthTries (default 6). */
  readonly maxAuthTries?: number;
  /** OpenSSH LoginGraceTime in milliseconds (default 120 000; 0: none). */
  readonly loginGraceTimeMs?: number;
  /** Close a connection with no traffic for this long (milliseconds; default: never). */
  readonly idleTimeoutMs?: number;
  /** Close a connection after this long whatever it does (milliseconds; default: never). */
  readonly maxTimeoutMs?: number;
  /** Re-exchange keys after this many bytes (default 1 GiB). */
  readonly rekeyBytes?: number;
  /**
   * Groups for diffie-hellman-group-exchange (RFC 4419). Default: those of /etc/ssh/moduli when it
   * can be read (`readModuliFile` of `@seashell/transport/node`), else the RFC 3526 groups.
   */
  readonly moduli?: readonly DhGroup[];
  /** Sees every new socket; return false to drop it. */
  readonly connCallback?: (socket: Duplex, info: RemoteInfo) => boolean;
  /** Told when a connection ends with an error. */
  readonly connectionFailedCallback?: (info: RemoteInfo, error: SshError | Error) => void;
  /** Told of every authentication attempt (for audit logs). */
  readonly authLogCallback?: (entry: AuthLogEntry) => void;
  /**
   * The crypto provider of every connection: ciphers, MACs, key exchange, host key signatures and
   * the check of publickey signatures. Default: the process default if one was set
   * (`setDefaultCryptoProvider`), else `nodeProvider` (OpenSSL).
   */
  readonly crypto?: CryptoProvider;
}

function certifiedHostKey(cert: Certificate, keys: readonly PrivateKey[]): PrivateKey {
  if (cert.certType !== 'host')
    throw new TypeError(`host certificate ${JSON.stringify(cert.keyId)} is a user certificate`);
  const key = keys.find((k) => k.publicKey.equals(cert.key));
  if (!key)
    throw new TypeError(
      `no host key for the ${cert.key.type} host certificate ${JSON.stringify(cert.keyId)}`,
    );
  return new CertifiedPrivateKey(key, cert);
}

export interface RemoteInfo {
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localAddress: string;
  readonly localPort: number;
}

export interface AuthLogEntry extends RemoteInfo {
  readonly user: string;
  readonly method: string;
  readonly success: boolean;
  readonly reason?: string;
}

export class Server {
  readonly options: ServerOptions;
  readonly #connections = new Set<ServerConnectionHandler>();
  #net: NetServer | undefined;
  #closing = false;

  /** The host keys the transport serves: the keys, then each certificate with its key. */
  readonly hostKeys: readonly PrivateKey[];
  /** `certChecker`, or the one `trustedUserCAKeys` makes. */
  readonly certChecker: CertChecker | undefined;

  constructor(options: ServerOptions) {
    if (!options.hostKeys.length) throw new TypeError('a server needs at least one host key');
    const canPublicKey = options.publicKeyHandler || options.certChecker || options.trustedUserCAKeys?.length;
    if (!options.passwordHandler && !canPublicKey && !options.allowAnonymous) {
      throw new TypeError(
        'no authentication handler: set passwordHandler, publicKeyHandler, certChecker or allowAnonymous',
      );
    }
    if (options.certChecker && options.trustedUserCAKeys)
      throw new TypeError('give certChecker or trustedUserCAKeys, not both');
    this.options = options;
    this.hostKeys = [
      ...options.hostKeys,
      ...(options.hostCertificates ?? []).map((c) => certifiedHostKey(c, options.hostKeys)),
    ];
    const cas = options.trustedUserCAKeys;
    this.certChecker =
      options.certChecker ??
      (cas?.length
        ? new CertChecker({
            now: Date.now,
            isUserAuthority: (ca) => cas.some((k) => k.equals(ca)),
            ...(options.isRevoked ? { isRevoked: options.isRevoked } : {}),
          })
        : undefined);
  }

  /** Listens on `host:port` (default 127.0.0.1) and resolves with the bound address. */
  listen(port: number, host = '127.0.0.1'): Promise<{ address: string; port: number }> {
    const net = createServer((socket) => this.handleSocket(socket));
    this.#net = net;
    return new Promise((resolve, reject) => {
      net.once('error', reject);
      net.listen(port, host, () => {
        net.off('error', reject);
        const a = net.address();
        if (a && typeof a === 'object') resolve({ address: a.address, port: a.port });
        else reject(new Error('no address'));
      });
    });
  }

  /** Serves one connection on a socket accepted elsewhere. */
  handleSocket(socket: Socket): void {
    this.handleStream(socket, {
      remoteAddress: socket.remoteAddress ?? '',
      remotePort: socket.remotePort ?? 0,
      localAddress: socket.localAddress ?? '',
      localPort: socket.localPort ?? 0,
    });
  }

  /** Serves one connection over any duplex stream (a pipe, `sshd -i` style stdio). */
  handleStream(stream: Duplex, info: RemoteInfo): void {
    if (this.#closing || (this.options.connCallback && !this.options.connCallback(stream, info))) {
      stream.destroy();
      return;
    }
    (stream as Partial<Socket>).setNoDelay?.(true);
    const handler = new ServerConnectionHandler(this, stream, info, () => this.#connections.delete(handler));
    this.#connections.add(handler);
  }

  /** Open connections. */
  get connectionCount(): number {
    return this.#connections.size;
  }

  /** Stops accepting and waits for the open connections to end on their own. */
  async close(): Promise<void> {
    this.#closing = true;
    await new Promise<void>((resolve) => (this.#net ? this.#net.close(() => resolve()) : resolve()));
    await Promise.all([...this.#connections].map((c) => c.done));
  }

  /** Stops accepting and disconnects every connection now. */
  async shutdown(): Promise<void> {
    this.#closing = true;
    const closed = new Promise<void>((resolve) => (this.#net ? this.#net.close(() => resolve()) : resolve()));
    for (const c of this.#connections) c.disconnect('server shutting down');
    await Promise.all([closed, ...[...this.#connections].map((c) => c.done)]);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.shutdown();
  }
}
