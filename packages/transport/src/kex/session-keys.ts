/**
 * Turns a finished key exchange into the packet protection of both directions (RFC 4253 §7.2):
 * letters A/B are the IVs, C/D the encryption keys, E/F the integrity keys, client-to-server first.
 */
import { CIPHERS, type CipherSpec, MACS, type MacSpec } from '../algorithms.js';
import { cipherWithMac } from '../cipher/stream.js';
import type { PacketOpener, PacketSealer } from '../cipher/types.js';
import type { CryptoProvider } from '../crypto/provider.js';
import type { Hash } from '../mac/hmac.js';
import { deriveKey } from './derive.js';
import type { Negotiated } from './negotiate.js';

export interface DirectionKeys {
  readonly clientToServer: PacketSealer & PacketOpener;
  readonly serverToClient: PacketSealer & PacketOpener;
}

export function isAead(cipher: string): boolean {
  const spec: CipherSpec | undefined = (CIPHERS as Record<string, CipherSpec>)[cipher];
  return spec?.aead === true;
}

export function sessionKeys(
  negotiated: Negotiated,
  hash: Hash,
  sharedSecret: Uint8Array,
  exchangeHash: Uint8Array,
  sessionId: Uint8Array,
  crypto: CryptoProvider,
): DirectionKeys {
  const key = (letter: 'A' | 'B' | 'C' | 'D' | 'E' | 'F', length: number) =>
    deriveKey(hash, sharedSecret, exchangeHash, letter, sessionId, length);
  const direction = (
    cipherName: string,
    macName: string,
    iv: 'A' | 'B',
    enc: 'C' | 'D',
    integ: 'E' | 'F',
  ) => {
    const cipher = (CIPHERS as Record<string, CipherSpec>)[cipherName];
    if (!cipher) throw new RangeError(`unknown cipher ${cipherName}`);
    const k = key(enc, cipher.keyLength);
    const v = cipher.ivLength > 0 ? key(iv, cipher.ivLength) : new Uint8Array(0);
    if (cipher.aead) return cipher.create(k, v, crypto);
    const mac = (MACS as Record<string, MacSpec>)[macName];
    if (!mac) throw new RangeError(`unknown MAC ${macName}`);
    return cipherWithMac(cipher.create(k, v, crypto), mac.create(key(integ, mac.keyLength), crypto));
  };
  return {
    clientToServer: direction(negotiated.cipherClientToServer, negotiated.macClientToServer, 'A', 'C', 'E'),
    serverToClient: direction(negotiated.cipherServerToClient, negotiated.macServerToClient, 'B', 'D', 'F'),
  };
}
