/**
 * The RFC 4253 transport as a sans-IO state machine, for either role: version exchange (§4.2),
 * binary packets (§6), key exchange and re-exchange (§7–9), service messages (§10), the generic
 * messages (§11), strict kex (OpenSSH PROTOCOL §1.10) and extension negotiation (RFC 8308).
 *
 * Feed it bytes with `receive`, take bytes to write with `pollTransmit`, pull events with
 * `nextEvent`. It never touches a socket or a timer and never throws for something the peer did:
 * a peer's fault becomes a DISCONNECT on the wire and a `closed` event.
 */
import {
  DEFAULT_CIPHERS,
  DEFAULT_COMPRESSION,
  DEFAULT_KEX,
  DEFAULT_MACS,
  EXT_INFO_C,
  KEX_METHODS,
  type KexName,
  STRICT_KEX_C,
  STRICT_KEX_S,
} from './algorithms.js';
import type { PacketOpener } from './cipher/types.js';
import { defaultCryptoProvider } from './crypto/default.js';
import type { CryptoProvider } from './crypto/provider.js';
import {
  DisconnectReason,
  SshConnectionLostError,
  SshDecodeError,
  SshDisconnectError,
  SshError,
  SshProtocolError,
  sanitizeText,
} from './errors.js';
import { decodeExtInfo, encodeExtInfo } from './ext-info.js';
import type { DhGroup, GroupExchangeBits } from './kex/dh-groups.js';
import { keyMaterialNeeds } from './kex/key-needs.js';
import type { KexSession, KexStep } from './kex/method.js';
import { guessWasRight, type Negotiated, negotiate } from './kex/negotiate.js';
import { type DirectionKeys, isAead, sessionKeys } from './kex/session-keys.js';
import {
  CERTIFICATE_HOST_KEY_ALGORITHMS,
  DEFAULT_HOST_KEY_ALGORITHMS,
  parsePublicKey,
  SIGNATURE_ALGORITHMS,
} from './keys/public-key.js';
import type { PrivateKey } from './keys/types.js';
import { Debug, Disconnect, KexInit, MessageNumber, NewKeys, Unimplemented } from './messages.js';
import { PacketDecoder, PacketEncoder } from './packet-framer.js';
import { defaultRandomBytes, type RandomBytes } from './random.js';
import {
  DEFAULT_VERSION_LIMITS,
  formatVersionLine,
  parseVersion,
  type VersionLimits,
} from './version-exchange.js';
import { equalBytes } from './wire/bytes.js';

const textEncoder = new TextEncoder();
const EMPTY = new Uint8Array(0);
const lenientDecoder = new TextDecoder('utf-8', { fatal: false });

/** Algorithm preferences, most preferred first, by wire name (as `ssh -o Ciphers=…` takes them). */
export interface AlgorithmPreferences {
  readonly kex?: readonly string[];
  readonly hostKey?: readonly string[];
  readonly cipher?: readonly string[];
  readonly mac?: readonly string[];
  readonly compression?: readonly string[];
}

export interface TransportConfig {
  readonly role: 'client' | 'server';
  /** The softwareversion part of our version line (RFC 4253 §4.2). */
  readonly softwareVersion?: string;
  readonly algorithms?: AlgorithmPreferences;
  /** Server: the host keys, one per type. */
  readonly hostKeys?: readonly PrivateKey[];
  /** Randomness (cookies, padding, ephemeral keys). Default: the platform CSPRNG. */
  readonly random?: RandomBytes;
  /**
   * The primitives for this connection: ciphers, MACs, X25519, and the host key's signature
   * (signing on a server, verifying on a client). Default: `defaultCryptoProvider()`, which is
   * `nobleProvider` unless the process set another; the Node drivers default to `nodeProvider`.
   */
  readonly crypto?: CryptoProvider;
  /** Start a key re-exchange after this many bytes in either direction (default 1 GiB). */
  readonly rekeyBytes?: number;
  /** Server: signature algorithms announced in server-sig-algs (RFC 8308 §3.1). */
  readonly serverSigAlgs?: readonly string[];
  readonly versionLimits?: VersionLimits;
  /** Largest packet_length accepted (default 256 KiB, as OpenSSH). */
  readonly maxPacketLength?: number;
  /** Packets the upper layers may queue while a key exchange is in flight (default 1024). */
  readonly maxQueuedDuringKex?: number;
  /**
   * Server: the groups diffie-hellman-group-exchange chooses from (RFC 4419), e.g. a moduli file
   * read by `readModuliFile` of the `./node` subpath. Default: the RFC 3526 groups.
   */
  readonly moduli?: readonly DhGroup[];
  /** Client: the group sizes diffie-hellman-group-exchange asks for (default 2048, OpenSSH's choice, 8192). */
  readonly groupExchange?: Partial<GroupExchangeBits>;
}

export type TransportEvent =
  /** The peer's version line (without CR LF) and, from a server, any lines it sent first. */
  | { readonly type: 'version'; readonly version: string; readonly preamble: readonly string[] }
  /**
   * Client: the server proved it holds this host key. Nothing more is sent or processed until the
   * driver calls `acceptHostKey()` or `rejectHostKey()`.
   */
  | { readonly type: 'host-key'; readonly hostKey: Uint8Array; readonly algorithm: string }
  /** A key exchange finished (both NEWKEYS); `first` is true for the initial one. */
  | { readonly type: 'kex-done'; readonly first: boolean; readonly negotiated: Negotiated }
  /** A message for the layers above (SERVICE_REQUEST/ACCEPT and numbers 50 and up). */
  | { readonly type: 'message'; readonly payload: Uint8Array; readonly seq: number }
  /** RFC 8308 extensions the peer announced. */
  | { readonly type: 'ext-info'; readonly extensions: ReadonlyMap<string, Uint8Array> }
  /** SSH_MSG_DEBUG, text sanitised. */
  | { readonly type: 'debug'; readonly message: string; readonly alwaysDisplay: boolean }
  /** SSH_MSG_UNIMPLEMENTED from the peer. */
  | { readonly type: 'unimplemented'; readonly seq: number }
  /** The transport is finished; `error` says why (undefined: we disconnected on request). */
  | { readonly type: 'closed'; readonly error: SshError | undefined };

type Phase = 'version' | 'packets' | 'closed';

interface KexState {
  ourInit: Uint8Array;
  ourInitFields: KexInit;
  peerInit?: Uint8Array;
  negotiated?: Negotiated;
  session?: KexSession;
  /** Result waiting for NEWKEYS from the peer. */
  inbound?: PacketOpener;
  sentNewKeys: boolean;
  receivedNewKeys: boolean;
  /** The peer guessed its first kex packet wrong: drop exactly one packet (RFC 4253 §7). */
  skipNextKexPacket: boolean;
}

export class Transport {
  readonly role: 'client' | 'server';
  readonly #config: TransportConfig;
  readonly #random: RandomBytes;
  readonly #crypto: CryptoProvider;
  readonly #decoder: PacketDecoder;
  readonly #encoder: PacketEncoder;
  readonly #ourVersion: string;
  #peerVersion = '';
  #phase: Phase = 'version';
  /** Bytes for the socket, oldest first from #outHead (a queue without Array.shift's copying). */
  readonly #out: Uint8Array[] = [];
  #outHead = 0;
  #outBytes = 0;
  readonly #events: TransportEvent[] = [];
  /** Messages from the layers above held while a key exchange is in flight (RFC 4253 §7.1). */
  readonly #held: Uint8Array[] = [];
  #heldBytes = 0;
  #kex: KexState | undefined;
  #kexCount = 0;
  #sessionId: Uint8Array | undefined;
  #hostKey: Uint8Array | undefined;
  #strict = false;
  #peerWantsExtInfo = false;
  #extInfoReceived = 0;
  /** First packet after the peer's first NEWKEYS: the only place a server's EXT_INFO may come before auth. */
  #firstPacketAfterNewKeys = false;
  /** Client: waiting for the driver's verdict on the host key. */
  #awaitingHostKey: { keys: DirectionKeys } | undefined;
  #pendingInput = false;

  constructor(config: TransportConfig) {
    this.role = config.role;
    this.#config = config;
    this.#random = config.random ?? defaultRandomBytes;
    this.#crypto = config.crypto ?? defaultCryptoProvider();
    this.#decoder = new PacketDecoder(config.maxPacketLength);
    this.#encoder = new PacketEncoder(this.#random);
    this.#ourVersion = formatVersionLine(config.softwareVersion ?? 'Seashell_0.1');
    if (this.role === 'server' && !config.hostKeys?.length)
      throw new TypeError('a server needs at least one host key');
    // RFC 4253 §4.2 and §7.1: both sides send their version and KEXINIT without waiting.
    this.#emitRaw(textEncoder.encode(this.#ourVersion));
    this.#startKex();
  }

  /** The session identifier: H of the first key exchange (RFC 4253 §7.2). */
  get sessionId(): Uint8Array | undefined {
    return this.#sessionId;
  }

  /** The peer's version line, once received. */
  get peerVersion(): string {
    return this.#peerVersion;
  }

  /** Our version line without CR LF. */
  get version(): string {
    return this.#ourVersion.slice(0, -2);
  }

  /** The host key blob the server proved it holds. */
  get hostKey(): Uint8Array | undefined {
    return this.#hostKey;
  }

  get closed(): boolean {
    return this.#phase === 'closed';
  }

  /** True once the first key exchange is done and upper-layer messages flow. */
  get ready(): boolean {
    return this.#kexCount > 0 && this.#phase === 'packets';
  }

  /** Bytes queued for the socket plus messages held during a key exchange (for backpressure). */
  get bufferedAmount(): number {
    return this.#outBytes + this.#heldBytes;
  }

  /** Bytes received but not processed yet. */
  get bufferedInput(): number {
    return this.#decoder.buffered;
  }

  // ---- driver interface -------------------------------------------------------------------------

  /** Bytes from the peer. Never throws for the peer's fault. */
  receive(chunk: Uint8Array): void {
    if (this.#phase === 'closed') return;
    this.#decoder.push(chunk);
    this.#process();
  }

  /** The peer closed its side. */
  receiveEof(): void {
    if (this.#phase === 'closed') return;
    this.#close(new SshConnectionLostError('the peer closed the connection'));
  }

  /**
   * Next bytes to write to the socket: one queued packet (or the version line) per call, as it was
   * encoded, without joining them into a new buffer; call until undefined. A driver that wants one
   * write per batch corks its socket around the loop.
   */
  pollTransmit(): Uint8Array | undefined {
    if (this.#outHead === this.#out.length) return undefined;
    const out = this.#out[this.#outHead]!;
    this.#out[this.#outHead++] = EMPTY;
    this.#outBytes -= out.length;
    if (this.#outHead === this.#out.length) {
      this.#out.length = 0;
      this.#outHead = 0;
    }
    return out;
  }

  nextEvent(): TransportEvent | undefined {
    return this.#events.shift();
  }

  // ---- commands ----------------------------------------------------------------------------------

  /**
   * Sends a message of the layers above (SERVICE_REQUEST/ACCEPT, numbers 50 and up). Held while a
   * key exchange is in flight and sent, in order, after it.
   */
  send(payload: Uint8Array): void {
    if (this.#phase === 'closed') return;
    // RFC 4253 §7.1: between our KEXINIT and our NEWKEYS only key exchange messages go out.
    if (this.#kex ? !this.#kex.sentNewKeys : this.#kexCount === 0) {
      const max = this.#config.maxQueuedDuringKex ?? 1024;
      if (this.#held.length >= max) throw new RangeError('too many messages queued during key exchange');
      this.#held.push(payload);
      this.#heldBytes += payload.length;
      return;
    }
    this.#sendPacket(payload);
    this.#maybeRekey();
  }

  /** Starts a key re-exchange now (RFC 4253 §9). Ignored while one is running. */
  rekey(): void {
    if (this.#phase !== 'packets' || this.#kex || this.#kexCount === 0) return;
    this.#startKex();
  }

  /** Client: the host key is trusted; the key exchange completes. */
  acceptHostKey(): void {
    const pending = this.#awaitingHostKey;
    if (!pending || this.#phase === 'closed') return;
    this.#awaitingHostKey = undefined;
    this.#sendNewKeys(pending.keys);
    this.#process();
  }

  /** Client: the host key is not trusted; the connection ends (RFC 4253 §11.1 reason 9). */
  rejectHostKey(message = 'host key verification failed'): void {
    if (!this.#awaitingHostKey) return;
    this.#awaitingHostKey = undefined;
    this.#fail(new SshProtocolError(DisconnectReason.HOST_KEY_NOT_VERIFIABLE, message));
  }

  /**
   * Sends DISCONNECT and closes (RFC 4253 §11.1). `error`, if given, is what the `closed` event
   * reports (a timeout, a failed authentication); without it the close counts as clean.
   */
  disconnect(
    reason: DisconnectReason = DisconnectReason.BY_APPLICATION,
    description = '',
    error?: SshError,
  ): void {
    if (this.#phase === 'closed') return;
    if (this.#phase === 'packets') this.#sendDisconnect(reason, description);
    this.#close(error);
  }

  /** RFC 4253 §11.4: tells the peer a message it sent (by sequence number) is not implemented. */
  sendUnimplemented(seq: number): void {
    if (this.#phase === 'closed') return;
    this.send(Unimplemented.encode({ sequence: seq }));
  }

  /** Sends SSH_MSG_EXT_INFO (server: before USERAUTH_SUCCESS, RFC 8308 §2.4). */
  sendExtInfo(extensions: ReadonlyMap<string, Uint8Array | string>): void {
    this.send(encodeExtInfo(extensions));
  }

  /** Sends SSH_MSG_IGNORE (RFC 4253 §11.2), e.g. as a cheap keepalive. */
  sendIgnore(data: Uint8Array = new Uint8Array(0)): void {
    const w = new Uint8Array(5 + data.length);
    w[0] = MessageNumber.IGNORE;
    new DataView(w.buffer).setUint32(1, data.length);
    w.set(data, 5);
    this.send(w);
  }

  // ---- internals ---------------------------------------------------------------------------------

  #process(): void {
    if (this.#pendingInput) return;
    this.#pendingInput = true;
    try {
      while (this.#phase !== 'closed' && !this.#awaitingHostKey) {
        if (this.#phase === 'version') {
          const result = parseVersion(
            this.#decoder.takeRaw(),
            this.role === 'client',
            this.#config.versionLimits ?? DEFAULT_VERSION_LIMITS,
          );
          if (!result) return;
          this.#decoder.consumeRaw(result.consumed);
          this.#peerVersion = result.line;
          this.#phase = 'packets';
          this.#events.push({
            type: 'version',
            version: sanitizeText(result.line, 255),
            preamble: result.preamble,
          });
          continue;
        }
        const packet = this.#decoder.next();
        if (!packet) return;
        this.#dispatch(packet.payload, packet.seq);
        this.#maybeRekey();
      }
    } catch (e) {
      this.#fail(e);
    } finally {
      this.#pendingInput = false;
    }
  }

  #dispatch(payload: Uint8Array, seq: number): void {
    const type = payload[0]!;
    const kex = this.#kex;
    const initial = this.#kexCount === 0;
    const afterNewKeys = this.#firstPacketAfterNewKeys;
    this.#firstPacketAfterNewKeys = false;

    // OpenSSH PROTOCOL §1.10: under strict kex the initial exchange admits nothing but its own messages.
    if (initial && this.#strict && !isKexMessage(type) && type !== MessageNumber.DISCONNECT) {
      throw protocolError(`strict KEX violation: unexpected packet type ${type} (seqnr ${seq})`);
    }
    if (initial && seq === 0xffffffff)
      throw protocolError('sequence number wrapped during initial key exchange');

    switch (type) {
      case 0:
        throw protocolError('invalid packet type 0');
      case MessageNumber.DISCONNECT: {
        const m = Disconnect.decode(payload);
        const text = sanitizeText(lenientDecoder.decode(m.description));
        this.#close(new SshDisconnectError(m.reason, text));
        return;
      }
      case MessageNumber.IGNORE:
        return;
      case MessageNumber.UNIMPLEMENTED:
        this.#events.push({ type: 'unimplemented', seq: Unimplemented.decode(payload).sequence });
        return;
      case MessageNumber.DEBUG: {
        const m = Debug.decode(payload);
        this.#events.push({
          type: 'debug',
          message: sanitizeText(lenientDecoder.decode(m.message)),
          alwaysDisplay: m.alwaysDisplay,
        });
        return;
      }
      case MessageNumber.EXT_INFO:
        this.#receiveExtInfo(payload, afterNewKeys);
        return;
      case MessageNumber.KEXINIT:
        this.#receiveKexInit(payload, seq);
        return;
      case MessageNumber.NEWKEYS:
        NewKeys.decode(payload);
        this.#receiveNewKeys();
        return;
    }
    if (type >= 30 && type <= 49) {
      if (!kex?.session) throw protocolError(`key exchange message ${type} outside a key exchange`);
      if (kex.skipNextKexPacket) {
        kex.skipNextKexPacket = false;
        return;
      }
      if (kex.inbound) throw protocolError(`key exchange message ${type} after the exchange finished`);
      this.#kexStep(kex, kex.session.receive(payload));
      return;
    }
    if (initial) throw protocolError(`message ${type} before the first key exchange finished`);
    if (kex?.session && kex.skipNextKexPacket) {
      kex.skipNextKexPacket = false;
      return;
    }
    if (type === MessageNumber.SERVICE_REQUEST || type === MessageNumber.SERVICE_ACCEPT || type >= 50) {
      this.#events.push({ type: 'message', payload, seq });
      return;
    }
    // RFC 4253 §11.4: anything else of the transport range is answered with UNIMPLEMENTED.
    this.send(Unimplemented.encode({ sequence: seq }));
  }

  #receiveExtInfo(payload: Uint8Array, afterNewKeys: boolean): void {
    // RFC 8308 §2.4: a client sends EXT_INFO only right after its first NEWKEYS; a server then, or
    // right before USERAUTH_SUCCESS (which the auth layer sees). OpenSSH accepts 1 from a client, 2 from a server.
    const max = this.role === 'client' ? 2 : 1;
    if (this.#extInfoReceived >= max) throw protocolError('too many EXT_INFO messages');
    if (this.role === 'server' && (!afterNewKeys || this.#kexCount !== 1)) {
      throw protocolError('EXT_INFO from the client not right after its first NEWKEYS');
    }
    this.#extInfoReceived++;
    this.#events.push({ type: 'ext-info', extensions: decodeExtInfo(payload) });
  }

  #ourAlgorithms(): KexInit {
    const prefs = this.#config.algorithms ?? {};
    const first = this.#kexCount === 0;
    const kex = [...(prefs.kex ?? DEFAULT_KEX)];
    // Markers go only in the first KEXINIT (RFC 8308 §2.1; OpenSSH PROTOCOL §1.10).
    if (first) kex.push(...(this.role === 'client' ? [EXT_INFO_C, STRICT_KEX_C] : [STRICT_KEX_S]));
    let hostKey = [...(prefs.hostKey ?? DEFAULT_HOST_KEY_ALGORITHMS)];
    if (this.role === 'server') {
      // A server with host certificates offers their algorithms first, as OpenSSH does.
      if (!prefs.hostKey) hostKey = [...CERTIFICATE_HOST_KEY_ALGORITHMS, ...hostKey];
      const ours = new Set<string>();
      for (const key of this.#config.hostKeys ?? [])
        for (const alg of key.publicKey.signatureAlgorithms) ours.add(alg);
      hostKey = hostKey.filter((alg) => ours.has(alg));
      if (hostKey.length === 0)
        throw new TypeError('no host key can sign with the host key algorithms allowed');
    }
    const ciphers = [...(prefs.cipher ?? DEFAULT_CIPHERS)];
    const macs = [...(prefs.mac ?? DEFAULT_MACS)];
    const compression = [...(prefs.compression ?? DEFAULT_COMPRESSION)];
    return {
      cookie: this.#random(16),
      kexAlgorithms: kex,
      serverHostKeyAlgorithms: hostKey,
      encryptionClientToServer: ciphers,
      encryptionServerToClient: ciphers,
      macClientToServer: macs,
      macServerToClient: macs,
      compressionClientToServer: compression,
      compressionServerToClient: compression,
      languagesClientToServer: [],
      languagesServerToClient: [],
      firstKexPacketFollows: false,
      reserved: 0,
    };
  }

  #startKex(): void {
    const fields = this.#ourAlgorithms();
    const payload = KexInit.encode(fields);
    this.#kex = {
      ourInit: payload,
      ourInitFields: fields,
      sentNewKeys: false,
      receivedNewKeys: false,
      skipNextKexPacket: false,
    };
    this.#sendPacket(payload);
  }

  #receiveKexInit(payload: Uint8Array, seq: number): void {
    const peer = KexInit.decode(payload);
    if (!this.#kex) this.#startKex();
    const kex = this.#kex!;
    if (kex.peerInit) throw protocolError('multiple KEXINIT received from peer');
    kex.peerInit = payload.slice();
    const first = this.#kexCount === 0;
    if (first) {
      this.#strict = peer.kexAlgorithms.includes(this.role === 'client' ? STRICT_KEX_S : STRICT_KEX_C);
      if (this.#strict && seq !== 0)
        throw protocolError('strict KEX violation: KEXINIT was not the first packet');
      this.#peerWantsExtInfo = this.role === 'server' && peer.kexAlgorithms.includes(EXT_INFO_C);
    }
    const [client, server] = this.role === 'client' ? [kex.ourInitFields, peer] : [peer, kex.ourInitFields];
    const pseudo = [EXT_INFO_C, 'ext-info-s', STRICT_KEX_C, STRICT_KEX_S];
    const negotiated = negotiate(client, server, this.role, isAead, pseudo);
    kex.negotiated = negotiated;
    if (peer.firstKexPacketFollows && !guessWasRight(client, server, negotiated))
      kex.skipNextKexPacket = true;
    const method = KEX_METHODS[negotiated.kex as KexName];
    const [clientInit, serverInit] =
      this.role === 'client' ? [kex.ourInit, kex.peerInit] : [kex.peerInit, kex.ourInit];
    const ctx = {
      clientVersion: textEncoder.encode(this.role === 'client' ? this.version : this.#peerVersion),
      serverVersion: textEncoder.encode(this.role === 'client' ? this.#peerVersion : this.version),
      clientKexInit: clientInit,
      serverKexInit: serverInit,
      random: this.#random,
      dh: {
        ...keyMaterialNeeds(negotiated),
        ...(this.#config.moduli ? { moduli: this.#config.moduli } : {}),
        ...(this.#config.groupExchange ? { groupExchange: this.#config.groupExchange } : {}),
      },
      crypto: this.#crypto,
    };
    if (this.role === 'client') {
      kex.session = method.client(ctx);
    } else {
      const hostKey = this.#hostKeyFor(negotiated.hostKey);
      kex.session = method.server(ctx, {
        blob: hostKey.publicKey.blob,
        sign: (h) => hostKey.sign(h, negotiated.hostKey, this.#crypto),
      });
    }
    const opening = kex.session.start();
    if (opening) this.#sendPacket(opening);
  }

  #hostKeyFor(algorithm: string): PrivateKey {
    for (const key of this.#config.hostKeys ?? []) {
      if (key.publicKey.signatureAlgorithms.includes(algorithm)) return key;
    }
    throw new SshProtocolError(DisconnectReason.KEY_EXCHANGE_FAILED, `no host key for ${algorithm}`);
  }

  #kexStep(kex: KexState, step: KexStep): void {
    if (step.send) this.#sendPacket(step.send);
    const result = step.result;
    if (!result) return;
    const negotiated = kex.negotiated!;
    const method = KEX_METHODS[negotiated.kex as KexName];
    if (this.role === 'client')
      this.#checkHostKeySignature(negotiated.hostKey, result.hostKey, result.signature, result.exchangeHash);
    const sessionId = this.#sessionId ?? result.exchangeHash;
    const keys = sessionKeys(
      negotiated,
      method.hash,
      result.sharedSecret,
      result.exchangeHash,
      sessionId,
      this.#crypto,
    );
    this.#sessionId = sessionId;
    kex.inbound = this.role === 'client' ? keys.serverToClient : keys.clientToServer;
    if (this.role === 'client' && this.#kexCount === 0) {
      this.#hostKey = result.hostKey.slice();
      this.#awaitingHostKey = { keys };
      this.#events.push({ type: 'host-key', hostKey: this.#hostKey, algorithm: negotiated.hostKey });
      return;
    }
    if (this.role === 'client' && this.#hostKey && !equalBytes(this.#hostKey, result.hostKey)) {
      throw new SshProtocolError(
        DisconnectReason.HOST_KEY_NOT_VERIFIABLE,
        'the host key changed during key re-exchange',
      );
    }
    this.#sendNewKeys(keys);
  }

  /** RFC 4253 §8: the client checks that the server signed H with the key it sent, by the negotiated algorithm. */
  #checkHostKeySignature(algorithm: string, blob: Uint8Array, signature: Uint8Array, h: Uint8Array): void {
    let ok = false;
    try {
      const key = parsePublicKey(blob);
      const wanted = SIGNATURE_ALGORITHMS[algorithm as keyof typeof SIGNATURE_ALGORITHMS];
      ok =
        wanted !== undefined &&
        wanted.keyType === key.type &&
        key.verify(h, signature, [algorithm], this.#crypto);
    } catch (e) {
      if (!(e instanceof SshError)) throw e;
      ok = false;
    }
    if (!ok)
      throw new SshProtocolError(
        DisconnectReason.KEY_EXCHANGE_FAILED,
        'host key signature verification failed',
      );
  }

  #sendNewKeys(keys: DirectionKeys): void {
    const kex = this.#kex!;
    this.#sendPacket(NewKeys.encode({}));
    this.#encoder.setSealer(this.role === 'client' ? keys.clientToServer : keys.serverToClient);
    if (this.#strict) this.#encoder.resetSequence();
    kex.sentNewKeys = true;
    // RFC 8308 §2.4: the server's EXT_INFO is the first message after its first NEWKEYS.
    if (
      this.role === 'server' &&
      this.#kexCount === 0 &&
      this.#peerWantsExtInfo &&
      this.#config.serverSigAlgs?.length
    ) {
      this.#sendPacket(encodeExtInfo(new Map([['server-sig-algs', this.#config.serverSigAlgs.join(',')]])));
    }
    // RFC 4253 §7.1: what the layers above queued during the exchange goes out now, in order.
    const held = this.#held.splice(0);
    this.#heldBytes = 0;
    for (const payload of held) this.#sendPacket(payload);
    this.#finishKexIfDone();
  }

  #receiveNewKeys(): void {
    const kex = this.#kex;
    if (!kex?.inbound || kex.receivedNewKeys) throw protocolError('unexpected NEWKEYS');
    this.#decoder.setOpener(kex.inbound);
    if (this.#strict) this.#decoder.resetSequence();
    kex.receivedNewKeys = true;
    this.#firstPacketAfterNewKeys = this.#kexCount === 0;
    this.#finishKexIfDone();
  }

  #finishKexIfDone(): void {
    const kex = this.#kex!;
    if (!kex.sentNewKeys || !kex.receivedNewKeys) return;
    this.#kex = undefined;
    const first = this.#kexCount === 0;
    this.#kexCount++;
    this.#decoder.bytes = 0;
    this.#encoder.bytes = 0;
    this.#events.push({ type: 'kex-done', first, negotiated: kex.negotiated! });
  }

  #maybeRekey(): void {
    const limit = this.#config.rekeyBytes ?? 1 << 30;
    if (!this.#kex && this.#kexCount > 0 && (this.#encoder.bytes >= limit || this.#decoder.bytes >= limit)) {
      this.#startKex();
    }
  }

  #sendPacket(payload: Uint8Array): void {
    this.#emitRaw(this.#encoder.encode(payload));
  }

  #emitRaw(bytes: Uint8Array): void {
    this.#out.push(bytes);
    this.#outBytes += bytes.length;
  }

  #sendDisconnect(reason: number, description: string): void {
    try {
      this.#sendPacket(
        Disconnect.encode({
          reason,
          description: textEncoder.encode(description),
          language: new Uint8Array(0),
        }),
      );
    } catch {
      // Nothing more can be said to this peer.
    }
  }

  #fail(e: unknown): void {
    if (this.#phase === 'closed') return;
    let error: SshError;
    if (e instanceof SshProtocolError) error = e;
    else if (e instanceof SshDecodeError)
      error = new SshProtocolError(DisconnectReason.PROTOCOL_ERROR, e.message, { cause: e });
    else if (e instanceof SshError) error = e;
    else {
      // A bug of ours must end this connection, not the process: close it and say so.
      const internal = new SshError('ERR_SSH_INTERNAL', `internal error: ${String(e)}`, { cause: e });
      if (this.#phase === 'packets') this.#sendDisconnect(DisconnectReason.BY_APPLICATION, 'internal error');
      this.#close(internal);
      return;
    }
    // Before the version exchange finished there is no packet layer to carry a DISCONNECT.
    if (this.#phase === 'packets' && error instanceof SshProtocolError)
      this.#sendDisconnect(error.reason, error.message);
    this.#close(error);
  }

  #close(error: SshError | undefined): void {
    this.#phase = 'closed';
    this.#kex = undefined;
    this.#held.length = 0;
    this.#heldBytes = 0;
    this.#events.push({ type: 'closed', error });
  }
}

/** Numbers a key exchange may carry: KEXINIT, NEWKEYS and the method's own (RFC 4253 §7.1). */
function isKexMessage(type: number): boolean {
  return type === MessageNumber.KEXINIT || type === MessageNumber.NEWKEYS || (type >= 30 && type <= 49);
}

function protocolError(message: string): SshProtocolError {
  return new SshProtocolError(DisconnectReason.PROTOCOL_ERROR, message);
}
