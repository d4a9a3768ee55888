/**
 * Diffie-Hellman group exchange, diffie-hellman-group-exchange-sha256 and -sha1 (RFC 4419;
 * OpenSSH `kexgexc.c`, `kexgexs.c`): the client asks for a group size (min, n, max), the server
 * sends a safe prime p and generator g (message 31, GROUP), then DH runs in that group with
 * messages 32 (INIT) and 33 (REPLY).
 *
 * The client checks the group it is given (Go `4d39909`, PROTOCOL-NOTES §4.4 #20): p odd and of a
 * size within what it asked for, 1 < g < p-1. Whether p is really a safe prime it cannot afford to
 * check; the host signature over H, which covers p and g, is what binds the server to its choice.
 */
import { sha1 } from '@noble/hashes/legacy.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { DisconnectReason, SshProtocolError } from '../errors.js';
import type { Hash } from '../mac/hmac.js';
import { SshWriter } from '../wire/writer.js';
import { checkDhPublic, dhAgree, dhKeyPair } from './dh.js';
import type { DhGroup, GroupExchangeBits } from './dh-groups.js';
import { KexDhGexGroup, KexDhGexInit, KexDhGexReply, KexDhGexRequest } from './dh-messages.js';
import { exchangeHash, type KexContext, type KexHostKey, type KexMethod, type KexSession } from './method.js';
import { BUILT_IN_MODULI, chooseGroup, GROUP_EXCHANGE_MAX_BITS, GROUP_EXCHANGE_MIN_BITS } from './moduli.js';

function fail(message: string): never {
  throw new SshProtocolError(DisconnectReason.KEY_EXCHANGE_FAILED, message);
}

/**
 * OpenSSH `dh_estimate`: a group size matching `bits` of symmetric security (NIST SP 800-57
 * part 1 table 2, capped at 8192 as RFC 4419 §3 recommends).
 */
export function dhEstimate(bits: number): number {
  if (bits <= 112) return 2048;
  if (bits <= 128) return 3072;
  if (bits <= 192) return 7680;
  return 8192;
}

/** The client's request: configured sizes, else 2048, OpenSSH's estimate, 8192 (`kexgex_client`). */
export function groupExchangeRequest(ctx: KexContext): GroupExchangeBits {
  const configured = ctx.dh?.groupExchange ?? {};
  const min = configured.min ?? GROUP_EXCHANGE_MIN_BITS;
  const max = configured.max ?? GROUP_EXCHANGE_MAX_BITS;
  const estimate = dhEstimate((ctx.dh?.securityBytes ?? 64) * 8);
  const preferred = configured.preferred ?? Math.min(max, Math.max(min, estimate));
  return { min, preferred, max };
}

/** RFC 4419 §3: H over the request as sent, the group, e, f and K, in their wire types. */
function gexHash(
  hash: Hash,
  ctx: KexContext,
  hostKey: Uint8Array,
  request: { readonly min: number; readonly n: number; readonly max: number },
  group: DhGroup,
  e: bigint,
  f: bigint,
  k: Uint8Array,
): Uint8Array {
  // exchangeHash writes the method's values as strings and K raw; the request's uint32s are no
  // strings, so everything after K_S goes in as one raw tail.
  const tail = new SshWriter(3 * (group.bits / 8) + 64)
    .uint32(request.min)
    .uint32(request.n)
    .uint32(request.max)
    .mpint(group.p)
    .mpint(group.g)
    .mpint(e)
    .mpint(f)
    .raw(k)
    .bytes();
  return exchangeHash(hash, ctx, hostKey, [], tail);
}

/** The client's checks of the group the server chose (RFC 4419 §3; OpenSSH `kexgexc.c`). */
function checkGroup(p: bigint, g: bigint, request: GroupExchangeBits): DhGroup {
  const bits = p <= 0n ? 0 : p.toString(2).length;
  if (bits < request.min || bits > request.max)
    fail(`DH group of ${bits} bits, asked for ${request.min}..${request.max}`);
  if ((p & 1n) === 0n) fail('DH group modulus is even');
  if (g <= 1n || g >= p - 1n) fail('DH group generator outside (1, p-1)');
  return { p, g, bits };
}

export function groupExchangeKex(hash: Hash): KexMethod {
  function client(ctx: KexContext): KexSession {
    const bits = groupExchangeRequest(ctx);
    const request = { min: bits.min, n: bits.preferred, max: bits.max };
    let state: { group: DhGroup; x: bigint; e: bigint } | undefined;
    return {
      start: () => KexDhGexRequest.encode(request),
      receive(payload) {
        if (!state) {
          const { p, g } = KexDhGexGroup.decode(payload);
          const group = checkGroup(p, g, bits);
          const { x, publicValue: e } = dhKeyPair(group, ctx.dh, ctx.random);
          state = { group, x, e };
          return { send: KexDhGexInit.encode({ e }) };
        }
        const reply = KexDhGexReply.decode(payload);
        const { group, x, e } = state;
        const k = dhAgree(group, x, reply.f, 'f');
        const h = gexHash(hash, ctx, reply.hostKey, request, group, e, reply.f, k);
        return {
          result: { sharedSecret: k, exchangeHash: h, hostKey: reply.hostKey, signature: reply.signature },
        };
      },
    };
  }

  function server(ctx: KexContext, hostKey: KexHostKey): KexSession {
    let state:
      | { request: { min: number; n: number; max: number }; group: DhGroup; x: bigint; f: bigint }
      | undefined;
    return {
      start: () => undefined,
      receive(payload) {
        if (!state) {
          const request = KexDhGexRequest.decode(payload);
          const group = chooseGroup(ctx.dh?.moduli ?? BUILT_IN_MODULI, request, ctx.random);
          if (!group)
            fail(`no DH group for the request min ${request.min}, n ${request.n}, max ${request.max}`);
          const { x, publicValue: f } = dhKeyPair(group, ctx.dh, ctx.random);
          state = { request, group, x, f };
          return { send: KexDhGexGroup.encode({ p: group.p, g: group.g }) };
        }
        const { e } = KexDhGexInit.decode(payload);
        const { request, group, x, f } = state;
        checkDhPublic(group, e, 'e');
        const k = dhAgree(group, x, e, 'e');
        const h = gexHash(hash, ctx, hostKey.blob, request, group, e, f, k);
        const signature = hostKey.sign(h);
        return {
          send: KexDhGexReply.encode({ hostKey: hostKey.blob, f, signature }),
          result: { sharedSecret: k, exchangeHash: h, hostKey: hostKey.blob, signature },
        };
      },
    };
  }

  return { hash, client, server };
}

export const dhGexSha256 = groupExchangeKex(sha256);
export const dhGexSha1 = groupExchangeKex(sha1);
