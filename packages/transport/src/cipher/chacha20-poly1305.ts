/**
 * chacha20-poly1305@openssh.com (OpenSSH PROTOCOL.chacha20poly1305; draft-ietf-sshm-chacha20-poly1305).
 *
 * 64 bytes of key: K_2 (bytes 0–31) encrypts the body and keys Poly1305, K_1 (bytes 32–63) encrypts
 * only the 4-byte length. The nonce is the packet sequence number as a big-endian uint64, with the
 * original 64-bit-nonce ChaCha20. The tag covers the encrypted length and body; the negotiated MAC
 * is not used. ChaCha20 comes from the crypto provider; Poly1305 always from noble (node:crypto has
 * no standalone Poly1305).
 */
import { poly1305 } from '@noble/ciphers/_poly1305.js';
import type { ChaCha20, CryptoProvider } from '../crypto/provider.js';
import { MacError, type PacketOpener, type PacketSealer, readUint32, tagsEqual } from './types.js';

const TAG = 16;

class ChaChaPoly {
  readonly blockSize = 8;
  readonly lengthExcluded = true;
  readonly macLength = TAG;
  readonly headerLength = 4;
  readonly #body: ChaCha20;
  readonly #length: ChaCha20;
  readonly #nonce = new Uint8Array(8);
  readonly #polyKey = new Uint8Array(32);
  readonly #len = new Uint8Array(4);
  /** The sequence number whose decrypted length #len holds, or -1. */
  #lenSeq = -1;

  constructor(key: Uint8Array, crypto: CryptoProvider) {
    if (key.length !== 64) throw new RangeError('chacha20-poly1305 needs 64 bytes of key');
    this.#body = crypto.chacha20(key.subarray(0, 32));
    this.#length = crypto.chacha20(key.subarray(32, 64));
  }

  #setNonce(seq: number): void {
    const n = this.#nonce;
    n[4] = seq >>> 24;
    n[5] = seq >>> 16;
    n[6] = seq >>> 8;
    n[7] = seq;
  }

  /** The Poly1305 key: the first 32 bytes of K_2's keystream block 0 for this nonce. */
  #polyKeyFor(): Uint8Array {
    this.#polyKey.fill(0);
    this.#body.xor(this.#nonce, 0, this.#polyKey);
    return this.#polyKey;
  }

  seal(seq: number, buf: Uint8Array): void {
    this.#setNonce(seq);
    const end = 4 + readUint32(buf, 0);
    this.#length.xor(this.#nonce, 0, buf.subarray(0, 4));
    this.#body.xor(this.#nonce, 1, buf.subarray(4, end));
    buf.set(poly1305(buf.subarray(0, end), this.#polyKeyFor()), end);
  }

  packetLength(seq: number, buf: Uint8Array): number {
    this.#setNonce(seq);
    this.#len.set(buf.subarray(0, 4));
    this.#length.xor(this.#nonce, 0, this.#len);
    this.#lenSeq = seq;
    return readUint32(this.#len, 0);
  }

  open(seq: number, buf: Uint8Array): void {
    this.#setNonce(seq);
    const end = buf.length - TAG;
    const expected = poly1305(buf.subarray(0, end), this.#polyKeyFor());
    if (!tagsEqual(buf, end, expected, TAG)) throw new MacError();
    // packetLength() has usually decrypted this packet's length already: put it in place.
    if (this.#lenSeq === seq) buf.set(this.#len, 0);
    else this.#length.xor(this.#nonce, 0, buf.subarray(0, 4));
    this.#lenSeq = -1;
    this.#body.xor(this.#nonce, 1, buf.subarray(4, end));
  }
}

export function chacha20Poly1305(
  key: Uint8Array,
  _iv: Uint8Array,
  crypto: CryptoProvider,
): PacketSealer & PacketOpener {
  return new ChaChaPoly(key, crypto);
}
