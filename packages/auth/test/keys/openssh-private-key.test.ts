/** openssh-key-v1 private keys (OpenSSH PROTOCOL.key): parse, write, hostile files. */
import {
  base64Decode,
  base64Encode,
  type PrivateKey,
  SshError,
  SshReader,
  SshWriter,
} from '@seashell/transport';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { EncryptedKeyError, KeyFileError } from '../../src/keys/errors.js';
import { formatOpenSshPrivateKey, parseOpenSshPrivateKey } from '../../src/keys/openssh-private-key.js';
import { keysOfEveryType, rsaKey } from '../support/keys.js';

const BEGIN = '-----BEGIN OPENSSH PRIVATE KEY-----';
const END = '-----END OPENSSH PRIVATE KEY-----';
const armor = (blob: Uint8Array) => `${BEGIN}\n${base64Encode(blob)}\n${END}\n`;
const dearmor = (text: string) => base64Decode(text.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, ''));
const fixedCheckint = () => Uint8Array.of(0xde, 0xad, 0xbe, 0xef);

let keys: PrivateKey[];
beforeAll(() => {
  keys = keysOfEveryType();
});

/** The pieces of an unencrypted file, to rebuild it with one part changed. */
function explode(text: string) {
  const r = new SshReader(dearmor(text));
  r.raw(15);
  const parts = {
    cipher: r.ascii(),
    kdf: r.ascii(),
    kdfOptions: r.string(),
    count: r.uint32(),
    publicKey: r.string(),
    section: r.string(),
  };
  r.end();
  return parts;
}

function rebuild(p: ReturnType<typeof explode>, extraKeys: Uint8Array[] = []): string {
  const w = new SshWriter().raw(new TextEncoder().encode('openssh-key-v1\0'));
  w.string(p.cipher).string(p.kdf).string(p.kdfOptions).uint32(p.count).string(p.publicKey);
  for (const k of extraKeys) w.string(k);
  return armor(w.string(p.section).bytes());
}

describe('PROTOCOL.key round trip', () => {
  it('writes and reads back every key type with its comment', () => {
    const data = new TextEncoder().encode('sign me');
    for (const key of keys) {
      const text = formatOpenSshPrivateKey(key, { comment: `comment ${key.publicKey.type} é` });
      expect(text.startsWith(`${BEGIN}\n`)).toBe(true);
      expect(text.endsWith(`\n${END}\n`)).toBe(true);
      for (const line of text.split('\n').slice(1, -2)) expect(line.length).toBeLessThanOrEqual(70);
      const parsed = parseOpenSshPrivateKey(text);
      expect(parsed.comment).toBe(`comment ${key.publicKey.type} é`);
      expect(parsed.privateKey.publicKey.equals(key.publicKey)).toBe(true);
      expect(key.publicKey.verify(data, parsed.privateKey.sign(data))).toBe(true);
      expect(
        formatOpenSshPrivateKey(parsed.privateKey, { comment: parsed.comment, random: fixedCheckint }),
      ).toBe(formatOpenSshPrivateKey(key, { comment: parsed.comment, random: fixedCheckint }));
    }
  });

  it('round-trips arbitrary comments, and the private section is padded 1, 2, 3 … to 8', () => {
    fc.assert(
      fc.property(fc.nat(), fc.string({ maxLength: 50 }), (which, comment) => {
        const key = keys[which % keys.length]!;
        const text = formatOpenSshPrivateKey(key, { comment });
        const { section } = explode(text);
        expect(section.length % 8).toBe(0);
        expect(parseOpenSshPrivateKey(text).comment).toBe(comment);
      }),
      { seed: 1, numRuns: 100 },
    );
  });

  it('tolerates CRLF line ends and leading blank lines', () => {
    const text = formatOpenSshPrivateKey(keys[0]!);
    expect(
      parseOpenSshPrivateKey(`\n  ${text.replace(/\n/g, '\r\n')}`).privateKey.publicKey.equals(
        keys[0]!.publicKey,
      ),
    ).toBe(true);
  });
});

describe('PROTOCOL.key checks on hostile files (§4.4 #35)', () => {
  let good: string;
  beforeAll(() => {
    good = formatOpenSshPrivateKey(keys[0]!, { comment: 'c' });
  });

  it('refuses differing checkints', () => {
    const p = explode(good);
    const section = p.section.slice();
    section[0]! ^= 1;
    expect(() => parseOpenSshPrivateKey(rebuild({ ...p, section }))).toThrow(/checkints differ/);
  });

  it('refuses padding that is not 1, 2, 3, …', () => {
    const p = explode(good);
    const section = p.section.slice();
    section[section.length - 1]! ^= 0x40;
    expect(() => parseOpenSshPrivateKey(rebuild({ ...p, section }))).toThrow(/padding/);
  });

  it('refuses a section that is not a multiple of 8 bytes', () => {
    const p = explode(good);
    expect(() =>
      parseOpenSshPrivateKey(rebuild({ ...p, section: p.section.subarray(0, p.section.length - 1) })),
    ).toThrow(KeyFileError);
  });

  it('refuses N != 1 before reading any key', () => {
    const p = explode(good);
    for (const count of [0, 2, 0xffffffff]) {
      expect(() =>
        parseOpenSshPrivateKey(rebuild({ ...p, count }, count === 2 ? [p.publicKey] : [])),
      ).toThrow(/exactly 1/);
    }
  });

  it('refuses a header public key that is not the private key', () => {
    const p = explode(good);
    expect(() => parseOpenSshPrivateKey(rebuild({ ...p, publicKey: keys[1]!.publicKey.blob }))).toThrow(
      /does not match/,
    );
  });

  it('refuses an ed25519 sk whose second half is not the public key', () => {
    const p = explode(good);
    const section = p.section.slice();
    // checkints (8) + string type (4+11) + string pk (4+32) + uint32 len (4) + seed (32) → first byte of sk's pk half.
    section[8 + 15 + 36 + 4 + 32]! ^= 1;
    expect(() => parseOpenSshPrivateKey(rebuild({ ...p, section }))).toThrow(KeyFileError);
  });

  it('asks for a passphrase with a typed error, and refuses absurd bcrypt rounds before that', () => {
    const exploded = explode(good);
    // An AES section is whole 16-byte blocks.
    const p = {
      ...exploded,
      section: Uint8Array.of(...exploded.section, ...new Uint8Array(exploded.section.length % 16)),
    };
    const kdfOptions = (rounds: number) => new SshWriter().string(new Uint8Array(16)).uint32(rounds).bytes();
    const err = (() => {
      try {
        parseOpenSshPrivateKey(
          rebuild({ ...p, cipher: 'aes256-ctr', kdf: 'bcrypt', kdfOptions: kdfOptions(16) }),
        );
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(EncryptedKeyError);
    expect((err as EncryptedKeyError).cipher).toBe('aes256-ctr');
    expect((err as EncryptedKeyError).message).toMatch(/passphrase is needed/);
    // Go x/crypto b315afd: 2^32-1 rounds is refused as malformed, whatever the passphrase.
    for (const passphrase of [undefined, 'pw']) {
      expect(() =>
        parseOpenSshPrivateKey(
          rebuild({ ...p, cipher: 'aes256-ctr', kdf: 'bcrypt', kdfOptions: kdfOptions(0xffffffff) }),
          { passphrase },
        ),
      ).toThrow(/bcrypt rounds 4294967295 outside 1..2048/);
    }
  });

  it('refuses a KDF on an unencrypted key, bad armour, and oversized text', () => {
    const p = explode(good);
    expect(() => parseOpenSshPrivateKey(rebuild({ ...p, kdf: 'bcrypt' }))).toThrow(KeyFileError);
    expect(() => parseOpenSshPrivateKey(good.replace(END, ''))).toThrow(KeyFileError);
    expect(() => parseOpenSshPrivateKey(good.replace('OPENSSH', 'RSA'))).toThrow(KeyFileError);
    expect(() => parseOpenSshPrivateKey(armor(new TextEncoder().encode('openssh-key-v2\0')))).toThrow(
      KeyFileError,
    );
    expect(() => parseOpenSshPrivateKey(`${BEGIN}\n${'A'.repeat(100_000)}\n${END}`)).toThrow(/too large/);
  });

  it('refuses RSA parts that do not fit together or a 64k-bit modulus', () => {
    const rsa = rsaKey(1024);
    const p = explode(formatOpenSshPrivateKey(rsa));
    const c = rsa.components();
    const section = (n: bigint, pp: bigint) =>
      new SshWriter()
        .uint32(1)
        .uint32(1)
        .string('ssh-rsa')
        .mpint(n)
        .mpint(c.e)
        .mpint(c.d)
        .mpint(c.qinv)
        .mpint(pp)
        .mpint(c.q)
        .string('')
        .bytes();
    const padded = (s: Uint8Array) =>
      Uint8Array.of(...s, ...[1, 2, 3, 4, 5, 6, 7].slice(0, (8 - (s.length % 8)) % 8));
    expect(() => parseOpenSshPrivateKey(rebuild({ ...p, section: padded(section(c.n, c.p + 2n)) }))).toThrow(
      SshError,
    );
    expect(() =>
      parseOpenSshPrivateKey(rebuild({ ...p, section: padded(section((1n << 65536n) + 1n, c.p)) })),
    ).toThrow(SshError);
  });

  it('gives a key or a typed error on mutated files and arbitrary text', () => {
    const blobs = keys.map((k) => dearmor(formatOpenSshPrivateKey(k, { comment: 'x' })));
    fc.assert(
      fc.property(
        fc.nat(),
        fc.array(fc.record({ at: fc.nat(), value: fc.nat({ max: 255 }), cut: fc.boolean() }), {
          minLength: 1,
          maxLength: 4,
        }),
        (which, edits) => {
          let blob = blobs[which % blobs.length]!.slice();
          for (const e of edits) {
            const i = e.at % blob.length;
            if (e.cut) blob = blob.slice(0, i);
            else blob[i] = e.value;
            if (blob.length === 0) return;
          }
          try {
            parseOpenSshPrivateKey(armor(blob));
          } catch (e) {
            if (!(e instanceof SshError)) throw e;
          }
        },
      ),
      { seed: 2, numRuns: 1500 },
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), fc.uint8Array({ maxLength: 200 }), (text, bytes) => {
        for (const input of [text, `${BEGIN}\n${text}\n${END}`, armor(bytes)]) {
          try {
            parseOpenSshPrivateKey(input);
          } catch (e) {
            if (!(e instanceof SshError)) throw e;
          }
        }
      }),
      { seed: 3, numRuns: 1500 },
    );
  });

  it('only writes key types it knows', () => {
    const foreign: PrivateKey = { publicKey: keys[0]!.publicKey, sign: () => new Uint8Array(0) };
    expect(() => formatOpenSshPrivateKey(foreign)).toThrow(TypeError);
  });
});
