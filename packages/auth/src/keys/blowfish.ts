/**
 * The Blowfish core as OpenBSD's bcrypt and bcrypt_pbkdf use it (Schneier 1993; Provos and
 * Mazières, "A Future-Adaptable Password Scheme", 1999, the EksBlowfish key schedule):
 * `Blowfish_initstate`, `Blowfish_expandstate` (salted), `Blowfish_expand0state` and `blf_enc`.
 * Words are read from byte strings big-endian and cyclically (`Blowfish_stream2word`).
 *
 * Only key files use it, never the transport; it is not constant time (S-box lookups).
 */
import { BLOWFISH_PI_WORDS } from './blowfish-pi.js';

const INITIAL = Uint32Array.from(BLOWFISH_PI_WORDS);
const S0 = 18;
const S1 = S0 + 256;
const S2 = S1 + 256;
const S3 = S2 + 256;
const WORDS = 18 + 4 * 256;

/** The big-endian words of `bytes` read cyclically, as `Blowfish_stream2word` would, one period. */
function streamWords(bytes: Uint8Array): Uint32Array {
  if (bytes.length === 0) throw new RangeError('Blowfish key material is empty');
  // After lcm(len, 4) bytes the cyclic word stream repeats; keep one period of it.
  const period = bytes.length % 4 === 0 ? bytes.length / 4 : bytes.length;
  const out = new Uint32Array(period);
  let j = 0;
  for (let i = 0; i < period; i++) {
    let w = 0;
    for (let k = 0; k < 4; k++) {
      w = (w << 8) | bytes[j]!;
      j = j + 1 === bytes.length ? 0 : j + 1;
    }
    out[i] = w >>> 0;
  }
  return out;
}

/** A Blowfish state (P-array and S-boxes). */
export class BlowfishState {
  readonly #s = new Uint32Array(WORDS);

  constructor() {
    this.reset();
  }

  /** `Blowfish_initstate`: back to the digits of π. */
  reset(): void {
    this.#s.set(INITIAL);
  }

  /**
   * Mixes `key` into the P-array, then re-encrypts the whole state, XORing successive words of
   * `data` into the running block first (`Blowfish_expandstate`); without `data`, the running
   * block starts at zero and nothing is XORed in (`Blowfish_expand0state`, Blowfish's own key
   * schedule).
   */
  expand(key: Uint8Array, data?: Uint8Array): void {
    const s = this.#s;
    const k = streamWords(key);
    for (let i = 0; i < 18; i++) s[i] = s[i]! ^ k[i % k.length]!;
    const d = data === undefined ? undefined : streamWords(data);
    let l = 0;
    let r = 0;
    let j = 0;
    for (let i = 0; i < WORDS; i += 2) {
      if (d !== undefined) {
        l ^= d[j]!;
        r ^= d[j + 1 === d.length ? 0 : j + 1]!;
        j = (j + 2) % d.length;
      }
      // The cipher is inlined here: this loop is where bcrypt_pbkdf spends its time.
      l ^= s[0]!;
      for (let n = 1; n <= 16; n += 2) {
        r ^=
          (((s[S0 + (l >>> 24)]! + s[S1 + ((l >>> 16) & 0xff)]!) ^ s[S2 + ((l >>> 8) & 0xff)]!) +
            s[S3 + (l & 0xff)]!) ^
          s[n]!;
        l ^=
          (((s[S0 + (r >>> 24)]! + s[S1 + ((r >>> 16) & 0xff)]!) ^ s[S2 + ((r >>> 8) & 0xff)]!) +
            s[S3 + (r & 0xff)]!) ^
          s[n + 1]!;
      }
      const t = r ^ s[17]!;
      r = l;
      l = t;
      s[i] = l;
      s[i + 1] = r;
    }
  }

  /** `blf_enc`: encrypts consecutive (l, r) pairs of `words` in place (ECB). */
  encryptWords(words: Uint32Array): void {
    if (words.length % 2 !== 0) throw new RangeError('Blowfish works on pairs of words');
    const s = this.#s;
    for (let i = 0; i < words.length; i += 2) {
      let l = words[i]! ^ s[0]!;
      let r = words[i + 1]!;
      for (let n = 1; n <= 16; n += 2) {
        r ^=
          (((s[S0 + (l >>> 24)]! + s[S1 + ((l >>> 16) & 0xff)]!) ^ s[S2 + ((l >>> 8) & 0xff)]!) +
            s[S3 + (l & 0xff)]!) ^
          s[n]!;
        l ^=
          (((s[S0 + (r >>> 24)]! + s[S1 + ((r >>> 16) & 0xff)]!) ^ s[S2 + ((r >>> 8) & 0xff)]!) +
            s[S3 + (r & 0xff)]!) ^
          s[n + 1]!;
      }
      words[i] = r ^ s[17]!;
      words[i + 1] = l;
    }
  }
}
