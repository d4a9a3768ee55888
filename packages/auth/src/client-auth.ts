/**
 * The client side of RFC 4252 user authentication as a sans-IO state machine: the ssh-userauth
 * service request (RFC 4253 §10), then `none` to learn the methods, then the configured methods in
 * order — publickey as a query first and signed only once the server would accept the key
 * (RFC 4252 §7), and password (§8).
 *
 * Secrets come from outside: a password or a signature is a request event the driver answers, so
 * a tty prompt or an agent can supply it.
 */
import {
  DisconnectReason,
  equalBytes,
  MessageNumber,
  type PublicKey,
  parseServerSigAlgs,
  plainSignatureAlgorithm,
  ServiceAccept,
  ServiceRequest,
  SshDecodeError,
  SshProtocolError,
  SshWriter,
} from '@seashell/transport';
import { AuthenticationError } from './errors.js';
import {
  SERVICE_CONNECTION,
  SERVICE_USERAUTH,
  UserauthBanner,
  UserauthFailure,
  UserauthPkOk,
  UserauthRequest,
} from './messages.js';
import { publicKeySignatureData } from './signature-data.js';

export type ClientAuthMethod =
  /** A key whose signatures the driver supplies (an in-memory key, an agent). */
  | { readonly type: 'publickey'; readonly publicKey: PublicKey }
  /** A password the driver supplies on request, up to `attempts` times (OpenSSH NumberOfPasswordPrompts, 3). */
  | { readonly type: 'password'; readonly attempts?: number };

export interface ClientAuthConfig {
  readonly user: string;
  readonly methods: readonly ClientAuthMethod[];
  readonly sessionId: Uint8Array;
}

export type ClientAuthEvent =
  /** Supply the password with `answerPassword(id, text)`, or `undefined` to skip the method. */
  | { readonly type: 'password'; readonly id: number; readonly user: string; readonly attempt: number }
  /** Sign `data` with the key: `answerSignature(id, signatureBlob)`, or `undefined` to skip the key. */
  | {
      readonly type: 'sign';
      readonly id: number;
      readonly publicKey: PublicKey;
      readonly algorithm: string;
      readonly data: Uint8Array;
    }
  /** RFC 4252 §5.4 banner text, as sent (the driver sanitises before printing). */
  | { readonly type: 'banner'; readonly message: string }
  | { readonly type: 'success' }
  /** Every method was tried; the connection should be closed. */
  | { readonly type: 'failure'; readonly error: AuthenticationError }
  /** The server broke the protocol. */
  | { readonly type: 'fatal'; readonly error: SshProtocolError };

type Waiting =
  | { readonly kind: 'service' }
  | { readonly kind: 'reply'; readonly method: string }
  | { readonly kind: 'pk-ok'; readonly key: PublicKey; readonly algorithm: string }
  | { readonly kind: 'password'; readonly id: number }
  | { readonly kind: 'signature'; readonly id: number; readonly key: PublicKey; readonly algorithm: string }
  | { readonly kind: 'done' };

export class ClientAuth {
  readonly #config: ClientAuthConfig;
  readonly #out: Uint8Array[] = [];
  readonly #events: ClientAuthEvent[] = [];
  #waiting: Waiting = { kind: 'service' };
  #serverSigAlgs: readonly string[] | undefined;
  /** What the server said may continue, from its last FAILURE. */
  #canContinue: readonly string[] = [];
  #partial = false;
  /** Position in the configured methods, and the password attempts used on the current one. */
  #index = 0;
  #passwordAttempt = 0;
  #nextId = 1;
  #succeeded = false;

  constructor(config: ClientAuthConfig) {
    this.#config = config;
    this.#send(ServiceRequest.encode({ service: SERVICE_USERAUTH }));
  }

  /** RFC 8308 §3.1: the signature algorithms the server accepts (from EXT_INFO server-sig-algs). */
  setServerSigAlgs(value: Uint8Array): void {
    try {
      this.#serverSigAlgs = parseServerSigAlgs(value);
    } catch {
      this.#serverSigAlgs = undefined;
    }
  }

  get authenticated(): boolean {
    return this.#succeeded;
  }

  /** Feeds SERVICE_ACCEPT (6) or an auth message (51–79) from the server. */
  receive(payload: Uint8Array): void {
    if (this.#waiting.kind === 'done') return;
    try {
      this.#receive(payload);
    } catch (e) {
      this.#waiting = { kind: 'done' };
      const error =
        e instanceof SshProtocolError
          ? e
          : e instanceof SshDecodeError
            ? new SshProtocolError(DisconnectReason.PROTOCOL_ERROR, e.message)
            : undefined;
      if (!error) throw e;
      this.#events.push({ type: 'fatal', error });
    }
  }

  answerPassword(id: number, password: string | undefined): void {
    const w = this.#waiting;
    if (w.kind !== 'password' || w.id !== id) return;
    if (password === undefined) {
      this.#index++;
      this.#passwordAttempt = 0;
      this.#tryNext();
      return;
    }
    const data = new SshWriter().boolean(false).string(password).bytes();
    this.#request('password', data);
  }

  answerSignature(id: number, signature: Uint8Array | undefined): void {
    const w = this.#waiting;
    if (w.kind !== 'signature' || w.id !== id) return;
    if (signature === undefined) {
      this.#index++;
      this.#tryNext();
      return;
    }
    const data = new SshWriter()
      .boolean(true)
      .string(w.algorithm)
      .string(w.key.blob)
      .string(signature)
      .bytes();
    this.#index++;
    this.#request('publickey', data);
  }

  pollTransmit(): Uint8Array | undefined {
    return this.#out.shift();
  }

  nextEvent(): ClientAuthEvent | undefined {
    return this.#events.shift();
  }

  #receive(payload: Uint8Array): void {
    const type = payload[0];
    const w = this.#waiting;
    if (type === 53) {
      this.#events.push({ type: 'banner', message: UserauthBanner.decode(payload).message });
      return;
    }
    if (type === MessageNumber.SERVICE_ACCEPT && w.kind === 'service') {
      if (ServiceAccept.decode(payload).service !== SERVICE_USERAUTH)
        throw unexpected('SERVICE_ACCEPT for another service');
      // RFC 4252 §5.2: `none` tells us which methods can continue.
      this.#request('none', new Uint8Array(0));
      return;
    }
    if (type === MessageNumber.USERAUTH_SUCCESS && (w.kind === 'reply' || w.kind === 'pk-ok')) {
      if (payload.length !== 1) throw unexpected('USERAUTH_SUCCESS with trailing bytes');
      this.#waiting = { kind: 'done' };
      this.#succeeded = true;
      this.#events.push({ type: 'success' });
      return;
    }
    if (type === 51 && (w.kind === 'reply' || w.kind === 'pk-ok')) {
      const failure = UserauthFailure.decode(payload);
      this.#canContinue = failure.methods;
      this.#partial = failure.partialSuccess;
      if (failure.partialSuccess) {
        // A factor was accepted; start again from the first method for the next one.
        this.#index = 0;
        this.#passwordAttempt = 0;
      } else if (w.kind === 'pk-ok') this.#index++;
      this.#tryNext();
      return;
    }
    if (type === 60 && w.kind === 'pk-ok') {
      const ok = UserauthPkOk.decode(payload);
      if (ok.algorithm !== w.algorithm || !equalBytes(ok.key, w.key.blob))
        throw unexpected('PK_OK for another key');
      const id = this.#nextId++;
      this.#waiting = { kind: 'signature', id, key: w.key, algorithm: w.algorithm };
      const data = publicKeySignatureData(
        this.#config.sessionId,
        this.#config.user,
        SERVICE_CONNECTION,
        w.algorithm,
        w.key.blob,
      );
      this.#events.push({ type: 'sign', id, publicKey: w.key, algorithm: w.algorithm, data });
      return;
    }
    throw unexpected(`unexpected message ${type} during authentication`);
  }

  /** Tries the next configured method the server allows, or gives up. */
  #tryNext(): void {
    const methods = this.#config.methods;
    while (this.#index < methods.length) {
      const m = methods[this.#index]!;
      if (!this.#canContinue.includes(m.type)) {
        this.#index++;
        continue;
      }
      if (m.type === 'password') {
        if (this.#passwordAttempt >= (m.attempts ?? 3)) {
          this.#index++;
          this.#passwordAttempt = 0;
          continue;
        }
        this.#passwordAttempt++;
        const id = this.#nextId++;
        this.#waiting = { kind: 'password', id };
        this.#events.push({ type: 'password', id, user: this.#config.user, attempt: this.#passwordAttempt });
        return;
      }
      const algorithm = this.#algorithmFor(m.publicKey);
      if (!algorithm) {
        this.#index++;
        continue;
      }
      this.#waiting = { kind: 'pk-ok', key: m.publicKey, algorithm };
      const data = new SshWriter().boolean(false).string(algorithm).string(m.publicKey.blob).bytes();
      this.#request('publickey', data);
      return;
    }
    this.#waiting = { kind: 'done' };
    this.#events.push({
      type: 'failure',
      error: new AuthenticationError(
        `authentication failed (the server allows: ${this.#canContinue.join(',') || 'nothing'})`,
        this.#canContinue,
        this.#partial,
      ),
    });
  }

  /**
   * RFC 8332 §3.2: for RSA, the best of rsa-sha2-512/256 the server lists in server-sig-algs;
   * without that list, our first choice. Never SHA-1 behind the user's back. server-sig-algs
   * names plain algorithms (OpenSSH lists no certificate names), so a certificate algorithm is
   * looked up by the algorithm that signs for it, as ssh does.
   */
  #algorithmFor(key: PublicKey): string | undefined {
    const ours = key.signatureAlgorithms;
    const theirs = this.#serverSigAlgs;
    if (!theirs) return ours[0];
    return (
      ours.find((a) => theirs.includes(a) || theirs.includes(plainSignatureAlgorithm(a))) ??
      (ours.length === 1 ? ours[0] : undefined)
    );
  }

  #request(method: string, data: Uint8Array): void {
    if (this.#waiting.kind !== 'pk-ok') this.#waiting = { kind: 'reply', method };
    this.#send(
      UserauthRequest.encode({
        user: this.#config.user,
        service: SERVICE_CONNECTION,
        method,
        methodData: data,
      }),
    );
  }

  #send(payload: Uint8Array): void {
    this.#out.push(payload);
  }
}

function unexpected(message: string): SshProtocolError {
  return new SshProtocolError(DisconnectReason.PROTOCOL_ERROR, message);
}
