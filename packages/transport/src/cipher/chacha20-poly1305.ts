/**
 * chacha20-poly1305@openssh.com (OpenSSH PROTOCOL.chacha20poly1305; draft-ietf-sshm-chacha20-poly1305).
 *
 * 64 bytes of key: K_2 (bytes 0–31) encrypts the body and keys Poly1305, K_1 (bytes 32–63) encrypts
 * only the 4-byte length. The nonce is the packet sequence number as a big-endian uint64, with the
 * original 64-bit-nonce ChaCha20. The tag covers the encrypted length and body; the negotiated MAC
 * is not used.
 */
import { poly1305 } from '@noble/ciphers/_poly1305.js';
import { chacha20orig } from '@noble/ciphers/chacha.js';
import { MacError, type PacketOpener, type PacketSealer, readUint32, tagsEqual } from './types.js';

const TAG = 16;

class ChaChaPoly {
  readonly blockSize = 8;
  readonly lengthExcluded = true;
  readonly macLength = TAG;
  readonly headerLength = 4;
  readonly #bodyKey: Uint8Array;
  readonly #lengthKey: Uint8Array;
  readonly #nonce = new Uint8Array(8);
  readonly #polyKey = new Uint8Array(32);
  readonly #len = new Uint8Array(4);

  constructor(key: Uint8Array) {
    if (key.length !== 64) throw new RangeError('chacha20-poly1305 needs 64 bytes of key');
    this.#bodyKey = key.slice(0, 32);
    this.#lengthKey = key.slice(32, 64);
  }

  #setNonce(seq: number): void {
    const n = this.#nonce;
    n[4] = seq >>> 24;
    n[5] = seq >>> 16;
    n[6] = seq >>> 8;
    n[7] = seq;
  }

  #polyKeyFor(): Uint8Array {
    this.#polyKey.fill(0);
    return chacha20orig(this.#bodyKey, this.#nonce, this.#polyKey, this.#polyKey, 0);
  }

  seal(seq: number, buf: Uint8Array): void {
    this.#setNonce(seq);
    const end = 4 + readUint32(buf, 0);
    chacha20orig(this.#lengthKey, this.#nonce, buf.subarray(0, 4), buf.subarray(0, 4), 0);
    const body = buf.subarray(4, end);
    chacha20orig(this.#bodyKey, this.#nonce, body, body, 1);
    buf.set(poly1305(buf.subarray(0, end), this.#polyKeyFor()), end);
  }

  packetLength(seq: number, buf: Uint8Array): number {
    this.#setNonce(seq);
    this.#len.set(buf.subarray(0, 4));
    chacha20orig(this.#lengthKey, this.#nonce, this.#len, this.#len, 0);
    return readUint32(this.#len, 0);
  }

  open(seq: number, buf: Uint8Array): void {
    this.#setNonce(seq);
    const end = buf.length - TAG;
    const expected = poly1305(buf.subarray(0, end), this.#polyKeyFor());
    if (!tagsEqual(buf, end, expected, TAG)) throw new MacError();
    // The length was read through packetLength(); put the plaintext length back in place.
    chacha20orig(this.#lengthKey, this.#nonce, buf.subarray(0, 4), buf.subarray(0, 4), 0);
    const body = buf.subarray(4, end);
    chacha20orig(this.#bodyKey, this.#nonce, body, body, 1);
  }
}

export function chacha20Poly1305(key: Uint8Array): PacketSealer & PacketOpener {
  return new ChaChaPoly(key);
}
