/**
 * One accepted connection of a `Server`: drives the `ServerConnection` core over the socket and
 * turns its events into calls of the user's handlers — auth checks, session channels and their
 * requests (RFC 4254 §6).
 */
import type { Duplex } from 'node:stream';
import {
  type AuthVerdict,
  CertificateRejectedError,
  forcedCommand,
  type Permissions,
  permits,
  unrestrictedPermissions,
} from '@seashell/auth';
import { ChannelOpenFailureReason, type ConnectionCore, type SessionRequest } from '@seashell/connection';
import { type ChannelHost, ChannelStream } from '@seashell/connection/node';
import {
  DisconnectReason,
  defaultCryptoProvider,
  isCertificate,
  type PublicKey,
  SshError,
} from '@seashell/transport';
import { nodeProvider, readModuliFile, SocketDriver } from '@seashell/transport/node';
import { ServerConnection, type ServerConnectionEvent } from '../server-connection.js';
import type { AuthAnswer, AuthContext, RemoteInfo, Server, ServerOptions } from './server.js';
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
  readonly #server: Server;
  readonly #core: ServerConnection;
  readonly #driver: SocketDriver;
  readonly #info: RemoteInfo;
  readonly #abort = new AbortController();
  readonly #channels = new Map<number, SessionChannel>();
  #publicKey: PublicKey | undefined;
  #permissions: Permissions = unrestrictedPermissions();
  #clientVersion = '';
  #resolveDone!: () => void;
  #idleTimer: ReturnType<typeof setTimeout> | undefined;
  #maxTimer: ReturnType<typeof setTimeout> | undefined;
  #finished = false;

  constructor(server: Server, stream: Duplex, info: RemoteInfo, onDone: () => void) {
    const options = server.options;
    this.#server = server;
    this.#options = options;
    this.#info = info;
    this.done = new Promise((resolve) => {
      this.#resolveDone = () => {
        onDone();
        resolve();
      };
    });
    const methods: ('password' | 'publickey')[] = [];
    if (options.publicKeyHandler || server.certChecker) methods.push('publickey');
    if (options.passwordHandler) methods.push('password');
    const moduli = options.moduli ?? defaultModuli();
    this.#core = new ServerConnection({
      transport: {
        hostKeys: server.hostKeys,
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
        remoteAddress: info.remoteAddress,
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
        this.#permissions = e.permissions;
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
    const verdict = async (): Promise<AuthVerdict> => {
      if (e.method === 'password') return toVerdict(await this.#options.passwordHandler?.(ctx, e.password));
      return this.#publicKeyVerdict(ctx, e.publicKey);
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

  /**
   * sshd's order: a revoked key is refused outright (RevokedKeys); a certificate goes to the
   * CertChecker (TrustedUserCAKeys), and if that refuses it, to the handler (authorized_keys
   * `cert-authority` lines); a plain key to the handler.
   */
  async #publicKeyVerdict(ctx: AuthContext, key: PublicKey): Promise<AuthVerdict> {
    const isRevoked = this.#options.isRevoked;
    if (isRevoked && (await isRevoked(key)) !== false) {
      this.#log(ctx.user, 'publickey', false, 'key is revoked');
      return false;
    }
    const checker = this.#server.certChecker;
    if (checker && isCertificate(key)) {
      try {
        return { permissions: await checker.checkUserCertificate(key, ctx.user) };
      } catch (error) {
        if (!(error instanceof CertificateRejectedError)) throw error;
        this.#log(ctx.user, 'publickey', false, error.message);
      }
    }
    return toVerdict(await this.#options.publicKeyHandler?.(ctx, key));
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
      permissions: this.#permissions,
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
        // no-pty, restrict, or a certificate without permit-pty.
        if (ch.started || session.pty() || !permits(session.permissions, 'permit-pty')) return false;
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
        const forced = forcedCommand(session.permissions);
        if (forced !== undefined) {
          // sshd do_exec: the forced command runs instead, whatever was asked; what was asked is
          // kept for SSH_ORIGINAL_COMMAND (a subsystem's name; nothing for a shell).
          if (r.type === 'exec') session.originalCommand = r.command;
          if (r.type === 'subsystem') session.originalCommand = r.name;
          session.rawCommand = forced;
          run = this.#options.handler;
        } else if (r.type === 'subsystem') {
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

/** A handler's answer as a verdict for the auth core; anything unexpected refuses. */
function toVerdict(answer: AuthAnswer | undefined): AuthVerdict {
  if (answer === true) return true;
  if (
    typeof answer === 'object' &&
    answer !== null &&
    answer.criticalOptions instanceof Map &&
    answer.extensions instanceof Map
  )
    return { permissions: answer };
  return false;
}

/** A peer that said goodbye properly is not a failure. */
function isCleanClose(error: SshError): boolean {
  return (
    error.code === 'ERR_SSH_DISCONNECT' &&
    (error as SshError & { reason: number }).reason === DisconnectReason.BY_APPLICATION
  );
}
