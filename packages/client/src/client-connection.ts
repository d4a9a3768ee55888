/**
 * One client-side SSH connection as a sans-IO machine: the transport (RFC 4253), user
 * authentication (RFC 4252) and the connection protocol (RFC 4254), routed by message number.
 * The host key is checked by the driver before any secret leaves (the `host-key` event), and
 * nothing of the connection protocol is accepted from the server before authentication.
 */
import {
  type AuthenticationError,
  ClientAuth,
  type ClientAuthEvent,
  type ClientAuthMethod,
} from '@seashell/auth';
import { ConnectionCore, type ConnectionEvent, type ConnectionOptions } from '@seashell/connection';
import {
  DisconnectReason,
  SshProtocolError,
  Transport,
  type TransportConfig,
  type TransportEvent,
} from '@seashell/transport';

export interface ClientConnectionConfig {
  readonly transport?: Omit<TransportConfig, 'role'>;
  readonly user: string;
  readonly methods: readonly ClientAuthMethod[];
  readonly connection?: Omit<ConnectionOptions, 'role'>;
}

export type ClientConnectionEvent =
  | Exclude<TransportEvent, { type: 'message' }>
  | Extract<ClientAuthEvent, { type: 'password' | 'sign' | 'banner' }>
  | { readonly type: 'auth-success' }
  | { readonly type: 'auth-failure'; readonly error: AuthenticationError }
  | Exclude<ConnectionEvent, { type: 'fatal' }>;

export class ClientConnection {
  readonly transport: Transport;
  readonly #config: ClientConnectionConfig;
  #auth: ClientAuth | undefined;
  #connection: ConnectionCore | undefined;
  readonly #events: ClientConnectionEvent[] = [];
  #serverSigAlgs: Uint8Array | undefined;

  constructor(config: ClientConnectionConfig) {
    this.#config = config;
    this.transport = new Transport({ ...config.transport, role: 'client' });
  }

  /** The connection protocol, once authenticated. */
  get connection(): ConnectionCore | undefined {
    return this.#connection;
  }

  get auth(): ClientAuth | undefined {
    return this.#auth;
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

  pollTransmit(): Uint8Array | undefined {
    this.#pump();
    return this.transport.pollTransmit();
  }

  nextEvent(): ClientConnectionEvent | undefined {
    if (this.#events.length === 0) this.#pump();
    return this.#events.shift();
  }

  acceptHostKey(): void {
    this.transport.acceptHostKey();
    this.#pump();
  }

  rejectHostKey(message?: string): void {
    this.transport.rejectHostKey(message);
    this.#pump();
  }

  answerPassword(id: number, password: string | undefined): void {
    this.#auth?.answerPassword(id, password);
    this.#pump();
  }

  answerSignature(id: number, signature: Uint8Array | undefined): void {
    this.#auth?.answerSignature(id, signature);
    this.#pump();
  }

  disconnect(reason: DisconnectReason = DisconnectReason.BY_APPLICATION, description = ''): void {
    this.transport.disconnect(reason, description);
    this.#pump();
  }

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
          if (e.type === 'success') {
            this.#startConnection();
            this.#events.push({ type: 'auth-success' });
          } else if (e.type === 'failure') {
            this.#events.push({ type: 'auth-failure', error: e.error });
            this.transport.disconnect(
              DisconnectReason.NO_MORE_AUTH_METHODS_AVAILABLE,
              'no more authentication methods to try',
              e.error,
            );
          } else if (e.type === 'fatal') this.transport.disconnect(e.error.reason, e.error.message, e.error);
          else this.#events.push(e);
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
      this.#auth = new ClientAuth({
        user: this.#config.user,
        methods: this.#config.methods,
        sessionId: this.transport.sessionId!,
      });
      if (this.#serverSigAlgs) this.#auth.setServerSigAlgs(this.#serverSigAlgs);
    }
    if (e.type === 'ext-info') {
      const sigAlgs = e.extensions.get('server-sig-algs');
      if (sigAlgs) {
        this.#serverSigAlgs = sigAlgs.slice();
        this.#auth?.setServerSigAlgs(this.#serverSigAlgs);
      }
    }
    if (e.type !== 'message') {
      this.#events.push(e);
      return;
    }
    const type = e.payload[0]!;
    if (type < 80) {
      if (this.#auth && !this.#auth.authenticated) {
        this.#auth.receive(e.payload);
        // sshd sends its first connection message (hostkeys-00@openssh.com) right behind
        // USERAUTH_SUCCESS, often in the same read: the connection layer must exist before the
        // next message of this batch is routed, not only once the auth events are drained.
        if (this.#auth.authenticated) this.#startConnection();
      } else if (!this.#connection) this.#protocolError(`message ${type} outside authentication`);
      // After success, stray auth messages are ignored (RFC 4252 §5.1).
      return;
    }
    if (!this.#connection) {
      this.#protocolError(`message ${type} before authentication`);
      return;
    }
    if (!this.#connection.receive(e.payload)) this.transport.sendUnimplemented(e.seq);
  }

  #startConnection(): void {
    this.#connection ??= new ConnectionCore({ ...this.#config.connection, role: 'client' });
  }

  #protocolError(message: string): void {
    const error = new SshProtocolError(DisconnectReason.PROTOCOL_ERROR, message);
    this.transport.disconnect(error.reason, error.message, error);
  }
}
