/**
 * curve25519-sha256 and curve25519-sha256@libssh.org (RFC 8731, messages of RFC 5656 §4).
 */
import { sha256 } from '@noble/hashes/sha2.js';
import type { X25519 } from '../crypto/provider.js';
import { DisconnectReason, SshProtocolError } from '../errors.js';
import { KexEcdhInit, KexEcdhReply } from '../messages.js';
import { bytesToBigInt, SshWriter } from '../wire/writer.js';
import { exchangeHash, type KexContext, type KexHostKey, type KexMethod, type KexSession } from './method.js';

function fail(message: string): never {
  throw new SshProtocolError(DisconnectReason.KEY_EXCHANGE_FAILED, message);
}

/**
 * RFC 8731 §3: the raw X25519 result, refusing a wrong-length key and the all-zero result of a
 * low-order point. The hybrid post-quantum methods use it too.
 */
export function x25519Agree(x25519: X25519, secret: Uint8Array, peerPublic: Uint8Array): Uint8Array {
  if (peerPublic.length !== 32) fail(`curve25519 public key of ${peerPublic.length} bytes, expected 32`);
  let shared: Uint8Array;
  try {
    shared = x25519.sharedSecret(secret, peerPublic);
  } catch {
    fail('curve25519 shared secret is zero');
  }
  let acc = 0;
  for (const b of shared) acc |= b;
  if (acc === 0) fail('curve25519 shared secret is zero');
  return shared;
}

/** RFC 8731 §3: the 32 bytes are read as a big-endian integer and enter the hash as an mpint. */
function agree(x25519: X25519, secret: Uint8Array, peerPublic: Uint8Array): Uint8Array {
  return new SshWriter(40).mpint(bytesToBigInt(x25519Agree(x25519, secret, peerPublic))).bytes();
}

function client(ctx: KexContext): KexSession {
  const secret = ctx.random(32);
  const clientPublic = ctx.crypto.x25519.publicKey(secret);
  return {
    start: () => KexEcdhInit.encode({ clientPublic }),
    receive(payload) {
      const reply = KexEcdhReply.decode(payload);
      const k = agree(ctx.crypto.x25519, secret, reply.serverPublic);
      const h = exchangeHash(sha256, ctx, reply.hostKey, [clientPublic, reply.serverPublic], k);
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
      const { clientPublic } = KexEcdhInit.decode(payload);
      const secret = ctx.random(32);
      const serverPublic = ctx.crypto.x25519.publicKey(secret);
      const k = agree(ctx.crypto.x25519, secret, clientPublic);
      const h = exchangeHash(sha256, ctx, hostKey.blob, [clientPublic, serverPublic], k);
      const signature = hostKey.sign(h);
      return {
        send: KexEcdhReply.encode({ hostKey: hostKey.blob, serverPublic, signature }),
        result: { sharedSecret: k, exchangeHash: h, hostKey: hostKey.blob, signature },
      };
    },
  };
}

export const curve25519: KexMethod = { hash: sha256, client, server };
