/**
 * An in-memory keyring with ssh-agent semantics (draft-miller-ssh-agent §5; OpenSSH's
 * `ssh-agent.c` for what it refuses), so that a program can hold keys and serve them to ssh,
 * ssh-add and ssh-keygen: `keyring.connection()` answers the agent protocol for one client, and
 * `listenAgent` in `@seashell/auth/node` puts that on a unix socket.
 *
 * Sans-IO: time comes from the injected `now` (key lifetimes are checked against it on every
 * operation), randomness from `random`. Lock passphrases are kept only as a salted HMAC.
 *
 * @example
 * const keyring = new AgentKeyring({ now: Date.now });
 * keyring.add(generateEd25519Key(), { comment: 'deploy', lifetimeSeconds: 3600 });
 * const reply = keyring.connection().handle(requestPayload);
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import {
  defaultRandomBytes,
  equalBytes,
  type PrivateKey,
  type PublicKey,
  type RandomBytes,
} from '@seashell/transport';
import { AgentKeyringConnection, type AgentKeyringConnectionOptions } from './agent-keyring-connection.js';
import { agentSignAlgorithm } from './agent-protocol.js';

export interface AgentKeyringOptions {
  /** The clock, in milliseconds (the Node adapter passes `Date.now`). Lifetimes count on it. */
  readonly now: () => number;
  /** For the lock passphrase's salt. Default: the platform CSPRNG. */
  readonly random?: RandomBytes;
  /** A lifetime for keys added without one, as `ssh-agent -t` gives. */
  readonly defaultLifetimeSeconds?: number;
  /** Why a request was refused, for a debug log. Never carries key material or passphrases. */
  readonly log?: (message: string) => void;
}

/** Options of `AgentKeyring.add`. */
export interface AgentKeyringAddOptions {
  readonly comment?: string;
  /** Seconds until the keyring forgets the key. */
  readonly lifetimeSeconds?: number;
}

/** A key the keyring holds, as `list()` shows it. */
export interface AgentKeyringEntry {
  readonly publicKey: PublicKey;
  readonly comment: string;
  /** When the key goes (milliseconds on the keyring's clock); undefined without a lifetime. */
  readonly expiresAt: number | undefined;
}

interface Held extends AgentKeyringEntry {
  readonly key: PrivateKey;
}

const textEncoder = new TextEncoder();

/** Keys in memory, served as an ssh-agent serves them. */
export class AgentKeyring {
  readonly #now: () => number;
  readonly #random: RandomBytes;
  readonly #defaultLifetime: number | undefined;
  readonly #log: (message: string) => void;
  #keys: Held[] = [];
  #lock: { readonly salt: Uint8Array; readonly mac: Uint8Array } | undefined;
  #failedUnlocks = 0;

  constructor(options: AgentKeyringOptions) {
    if (typeof options?.now !== 'function')
      throw new TypeError('AgentKeyring needs a clock: { now: Date.now }');
    this.#now = options.now;
    this.#random = options.random ?? defaultRandomBytes;
    this.#defaultLifetime = options.defaultLifetimeSeconds;
    this.#log = options.log ?? (() => {});
  }

  /** Whether the keyring is locked: it then lists nothing, signs nothing, takes no keys. */
  get locked(): boolean {
    return this.#lock !== undefined;
  }

  /** Unlock attempts that failed since the last success (the Node adapter slows replies by it). */
  get failedUnlocks(): number {
    return this.#failedUnlocks;
  }

  /**
   * Adds `key`, or replaces the comment and lifetime of the same key already held (as OpenSSH
   * does). Returns false when locked.
   */
  add(key: PrivateKey, options: AgentKeyringAddOptions = {}): boolean {
    if (this.locked) return false;
    const lifetime = options.lifetimeSeconds ?? this.#defaultLifetime;
    if (lifetime !== undefined && (!Number.isInteger(lifetime) || lifetime < 0))
      throw new RangeError(`lifetime of ${lifetime} seconds`);
    const entry: Held = {
      key,
      publicKey: key.publicKey,
      comment: options.comment ?? '',
      expiresAt: lifetime === undefined ? undefined : this.#now() + lifetime * 1000,
    };
    this.#expire();
    const at = this.#indexOf(key.publicKey.blob);
    if (at >= 0) this.#keys[at] = entry;
    else this.#keys.push(entry);
    return true;
  }

  /** Forgets one key. False when it is not held, or when locked. */
  remove(key: PublicKey | Uint8Array): boolean {
    if (this.locked) return false;
    this.#expire();
    const at = this.#indexOf(key instanceof Uint8Array ? key : key.blob);
    if (at < 0) return false;
    this.#keys.splice(at, 1);
    return true;
  }

  /** Forgets every key. False when locked. */
  removeAll(): boolean {
    if (this.locked) return false;
    this.#keys = [];
    return true;
  }

  /** The keys held, oldest first; none when locked. */
  list(): AgentKeyringEntry[] {
    if (this.locked) return [];
    this.#expire();
    return this.#keys.map(({ publicKey, comment, expiresAt }) => ({ publicKey, comment, expiresAt }));
  }

  /**
   * Signs `data` with the held key as SSH_AGENTC_SIGN_REQUEST asks: for RSA, `flags` pick the
   * hash (agentSignAlgorithm). Undefined when the key is not held or the keyring is locked.
   */
  sign(key: PublicKey | Uint8Array, data: Uint8Array, flags = 0): Uint8Array | undefined {
    if (this.locked) return undefined;
    this.#expire();
    const held = this.#keys[this.#indexOf(key instanceof Uint8Array ? key : key.blob)];
    if (held === undefined) return undefined;
    return held.key.sign(data, agentSignAlgorithm(held.publicKey.type, flags));
  }

  /** Locks with `passphrase` (not empty). False when already locked. */
  lock(passphrase: string | Uint8Array): boolean {
    const secret = bytesOf(passphrase);
    if (this.locked || secret.length === 0) return false;
    const salt = this.#random(16);
    this.#lock = { salt, mac: hmac(sha256, salt, secret) };
    return true;
  }

  /** Unlocks when `passphrase` is the one it was locked with. */
  unlock(passphrase: string | Uint8Array): boolean {
    const lock = this.#lock;
    if (lock === undefined) return false;
    const mac = hmac(sha256, lock.salt, bytesOf(passphrase));
    let diff = 0;
    for (let i = 0; i < mac.length; i++) diff |= mac[i]! ^ lock.mac[i]!;
    if (diff !== 0) {
      this.#failedUnlocks++;
      return false;
    }
    this.#lock = undefined;
    this.#failedUnlocks = 0;
    return true;
  }

  /**
   * Milliseconds until the next key expires (on the keyring's clock), for a driver's timer;
   * undefined when no key has a lifetime.
   */
  msUntilExpiry(): number | undefined {
    this.#expire();
    let next: number | undefined;
    for (const { expiresAt } of this.#keys)
      if (expiresAt !== undefined && (next === undefined || expiresAt < next)) next = expiresAt;
    return next === undefined ? undefined : Math.max(0, next - this.#now());
  }

  /** Drops the keys whose lifetime is over (every operation does this first). */
  handleTimeout(): void {
    this.#expire();
  }

  /** Serves the agent protocol to one client connection (each socket gets its own). */
  connection(options: AgentKeyringConnectionOptions = {}): AgentKeyringConnection {
    return new AgentKeyringConnection(this, this.#log, options);
  }

  #expire(): void {
    const now = this.#now();
    const before = this.#keys.length;
    this.#keys = this.#keys.filter((k) => k.expiresAt === undefined || now < k.expiresAt);
    if (this.#keys.length !== before) this.#log(`${before - this.#keys.length} key(s) expired`);
  }

  #indexOf(blob: Uint8Array): number {
    return this.#keys.findIndex((k) => equalBytes(k.publicKey.blob, blob));
  }
}

function bytesOf(text: string | Uint8Array): Uint8Array {
  return typeof text === 'string' ? textEncoder.encode(text) : text;
}
