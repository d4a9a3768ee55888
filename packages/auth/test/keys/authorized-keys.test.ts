/** sshd(8) AUTHORIZED_KEYS FILE FORMAT: entries, options flagged and refused, bad lines skipped. */
import { base64Encode, type PrivateKey, SshWriter } from '@seashell/transport';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { findAuthorizedKey, parseAuthorizedKeys } from '../../src/keys/authorized-keys.js';
import { formatPublicKeyLine } from '../../src/keys/public-key-file.js';
import { keysOfEveryType } from '../support/keys.js';

let keys: PrivateKey[];
let lines: string[];
beforeAll(() => {
  keys = keysOfEveryType();
  lines = keys.map((k, i) => formatPublicKeyLine(k.publicKey, `key ${i}`));
});

describe('parseAuthorizedKeys', () => {
  it('reads keys with comments and line numbers, skipping blank and # lines', () => {
    const text = ['# my keys', '', lines[0], '   ', `  ${lines[1]}  `, '#', lines[4], ''].join('\n');
    const { entries, skipped } = parseAuthorizedKeys(text);
    expect(skipped).toEqual([]);
    expect(entries.map((e) => [e.line, e.comment, e.options])).toEqual([
      [3, 'key 0', undefined],
      [5, 'key 1', undefined],
      [7, 'key 4', undefined],
    ]);
    expect(entries[2]!.key.equals(keys[4]!.publicKey)).toBe(true);
  });

  it('returns the options string of a line, quotes and escaped quotes included', () => {
    const opts = [
      'no-pty',
      'command="echo hi there",no-agent-forwarding',
      'from="10.0.0.0/8,!10.1.0.0/16"',
      'command="echo \\"quoted words\\" here"',
      'restrict,cert-authority',
    ];
    const text = opts.map((o, i) => `${o} ${lines[i]}`).join('\r\n');
    const { entries, skipped } = parseAuthorizedKeys(text);
    expect(skipped).toEqual([]);
    expect(entries.map((e) => e.options)).toEqual(opts);
    expect(entries.map((e) => e.comment)).toEqual(opts.map((_, i) => `key ${i}`));
  });

  it('skips unknown key types, bad base64, a type mismatch and unterminated quotes, and goes on', () => {
    const dss = base64Encode(new SshWriter().string('ssh-dss').string(new Uint8Array(8)).bytes());
    const text = [
      `ssh-dss ${dss} old`,
      `sk-ssh-ed25519@openssh.com ${dss}`,
      'ssh-ed25519 not-base64',
      `ssh-rsa ${lines[0]!.split(' ')[1]}`,
      `command="unterminated ${lines[0]}`,
      'just garbage',
      lines[1],
    ].join('\n');
    const { entries, skipped } = parseAuthorizedKeys(text);
    expect(entries.map((e) => e.line)).toEqual([7]);
    expect(skipped.map((s) => s.line)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('never throws on arbitrary or mutated text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        parseAuthorizedKeys(text);
      }),
      { seed: 1, numRuns: 2000 },
    );
    fc.assert(
      fc.property(
        fc.array(fc.record({ at: fc.nat(), text: fc.string({ maxLength: 4 }), cut: fc.nat({ max: 3 }) }), {
          maxLength: 5,
        }),
        (edits) => {
          let text = `no-pty ${lines.join('\n')}\n${lines[0]}`;
          for (const e of edits) {
            const i = e.at % (text.length + 1);
            text = text.slice(0, i) + e.text + text.slice(i + e.cut);
          }
          const { entries, skipped } = parseAuthorizedKeys(text);
          expect(entries.length + skipped.length).toBeLessThanOrEqual(text.split('\n').length);
        },
      ),
      { seed: 2, numRuns: 1000 },
    );
  });
});

describe('findAuthorizedKey', () => {
  it('allows a listed key without options and reports not-found for others', () => {
    const { entries } = parseAuthorizedKeys(`${lines[0]}\n${lines[1]}`);
    expect(findAuthorizedKey(entries, keys[1]!.publicKey)).toMatchObject({
      status: 'allowed',
      entry: { line: 2 },
    });
    expect(findAuthorizedKey(entries, keys[2]!.publicKey)).toEqual({ status: 'not-found' });
  });

  it('refuses a key whose line has options, even when a later line lists it without', () => {
    const { entries } = parseAuthorizedKeys(`command="/bin/false" ${lines[0]}\n${lines[0]}`);
    const match = findAuthorizedKey(entries, keys[0]!.publicKey);
    expect(match.status).toBe('refused-options');
    expect(match).toMatchObject({ entry: { line: 1, options: 'command="/bin/false"' } });
  });
});
