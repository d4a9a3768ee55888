/** OpenSSH public key lines: `keytype base64 [comment]`. */

import type { PrivateKey } from '@seashell/transport';
import { base64Encode, SshError, SshWriter, UnsupportedKeyError } from '@seashell/transport';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { KeyFileError } from '../../src/keys/errors.js';
import { formatPublicKeyLine, parsePublicKeyLine } from '../../src/keys/public-key-file.js';
import { keysOfEveryType } from '../support/keys.js';

let keys: PrivateKey[];
beforeAll(() => {
  keys = keysOfEveryType();
});

const typedOrNothing = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    if (!(e instanceof SshError)) throw e;
  }
};

describe('public key lines', () => {
  it('round-trip with and without a comment, tabs and CRLF tolerated', () => {
    fc.assert(
      fc.property(
        fc.nat(),
        fc.string({ maxLength: 40 }).filter((c) => !/[\r\n]/.test(c)),
        (which, comment) => {
          const key = keys[which % keys.length]!.publicKey;
          const line = formatPublicKeyLine(key, comment);
          const parsed = parsePublicKeyLine(line);
          expect(parsed.key.equals(key)).toBe(true);
          expect(parsed.comment).toBe(comment.replace(/^[ \t]+|[ \t\r\n]+$/g, ''));
          expect(parsePublicKeyLine(`${line.replace(' ', '\t')}\r\n`).key.equals(key)).toBe(true);
        },
      ),
      { seed: 1, numRuns: 300 },
    );
  });

  it('refuses a type field that differs from the blob (x/crypto NCC audit)', () => {
    const key = keys[0]!.publicKey;
    const b64 = base64Encode(key.blob);
    expect(() => parsePublicKeyLine(`ssh-rsa ${b64}`)).toThrow(KeyFileError);
    expect(() => parsePublicKeyLine(`ecdsa-sha2-nistp256 ${b64} c`)).toThrow(KeyFileError);
  });

  it('refuses missing fields, bad base64 and unknown blob types with typed errors', () => {
    expect(() => parsePublicKeyLine('ssh-ed25519')).toThrow(KeyFileError);
    expect(() => parsePublicKeyLine('')).toThrow(KeyFileError);
    expect(() => parsePublicKeyLine('ssh-ed25519 AAAA!')).toThrow(SshError);
    const dss = base64Encode(new SshWriter().string('ssh-dss').string(new Uint8Array(20)).bytes());
    expect(() => parsePublicKeyLine(`ssh-dss ${dss}`)).toThrow(UnsupportedKeyError);
    expect(() => formatPublicKeyLine(keys[0]!.publicKey, 'a\nb')).toThrow(RangeError);
  });

  it('gives a key or a typed error on arbitrary and mutated lines', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => typedOrNothing(() => parsePublicKeyLine(text))),
      { seed: 2, numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.nat(), fc.nat(), fc.string({ minLength: 1, maxLength: 3 }), (which, at, insert) => {
        const line = formatPublicKeyLine(keys[which % keys.length]!.publicKey, 'c');
        const i = at % line.length;
        typedOrNothing(() => parsePublicKeyLine(line.slice(0, i) + insert + line.slice(i + 1)));
      }),
      { seed: 3, numRuns: 2000 },
    );
  });
});
