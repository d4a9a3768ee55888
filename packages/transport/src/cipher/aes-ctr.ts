/**
 * aes128-ctr, aes192-ctr, aes256-ctr (RFC 4344 §4): AES in counter mode, the 16-byte counter taken
 * from the derived IV and carried across packets for the life of the keys.
 */
import { ctr } from '@noble/ciphers/aes.js';
import type { StreamCipher } from './stream.js';

class AesCtr implements StreamCipher {
  readonly blockSize = 16;
  readonly #key: Uint8Array;
  readonly #counter: Uint8Array;

  constructor(key: Uint8Array, iv: Uint8Array) {
    if (iv.length !== 16) throw new RangeError('AES-CTR needs a 16-byte IV');
    this.#key = key.slice();
    this.#counter = iv.slice();
  }

  #scratch = new Uint8Array(0);

  /** XORs the keystream into `data` in place; `data.length` is a multiple of 16. */
  process(data: Uint8Array): void {
    if (data.byteOffset % 4 === 0) ctr(this.#key, this.#counter).encrypt(data, data);
    else {
      // noble works on 4-byte aligned memory; a packet inside the receive buffer may not be.
      if (this.#scratch.length < data.length) this.#scratch = new Uint8Array(Math.max(data.length, 4096));
      const tmp = this.#scratch.subarray(0, data.length);
      tmp.set(data);
      ctr(this.#key, this.#counter).encrypt(tmp, tmp);
      data.set(tmp);
    }
    this.#advance(data.length / 16);
  }

  /** Adds `blocks` to the 128-bit big-endian counter. */
  #advance(blocks: number): void {
    let carry = blocks;
    for (let i = 15; i >= 0 && carry > 0; i--) {
      const sum = this.#counter[i]! + (carry & 0xff);
      this.#counter[i] = sum & 0xff;
      carry = Math.floor(carry / 256) + (sum >> 8);
    }
  }
}

export function aesCtr(key: Uint8Array, iv: Uint8Array): StreamCipher {
  return new AesCtr(key, iv);
}
