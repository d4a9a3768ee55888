/**
 * One accepted connection of a `Server`: drives the `ServerConnection` core over the socket and
 * turns its events into calls of the user's handlers — auth checks, session channels and their
 * requests (RFC 4254 §6).
 */
import type { Duplex } from 'node:stream';
import { ChannelOpenFailureReason, type ConnectionCore, type SessionRequest } from '@seashell/connection';
import { type ChannelHost, ChannelStream } from '@seashell/connection/node';
import { DisconnectReason, defaultCryptoProvider, type PublicKey, SshError } from '@seashell/transport';
import { nodeProvider, readModuliFile, SocketDriver } from '@seashell/transport/node';
import { ServerConnection, type ServerConnectionEvent } from '../server-connection.js';
import type { AuthContext, RemoteInfo, ServerOptions } from './server.js';
import { Session, type SessionContext } from './session.js';

let systemModuli: { groups: ReturnType<typeof readModuliFile> } | undefined;

/** /etc/ssh/moduli, read once per process and only when a server needs it (as sshd reads it per exchange). */
function defaultModuli(): ReturnType<typeof readModuliFile> {
  systemModuli ??= { groups: readModuliFile() };
  return systemModuli.groups;
}

interface SessionChannel {
  readonly stream: ChannelStream;
  readonly session: Session;
  /** shell, exec or subsystem has been accepted: no second one. */
  started: boolean;
  /** Requests are decided one after another, so answers keep their order (RFC 4254 §5.4). */
  requests: Promise<void>;
}

export class ServerConnectionHandler implements ChannelHost {
  readonly done: Promise<void>;
  readonly #options: ServerOptions;
  readonly #core: ServerConnection;
  readonly #driver: SocketDriver;
  readonly #info: RemoteInfo;
  readonly #abort = new AbortController();
  readonly #channels = new Map<number, SessionChannel>();
  #publicKey: PublicKey | undefined;
  #clientVersion = '';
  #resolveDone!: () => void;
  #idleTimer: ReturnType<typeof setTimeout> | undefined;
  #maxTimer: ReturnType<typeof setTimeout> | undefined;
  #finished = false;

  constructor(options: ServerOptions, stream: Duplex, info: RemoteInfo, onDone: () => void) {
    this.#options = options;
    this.#info = info;
    this.done = new Promise((resolve) => {
      this.#resolveDone = () => {
        onDone();
        resolve();
      };
    });
    const methods: ('password' | 'publickey')[] = [];
    if (options.publicKeyHandler) methods.push('publickey');
    if (options.passwordHandler) methods.push('password');
    const moduli = options.moduli ?? defaultModuli();
    this.#core = new ServerConnection({
      transport: {
        hostKeys: options.hostKeys,
        crypto: options.crypto ?? defaultCryptoProvider(nodeProvider),
        ...(options.version ? { softwareVersion: options.version } : {}),
        ...(options.algorithms ? { algorithms: options.algorithms } : {}),
        ...(options.rekeyBytes ? { rekeyBytes: options.rekeyBytes } : {}),
        ...(moduli ? { moduli } : {}),
      },
      auth: {
        methods,
        allowNone: options.allowAnonymous ?? false,
        ...(options.maxAuthTries !== undefined ? { maxAuthTries: options.maxAuthTries } : {}),
        ...(options.banner ? { banner: options.banner } : {}),
        ...(options.publicKeyAlgorithms ? { publicKeyAlgorithms: options.publicKeyAlgorithms } : {}),
      },
      ...(options.loginGraceTimeMs !== undefined ? { loginGraceTimeMs: options.loginGraceTimeMs } : {}),
      now: Date.now,
    });
    this.#driver = new SocketDriver(stream, this.#core, {
      onEvents: () => this.#onEvents(),
      onSocketClosed: (error) => this.#finish(error),
    });
    if (options.maxTimeoutMs) {
      this.#maxTimer = setTimeout(
        () => this.disconnect('connection time limit reached'),
        options.maxTimeoutMs,
      );
      this.#maxTimer.unref();
    }
    this.#touch();
  }

  get connection(): ConnectionCore {
    return this.#core.connection!;
  }

  service(): void {
    this.#driver.service();
  }

  whenWritable(callback: () => void): void {
    this.#driver.whenWritable(callback);
  }

  disconnect(description: string): void {
    this.#core.disconnect(DisconnectReason.BY_APPLICATION, description);
    this.#driver.service();
  }

  #authContext(user: string): AuthContext {
    return {
      user,
      remoteAddress: this.#info.remoteAddress,
      remotePort: this.#info.remotePort,
      clientVersion: this.#clientVersion,
    };
  }

  #onEvents(): void {
    for (let e = this.#core.nextEvent(); e; e = this.#core.nextEvent()) this.#onEvent(e);
  }

  #onEvent(e: ServerConnectionEvent): void {
    switch (e.type) {
      case 'version':
        this.#clientVersion = e.version;
        return;
      case 'check':
        this.#check(e);
        return;
      case 'auth-success':
        this.#publicKey = e.publicKey;
        this.#log(e.user, e.method, true);
        return;
      case 'auth-failure':
        this.#log(e.user, e.method, false, e.reason);
        return;
      case 'closed':
        this.#driver.end();
        this.#finish(e.error);
        return;
      case 'channel-open':
        this.#touch();
        if (e.channelType !== 'session' || (!this.#options.handler && !this.#options.subsystemHandlers)) {
          this.connection.rejectChannel(
            e.channelId,
            ChannelOpenFailureReason.ADMINISTRATIVELY_PROHIBITED,
            'not allowed',
          );
          return;
        }
        this.#openSession(e.channelId);
        return;
      case 'channel-request': {
        this.#touch();
        const ch = this.#channels.get(e.channelId);
        if (!ch) {
          if (e.wantReply) this.connection.answerRequest(e.channelId, false);
          return;
        }
        ch.requests = ch.requests.then(() => this.#onRequest(ch, e.wantReply, e.request));
        return;
      }
      case 'channel-data':
        this.#touch();
        this.#channels.get(e.channelId)?.stream.onData(e.data, e.extendedType);
        return;
      case 'channel-eof':
        this.#channels.get(e.channelId)?.stream.onEof();
        return;
      case 'channel-writable':
        this.#channels.get(e.channelId)?.stream.onWritable();
        return;
      case 'channel-close': {
        const ch = this.#channels.get(e.channelId);
        this.#channels.delete(e.channelId);
        ch?.stream.onClose();
        ch?.session.closed();
        return;
      }
      case 'global-request':
        // tcpip-forward and friends come with port forwarding; until then they are refused.
        if (e.wantReply) this.connection.answerGlobalRequest(false);
        return;
      default:
        return;
    }
  }

  #check(e: Extract<ServerConnectionEvent, { type: 'check' }>): void {
    const ctx = this.#authContext(e.user);
    const verdict = async (): Promise<boolean> => {
      if (e.method === 'password') return (await this.#options.passwordHandler?.(ctx, e.password)) === true;
      return (await this.#options.publicKeyHandler?.(ctx, e.publicKey)) === true;
    };
    verdict().then(
      (ok) => {
        this.#core.answerAuth(e.id, ok);
        this.#driver.service();
      },
      () => {
        // A throwing handler fails closed.
        this.#core.answerAuth(e.id, false);
        this.#driver.service();
      },
    );
  }

  #openSession(channelId: number): void {
    this.connection.acceptChannel(channelId);
    const stream = new ChannelStream(this, channelId, 'writable');
    const context: SessionContext = {
      user: this.#core.user!,
      remoteAddress: this.#info.remoteAddress,
      remotePort: this.#info.remotePort,
      localAddress: this.#info.localAddress,
      localPort: this.#info.localPort,
      publicKey: this.#publicKey,
      signal: this.#abort.signal,
      clientVersion: this.#clientVersion,
      sessionId: this.#core.transport.sessionId!,
    };
    const session = new Session(context, stream, this);
    this.#channels.set(channelId, { stream, session, started: false, requests: Promise.resolve() });
  }

  async #onRequest(
    ch: SessionChannel,
    wantReply: boolean,
    request: SessionRequest | undefined,
  ): Promise<void> {
    let ok = false;
    try {
      ok = request !== undefined && (await this.#honour(ch, request));
    } catch {
      ok = false;
    }
    const id = ch.stream.channelId;
    if (wantReply && !this.#finished && this.#channels.get(id) === ch) {
      this.connection.answerRequest(id, ok);
      this.#driver.service();
    }
  }

  /** Decides and applies one session request; true when it was honoured. */
  async #honour(ch: SessionChannel, r: SessionRequest): Promise<boolean> {
    const { session } = ch;
    const allowed = this.#options.sessionRequestCallback;
    if (allowed && !(await allowed(session, r.type))) return false;
    switch (r.type) {
      case 'pty-req': {
        if (ch.started || session.pty()) return false;
        const pty = {
          term: r.term,
          window: {
            columns: r.columns,
            rows: r.rows,
            widthPixels: r.widthPixels,
            heightPixels: r.heightPixels,
          },
          modes: r.modes,
        };
        if (this.#options.ptyCallback && !(await this.#options.ptyCallback(session, pty))) return false;
        session.setPty(pty);
        return true;
      }
      case 'env':
        if (ch.started || session.environ.length >= 256) return false;
        session.environ.push(`${r.name}=${r.value}`);
        return true;
      case 'window-change':
        session.windowChanged({
          columns: r.columns,
          rows: r.rows,
          widthPixels: r.widthPixels,
          heightPixels: r.heightPixels,
        });
        return true;
      case 'signal':
        session.signalled(r.signal);
        return true;
      case 'break':
        session.breakRequested(r.breakLength);
        return true;
      case 'shell':
      case 'exec':
      case 'subsystem': {
        if (ch.started) return false;
        let run: ((s: typeof session) => unknown) | undefined;
        if (r.type === 'subsystem') {
          session.subsystem = r.name;
          run = this.#options.subsystemHandlers?.[r.name];
        } else {
          if (r.type === 'exec') session.rawCommand = r.command;
          run = this.#options.handler;
        }
        if (!run) return false;
        ch.started = true;
        // The handler starts once the success reply is on its way.
        queueMicrotask(() => this.#run(session, run));
        return true;
      }
      default:
        return false;
    }
  }

  #run(session: Session, run: (s: Session) => unknown): void {
    Promise.resolve()
      .then(() => run(session))
      .then(
        () => session.exit(0),
        (error: unknown) => {
          this.#options.connectionFailedCallback?.(
            this.#info,
            error instanceof Error ? error : new Error(String(error)),
          );
          return session.exit(255);
        },
      )
      .catch(() => {});
  }

  #log(user: string, method: string, success: boolean, reason?: string): void {
    this.#options.authLogCallback?.({ ...this.#info, user, method, success, ...(reason ? { reason } : {}) });
  }

  /** Idle timeout: any channel activity pushes the deadline back. */
  #touch(): void {
    const ms = this.#options.idleTimeoutMs;
    if (!ms || this.#finished) return;
    if (this.#idleTimer) this.#idleTimer.refresh();
    else {
      this.#idleTimer = setTimeout(() => this.disconnect('idle timeout'), ms);
      this.#idleTimer.unref();
    }
  }

  #finish(error: Error | undefined): void {
    if (this.#finished) return;
    this.#finished = true;
    if (this.#idleTimer) clearTimeout(this.#idleTimer);
    if (this.#maxTimer) clearTimeout(this.#maxTimer);
    this.#abort.abort();
    for (const ch of this.#channels.values()) {
      ch.stream.onClose();
      ch.session.closed();
    }
    this.#channels.clear();
    if (
      error &&
      this.#options.connectionFailedCallback &&
      !(error instanceof SshError && isCleanClose(error))
    ) {
      this.#options.connectionFailedCallback(this.#info, error);
    }
    this.#resolveDone();
  }
}

/** A peer that said goodbye properly is not a failure. */
function isCleanClose(error: SshError): boolean {
  return (
    error.code === 'ERR_SSH_DISCONNECT' &&
    (error as SshError & { reason: number }).reason === DisconnectReason.BY_APPLICATION
  );
}
