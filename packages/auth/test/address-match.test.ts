/**
 * Where a login may come from: certificate source-address (CIDR lists, OpenSSH
 * addr_match_cidr_list) and authorized_keys from= (patterns and CIDR, OpenSSH match_host_and_ip).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { matchCidrList, matchFromPatterns, parseIpAddress } from '../src/address-match.js';

describe('parseIpAddress', () => {
  it('reads IPv4, IPv6 (compressed, with an IPv4 tail, with a zone) and maps ::ffff:a.b.c.d to IPv4', () => {
    expect(parseIpAddress('127.0.0.1')?.bytes).toEqual(Uint8Array.of(127, 0, 0, 1));
    expect(parseIpAddress('::1')?.bytes).toEqual(Uint8Array.of(...new Array(15).fill(0), 1));
    expect(parseIpAddress('::')?.bytes).toEqual(new Uint8Array(16));
    expect(parseIpAddress('2001:db8::8:800:200c:417a')?.bytes.length).toBe(16);
    expect(parseIpAddress('fe80::1%eth0')?.bytes[0]).toBe(0xfe);
    expect(parseIpAddress('::ffff:10.1.2.3')?.bytes).toEqual(Uint8Array.of(10, 1, 2, 3));
    expect(parseIpAddress('::ffff:0a01:0203')?.bytes).toEqual(Uint8Array.of(10, 1, 2, 3));
    for (const bad of [
      '',
      '1.2.3',
      '1.2.3.256',
      '01.2.3.4x',
      'a::b::c',
      '1:2:3:4:5:6:7:8:9',
      'localhost',
      '1::2:3:4:5:6:7:8',
    ])
      expect(parseIpAddress(bad), bad).toBeUndefined();
  });

  it('never throws (fast-check)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 50 }), (s) => void parseIpAddress(s)),
      { seed: 71, numRuns: 3000 },
    );
  });
});

describe('matchCidrList (certificate source-address)', () => {
  it('matches addresses in any block', () => {
    expect(matchCidrList('127.0.0.1', '10.0.0.0/8')).toBe('no-match');
    expect(matchCidrList('10.255.1.2', '10.0.0.0/8')).toBe('match');
    expect(matchCidrList('127.0.0.1', '10.0.0.0/8,127.0.0.1')).toBe('match');
    expect(matchCidrList('::ffff:127.0.0.1', '127.0.0.0/8')).toBe('match');
    expect(matchCidrList('2001:db8::1', '2001:db8::/32')).toBe('match');
    expect(matchCidrList('2001:db9::1', '2001:db8::/32')).toBe('no-match');
    expect(matchCidrList('10.0.0.1', '::/0')).toBe('no-match');
    expect(matchCidrList('10.0.0.1', '0.0.0.0/0')).toBe('match');
  });

  it('cannot evaluate an empty list, a bad entry, host bits past the mask, or a client that is no IP', () => {
    for (const list of [
      '',
      ',',
      '10.0.0.0/8,',
      '10.0.0.1/8',
      '10.0.0.0/33',
      '10.*',
      '!10.0.0.0/8',
      'host.example',
    ])
      expect(matchCidrList('10.0.0.1', list), list).toBe('invalid');
    expect(matchCidrList('not-an-ip', '0.0.0.0/0')).toBe('invalid');
  });
});

describe('matchFromPatterns (authorized_keys from=)', () => {
  it('takes wildcards, CIDR and negation, a negated match winning', () => {
    expect(matchFromPatterns('10.1.2.3', '10.*')).toBe('match');
    expect(matchFromPatterns('10.1.2.3', '10.1.2.?')).toBe('match');
    expect(matchFromPatterns('10.1.2.3', '10.0.0.0/8,!10.1.2.3')).toBe('no-match');
    expect(matchFromPatterns('10.1.2.3', '!10.9.9.9')).toBe('no-match');
    expect(matchFromPatterns('::ffff:127.0.0.1', '127.0.0.1')).toBe('match');
    expect(matchFromPatterns('127.0.0.1', 'localhost')).toBe('no-match');
    expect(matchFromPatterns('127.0.0.1', '10.0.0.1/8')).toBe('invalid');
    expect(matchFromPatterns('127.0.0.1', '127.0.0.1,')).toBe('invalid');
    expect(matchFromPatterns('somewhere', '*')).toBe('invalid');
  });
});
