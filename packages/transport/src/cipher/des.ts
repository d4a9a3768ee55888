/**
 * DES and Triple DES (FIPS 46-3; NIST SP 800-67 Rev. 2, TDEA keying option 1 and 3) as a raw
 * block cipher, for the legacy `3des-cbc` SSH cipher (RFC 4253 §6.3) and for `DES-EDE3-CBC`
 * encrypted PEM and PKCS#8 key files. noble has no DES, so this is ours; it is not constant time
 * (table lookups indexed by secret bits), which is one more reason 3DES stays opt-in.
 *
 * The tables below are the standard's, bit positions numbered from 1 at the most significant bit
 * as FIPS 46-3 numbers them. The S-boxes and P are folded into eight 64-entry tables once at load.
 */

/** A 64-bit block cipher working in place on `buf[offset .. offset + 8)`. */
export interface BlockCipher64 {
  readonly blockSize: 8;
  encryptBlock(buf: Uint8Array, offset: number): void;
  decryptBlock(buf: Uint8Array, offset: number): void;
}

// FIPS 46-3: initial permutation IP.
const IP = [
  58, 50, 42, 34, 26, 18, 10, 2, 60, 52, 44, 36, 28, 20, 12, 4, 62, 54, 46, 38, 30, 22, 14, 6, 64, 56, 48, 40,
  32, 24, 16, 8, 57, 49, 41, 33, 25, 17, 9, 1, 59, 51, 43, 35, 27, 19, 11, 3, 61, 53, 45, 37, 29, 21, 13, 5,
  63, 55, 47, 39, 31, 23, 15, 7,
];
// FIPS 46-3: permutation P applied to the S-box outputs.
const P = [
  16, 7, 20, 21, 29, 12, 28, 17, 1, 15, 23, 26, 5, 18, 31, 10, 2, 8, 24, 14, 32, 27, 3, 9, 19, 13, 30, 6, 22,
  11, 4, 25,
];
// FIPS 46-3: permuted choice 1 (C0 then D0) and 2, and the left shifts per round.
const PC1 = [
  57, 49, 41, 33, 25, 17, 9, 1, 58, 50, 42, 34, 26, 18, 10, 2, 59, 51, 43, 35, 27, 19, 11, 3, 60, 52, 44, 36,
  63, 55, 47, 39, 31, 23, 15, 7, 62, 54, 46, 38, 30, 22, 14, 6, 61, 53, 45, 37, 29, 21, 13, 5, 28, 20, 12, 4,
];
const PC2 = [
  14, 17, 11, 24, 1, 5, 3, 28, 15, 6, 21, 10, 23, 19, 12, 4, 26, 8, 16, 7, 27, 20, 13, 2, 41, 52, 31, 37, 47,
  55, 30, 40, 51, 45, 33, 48, 44, 49, 39, 56, 34, 53, 46, 42, 50, 36, 29, 32,
];
const SHIFTS = [1, 1, 2, 2, 2, 2, 2, 2, 1, 2, 2, 2, 2, 2, 2, 1];
// FIPS 46-3: S1..S8, each four rows of sixteen.
const S = [
  '14 4 13 1 2 15 11 8 3 10 6 12 5 9 0 7 0 15 7 4 14 2 13 1 10 6 12 11 9 5 3 8 4 1 14 8 13 6 2 11 15 12 9 7 3 10 5 0 15 12 8 2 4 9 1 7 5 11 3 14 10 0 6 13',
  '15 1 8 14 6 11 3 4 9 7 2 13 12 0 5 10 3 13 4 7 15 2 8 14 12 0 1 10 6 9 11 5 0 14 7 11 10 4 13 1 5 8 12 6 9 3 2 15 13 8 10 1 3 15 4 2 11 6 7 12 0 5 14 9',
  '10 0 9 14 6 3 15 5 1 13 12 7 11 4 2 8 13 7 0 9 3 4 6 10 2 8 5 14 12 11 15 1 13 6 4 9 8 15 3 0 11 1 2 12 5 10 14 7 1 10 13 0 6 9 8 7 4 15 14 3 11 5 2 12',
  '7 13 14 3 0 6 9 10 1 2 8 5 11 12 4 15 13 8 11 5 6 15 0 3 4 7 2 12 1 10 14 9 10 6 9 0 12 11 7 13 15 1 3 14 5 2 8 4 3 15 0 6 10 1 13 8 9 4 5 11 12 7 2 14',
  '2 12 4 1 7 10 11 6 8 5 3 15 13 0 14 9 14 11 2 12 4 7 13 1 5 0 15 10 3 9 8 6 4 2 1 11 10 13 7 8 15 9 12 5 6 3 0 14 11 8 12 7 1 14 2 13 6 15 0 9 10 4 5 3',
  '12 1 10 15 9 2 6 8 0 13 3 4 14 7 5 11 10 15 4 2 7 12 9 5 6 1 13 14 0 11 3 8 9 14 15 5 2 8 12 3 7 0 4 10 1 13 11 6 4 3 2 12 9 5 15 10 11 14 1 7 6 0 8 13',
  '4 11 2 14 15 0 8 13 3 12 9 7 5 10 6 1 13 0 11 7 4 9 1 10 14 3 5 12 2 15 8 6 1 4 11 13 12 3 7 14 10 15 6 8 0 5 9 2 6 11 13 8 1 4 10 7 9 5 0 15 14 2 3 12',
  '13 2 8 4 6 15 11 1 10 9 3 14 5 0 12 7 1 15 13 8 10 3 7 4 12 5 6 11 0 14 9 2 7 11 4 1 9 12 14 2 0 6 10 13 15 3 5 8 2 1 14 7 4 10 8 13 15 12 9 0 3 5 6 11',
].map((row) => row.split(' ').map(Number));

/** Sboxes as the standard prints them, exported so tests can check each row is a permutation. */
export const DES_SBOXES: readonly (readonly number[])[] = S;

/** SP[j][v]: S-box j on the six bits v (row b1b6, column b2..b5), placed and permuted by P. */
const SP: Uint32Array[] = S.map((box, j) => {
  const table = new Uint32Array(64);
  for (let v = 0; v < 64; v++) {
    const s = box[(((v >> 4) & 2) | (v & 1)) * 16 + ((v >> 1) & 15)]!;
    const placed = s << (28 - 4 * j);
    let out = 0;
    for (let i = 0; i < 32; i++) if ((placed >>> (32 - P[i]!)) & 1) out |= 1 << (31 - i);
    table[v] = out >>> 0;
  }
  return table;
});

/**
 * A 64-bit permutation as eight byte-indexed tables: entry (byte b, value v) holds the output
 * bits that input byte b contributes, as two 32-bit halves.
 */
function permutationTable(table: readonly number[]): Int32Array {
  const out = new Int32Array(8 * 256 * 2);
  for (let b = 0; b < 8; b++) {
    for (let v = 0; v < 256; v++) {
      let hi = 0;
      let lo = 0;
      for (let i = 0; i < 64; i++) {
        const src = table[i]! - 1;
        if (src >> 3 !== b || !((v >> (7 - (src & 7))) & 1)) continue;
        if (i < 32) hi |= 1 << (31 - i);
        else lo |= 1 << (63 - i);
      }
      out[(b * 256 + v) * 2] = hi;
      out[(b * 256 + v) * 2 + 1] = lo;
    }
  }
  return out;
}

const FP = IP.map((_, i) => IP.indexOf(i + 1) + 1);
const IP_TABLE = permutationTable(IP);
const FP_TABLE = permutationTable(FP);

function permute(t: Int32Array, hiIn: number, loIn: number, out: Int32Array): void {
  let hi = 0;
  let lo = 0;
  for (let b = 0; b < 8; b++) {
    const v = (b < 4 ? hiIn >>> (24 - 8 * b) : loIn >>> (56 - 8 * b)) & 0xff;
    const at = (b * 256 + v) * 2;
    hi |= t[at]!;
    lo |= t[at + 1]!;
  }
  out[0] = hi;
  out[1] = lo;
}

/** The 16 round keys of one DES key, each as eight 6-bit groups (128 numbers). */
function keySchedule(key: Uint8Array, offset: number): Uint8Array {
  const bit = (n: number) => (key[offset + ((n - 1) >> 3)]! >> (7 - ((n - 1) & 7))) & 1;
  let c = PC1.slice(0, 28).map(bit);
  let d = PC1.slice(28).map(bit);
  const out = new Uint8Array(16 * 8);
  for (let round = 0; round < 16; round++) {
    const s = SHIFTS[round]!;
    c = [...c.slice(s), ...c.slice(0, s)];
    d = [...d.slice(s), ...d.slice(0, s)];
    const cd = [...c, ...d];
    for (let i = 0; i < 48; i++) {
      if (cd[PC2[i]! - 1]) {
        const at = round * 8 + Math.floor(i / 6);
        out[at] = out[at]! | (1 << (5 - (i % 6)));
      }
    }
  }
  return out;
}

/** One DES pass of 16 rounds on (l, r) in `lr`, round keys in `keys` forwards or backwards. */
function rounds(lr: Int32Array, keys: Uint8Array, decrypt: boolean): void {
  let l = lr[0]!;
  let r = lr[1]!;
  for (let i = 0; i < 16; i++) {
    const k = (decrypt ? 15 - i : i) * 8;
    let f = 0;
    for (let j = 0; j < 8; j++) {
      // E: group j is bits 4j-1 .. 4j+4 of r (0-based from the top, wrapping).
      const rot = (4 * j + 31) & 31;
      const e = rot === 0 ? r >>> 26 : ((r << rot) | (r >>> (32 - rot))) >>> 26;
      f |= SP[j]![(e & 63) ^ keys[k + j]!]!;
    }
    const next = l ^ f;
    l = r;
    r = next;
  }
  // The last round does not swap.
  lr[0] = r;
  lr[1] = l;
}

class Des implements BlockCipher64 {
  readonly blockSize = 8;
  /** Round keys and direction of each pass (one for DES, three for EDE). */
  readonly #passes: { keys: Uint8Array; decrypt: boolean }[];
  readonly #lr = new Int32Array(2);

  constructor(passes: { keys: Uint8Array; decrypt: boolean }[]) {
    this.#passes = passes;
  }

  #run(buf: Uint8Array, offset: number, decrypt: boolean): void {
    if (offset < 0 || offset + 8 > buf.length) throw new RangeError('block is out of bounds');
    const hi = (buf[offset]! << 24) | (buf[offset + 1]! << 16) | (buf[offset + 2]! << 8) | buf[offset + 3]!;
    const lo =
      (buf[offset + 4]! << 24) | (buf[offset + 5]! << 16) | (buf[offset + 6]! << 8) | buf[offset + 7]!;
    const lr = this.#lr;
    permute(IP_TABLE, hi, lo, lr);
    const n = this.#passes.length;
    for (let i = 0; i < n; i++) {
      // Between passes FP and IP cancel out, so the halves go straight on to the next pass.
      const pass = this.#passes[decrypt ? n - 1 - i : i]!;
      rounds(lr, pass.keys, pass.decrypt !== decrypt);
    }
    permute(FP_TABLE, lr[0]!, lr[1]!, lr);
    for (let i = 0; i < 4; i++) {
      buf[offset + i] = lr[0]! >>> (24 - 8 * i);
      buf[offset + 4 + i] = lr[1]! >>> (24 - 8 * i);
    }
  }

  encryptBlock(buf: Uint8Array, offset: number): void {
    this.#run(buf, offset, false);
  }

  decryptBlock(buf: Uint8Array, offset: number): void {
    this.#run(buf, offset, true);
  }
}

/**
 * Single DES with an 8-byte key (parity bits ignored). Only for tests and composition: single
 * DES is broken.
 * @throws RangeError unless the key is 8 bytes.
 */
export function des(key: Uint8Array): BlockCipher64 {
  if (key.length !== 8) throw new RangeError('DES needs an 8-byte key');
  return new Des([{ keys: keySchedule(key, 0), decrypt: false }]);
}

/**
 * Triple DES, EDE: C = E_K3(D_K2(E_K1(P))) (SP 800-67 §3.1). A 24-byte key is K1 || K2 || K3
 * (keying option 1); a 16-byte key means K3 = K1 (option 2).
 * @throws RangeError unless the key is 16 or 24 bytes.
 * @example
 * const cipher = tripleDes(key24);
 * cipher.encryptBlock(block, 0);
 */
export function tripleDes(key: Uint8Array): BlockCipher64 {
  if (key.length !== 24 && key.length !== 16) throw new RangeError('Triple DES needs a 16- or 24-byte key');
  const k1 = keySchedule(key, 0);
  const k2 = keySchedule(key, 8);
  const k3 = key.length === 24 ? keySchedule(key, 16) : k1;
  return new Des([
    { keys: k1, decrypt: false },
    { keys: k2, decrypt: true },
    { keys: k3, decrypt: false },
  ]);
}

/**
 * CBC over a 64-bit block cipher, on whole blocks and without padding (callers pad: PKCS#5 for
 * key files, SSH's own padding for packets). The IV carries across calls, as RFC 4253 §6.3 needs.
 * @throws RangeError for an IV that is not 8 bytes, or data that is not whole blocks.
 */
export function cbc64(
  cipher: BlockCipher64,
  iv: Uint8Array,
): {
  encrypt(data: Uint8Array): void;
  decrypt(data: Uint8Array): void;
} {
  if (iv.length !== 8) throw new RangeError('CBC needs an 8-byte IV');
  const chain = iv.slice();
  const saved = new Uint8Array(8);
  const whole = (data: Uint8Array) => {
    if (data.length % 8 !== 0) throw new RangeError('CBC data is not a whole number of blocks');
  };
  return {
    encrypt(data) {
      whole(data);
      for (let at = 0; at < data.length; at += 8) {
        for (let i = 0; i < 8; i++) data[at + i] = data[at + i]! ^ chain[i]!;
        cipher.encryptBlock(data, at);
        chain.set(data.subarray(at, at + 8));
      }
    },
    decrypt(data) {
      whole(data);
      for (let at = 0; at < data.length; at += 8) {
        saved.set(data.subarray(at, at + 8));
        cipher.decryptBlock(data, at);
        for (let i = 0; i < 8; i++) data[at + i] = data[at + i]! ^ chain[i]!;
        chain.set(saved);
      }
    },
  };
}
