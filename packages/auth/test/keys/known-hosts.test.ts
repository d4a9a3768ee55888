/** sshd(8) SSH_KNOWN_HOSTS FILE FORMAT: plain entries, [host]:port, markers, hashed names. */
import type { PrivateKey } from '@seashell/transport';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  checkHostKey,
  formatKnownHostsLine,
  knownHostsName,
  parseKnownHosts,
} from '../../src/keys/known-hosts.js';
import { formatPublicKeyLine } from '../../src/keys/public-key-file.js';
import { keysOfEveryType } from '../support/keys.js';

let keys: PrivateKey[];
let key: (i: number) => string;
beforeAll(() => {
  keys = keysOfEveryType();
  key = (i) => formatPublicKeyLine(keys[i]!.publicKey);
});

describe('parseKnownHosts', () => {
  it('reads host lists, markers and comments; keeps unsupported lines as such', () => {
    const text = [
      '# comment',
      `example.com,10.0.0.1 ${key(0)} my comment`,
      `[example.com]:2222 ${key(1)}`,
      `|1|c2FsdHNhbHRzYWx0c2FsdHNhbHQ=|aGFzaGhhc2hoYXNoaGFzaGhhc2g= ${key(2)}`,
      `@cert-authority *.example.com ${key(3)}`,
      `@revoked * ${key(4)}`,
      `@weird host ${key(0)}`,
      `host ssh-dss AAAAB3NzaC1kc3MAAAAA`,
      'onlyhost',
    ].join('\n');
    const { entries, skipped } = parseKnownHosts(text);
    expect(entries.map((e) => [e.kind, e.line])).toEqual([
      ['host', 2],
      ['host', 3],
      ['unsupported', 4],
      ['unsupported', 5],
      ['revoked', 6],
    ]);
    expect(entries[0]).toMatchObject({ hosts: ['example.com', '10.0.0.1'], comment: 'my comment' });
    expect(skipped.map((s) => s.line)).toEqual([7, 8, 9]);
  });

  it('never throws on arbitrary or mutated text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        parseKnownHosts(text);
      }),
      { seed: 1, numRuns: 2000 },
    );
    fc.assert(
      fc.property(
        fc.array(fc.record({ at: fc.nat(), text: fc.string({ maxLength: 4 }), cut: fc.nat({ max: 3 }) }), {
          maxLength: 5,
        }),
        (edits) => {
          let text = [0, 1, 2, 3, 4]
            .map((i) => formatKnownHostsLine(`h${i}`, 22 + i, keys[i]!.publicKey))
            .join('\n');
          for (const e of edits) {
            const i = e.at % (text.length + 1);
            text = text.slice(0, i) + e.text + text.slice(i + e.cut);
          }
          parseKnownHosts(`@revoked ${text}\n|1|${text}`);
        },
      ),
      { seed: 2, numRuns: 1000 },
    );
  });
});

describe('checkHostKey', () => {
  it('finds a match, a mismatch with its line, or nothing', () => {
    const { entries } = parseKnownHosts(
      [`example.com,10.0.0.1 ${key(0)}`, `[example.com]:2222 ${key(1)}`, `*.corp,!bad.corp ${key(2)}`].join(
        '\n',
      ),
    );
    const k = (i: number) => keys[i]!.publicKey;
    expect(checkHostKey(entries, 'example.com', 22, k(0))).toEqual({ status: 'match', line: 1 });
    expect(checkHostKey(entries, 'EXAMPLE.com', 22, k(0))).toEqual({ status: 'match', line: 1 });
    expect(checkHostKey(entries, '10.0.0.1', 22, k(0))).toEqual({ status: 'match', line: 1 });
    expect(checkHostKey(entries, 'example.com', 2222, k(1))).toEqual({ status: 'match', line: 2 });
    expect(checkHostKey(entries, 'example.com', 22, k(1))).toEqual({
      status: 'mismatch',
      line: 1,
      knownKeyTypes: ['ssh-ed25519'],
    });
    expect(checkHostKey(entries, 'example.com', 2222, k(0))).toMatchObject({ status: 'mismatch', line: 2 });
    expect(checkHostKey(entries, 'example.com', 2223, k(0))).toEqual({ status: 'unknown', unverifiable: [] });
    expect(checkHostKey(entries, 'a.corp', 22, k(2))).toEqual({ status: 'match', line: 3 });
    expect(checkHostKey(entries, 'bad.corp', 22, k(2))).toEqual({ status: 'unknown', unverifiable: [] });
  });

  it('never matches hashed or @cert-authority lines, and reports them as unverifiable', () => {
    const { entries } = parseKnownHosts(
      [`|1|c2FsdA==|aGFzaA== ${key(0)}`, `@cert-authority *.example.com ${key(1)}`].join('\n'),
    );
    expect(checkHostKey(entries, 'a.example.com', 22, keys[0]!.publicKey)).toEqual({
      status: 'unknown',
      unverifiable: [1, 2],
    });
    expect(checkHostKey(entries, 'other.org', 22, keys[1]!.publicKey)).toEqual({
      status: 'unknown',
      unverifiable: [1],
    });
  });

  it('refuses a @revoked key for any host, even one listed with it', () => {
    const { entries } = parseKnownHosts(
      [`example.com ${key(0)}`, `@revoked nothing.example ${key(0)}`].join('\n'),
    );
    expect(checkHostKey(entries, 'example.com', 22, keys[0]!.publicKey)).toEqual({
      status: 'revoked',
      line: 2,
    });
  });
});

describe('formatKnownHostsLine', () => {
  it('writes host for port 22 and [host]:port otherwise, and reads back as a match', () => {
    const k = keys[0]!.publicKey;
    expect(formatKnownHostsLine('Example.COM', 22, k)).toBe(`example.com ${formatPublicKeyLine(k)}`);
    expect(formatKnownHostsLine('::1', 2222, k)).toBe(`[::1]:2222 ${formatPublicKeyLine(k)}`);
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z0-9][a-z0-9.-]{0,30}$/),
        fc.integer({ min: 1, max: 65535 }),
        fc.nat(),
        (host, port, which) => {
          const pub = keys[which % keys.length]!.publicKey;
          const { entries } = parseKnownHosts(formatKnownHostsLine(host, port, pub));
          expect(checkHostKey(entries, host, port, pub)).toEqual({ status: 'match', line: 1 });
        },
      ),
      { seed: 3, numRuns: 300 },
    );
  });

  it('refuses host names known_hosts cannot hold and bad ports', () => {
    for (const host of ['', 'a b', 'a,b', '*.x', '!x', '|1|x', 'a\nb', 'ünï']) {
      expect(() => knownHostsName(host, 22)).toThrow(RangeError);
    }
    for (const port of [0, 65536, 1.5]) expect(() => knownHostsName('h', port)).toThrow(RangeError);
  });

  it('names unknown key types in skipped lines rather than failing', () => {
    const { skipped } = parseKnownHosts('host ssh-dss AAAAB3NzaC1kc3MAAAAA');
    expect(skipped).toHaveLength(1);
    expect(skipped[0]!.reason).toMatch(/unsupported key type "ssh-dss"/);
  });
});
