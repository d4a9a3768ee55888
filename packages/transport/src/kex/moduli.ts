/**
 * The moduli file of group exchange (OpenSSH moduli(5), `dh.c` `parse_prime` and `choose_dh`):
 * parsing its text, and the server's choice of a group for a client's (min, n, max) request
 * (RFC 4419 §3). Reading the file is the Node adapter's job (`node/moduli.ts`); the core only
 * takes text and groups.
 *
 * A line is `time type tests tries size generator modulus`, `#` starts a comment. Only safe primes
 * (type 2) that passed a primality test and were not marked composite are used, as OpenSSH does;
 * a line that does not check out is skipped.
 */
import { type DhGroup, MODP_GROUP_14, MODP_GROUP_16, MODP_GROUP_18 } from './dh-groups.js';

/** The groups a server offers when it has no moduli: RFC 3526's 2048, 4096 and 8192-bit groups. */
export const BUILT_IN_MODULI: readonly DhGroup[] = [MODP_GROUP_14, MODP_GROUP_16, MODP_GROUP_18];

/** OpenSSH `DH_GRP_MIN` and `DH_GRP_MAX`: the sizes a group may have at all. */
export const GROUP_EXCHANGE_MIN_BITS = 2048;
export const GROUP_EXCHANGE_MAX_BITS = 8192;

/** moduli(5) type 2: a safe prime, (p - 1) / 2 prime too. */
const TYPE_SAFE = 2;
/** moduli(5) tests: bit 0 marks a composite; some other bit must say which test passed. */
const TESTS_COMPOSITE = 0x01;

const HEX = /^[0-9a-fA-F]+$/;
const DECIMAL = /^[0-9]+$/;

/** The groups of a moduli file's text, in file order. */
export function parseModuli(text: string): DhGroup[] {
  const groups: DhGroup[] = [];
  for (const line of text.split('\n')) {
    const group = parseModuliLine(line);
    if (group) groups.push(group);
  }
  return groups;
}

/** One line: a group, or undefined for a comment, a blank or a line that does not check out. */
export function parseModuliLine(line: string): DhGroup | undefined {
  const fields = line.trim().split(/[ \t]+/);
  if (fields.length === 0 || fields[0] === '' || fields[0]!.startsWith('#')) return undefined;
  if (fields.length !== 7) return undefined;
  const [, type, tests, tries, size, generator, modulus] = fields as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if (!DECIMAL.test(type) || Number(type) !== TYPE_SAFE) return undefined;
  if (!DECIMAL.test(tests)) return undefined;
  const testBits = Number(tests);
  if (testBits > 0x1f || testBits & TESTS_COMPOSITE || !(testBits & ~TESTS_COMPOSITE)) return undefined;
  if (!DECIMAL.test(tries) || Number(tries) === 0 || Number(tries) > 1 << 30) return undefined;
  if (!DECIMAL.test(size) || Number(size) === 0 || Number(size) > 64 * 1024) return undefined;
  if (!HEX.test(generator) || !HEX.test(modulus)) return undefined;
  const p = BigInt(`0x${modulus}`);
  const g = BigInt(`0x${generator}`);
  // The file lists the size of (p - 1) / 2 in bits, one less than p's.
  const bits = p.toString(2).length;
  if (bits !== Number(size) + 1 || g <= 1n) return undefined;
  return { p, g, bits };
}

/**
 * RFC 4419 §3 as OpenSSH's server applies it (`kexgexs.c`, `choose_dh`): clamp the request to
 * [2048, 8192], then take a group of the preferred size, else the smallest larger one, else the
 * largest smaller one, among those in [min, max]; several of that size: one at random.
 * Returns undefined for an inconsistent request or when no group fits.
 */
export function chooseGroup(
  moduli: readonly DhGroup[],
  request: { readonly min: number; readonly n: number; readonly max: number },
  random: (length: number) => Uint8Array,
): DhGroup | undefined {
  const { min, n, max } = request;
  if (max < min || n < min || max < n || max < GROUP_EXCHANGE_MIN_BITS) return undefined;
  const low = Math.max(GROUP_EXCHANGE_MIN_BITS, min);
  const high = Math.min(GROUP_EXCHANGE_MAX_BITS, max);
  const want = Math.min(GROUP_EXCHANGE_MAX_BITS, Math.max(GROUP_EXCHANGE_MIN_BITS, n));
  const fitting = moduli.filter((group) => group.bits >= low && group.bits <= high);
  if (fitting.length === 0) return undefined;
  const sizes = fitting.map((group) => group.bits);
  const above = sizes.filter((bits) => bits >= want);
  const best = above.length > 0 ? Math.min(...above) : Math.max(...sizes);
  const candidates = fitting.filter((group) => group.bits === best);
  const r = random(4);
  const index = ((r[0]! << 24) | (r[1]! << 16) | (r[2]! << 8) | r[3]!) >>> 0;
  return candidates[index % candidates.length];
}
