/**
 * aes128-gcm@openssh.com and aes256-gcm@openssh.com (RFC 5647 as amended by OpenSSH PROTOCOL §1.6,
 * draft-miller-sshm-aes-gcm). The 12-byte IV is a fixed 4-byte field and an 8-byte invocation
 * counter incremented after every packet, independent of the sequence number. The cleartext packet
 * length is the additional authenticated data; the negotiated MAC is not used.
 */
import { gcm } from '@noble/ciphers/aes.js';
import { MacError, type PacketOpener, type PacketSealer } from './types.js';

const TAG = 16;

class AesGcm {
  readonly blockSize = 16;
  readonly lengthExcluded = true;
  readonly macLength = TAG;
  readonly headerLength = 4;
  readonly #key: Uint8Array;
  readonly #iv: Uint8Array;

  constructor(key: Uint8Array, iv: Uint8Array) {
    if (iv.length !== 12) throw new RangeError('AES-GCM needs a 12-byte IV');
    this.#key = key.slice();
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
    const aad = buf.subarray(0, 4);
    const body = buf.subarray(4, buf.length - TAG);
    const sealed = gcm(this.#key, this.#iv, aad).encrypt(body);
    buf.set(sealed, 4);
    this.#nextIv();
  }

  packetLength(_seq: number, buf: Uint8Array): number {
    return ((buf[0]! << 24) | (buf[1]! << 16) | (buf[2]! << 8) | buf[3]!) >>> 0;
  }

  open(_seq: number, buf: Uint8Array): void {
    const aad = buf.subarray(0, 4);
    let plain: Uint8Array;
    try {
      plain = gcm(this.#key, this.#iv, aad).decrypt(buf.subarray(4));
    } catch {
      throw new MacError();
    }
    buf.set(plain, 4);
    this.#nextIv();
  }
}

export function aesGcm(key: Uint8Array, iv: Uint8Array): PacketSealer & PacketOpener {
  return new AesGcm(key, iv);
}
