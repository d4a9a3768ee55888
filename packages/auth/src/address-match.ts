/**
 * Matching a client's address against the lists that restrict where a credential may be used:
 * a certificate's `source-address` critical option (PROTOCOL.certkeys: "comma-separated list of
 * source addresses ... in CIDR format"; OpenSSH `addr_match_cidr_list`) and the authorized_keys
 * `from="pattern-list"` option (sshd(8); OpenSSH `match_host_and_ip`). Any doubt denies: an
 * unparseable entry, an empty list, a client address that is not an IP address.
 */
import { matchWildcard } from '@seashell/transport';

/** An IPv4 (4 bytes) or IPv6 (16 bytes) address. */
export interface IpAddress {
  readonly bytes: Uint8Array;
}

/**
 * Parses a textual IPv4 or IPv6 address; an IPv4-mapped IPv6 address (`::ffff:10.0.0.1`, as
 * Node reports IPv4 clients of a dual-stack socket) becomes IPv4, as OpenSSH's
 * `ipv64_normalise_mapped` does. A zone (`%eth0`) is ignored.
 */
export function parseIpAddress(text: string): IpAddress | undefined {
  const v4 = parseIpv4(text);
  if (v4) return { bytes: v4 };
  const v6 = parseIpv6(text.replace(/%[^%]*$/, ''));
  if (!v6) return undefined;
  const mapped = v6.subarray(0, 12).every((b, i) => b === (i < 10 ? 0 : 0xff));
  return { bytes: mapped ? v6.slice(12) : v6 };
}

function parseIpv4(text: string): Uint8Array | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i]!;
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    out[i] = Number(p);
  }
  return out;
}

function parseIpv6(text: string): Uint8Array | undefined {
  if (!/^[0-9A-Fa-f:.]+$/.test(text)) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (s: string): number[] | undefined => {
    if (s === '') return [];
    const out: number[] = [];
    const parts = s.split(':');
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      if (i === parts.length - 1 && p.includes('.')) {
        const v4 = parseIpv4(p);
        if (!v4) return undefined;
        out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      } else if (/^[0-9A-Fa-f]{1,4}$/.test(p)) out.push(Number.parseInt(p, 16));
      else return undefined;
    }
    return out;
  };
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (!head || !tail) return undefined;
  const fill = 8 - head.length - tail.length;
  if (halves.length === 2 ? fill < 1 : fill !== 0) return undefined;
  const all = [...head, ...new Array<number>(halves.length === 2 ? fill : 0).fill(0), ...tail];
  const out = new Uint8Array(16);
  all.forEach((g, i) => {
    out[2 * i] = g >> 8;
    out[2 * i + 1] = g & 0xff;
  });
  return out;
}

/** A parsed `address/masklen` (a bare address is a host: /32 or /128). */
interface Cidr {
  readonly bytes: Uint8Array;
  readonly bits: number;
}

/**
 * OpenSSH `addr_pton_cidr`: the mask length fits the family and no bit of the address is set
 * past it (`10.0.0.1/8` is an error, not `10.0.0.0/8`).
 */
function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf('/');
  const address = parseIpAddress(slash < 0 ? text : text.slice(0, slash));
  if (!address) return undefined;
  const max = address.bytes.length * 8;
  let bits = max;
  if (slash >= 0) {
    const n = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(n) || Number(n) > max) return undefined;
    bits = Number(n);
  }
  for (let i = bits; i < max; i++) if (bit(address.bytes, i)) return undefined;
  return { bytes: address.bytes, bits };
}

function bit(bytes: Uint8Array, i: number): number {
  return (bytes[i >> 3]! >> (7 - (i & 7))) & 1;
}

function inCidr(address: IpAddress, cidr: Cidr): boolean {
  if (address.bytes.length !== cidr.bytes.length) return false;
  for (let i = 0; i < cidr.bits; i++) if (bit(address.bytes, i) !== bit(cidr.bytes, i)) return false;
  return true;
}

/** How an address fares against a list: in it, not in it, or the list cannot be evaluated. */
export type AddressListMatch = 'match' | 'no-match' | 'invalid';

/**
 * A certificate's `source-address` value: comma-separated CIDR blocks or addresses, no
 * wildcards, no negation. An empty list, an empty entry or a malformed one is `invalid`
 * (x/crypto CVE-2026-46595: an empty value must deny).
 * @example
 * matchCidrList('127.0.0.1', '10.0.0.0/8,127.0.0.0/8'); // 'match'
 */
export function matchCidrList(remoteAddress: string, list: string): AddressListMatch {
  const entries = list.split(',');
  const cidrs: Cidr[] = [];
  for (const entry of entries) {
    const cidr = parseCidr(entry.trim());
    if (!cidr) return 'invalid';
    cidrs.push(cidr);
  }
  const address = parseIpAddress(remoteAddress);
  if (!address) return 'invalid';
  return cidrs.some((c) => inCidr(address, c)) ? 'match' : 'no-match';
}

/**
 * An authorized_keys `from=` pattern list: comma-separated entries, each a CIDR block (with a
 * `/`) or a wildcard pattern (`*`, `?`) matched against the address text; `!` negates, and a
 * negated match denies whatever else matches. Host names are never looked up (sshd with
 * `UseDNS no`), so a name pattern only matches the address text itself.
 * @example
 * matchFromPatterns('10.1.2.3', '10.*,!10.1.2.3'); // 'no-match'
 */
export function matchFromPatterns(remoteAddress: string, patterns: string): AddressListMatch {
  const address = parseIpAddress(remoteAddress);
  if (!address) return 'invalid';
  const text = remoteAddress.toLowerCase().replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
  let matched = false;
  for (const raw of patterns.split(',')) {
    const negated = raw.startsWith('!');
    const pattern = (negated ? raw.slice(1) : raw).trim().toLowerCase();
    if (pattern === '') return 'invalid';
    let hit: boolean;
    if (pattern.includes('/')) {
      const cidr = parseCidr(pattern);
      if (!cidr) return 'invalid';
      hit = inCidr(address, cidr);
    } else hit = matchWildcard(text, pattern);
    if (!hit) continue;
    if (negated) return 'no-match';
    matched = true;
  }
  return matched ? 'match' : 'no-match';
}
