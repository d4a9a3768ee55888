/**
 * Finite-field Diffie-Hellman (RFC 4253 §8) with the fixed groups of RFC 2409 and RFC 3526:
 * diffie-hellman-group1-sha1, group14-sha1 (RFC 4253), group14-sha256, group16-sha512 and
 * group18-sha512 (RFC 8268). The key pair and public-value checks here are shared with group
 * exchange (`dh-gex.ts`).
 *
 * The secret exponent is sized as OpenSSH sizes it (`dh_gen_key`): twice the bits of key material
 * the negotiated algorithms need, at least 512, at most |p| - 1 — pollard rho and baby-step
 * giant-step cost the square root of the exponent space.
 */
import { sha1 } from '@noble/hashes/legacy.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { DisconnectReason, SshProtocolError } from '../errors.js';
import { modPow } from '../keys/rsa-math.js';
import type { Hash } from '../mac/hmac.js';
import type { RandomBytes } from '../random.js';
import { bytesToBigInt, mpintBytes, SshWriter } from '../wire/writer.js';
import {
  type DhGroup,
  type DhSettings,
  MODP_GROUP_2,
  MODP_GROUP_14,
  MODP_GROUP_16,
  MODP_GROUP_18,
} from './dh-groups.js';
import { KexDhInit, KexDhReply } from './dh-messages.js';
import { exchangeHash, type KexContext, type KexHostKey, type KexMethod, type KexSession } from './method.js';

/** Key material assumed when the transport did not say (AES-256 with HMAC-SHA2-512: 64 bytes). */
const DEFAULT_KEY_BYTES = 64;

function fail(message: string): never {
  throw new SshProtocolError(DisconnectReason.KEY_EXCHANGE_FAILED, message);
}

/** OpenSSH `dh_gen_key`: bits of the secret exponent for `keyBytes` of key material. */
export function dhExponentBits(group: DhGroup, keyBytes: number): number {
  const need = Math.max(keyBytes * 8, 256);
  return Math.min(2 * need, group.bits - 1);
}

/** A secret exponent x of `bits` bits (top bit set) and the public value g^x mod p. */
export function dhKeyPair(
  group: DhGroup,
  settings: DhSettings | undefined,
  random: RandomBytes,
): { x: bigint; publicValue: bigint } {
  const bits = dhExponentBits(group, settings?.keyBytes ?? DEFAULT_KEY_BYTES);
  const bytes = random(Math.ceil(bits / 8));
  let x = bytesToBigInt(bytes) & ((1n << BigInt(bits)) - 1n);
  x |= 1n << BigInt(bits - 1);
  return { x, publicValue: modPow(group.g, x, group.p) };
}

/**
 * RFC 4253 §8: e and f must lie in [1, p-1]; as OpenSSH (`dh_pub_is_valid`) and Go (`dc7f3af`),
 * 0, 1, p-1 and anything else outside [2, p-2] are refused, and so is a value with fewer than 4
 * bits set (whose discrete log in base 2 is trivial).
 */
export function checkDhPublic(group: DhGroup, value: bigint, what: string): void {
  if (value < 2n || value > group.p - 2n) fail(`DH ${what} outside [2, p-2]`);
  let set = 0;
  for (let v = value; v > 0n && set < 4; v &= v - 1n) set++;
  if (set < 4) fail(`DH ${what} has fewer than 4 bits set`);
}

/** K = peer^x mod p as an mpint, after checking the peer's value. */
export function dhAgree(group: DhGroup, x: bigint, peer: bigint, what: string): Uint8Array {
  checkDhPublic(group, peer, what);
  const k = modPow(peer, x, group.p);
  // Go `4d39909`: a shared secret of 0, 1 or p-1 means a degenerate group.
  if (k <= 1n || k >= group.p - 1n) fail('DH shared secret is degenerate');
  return new SshWriter(group.bits / 8 + 8).mpint(k).bytes().slice();
}

/** The KexMethod of one fixed group with one hash. */
export function fixedGroupKex(group: DhGroup, hash: Hash): KexMethod {
  function client(ctx: KexContext): KexSession {
    const { x, publicValue: e } = dhKeyPair(group, ctx.dh, ctx.random);
    return {
      start: () => KexDhInit.encode({ e }),
      receive(payload) {
        const reply = KexDhReply.decode(payload);
        const k = dhAgree(group, x, reply.f, 'f');
        const h = exchangeHash(hash, ctx, reply.hostKey, [mpintBytes(e), mpintBytes(reply.f)], k);
        return {
          result: { sharedSecret: k, exchangeHash: h, hostKey: reply.hostKey, signature: reply.signature },
        };
      },
    };
  }

  function server(ctx: KexContext, hostKey: KexHostKey): KexSession {
    return {
      start: () => undefined,
      receive(payload) {
        const { e } = KexDhInit.decode(payload);
        checkDhPublic(group, e, 'e');
        const { x, publicValue: f } = dhKeyPair(group, ctx.dh, ctx.random);
        const k = dhAgree(group, x, e, 'e');
        const h = exchangeHash(hash, ctx, hostKey.blob, [mpintBytes(e), mpintBytes(f)], k);
        const signature = hostKey.sign(h);
        return {
          send: KexDhReply.encode({ hostKey: hostKey.blob, f, signature }),
          result: { sharedSecret: k, exchangeHash: h, hostKey: hostKey.blob, signature },
        };
      },
    };
  }

  return { hash, client, server };
}

export const dhGroup1Sha1 = fixedGroupKex(MODP_GROUP_2, sha1);
export const dhGroup14Sha1 = fixedGroupKex(MODP_GROUP_14, sha1);
export const dhGroup14Sha256 = fixedGroupKex(MODP_GROUP_14, sha256);
export const dhGroup16Sha512 = fixedGroupKex(MODP_GROUP_16, sha512);
export const dhGroup18Sha512 = fixedGroupKex(MODP_GROUP_18, sha512);
