/**
 * The SSH client for Node, in the style of x/crypto/ssh: `connect()` resolves with a `Client` once
 * the server's host key was accepted and the user authenticated; the client runs commands and
 * opens sessions over one connection.
 *
 * @example
 * await using client = await connect({
 *   host: 'example.com',
 *   username: 'deploy',
 *   auth: [{ type: 'publickey', key }],
 *   hostKey: (key) => fingerprintSha256(key) === 'SHA256:…',
 * });
 * const { stdout, exitStatus } = await client.exec('uname -a');
 */
import { connect as netConnect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { ClientAuthMethod } from '@seashell/auth';
import type { ConnectionCore } from '@seashell/connection';
import { type ChannelHost, ChannelStream } from '@seashell/connection/node';
import {
  type AlgorithmPreferences,
  type Certificate,
  CertifiedPrivateKey,
  type CryptoProvider,
  DisconnectReason,
  defaultCryptoProvider,
  type Negotiated,
  type PrivateKey,
  type PublicKey,
  parsePublicKey,
  plainSignatureAlgorithm,
  SshError,
  sanitizeText,
  TimeoutError,
} from '@seashell/transport';
import { nodeProvider, SocketDriver } from '@seashell/transport/node';
import { ClientConnection, type ClientConnectionEvent } from '../client-connection.js';
import { ClientSession, type ExecOptions, type ExecResult } from './client-session.js';

type MaybePromise<T> = T | Promise<T>;

/** Banners longer than this are cut (OpenSSH's regress sends up to 10000 bytes). */
const MAX_BANNER_LENGTH = 64 * 1024;

/** The server's answer to a global request. */
export interface GlobalReply {
  readonly ok: boolean;
  /** Response data of REQUEST_SUCCESS (empty on failure). */
  readonly data: Uint8Array;
}

/** A way to authenticate, tried in the order given (after `none`). */
export type AuthMethod =
  | {
      readonly type: 'password';
      readonly password: string | (() => MaybePromise<string | undefined>);
      readonly attempts?: number;
    }
  /**
   * An in-memory key; with `certificate` (an OpenSSH user certificate of that key) the
   * certificate is offered, under its algorithm (`ssh-ed25519-cert-v01@openssh.com`).
   */
  | { readonly type: 'publickey'; readonly key: PrivateKey; readonly certificate?: Certificate }
  /**
   * A key held elsewhere (an agent, a token): `sign` returns the signature blob. `publicKey` may
   * be a certificate; `sign` is then asked for the plain algorithm (`rsa-sha2-512`, not its
   * certificate name), as an agent expects.
   */
  | {
      readonly type: 'publickey';
      readonly publicKey: PublicKey;
      readonly sign: (data: Uint8Array, algorithm: string) => MaybePromise<Uint8Array>;
    };

export interface HostKeyInfo {
  readonly host: string;
  readonly port: number;
  /** The negotiated host key algorithm. */
  readonly algorithm: string;
}

export interface ConnectOptions {
  readonly host?: string;
  readonly port?: number;
  /** An already connected stream (a jump host's channel, a child's stdio); `host` is then a label. */
  readonly sock?: Duplex;
  readonly username: string;
  readonly auth?: readonly AuthMethod[];
  /** Decides whether the server's host key is trusted. Required: there is no trust-all default. */
  readonly hostKey: (key: PublicKey, info: HostKeyInfo) => MaybePromise<boolean>;
  readonly algorithms?: AlgorithmPreferences;
  /** The softwareversion of our version line. */
  readonly version?: string;
  readonly rekeyBytes?: number;
  /** Time for TCP connect, key exchange and authentication together (milliseconds; default 60 s). */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /** The server's USERAUTH_BANNER, already sanitised (CR LF as LF, control characters escaped). */
  readonly onBanner?: (message: string) => void;
  /** A key exchange finished (`first` for the initial one): the algorithms in use. */
  readonly onKex?: (negotiated: Negotiated, first: boolean) => void;
  /** Lines the server sent before its version line. */
  readonly onPreamble?: (lines: readonly string[]) => void;
  /**
   * The crypto provider of this connection: ciphers, MACs, key exchange, host key verification
   * and signing with an in-memory `publickey` key. Default: the process default if one was set
   * (`setDefaultCryptoProvider`), else `nodeProvider` (OpenSSL).
   */
  readonly crypto?: CryptoProvider;
}

/** Connects, checks the host key, authenticates. Rejects with a typed SshError. */
export async function connect(options: ConnectOptions): Promise<Client> {
  if (typeof options.hostKey !== 'function') throw new TypeError('connect() needs a hostKey callback');
  for (const m of options.auth ?? []) {
    if (m.type === 'publickey' && 'key' in m && m.certificate && !m.certificate.key.equals(m.key.publicKey))
      throw new TypeError('the certificate is for another key than the one given with it');
  }
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 22;
  const sock = options.sock ?? (await tcpConnect(host, port, options));
  const client = new Client(sock, options, host, port);
  try {
    await client.ready(options.timeoutMs ?? 60_000, options.signal);
  } catch (e) {
    client.destroy();
    throw e;
  }
  return client;
}

function tcpConnect(host: string, port: number, options: ConnectOptions): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new TimeoutError(`connecting to ${host} port ${port} timed out`));
    }, options.timeoutMs ?? 60_000);
    const onAbort = () => {
      socket.destroy();
      reject(options.signal!.reason);
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      socket.setNoDelay(true);
      resolve(socket);
    });
    socket.once('error', (e) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      reject(new SshError('ERR_SSH_CONNECT', `connect to ${host} port ${port}: ${e.message}`, { cause: e }));
    });
  });
}

export class Client implements ChannelHost {
  readonly #core: ClientConnection;
  readonly #driver: SocketDriver;
  readonly #options: ConnectOptions;
  readonly #host: string;
  readonly #port: number;
  readonly #methods: AuthMethod[];
  readonly #crypto: CryptoProvider;
  readonly #sessions = new Map<number, ClientSession>();
  readonly #opening = new Map<number, { resolve: (s: ClientSession) => void; reject: (e: Error) => void }>();
  #ready: { resolve: () => void; reject: (e: Error) => void } | undefined;
  #closedError: Error | undefined;
  #isClosed = false;
  readonly #closedWaiters: (() => void)[] = [];
  readonly #globalReplies: { resolve: (r: GlobalReply) => void; reject: (e: Error) => void }[] = [];
  /** The server's host key, once accepted. */
  hostKey: PublicKey | undefined;

  constructor(sock: Duplex, options: ConnectOptions, host: string, port: number) {
    this.#options = options;
    this.#host = host;
    this.#port = port;
    // A key with its certificate signs as the certificate (the plain key does the signing).
    this.#methods = (options.auth ?? []).map((m) =>
      m.type === 'publickey' && 'key' in m && m.certificate
        ? { type: 'publickey', key: new CertifiedPrivateKey(m.key, m.certificate) }
        : m,
    );
    this.#crypto = options.crypto ?? defaultCryptoProvider(nodeProvider);
    const methods: ClientAuthMethod[] = this.#methods.map((m) =>
      m.type === 'password'
        ? { type: 'password', ...(m.attempts !== undefined ? { attempts: m.attempts } : {}) }
        : { type: 'publickey', publicKey: 'key' in m ? m.key.publicKey : m.publicKey },
    );
    this.#core = new ClientConnection({
      user: options.username,
      methods,
      transport: {
        crypto: this.#crypto,
        ...(options.algorithms ? { algorithms: options.algorithms } : {}),
        ...(options.version ? { softwareVersion: options.version } : {}),
        ...(options.rekeyBytes ? { rekeyBytes: options.rekeyBytes } : {}),
      },
    });
    this.#driver = new SocketDriver(sock, this.#core, {
      onEvents: () => this.#onEvents(),
      onSocketClosed: (e) => this.#onClosed(e),
    });
  }

  // ---- ChannelHost ----

  get connection(): ConnectionCore {
    const c = this.#core.connection;
    if (!c) throw new SshError('ERR_SSH_NOT_CONNECTED', 'not authenticated yet');
    return c;
  }

  service(): void {
    this.#driver.service();
  }

  whenWritable(callback: () => void): void {
    this.#driver.whenWritable(callback);
  }

  // ---- public API ----

  /** The server's version line. */
  get serverVersion(): string {
    return this.#core.transport.peerVersion;
  }

  /** True once the connection has ended. */
  get closed(): boolean {
    return this.#isClosed;
  }

  /** Resolves when the connection ends (with the error that ended it, if any). */
  wait(): Promise<Error | undefined> {
    if (this.#isClosed) return Promise.resolve(this.#closedError);
    return new Promise((resolve) => this.#closedWaiters.push(() => resolve(this.#closedError)));
  }

  /** Opens a session channel (RFC 4254 §6.1). */
  session(): Promise<ClientSession> {
    if (this.#isClosed)
      return Promise.reject(this.#closedError ?? new SshError('ERR_SSH_CLOSED', 'connection closed'));
    const id = this.connection.openChannel('session');
    this.service();
    return new Promise((resolve, reject) => this.#opening.set(id, { resolve, reject }));
  }

  /**
   * Runs a command and collects its output, like x/crypto's `Output`: resolves with stdout,
   * stderr and the exit status (or signal) whatever the status is.
   */
  async exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    const session = await this.session();
    return session.run(command, options);
  }

  /**
   * Sends a global request with want_reply (RFC 4254 §4) and resolves with the answer; a server
   * answers requests it does not know with failure, which is what keepalives rely on.
   */
  globalRequest(name: string, data?: Uint8Array): Promise<GlobalReply> {
    if (this.#isClosed)
      return Promise.reject(this.#closedError ?? new SshError('ERR_SSH_CLOSED', 'connection closed'));
    this.connection.sendGlobalRequest(name, true, data);
    this.service();
    return new Promise((resolve, reject) => this.#globalReplies.push({ resolve, reject }));
  }

  /** Asks for a key re-exchange now (RFC 4253 §9). */
  rekey(): void {
    this.#core.transport.rekey();
    this.service();
  }

  /** Sends DISCONNECT and waits for the socket to close. */
  async close(): Promise<void> {
    if (!this.#isClosed) {
      this.#core.disconnect(DisconnectReason.BY_APPLICATION, 'disconnected by user');
      this.#driver.end();
    }
    await this.wait();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** @internal */
  destroy(): void {
    this.#core.disconnect(DisconnectReason.BY_APPLICATION, '');
    this.#driver.end();
    this.#driver.socket.destroy();
  }

  /** @internal Resolves once authenticated. */
  ready(timeoutMs: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (this.#isClosed)
        return reject(this.#closedError ?? new SshError('ERR_SSH_CLOSED', 'connection closed'));
      const timer = setTimeout(
        () => reject(new TimeoutError('SSH handshake and authentication timed out')),
        timeoutMs,
      );
      const onAbort = () => reject(signal!.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      this.#ready = {
        resolve: () => {
          done();
          resolve();
        },
        reject: (e) => {
          done();
          reject(e);
        },
      };
    });
  }

  // ---- events ----

  #onEvents(): void {
    for (let e = this.#core.nextEvent(); e; e = this.#core.nextEvent()) this.#onEvent(e);
  }

  #onEvent(e: ClientConnectionEvent): void {
    switch (e.type) {
      case 'version':
        if (e.preamble.length) this.#options.onPreamble?.(e.preamble);
        return;
      case 'host-key':
        this.#checkHostKey(e.hostKey, e.algorithm);
        return;
      case 'banner':
        // RFC 4252 §5.4: the client should filter control characters before displaying.
        this.#options.onBanner?.(sanitizeText(e.message.replaceAll('\r\n', '\n'), MAX_BANNER_LENGTH));
        return;
      case 'kex-done':
        this.#options.onKex?.(e.negotiated, e.first);
        return;
      case 'password':
        this.#password(e.id, e.attempt);
        return;
      case 'sign':
        this.#sign(e.id, e.publicKey, e.algorithm, e.data);
        return;
      case 'auth-success':
        this.#ready?.resolve();
        this.#ready = undefined;
        return;
      case 'auth-failure':
        this.#ready?.reject(e.error);
        this.#ready = undefined;
        return;
      case 'closed':
        this.#driver.end();
        this.#onClosed(e.error);
        return;
      case 'channel-open-confirmed': {
        const pending = this.#opening.get(e.channelId);
        this.#opening.delete(e.channelId);
        if (!pending) return;
        const session = new ClientSession(this, new ChannelStream(this, e.channelId, 'readable'));
        this.#sessions.set(e.channelId, session);
        pending.resolve(session);
        return;
      }
      case 'channel-open-failed':
        this.#opening.get(e.channelId)?.reject(e.error);
        this.#opening.delete(e.channelId);
        return;
      case 'channel-data':
        this.#sessions.get(e.channelId)?.stream.onData(e.data, e.extendedType);
        return;
      case 'channel-eof':
        this.#sessions.get(e.channelId)?.stream.onEof();
        return;
      case 'channel-writable':
        this.#sessions.get(e.channelId)?.stream.onWritable();
        return;
      case 'channel-request':
        this.#sessions.get(e.channelId)?.onRequest(e.request);
        if (e.wantReply) this.connection.answerRequest(e.channelId, false);
        return;
      case 'channel-reply':
        this.#sessions.get(e.channelId)?.onReply(e.ok);
        return;
      case 'channel-close': {
        const s = this.#sessions.get(e.channelId);
        this.#sessions.delete(e.channelId);
        s?.onClose();
        return;
      }
      case 'global-request':
        if (e.wantReply) this.connection.answerGlobalRequest(false);
        return;
      case 'global-reply':
        this.#globalReplies.shift()?.resolve({ ok: e.ok, data: e.data.slice() });
        return;
      default:
        return;
    }
  }

  #checkHostKey(blob: Uint8Array, algorithm: string): void {
    let key: PublicKey;
    try {
      key = parsePublicKey(blob);
    } catch {
      this.#core.rejectHostKey('unsupported host key');
      this.service();
      return;
    }
    Promise.resolve()
      .then(() => this.#options.hostKey(key, { host: this.#host, port: this.#port, algorithm }))
      .then(
        (ok) => {
          // CVE-2025-26465 lesson: anything but an explicit true fails closed.
          if (ok === true) {
            this.hostKey = key;
            this.#core.acceptHostKey();
          } else this.#core.rejectHostKey('host key verification failed');
          this.service();
        },
        (error: unknown) => {
          this.#ready?.reject(error instanceof Error ? error : new Error(String(error)));
          this.#ready = undefined;
          this.#core.rejectHostKey('host key verification failed');
          this.service();
        },
      );
  }

  #password(id: number, attempt: number): void {
    const method = this.#methods.find((m) => m.type === 'password');
    const supply = method?.password;
    Promise.resolve()
      .then(() => (typeof supply === 'function' ? supply() : attempt === 1 ? supply : undefined))
      .then(
        (password) => this.#core.answerPassword(id, password),
        () => this.#core.answerPassword(id, undefined),
      )
      .finally(() => this.service());
  }

  #sign(id: number, publicKey: PublicKey, algorithm: string, data: Uint8Array): void {
    const method = this.#methods.find(
      (m) => m.type === 'publickey' && ('key' in m ? m.key.publicKey : m.publicKey).equals(publicKey),
    );
    Promise.resolve()
      .then(() => {
        if (!method || method.type !== 'publickey') return undefined;
        return 'key' in method
          ? method.key.sign(data, algorithm, this.#crypto)
          : method.sign(data, plainSignatureAlgorithm(algorithm));
      })
      .then(
        (signature) => this.#core.answerSignature(id, signature),
        () => this.#core.answerSignature(id, undefined),
      )
      .finally(() => this.service());
  }

  #onClosed(error: Error | undefined): void {
    if (this.#isClosed) return;
    this.#isClosed = true;
    const reason =
      error ??
      (this.#ready ? new SshError('ERR_SSH_CLOSED', 'connection closed during the handshake') : undefined);
    this.#closedError = error;
    if (this.#ready && reason) this.#ready.reject(reason);
    this.#ready = undefined;
    const failure = reason ?? new SshError('ERR_SSH_CLOSED', 'connection closed');
    for (const p of this.#opening.values()) p.reject(failure);
    this.#opening.clear();
    for (const r of this.#globalReplies.splice(0)) r.reject(failure);
    for (const s of this.#sessions.values()) s.onClose();
    this.#sessions.clear();
    for (const w of this.#closedWaiters.splice(0)) w();
  }
}
