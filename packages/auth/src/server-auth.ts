/**
 * The server side of RFC 4252 user authentication as a sans-IO state machine: the ssh-userauth
 * service request (RFC 4253 §10), the none, password and publickey methods (RFC 4252 §5, §7, §8),
 * partial success, MaxAuthTries and the banner (§5.4). The login grace time is the driver's: it
 * covers the key exchange too.
 *
 * Policy is outside: each credential becomes a `check` event that the driver answers with
 * `answer(id, verdict)`. Requests are handled one at a time and in order (RFC 4252 §5).
 */
import {
  type CryptoProvider,
  DEFAULT_PUBLIC_KEY_ALGORITHMS,
  DisconnectReason,
  MessageNumber,
  type PublicKey,
  parsePublicKey,
  ServiceAccept,
  ServiceRequest,
  SIGNATURE_ALGORITHMS,
  SshDecodeError,
  SshError,
  SshProtocolError,
} from '@seashell/transport';
import {
  PasswordRequest,
  PublicKeyQuery,
  PublicKeySigned,
  SERVICE_CONNECTION,
  SERVICE_USERAUTH,
  UserauthBanner,
  UserauthFailure,
  UserauthPkOk,
  UserauthRequest,
  UserauthSuccess,
} from './messages.js';
import {
  mergePermissions,
  type Permissions,
  PermissionsConflictError,
  sourceAddressDenial,
  unrestrictedPermissions,
} from './permissions.js';
import { publicKeySignatureData } from './signature-data.js';

export type ServerAuthMethod = 'password' | 'publickey';

export interface ServerAuthConfig {
  /** Methods offered, in the order announced (RFC 4252 §5.1). */
  readonly methods: readonly ServerAuthMethod[];
  /** The session identifier (RFC 4253 §7.2) that publickey signatures cover. */
  readonly sessionId: Uint8Array;
  /** Accept the `none` method outright (an open server). Default false. */
  readonly allowNone?: boolean;
  /** Failed attempts before the connection is closed (OpenSSH MaxAuthTries, default 6). */
  readonly maxAuthTries?: number;
  /** Text sent as SSH_MSG_USERAUTH_BANNER before the first reply (RFC 4252 §5.4). */
  readonly banner?: string;
  /** Signature algorithms accepted for publickey (default: `DEFAULT_PUBLIC_KEY_ALGORITHMS`, certificates included). */
  readonly publicKeyAlgorithms?: readonly string[];
  /** Checks publickey signatures (default: the transport's process default, `defaultCryptoProvider()`). */
  readonly crypto?: CryptoProvider;
  /**
   * The client's address. Permissions that restrict where a login may come from
   * (`source-address`, `from=`) are checked against it for every method, and refuse the login
   * when it is absent or not an IP address (x/crypto CVE-2026-46595, CVE-2026-56854).
   */
  readonly remoteAddress?: string;
}

/** A credential for the driver to judge. */
export type AuthCheck =
  | {
      readonly type: 'check';
      readonly id: number;
      readonly user: string;
      readonly method: 'password';
      readonly password: string;
    }
  | {
      readonly type: 'check';
      readonly id: number;
      readonly user: string;
      readonly method: 'publickey';
      readonly publicKey: PublicKey;
      /** True for a query without signature (RFC 4252 §7): accepting it only sends PK_OK. */
      readonly query: boolean;
    };

export type ServerAuthEvent =
  | AuthCheck
  /**
   * The user is authenticated; `publicKey` is the key whose signature verified, if any;
   * `permissions` what the accepted credentials allow (merged over every factor).
   */
  | {
      readonly type: 'success';
      readonly user: string;
      readonly method: 'none' | ServerAuthMethod;
      readonly publicKey: PublicKey | undefined;
      readonly permissions: Permissions;
    }
  /** A failed attempt, for logs (never shown to the client differently from any other failure). */
  | { readonly type: 'failure'; readonly user: string; readonly method: string; readonly reason: string }
  /** The connection must end: send DISCONNECT with `error.reason`. */
  | { readonly type: 'fatal'; readonly error: SshProtocolError };

/**
 * `true` accepts with no restriction, `false` rejects, `{ permissions }` accepts with those
 * permissions, `{ partial }` accepts this factor (with its permissions, if any) and lists the
 * methods that must follow. Permissions of every factor apply, most restrictive merged.
 */
export type AuthVerdict =
  | boolean
  | { readonly permissions: Permissions; readonly partial?: undefined }
  | { readonly partial: readonly ServerAuthMethod[]; readonly permissions?: Permissions };

/** RFC 4252 §5: requests a client sent ahead of our answers, processed in order; bounded. */
const MAX_QUEUED_REQUESTS = 32;
/** OpenSSH caps passwords at 1024 bytes of work (CVE-2016-6515). */
const MAX_PASSWORD_LENGTH = 1024;

export class ServerAuth {
  readonly #config: ServerAuthConfig;
  readonly #out: Uint8Array[] = [];
  readonly #events: ServerAuthEvent[] = [];
  readonly #queue: Uint8Array[] = [];
  #serviceAccepted = false;
  #methods: readonly ServerAuthMethod[];
  #failures = 0;
  #attempts = 0;
  #bannerSent = false;
  #pending:
    | {
        id: number;
        user: string;
        method: ServerAuthMethod;
        publicKey?: PublicKey;
        algorithm?: string;
        query: boolean;
      }
    | undefined;
  #nextId = 1;
  /** What earlier factors of a multi-factor login permitted. */
  #permissions: Permissions | undefined;
  #done = false;
  #dead = false;

  constructor(config: ServerAuthConfig) {
    this.#config = config;
    this.#methods = config.methods;
  }

  /** True once the user is authenticated. */
  get authenticated(): boolean {
    return this.#done;
  }

  /** Feeds SERVICE_REQUEST (5) or an auth message (50–79) from the client. */
  receive(payload: Uint8Array): void {
    if (this.#dead) return;
    try {
      const type = payload[0];
      if (type === MessageNumber.SERVICE_REQUEST) return this.#serviceRequest(payload);
      if (type !== MessageNumber.USERAUTH_REQUEST) {
        // RFC 4252 §6 and libssh CVE-2018-10933: a client never sends 51–79 (or SUCCESS).
        throw new SshProtocolError(
          DisconnectReason.PROTOCOL_ERROR,
          `unexpected message ${type} from the client`,
        );
      }
      if (!this.#serviceAccepted) {
        throw new SshProtocolError(
          DisconnectReason.PROTOCOL_ERROR,
          'USERAUTH_REQUEST before the ssh-userauth service',
        );
      }
      // RFC 4252 §5.1: requests after success are ignored.
      if (this.#done) return;
      if (this.#queue.length >= MAX_QUEUED_REQUESTS) {
        throw new SshProtocolError(
          DisconnectReason.PROTOCOL_ERROR,
          'too many authentication requests in flight',
        );
      }
      this.#queue.push(payload.slice());
      this.#drain();
    } catch (e) {
      this.#fatal(e);
    }
  }

  /** The driver's verdict on a `check` event. */
  answer(id: number, verdict: AuthVerdict): void {
    const p = this.#pending;
    if (!p || p.id !== id || this.#dead) return;
    this.#pending = undefined;
    const granted = this.#granted(verdict);
    if (typeof granted === 'string') this.#fail(p.user, p.method, granted);
    else if (p.query) {
      // RFC 4252 §7: the key would be accepted; the client now signs.
      this.#send(UserauthPkOk.encode({ algorithm: p.algorithm!, key: p.publicKey!.blob }));
    } else if (typeof verdict === 'object' && verdict.partial !== undefined) {
      this.#permissions = granted;
      this.#methods = verdict.partial;
      this.#sendBannerOnce();
      this.#send(UserauthFailure.encode({ methods: [...this.#methods], partialSuccess: true }));
    } else this.#succeed(p.user, p.method, p.publicKey, granted);
    this.#drain();
  }

  pollTransmit(): Uint8Array | undefined {
    return this.#out.shift();
  }

  nextEvent(): ServerAuthEvent | undefined {
    return this.#events.shift();
  }

  /**
   * The permissions a verdict grants, merged with earlier factors', or why the login is refused:
   * the verdict itself, a conflict between factors, or the client's address (checked here for
   * every method, so that no path yields permissions without their address restriction).
   */
  #granted(verdict: AuthVerdict): Permissions | string {
    if (verdict === false) return 'rejected';
    if (verdict !== true && typeof verdict !== 'object') return 'rejected';
    const own = verdict === true || !verdict.permissions ? unrestrictedPermissions() : verdict.permissions;
    const denied = sourceAddressDenial(own, this.#config.remoteAddress);
    if (denied) return denied;
    if (!this.#permissions) return own;
    try {
      return mergePermissions(this.#permissions, own);
    } catch (e) {
      if (e instanceof PermissionsConflictError) return e.message;
      throw e;
    }
  }

  #serviceRequest(payload: Uint8Array): void {
    const { service } = ServiceRequest.decode(payload);
    // RFC 4253 §10: a service we do not run ends the connection.
    if (service !== SERVICE_USERAUTH || this.#serviceAccepted) {
      throw new SshProtocolError(
        DisconnectReason.SERVICE_NOT_AVAILABLE,
        `service not available: ${service.slice(0, 64)}`,
      );
    }
    this.#serviceAccepted = true;
    this.#send(ServiceAccept.encode({ service }));
  }

  #drain(): void {
    try {
      while (!this.#pending && !this.#done && !this.#dead) {
        const next = this.#queue.shift();
        if (!next) return;
        this.#handleRequest(next);
      }
    } catch (e) {
      this.#fatal(e);
    }
  }

  #handleRequest(payload: Uint8Array): void {
    const req = UserauthRequest.decode(payload);
    if (req.service !== SERVICE_CONNECTION) {
      throw new SshProtocolError(
        DisconnectReason.SERVICE_NOT_AVAILABLE,
        `unknown service ${req.service.slice(0, 64)}`,
      );
    }
    this.#attempts++;
    const id = this.#nextId++;
    const method = req.method;
    if (method === 'none') {
      if (this.#config.allowNone) {
        const granted = this.#granted(true);
        if (typeof granted === 'string') return this.#fail(req.user, 'none', granted);
        return this.#succeed(req.user, 'none', undefined, granted);
      }
      // OpenSSH does not count the client's opening `none` probe as a failure.
      return this.#fail(req.user, 'none', 'none is not allowed', this.#attempts === 1);
    }
    if (!this.#methods.includes(method as ServerAuthMethod)) {
      return this.#fail(req.user, method, 'method not offered');
    }
    if (method === 'password') {
      let body: { change: boolean; password: string };
      try {
        body = PasswordRequest.decode(req.methodData);
      } catch (e) {
        if (e instanceof SshDecodeError) return this.#fail(req.user, method, 'malformed password request');
        throw e;
      }
      if (body.change) return this.#fail(req.user, method, 'password change is not supported');
      if (body.password.length > MAX_PASSWORD_LENGTH)
        return this.#fail(req.user, method, 'password too long');
      this.#pending = { id, user: req.user, method, query: false };
      this.#events.push({ type: 'check', id, user: req.user, method, password: body.password });
      return;
    }
    this.#publicKey(id, req.user, req.methodData);
  }

  #publicKey(id: number, user: string, data: Uint8Array): void {
    const hasSignature = data.length > 0 && data[0] !== 0;
    let alg: string;
    let blob: Uint8Array;
    let signature: Uint8Array | undefined;
    try {
      if (hasSignature) ({ algorithm: alg, key: blob, signature } = PublicKeySigned.decode(data));
      else ({ algorithm: alg, key: blob } = PublicKeyQuery.decode(data));
    } catch (e) {
      if (e instanceof SshDecodeError) return this.#fail(user, 'publickey', 'malformed publickey request');
      throw e;
    }
    const accepted = this.#config.publicKeyAlgorithms ?? DEFAULT_PUBLIC_KEY_ALGORITHMS;
    const spec = SIGNATURE_ALGORITHMS[alg as keyof typeof SIGNATURE_ALGORITHMS];
    if (!accepted.includes(alg) || !spec)
      return this.#fail(user, 'publickey', `algorithm ${alg.slice(0, 64)} not accepted`);
    let key: PublicKey;
    try {
      key = parsePublicKey(blob);
    } catch (e) {
      if (e instanceof SshError) return this.#fail(user, 'publickey', 'unparseable public key');
      throw e;
    }
    // The algorithm must belong to the key (an ECDSA curve or RSA hash cannot be swapped).
    if (spec.keyType !== key.type) return this.#fail(user, 'publickey', 'algorithm does not match the key');
    if (signature) {
      const signed = publicKeySignatureData(this.#config.sessionId, user, SERVICE_CONNECTION, alg, blob);
      if (!key.verify(signed, signature, [alg], this.#config.crypto))
        return this.#fail(user, 'publickey', 'bad signature');
    }
    this.#pending = { id, user, method: 'publickey', publicKey: key, algorithm: alg, query: !signature };
    this.#events.push({ type: 'check', id, user, method: 'publickey', publicKey: key, query: !signature });
  }

  #succeed(
    user: string,
    method: 'none' | ServerAuthMethod,
    publicKey: PublicKey | undefined,
    permissions: Permissions,
  ): void {
    this.#sendBannerOnce();
    this.#done = true;
    this.#queue.length = 0;
    this.#send(UserauthSuccess.encode({}));
    this.#events.push({ type: 'success', user, method, publicKey, permissions });
  }

  #fail(user: string, method: string, reason: string, free = false): void {
    this.#events.push({ type: 'failure', user, method: method.slice(0, 64), reason });
    if (!free) this.#failures++;
    const max = this.#config.maxAuthTries ?? 6;
    if (this.#failures >= max) {
      this.#fatal(
        new SshProtocolError(
          DisconnectReason.NO_MORE_AUTH_METHODS_AVAILABLE,
          'too many authentication failures',
        ),
      );
      return;
    }
    this.#sendBannerOnce();
    this.#send(UserauthFailure.encode({ methods: [...this.#methods], partialSuccess: false }));
  }

  #sendBannerOnce(): void {
    if (this.#bannerSent || !this.#config.banner) return;
    this.#bannerSent = true;
    this.#send(UserauthBanner.encode({ message: this.#config.banner, language: new Uint8Array(0) }));
  }

  #send(payload: Uint8Array): void {
    this.#out.push(payload);
  }

  #fatal(e: unknown): void {
    if (this.#dead) return;
    let error: SshProtocolError;
    if (e instanceof SshProtocolError) error = e;
    else if (e instanceof SshDecodeError)
      error = new SshProtocolError(DisconnectReason.PROTOCOL_ERROR, e.message);
    else throw e;
    this.#dead = true;
    this.#pending = undefined;
    this.#queue.length = 0;
    this.#events.push({ type: 'fatal', error });
  }
}
