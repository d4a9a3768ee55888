/**
 * One server-side SSH connection as a sans-IO machine: the transport (RFC 4253), user
 * authentication (RFC 4252) and the connection protocol (RFC 4254) joined the way RFC 4251 §1
 * layers them. Messages are routed by number; nothing of the connection protocol is accepted
 * before authentication succeeds (RFC 4252 §6; Erlang/OTP CVE-2025-32433).
 */
import {
  type AuthCheck,
  type AuthVerdict,
  type Permissions,
  ServerAuth,
  type ServerAuthConfig,
} from '@seashell/auth';
import { ConnectionCore, type ConnectionEvent, type ConnectionOptions } from '@seashell/connection';
import {
  DEFAULT_HOST_KEY_ALGORITHMS,
  DisconnectReason,
  isCertificateSignatureAlgorithm,
  type PublicKey,
  SshProtocolError,
  TimeoutError,
  Transport,
  type TransportConfig,
  type TransportEvent,
} from '@seashell/transport';

export interface ServerConnectionConfig {
  readonly transport: Omit<TransportConfig, 'role'>;
  readonly auth: Omit<ServerAuthConfig, 'sessionId'>;
  /** Time from connect to authenticated (OpenSSH LoginGraceTime, default 120 s; 0: none). */
  readonly loginGraceTimeMs?: number;
  readonly connection?: Omit<ConnectionOptions, 'role'>;
  /** Now, in milliseconds (injected). */
  readonly now: () => number;
}

export type ServerConnectionEvent =
  | Exclude<TransportEvent, { type: 'message' | 'host-key' }>
  | AuthCheck
  | {
      readonly type: 'auth-success';
      readonly user: string;
      readonly method: string;
      readonly publicKey: PublicKey | undefined;
      /** What the accepted credentials allow; the session layer honours it. */
      readonly permissions: Permissions;
    }
  | { readonly type: 'auth-failure'; readonly user: string; readonly method: string; readonly reason: string }
  | Exclude<ConnectionEvent, { type: 'fatal' }>;

export class ServerConnection {
  readonly transport: Transport;
  readonly #config: ServerConnectionConfig;
  #auth: ServerAuth | undefined;
  #connection: ConnectionCore | undefined;
  readonly #events: ServerConnectionEvent[] = [];
  readonly #graceDeadline: number | undefined;
  #user: string | undefined;
  #permissions: Permissions | undefined;

  constructor(config: ServerConnectionConfig) {
    this.#config = config;
    // RFC 8308 §3.1 server-sig-algs names plain algorithms; OpenSSH lists no certificate names.
    const sigAlgs = (config.auth.publicKeyAlgorithms ?? DEFAULT_HOST_KEY_ALGORITHMS).filter(
      (a) => !isCertificateSignatureAlgorithm(a),
    );
    this.transport = new Transport({ serverSigAlgs: sigAlgs, ...config.transport, role: 'server' });
    const grace = config.loginGraceTimeMs ?? 120_000;
    this.#graceDeadline = grace > 0 ? config.now() + grace : undefined;
  }

  /** The connection protocol, once the user is authenticated. */
  get connection(): ConnectionCore | undefined {
    return this.#connection;
  }

  /** The authenticated user name. */
  get user(): string | undefined {
    return this.#user;
  }

  /** What authentication permitted, once the user is authenticated. */
  get permissions(): Permissions | undefined {
    return this.#permissions;
  }

  /** Bytes waiting to be sent, including messages held during a key exchange (for backpressure). */
  get bufferedAmount(): number {
    return this.transport.bufferedAmount;
  }

  receive(bytes: Uint8Array): void {
    this.transport.receive(bytes);
    this.#pump();
  }

  receiveEof(): void {
    this.transport.receiveEof();
    this.#pump();
  }

  /** Bytes for the socket; first moves whatever the upper layers queued into the transport. */
  pollTransmit(): Uint8Array | undefined {
    this.#pump();
    return this.transport.pollTransmit();
  }

  nextEvent(): ServerConnectionEvent | undefined {
    if (this.#events.length === 0) this.#pump();
    return this.#events.shift();
  }

  /** The driver's verdict on an auth `check` event. */
  answerAuth(id: number, verdict: AuthVerdict): void {
    this.#auth?.answer(id, verdict);
    this.#pump();
  }

  /** The next deadline: the login grace time, until the user is authenticated. */
  pollTimeout(): number | undefined {
    return this.transport.closed || this.#connection ? undefined : this.#graceDeadline;
  }

  handleTimeout(now: number): void {
    const deadline = this.pollTimeout();
    if (deadline !== undefined && now >= deadline) {
      const error = new TimeoutError('authentication timed out (LoginGraceTime)');
      this.transport.disconnect(DisconnectReason.BY_APPLICATION, error.message, error);
    }
    this.#pump();
  }

  disconnect(reason: DisconnectReason = DisconnectReason.BY_APPLICATION, description = ''): void {
    this.transport.disconnect(reason, description);
    this.#pump();
  }

  /** Moves messages between the layers until nothing moves. */
  #pump(): void {
    for (let moved = true; moved; ) {
      moved = false;
      for (let e = this.transport.nextEvent(); e; e = this.transport.nextEvent()) {
        moved = true;
        this.#onTransportEvent(e);
      }
      const auth = this.#auth;
      if (auth) {
        for (let p = auth.pollTransmit(); p; p = auth.pollTransmit()) this.transport.send(p);
        for (let e = auth.nextEvent(); e; e = auth.nextEvent()) {
          moved = true;
          if (e.type === 'check') this.#events.push(e);
          else if (e.type === 'failure') this.#events.push({ ...e, type: 'auth-failure' });
          else if (e.type === 'success') {
            this.#user = e.user;
            this.#permissions = e.permissions;
            this.#connection = new ConnectionCore({ ...this.#config.connection, role: 'server' });
            this.#events.push({
              type: 'auth-success',
              user: e.user,
              method: e.method,
              publicKey: e.publicKey,
              permissions: e.permissions,
            });
          } else this.transport.disconnect(e.error.reason, e.error.message, e.error);
        }
      }
      const conn = this.#connection;
      if (conn && !this.transport.closed) {
        for (let p = conn.pollTransmit(); p; p = conn.pollTransmit()) this.transport.send(p);
        for (let e = conn.nextEvent(); e; e = conn.nextEvent()) {
          moved = true;
          if (e.type === 'fatal') this.transport.disconnect(e.error.reason, e.error.message, e.error);
          else this.#events.push(e);
        }
      }
    }
  }

  #onTransportEvent(e: TransportEvent): void {
    if (e.type === 'kex-done' && e.first) {
      this.#auth = new ServerAuth({
        // The connection's crypto provider also checks publickey signatures.
        ...(this.#config.transport.crypto ? { crypto: this.#config.transport.crypto } : {}),
        ...this.#config.auth,
        sessionId: this.transport.sessionId!,
      });
    }
    if (e.type !== 'message') {
      if (e.type !== 'host-key') this.#events.push(e);
      return;
    }
    const type = e.payload[0]!;
    if (type < 80) {
      this.#auth?.receive(e.payload);
      return;
    }
    if (!this.#connection) {
      // RFC 4252 §6: the connection protocol starts only after authentication.
      const error = new SshProtocolError(
        DisconnectReason.PROTOCOL_ERROR,
        `message ${type} before authentication`,
      );
      this.transport.disconnect(error.reason, error.message, error);
      return;
    }
    // RFC 4253 §11.4: numbers nobody here implements are answered with UNIMPLEMENTED.
    if (!this.#connection.receive(e.payload)) this.transport.sendUnimplemented(e.seq);
  }
}
