/**
 * The shape every key exchange method has (RFC 4253 §7–8): a small state machine per connection
 * that is started, fed the method's own messages (numbers 30–49) and ends with the shared secret
 * and the exchange hash.
 */
import type { Hash } from '../mac/hmac.js';
import { SshWriter } from '../wire/writer.js';
import type { DhSettings } from './dh-groups.js';

/** What both sides put into the exchange hash besides the method's own values. */
export interface KexContext {
  /** V_C and V_S: the version lines without CR LF. */
  readonly clientVersion: Uint8Array;
  readonly serverVersion: Uint8Array;
  /** I_C and I_S: the KEXINIT payloads, message number included. */
  readonly clientKexInit: Uint8Array;
  readonly serverKexInit: Uint8Array;
  readonly random: (length: number) => Uint8Array;
  /** Finite-field DH only: key sizes from the negotiation, moduli and group-exchange sizes from the configuration. */
  readonly dh?: DhSettings;
}

/** The server's host key for this exchange: its blob and a signer using the negotiated algorithm. */
export interface KexHostKey {
  readonly blob: Uint8Array;
  sign(exchangeHash: Uint8Array): Uint8Array;
}

export interface KexResult {
  /** K as it enters the exchange hash and key derivation: an mpint, or a string for hybrid methods. */
  readonly sharedSecret: Uint8Array;
  readonly exchangeHash: Uint8Array;
  /** K_S and the signature over H (the client verifies them). */
  readonly hostKey: Uint8Array;
  readonly signature: Uint8Array;
}

export interface KexStep {
  readonly send?: Uint8Array;
  readonly result?: KexResult;
}

export interface KexSession {
  /** The first message this side sends, if it speaks first. */
  start(): Uint8Array | undefined;
  /** Feeds one of the method's messages; throws SshProtocolError (KEY_EXCHANGE_FAILED) on bad values. */
  receive(payload: Uint8Array): KexStep;
}

export interface KexMethod {
  readonly hash: Hash;
  client(ctx: KexContext): KexSession;
  server(ctx: KexContext, hostKey: KexHostKey): KexSession;
}

/** H = HASH(V_C || V_S || I_C || I_S || K_S || method values…), each a `string` except K. */
export function exchangeHash(
  hash: Hash,
  ctx: KexContext,
  hostKey: Uint8Array,
  methodValues: readonly Uint8Array[],
  sharedSecret: Uint8Array,
): Uint8Array {
  const w = new SshWriter(1024)
    .string(ctx.clientVersion)
    .string(ctx.serverVersion)
    .string(ctx.clientKexInit)
    .string(ctx.serverKexInit)
    .string(hostKey);
  for (const v of methodValues) w.string(v);
  w.raw(sharedSecret);
  return hash(w.bytes());
}
