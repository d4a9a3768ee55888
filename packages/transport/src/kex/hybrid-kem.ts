/**
 * Hybrid post-quantum key exchange: a KEM combined with X25519 (OpenSSH `kexmlkem768x25519.c`,
 * `kexsntrup761x25519.c`; draft-ietf-sshm-mlkem-hybrid-kex; draft-josefsson-ntruprime-ssh),
 * carried in the ECDH messages 30/31 of RFC 5656 §4:
 *
 * - Q_C = KEM public key || X25519 public key; Q_S = KEM ciphertext || X25519 public key;
 * - K = string(HASH(KEM shared secret || X25519 shared secret)), the X25519 part raw (no mpint),
 *   and K enters the exchange hash and key derivation as that string, not as an mpint.
 *
 * Shares of the wrong length end the exchange with KEY_EXCHANGE_FAILED. A tampered ciphertext does
 * not: the KEM's implicit rejection yields another secret, so the host signature check fails.
 */

import { x25519 } from '@noble/curves/ed25519.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import { DisconnectReason, SshProtocolError } from '../errors.js';
import type { Hash } from '../mac/hmac.js';
import { KexEcdhInit, KexEcdhReply } from '../messages.js';
import type { RandomBytes } from '../random.js';
import { SshWriter } from '../wire/writer.js';
import { exchangeHash, type KexContext, type KexHostKey, type KexMethod, type KexSession } from './method.js';
import {
  SNTRUP761_CIPHERTEXT_BYTES,
  SNTRUP761_PUBLIC_KEY_BYTES,
  sntrup761Decapsulate,
  sntrup761Encapsulate,
  sntrup761Keypair,
} from './sntrup761.js';

/** A key encapsulation mechanism as the hybrid exchange uses it. */
export interface Kem {
  readonly name: string;
  readonly publicKeyLength: number;
  readonly ciphertextLength: number;
  keypair(random: RandomBytes): { publicKey: Uint8Array; secretKey: Uint8Array };
  /** May throw for a public key the KEM rejects (ML-KEM's modulus check, FIPS 203 §7.2). */
  encapsulate(
    publicKey: Uint8Array,
    random: RandomBytes,
  ): { ciphertext: Uint8Array; sharedSecret: Uint8Array };
  decapsulate(ciphertext: Uint8Array, secretKey: Uint8Array): Uint8Array;
}

/** ML-KEM-768 (FIPS 203) from @noble/post-quantum: 1184-byte keys, 1088-byte ciphertexts. */
export const mlKem768: Kem = {
  name: 'ML-KEM-768',
  publicKeyLength: 1184,
  ciphertextLength: 1088,
  // FIPS 203 §7.1 ML-KEM.KeyGen: d || z, 64 bytes; §7.2 ML-KEM.Encaps: m, 32 bytes.
  keypair: (random) => ml_kem768.keygen(random(64)),
  encapsulate: (publicKey, random) => {
    const { cipherText, sharedSecret } = ml_kem768.encapsulate(publicKey, random(32));
    return { ciphertext: cipherText, sharedSecret };
  },
  decapsulate: (ciphertext, secretKey) => ml_kem768.decapsulate(ciphertext, secretKey),
};

/** Streamlined NTRU Prime 761: 1158-byte keys, 1039-byte ciphertexts. */
export const sntrup761Kem: Kem = {
  name: 'sntrup761',
  publicKeyLength: SNTRUP761_PUBLIC_KEY_BYTES,
  ciphertextLength: SNTRUP761_CIPHERTEXT_BYTES,
  keypair: sntrup761Keypair,
  encapsulate: sntrup761Encapsulate,
  decapsulate: sntrup761Decapsulate,
};

const X25519_BYTES = 32;

function fail(message: string): never {
  throw new SshProtocolError(DisconnectReason.KEY_EXCHANGE_FAILED, message);
}

/** X25519 as the hybrid methods use it: raw 32 bytes, refusing the all-zero result (RFC 8731 §3). */
function x25519Shared(secret: Uint8Array, peerPublic: Uint8Array): Uint8Array {
  let shared: Uint8Array;
  try {
    shared = x25519.getSharedSecret(secret, peerPublic);
  } catch {
    fail('curve25519 shared secret is zero');
  }
  let acc = 0;
  for (const b of shared) acc |= b;
  if (acc === 0) fail('curve25519 shared secret is zero');
  return shared;
}

/** K = string(HASH(kemSecret || x25519Secret)). */
function hybridSecret(hash: Hash, kemSecret: Uint8Array, ecdhSecret: Uint8Array): Uint8Array {
  const digest = hash.create().update(kemSecret).update(ecdhSecret).digest();
  return new SshWriter(8 + digest.length).string(digest).bytes().slice();
}

/** The KexMethod of KEM + X25519 with `hash` (SHA-256 for ML-KEM, SHA-512 for sntrup761). */
export function hybridKex(kem: Kem, hash: Hash): KexMethod {
  const clientShareLength = kem.publicKeyLength + X25519_BYTES;
  const serverShareLength = kem.ciphertextLength + X25519_BYTES;

  function client(ctx: KexContext): KexSession {
    const { publicKey, secretKey } = kem.keypair(ctx.random);
    const ecdhSecret = ctx.random(X25519_BYTES);
    const clientShare = new Uint8Array(clientShareLength);
    clientShare.set(publicKey);
    clientShare.set(x25519.getPublicKey(ecdhSecret), kem.publicKeyLength);
    return {
      start: () => KexEcdhInit.encode({ clientPublic: clientShare }),
      receive(payload) {
        const reply = KexEcdhReply.decode(payload);
        const serverShare = reply.serverPublic;
        if (serverShare.length !== serverShareLength)
          fail(`${kem.name} server share of ${serverShare.length} bytes, expected ${serverShareLength}`);
        const kemSecret = kem.decapsulate(serverShare.subarray(0, kem.ciphertextLength), secretKey);
        const ecdh = x25519Shared(ecdhSecret, serverShare.subarray(kem.ciphertextLength));
        const k = hybridSecret(hash, kemSecret, ecdh);
        const h = exchangeHash(hash, ctx, reply.hostKey, [clientShare, serverShare], k);
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
        const { clientPublic: clientShare } = KexEcdhInit.decode(payload);
        if (clientShare.length !== clientShareLength)
          fail(`${kem.name} client share of ${clientShare.length} bytes, expected ${clientShareLength}`);
        let encapsulated: { ciphertext: Uint8Array; sharedSecret: Uint8Array };
        try {
          encapsulated = kem.encapsulate(clientShare.subarray(0, kem.publicKeyLength), ctx.random);
        } catch {
          fail(`${kem.name} public key rejected`);
        }
        const ecdhSecret = ctx.random(X25519_BYTES);
        const ecdh = x25519Shared(ecdhSecret, clientShare.subarray(kem.publicKeyLength));
        const serverShare = new Uint8Array(serverShareLength);
        serverShare.set(encapsulated.ciphertext);
        serverShare.set(x25519.getPublicKey(ecdhSecret), kem.ciphertextLength);
        const k = hybridSecret(hash, encapsulated.sharedSecret, ecdh);
        const h = exchangeHash(hash, ctx, hostKey.blob, [clientShare, serverShare], k);
        const signature = hostKey.sign(h);
        return {
          send: KexEcdhReply.encode({ hostKey: hostKey.blob, serverPublic: serverShare, signature }),
          result: { sharedSecret: k, exchangeHash: h, hostKey: hostKey.blob, signature },
        };
      },
    };
  }

  return { hash, client, server };
}

/** mlkem768x25519-sha256. */
export const mlkem768x25519 = hybridKex(mlKem768, sha256);
/** sntrup761x25519-sha512 and sntrup761x25519-sha512@openssh.com. */
export const sntrup761x25519 = hybridKex(sntrup761Kem, sha512);
