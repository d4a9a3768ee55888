/**
 * The deterministic random source of the NIST PQC known-answer tests (`rng.c` of the submission
 * packages: AES-256 CTR_DRBG without derivation function, SP 800-90A §10.2.1), so a KEM's
 * `kat_kem.rsp` entries can be reproduced from their 48-byte seeds.
 */
import { ecb } from '@noble/ciphers/aes.js';

/** A `randombytes` seeded with 48 bytes of entropy, as `randombytes_init(entropy, NULL, 256)`. */
export function nistKatRandom(entropy: Uint8Array): (length: number) => Uint8Array {
  let key = new Uint8Array(32);
  let v = new Uint8Array(16);
  const increment = () => {
    for (let j = 15; j >= 0; j--) {
      if (v[j] === 0xff) v[j] = 0;
      else {
        v[j]!++;
        break;
      }
    }
  };
  const block = () => ecb(key, { disablePadding: true }).encrypt(v);
  const update = (provided?: Uint8Array) => {
    const temp = new Uint8Array(48);
    for (let i = 0; i < 3; i++) {
      increment();
      temp.set(block(), 16 * i);
    }
    if (provided) {
      for (let i = 0; i < 48; i++) {
        const byte = provided[i]!;
        temp[i]! ^= byte;
      }
    }
    key = temp.slice(0, 32);
    v = temp.slice(32, 48);
  };
  update(entropy);
  return (length) => {
    const out = new Uint8Array(length);
    for (let at = 0; at < length; at += 16) {
      increment();
      out.set(block().subarray(0, Math.min(16, length - at)), at);
    }
    update();
    return out;
  };
}

/** The seed of KAT entry 0: the first 48 bytes of the DRBG seeded with 0, 1, …, 47. */
export function nistKatSeed0(): Uint8Array {
  return nistKatRandom(Uint8Array.from({ length: 48 }, (_, i) => i))(48);
}
