/**
 * ecdh-sha2-nistp256, -nistp384 and -nistp521 (RFC 5656 §4, §6.1; OpenSSH `kexecdh.c`): ECDH on
 * the NIST curves with SHA-256, SHA-384 and SHA-512, in messages 30/31.
 *
 * Q_C and Q_S are uncompressed points (04 || X || Y, SEC1 §2.3.3); a compressed point, the point
 * at infinity or a point off the curve ends the exchange with KEY_EXCHANGE_FAILED (RFC 5656 §4:
 * the recipient MUST validate the peer's public key, SEC1 §3.2.2.1). K is the mpint of the
 * shared point's X coordinate (RFC 5656 §4).
 */
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import { DisconnectReason, SshProtocolError } from '../errors.js';
import type { Hash } from '../mac/hmac.js';
import { KexEcdhInit, KexEcdhReply } from '../messages.js';
import { bytesToBigInt, SshWriter } from '../wire/writer.js';
import { exchangeHash, type KexContext, type KexHostKey, type KexMethod, type KexSession } from './method.js';

type NistCurve = typeof p256;

function fail(message: string): never {
  throw new SshProtocolError(DisconnectReason.KEY_EXCHANGE_FAILED, message);
}

function ecdhKex(curve: NistCurve, hash: Hash, name: string): KexMethod {
  const pointLength = curve.lengths.publicKeyUncompressed!;

  /** A fresh key pair: the secret scalar reduced from the curve's seed length (FIPS 186-5 A.2.1). */
  function keyPair(ctx: KexContext): { secret: Uint8Array; publicKey: Uint8Array } {
    const secret = curve.utils.randomSecretKey(ctx.random(curve.lengths.seed!));
    return { secret, publicKey: curve.getPublicKey(secret, false) };
  }

  /** RFC 5656 §4: validate Q, compute the shared point, K = mpint(x). */
  function agree(secret: Uint8Array, peer: Uint8Array): Uint8Array {
    if (peer.length !== pointLength || peer[0] !== 0x04)
      fail(`${name} public key is not an uncompressed point of ${pointLength} bytes`);
    let shared: Uint8Array;
    try {
      // Parsing checks that the point is on the curve and not the point at infinity.
      shared = curve.getSharedSecret(secret, peer, true);
    } catch {
      fail(`${name} public key is not a valid point`);
    }
    return new SshWriter(80)
      .mpint(bytesToBigInt(shared.subarray(1)))
      .bytes()
      .slice();
  }

  function client(ctx: KexContext): KexSession {
    const { secret, publicKey: clientPublic } = keyPair(ctx);
    return {
      start: () => KexEcdhInit.encode({ clientPublic }),
      receive(payload) {
        const reply = KexEcdhReply.decode(payload);
        const k = agree(secret, reply.serverPublic);
        const h = exchangeHash(hash, ctx, reply.hostKey, [clientPublic, reply.serverPublic], k);
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
        const { secret, publicKey: serverPublic } = keyPair(ctx);
        const k = agree(secret, clientPublic);
        const h = exchangeHash(hash, ctx, hostKey.blob, [clientPublic, serverPublic], k);
        const signature = hostKey.sign(h);
        return {
          send: KexEcdhReply.encode({ hostKey: hostKey.blob, serverPublic, signature }),
          result: { sharedSecret: k, exchangeHash: h, hostKey: hostKey.blob, signature },
        };
      },
    };
  }

  return { hash, client, server };
}

export const ecdhNistp256 = ecdhKex(p256, sha256, 'nistp256');
export const ecdhNistp384 = ecdhKex(p384, sha384, 'nistp384');
export const ecdhNistp521 = ecdhKex(p521, sha512, 'nistp521');
