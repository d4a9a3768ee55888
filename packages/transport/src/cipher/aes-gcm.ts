/**
 * aes128-gcm@openssh.com and aes256-gcm@openssh.com (RFC 5647 as amended by OpenSSH PROTOCOL §1.6,
 * draft-miller-sshm-aes-gcm). The 12-byte IV is a fixed 4-byte field and an 8-byte invocation
 * counter incremented after every packet, independent of the sequence number. The cleartext packet
 * length is the additional authenticated data; the negotiated MAC is not used.
 */
import type { CryptoProvider, AesGcm as KeyedGcm } from '../crypto/provider.js';
import { MacError, type PacketOpener, type PacketSealer, readUint32 } from './types.js';

const TAG = 16;

class AesGcm {
  readonly blockSize = 16;
  readonly lengthExcluded = true;
  readonly macLength = TAG;
  readonly headerLength = 4;
  /** Keyed once per key exchange; each packet only brings its IV. */
  readonly #gcm: KeyedGcm;
  readonly #iv: Uint8Array;

  constructor(key: Uint8Array, iv: Uint8Array, crypto: CryptoProvider) {
    if (iv.length !== 12) throw new RangeError('AES-GCM needs a 12-byte IV');
    this.#gcm = crypto.aesGcm(key);
    this.#iv = iv.slice();
  }

  /** RFC 5647 §7.1: the invocation counter is the low 64 bits of the IV, incremented mod 2^64. */
  #nextIv(): void {
    for (let i = 11; i >= 4; i--) {
      this.#iv[i] = (this.#iv[i]! + 1) & 0xff;
      if (this.#iv[i] !== 0) break;
    }
  }

  seal(_seq: number, buf: Uint8Array): void {
    const end = buf.length - TAG;
    this.#gcm.seal(this.#iv, buf.subarray(0, 4), buf.subarray(4, end), buf.subarray(end));
    this.#nextIv();
  }

  packetLength(_seq: number, buf: Uint8Array): number {
    return readUint32(buf, 0);
  }

  open(_seq: number, buf: Uint8Array): void {
    const end = buf.length - TAG;
    if (!this.#gcm.open(this.#iv, buf.subarray(0, 4), buf.subarray(4, end), buf.subarray(end)))
      throw new MacError();
    this.#nextIv();
  }
}

export function aesGcm(key: Uint8Array, iv: Uint8Array, crypto: CryptoProvider): PacketSealer & PacketOpener {
  return new AesGcm(key, iv, crypto);
}
