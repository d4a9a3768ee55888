/**
 * Public key files: RFC 4716 (headers, continuation lines, 72-byte lines), PEM
 * SubjectPublicKeyInfo (cross-checked with OpenSSL through node:crypto) and PKCS#1, and
 * `parsePublicKeyFile` telling them and OpenSSH lines apart.
 */
import { createPublicKey } from 'node:crypto';
import { type PublicKey, SshError } from '@seashell/transport';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { KeyFileError } from '../../src/keys/errors.js';
import {
  formatPublicKeyFile,
  type PublicKeyFileFormat,
  parsePublicKeyFile,
} from '../../src/keys/public-key-file.js';
import { formatRfc4716PublicKey, parseRfc4716PublicKey } from '../../src/keys/rfc4716.js';
import { keysOfEveryType } from '../support/keys.js';

let keys: PublicKey[];
beforeAll(() => {
  keys = keysOfEveryType().map((k) => k.publicKey);
});

describe('RFC 4716', () => {
  it('reads the example of RFC 4716 §3.6 style: quoted comment, continuation, x- header', () => {
    const body = formatRfc4716PublicKey(keys[0]!).split('\n').slice(1, -2);
    const text = [
      '---- BEGIN SSH2 PUBLIC KEY ----',
      'Subject: me',
      'x-command: /home/me/bin/lock-in-guest.sh',
      'Comment: "1024-bit RSA, converted from OpenSSH by me@example.com \\',
      'and wrapped"',
      ...body,
      '---- END SSH2 PUBLIC KEY ----',
      '',
    ].join('\r\n');
    const parsed = parseRfc4716PublicKey(text);
    expect(parsed.key.equals(keys[0]!)).toBe(true);
    expect(parsed.comment).toBe('1024-bit RSA, converted from OpenSSH by me@example.com and wrapped');
    expect(parsed.headers.map(([t]) => t)).toEqual(['Subject', 'x-command', 'Comment']);
  });

  it('round-trips keys, comments and headers, never writing a line over 72 bytes', () => {
    fc.assert(
      fc.property(
        fc.nat(),
        fc
          .string({ maxLength: 300, unit: 'grapheme' })
          .filter(
            (c) => !/[\r\n]/.test(c) && !c.endsWith('\\') && new TextEncoder().encode(c).length <= 1000,
          ),
        (which, comment) => {
          const key = keys[which % keys.length]!;
          const text = formatRfc4716PublicKey(key, { comment, headers: [['x-note', 'a: b']] });
          for (const line of text.split('\n'))
            expect(new TextEncoder().encode(line).length).toBeLessThanOrEqual(72);
          const parsed = parseRfc4716PublicKey(text);
          expect(parsed.key.equals(key)).toBe(true);
          expect(parsed.comment).toBe(comment);
          expect(parsed.headers.at(-1)).toEqual(['x-note', 'a: b']);
        },
      ),
      { seed: 30, numRuns: 200 },
    );
  });

  it('refuses long lines, bad tags, missing markers', () => {
    const good = formatRfc4716PublicKey(keys[0]!, { comment: 'c' });
    expect(() => parseRfc4716PublicKey(good.replace('Comment: "c"', `Comment: "${'x'.repeat(80)}"`))).toThrow(
      /72 bytes/,
    );
    expect(() => parseRfc4716PublicKey(good.replace('Comment:', ':'))).toThrow(KeyFileError);
    expect(() => parseRfc4716PublicKey(good.replace('---- END SSH2 PUBLIC KEY ----', ''))).toThrow(
      KeyFileError,
    );
    expect(() => formatRfc4716PublicKey(keys[0]!, { headers: [['x-a', 'ends in \\']] })).toThrow(RangeError);
    expect(() => formatRfc4716PublicKey(keys[0]!, { headers: [['bad tag', 'v']] })).toThrow(RangeError);
  });
});

describe('parsePublicKeyFile', () => {
  const formats: PublicKeyFileFormat[] = ['openssh', 'rfc4716', 'spki'];
  it('reads every format we write, for every key type', () => {
    for (const key of keys) {
      for (const format of [...formats, ...(key.type === 'ssh-rsa' ? ['pkcs1' as const] : [])]) {
        const text = formatPublicKeyFile(key, format, 'the comment');
        const parsed = parsePublicKeyFile(text);
        expect(parsed.format).toBe(format);
        expect(parsed.key.equals(key)).toBe(true);
        if (format === 'openssh' || format === 'rfc4716') expect(parsed.comment).toBe('the comment');
      }
    }
  });

  it('agrees with OpenSSL on SubjectPublicKeyInfo and PKCS#1 both ways', () => {
    for (const key of keys) {
      const ours = formatPublicKeyFile(key, 'spki');
      const node = createPublicKey(ours);
      expect(node.export({ format: 'pem', type: 'spki' })).toBe(ours);
      if (key.type === 'ssh-rsa') {
        expect(node.export({ format: 'pem', type: 'pkcs1' })).toBe(formatPublicKeyFile(key, 'pkcs1'));
      }
      if (key.type.startsWith('ecdsa')) {
        // A compressed point, as `openssl ec -conv_form compressed` writes, is decompressed.
        const jwk = node.export({ format: 'jwk' });
        const compressed = createPublicKey({ key: jwk, format: 'jwk' });
        expect(
          parsePublicKeyFile(compressed.export({ format: 'pem', type: 'spki' }) as string).key.equals(key),
        ).toBe(true);
      }
    }
  });

  it('skips blank and # lines before an OpenSSH line, and refuses private keys and garbage', () => {
    expect(
      parsePublicKeyFile(`# my key\n\n${formatPublicKeyFile(keys[0]!, 'openssh')}`).key.equals(keys[0]!),
    ).toBe(true);
    expect(() =>
      parsePublicKeyFile('-----BEGIN PRIVATE KEY-----\nAA==\n-----END PRIVATE KEY-----\n'),
    ).toThrow(KeyFileError);
    expect(() => parsePublicKeyFile('')).toThrow(KeyFileError);
    expect(() => parsePublicKeyFile('ssh-ed25519 !!!!')).toThrow(KeyFileError);
  });

  it('gives a key or a typed error on mutated and arbitrary text', () => {
    const texts = keys.flatMap((k) => formats.map((f) => formatPublicKeyFile(k, f, 'c')));
    fc.assert(
      fc.property(
        fc.nat(),
        fc.array(
          fc.record({ at: fc.nat(), char: fc.constantFrom('A', '/', '-', ':', ' ', '\n', '\\', '"', '') }),
          {
            minLength: 1,
            maxLength: 4,
          },
        ),
        fc.string({ maxLength: 100 }),
        (which, edits, junk) => {
          let text = texts[which % texts.length]!;
          for (const e of edits) {
            const at = e.at % text.length;
            text = text.slice(0, at) + e.char + text.slice(at + 1);
          }
          for (const input of [
            text,
            junk,
            `---- BEGIN SSH2 PUBLIC KEY ----\n${junk}\n---- END SSH2 PUBLIC KEY ----`,
          ]) {
            try {
              parsePublicKeyFile(input);
            } catch (e) {
              if (!(e instanceof SshError)) throw e;
            }
          }
        },
      ),
      { seed: 31, numRuns: 1000 },
    );
  });
});
