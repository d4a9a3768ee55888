/**
 * Key revocation lists (PROTOCOL.krl): every section kind, certificates revoked per CA and for any
 * CA, keys and CAs revoked, arbitrary and mutated bytes give typed errors; and against
 * `ssh-keygen -k` / `ssh-keygen -Q`, the same answer for every key.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha1 } from '@noble/hashes/legacy.js';
import { sha256 } from '@noble/hashes/sha2.js';
import {
  base64Decode,
  type Certificate,
  createCertificate,
  generateKey,
  type PrivateKey,
  parsePublicKey,
  SshError,
} from '@seashell/transport';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  describeWithSshKeygen,
  sshKeygen,
  tempDirForSuite,
} from '../../../transport/test/support/ssh-keygen.js';
import { parseKrl } from '../../src/certs/krl.js';
import { encodeKrl } from '../support/krl.js';

const fixed = (n: number) => (len: number) => new Uint8Array(len).fill(n);
let ca: PrivateKey;
let otherCa: PrivateKey;
let keys: PrivateKey[];
beforeAll(() => {
  ca = generateKey('ssh-ed25519', fixed(1));
  otherCa = generateKey('ecdsa-sha2-nistp256', fixed(2));
  keys = [3, 4, 5, 6].map((n) => generateKey('ssh-ed25519', fixed(n)));
});

const cert = (serial: bigint, keyId = 'id', signer = ca, key = keys[0]!): Certificate =>
  createCertificate({ key: key.publicKey, certType: 'user', serial, keyId, principals: ['u'] }, signer);

describe('parseKrl', () => {
  it('revokes certificates by serial list, range, bitmap and key id, for their CA only', () => {
    const krl = parseKrl(
      encodeKrl(
        [
          {
            type: 'certificates',
            ca: ca.publicKey.blob,
            parts: [
              { type: 'serials', serials: [5n, 7n] },
              { type: 'range', lo: 100n, hi: 200n },
              { type: 'bitmap', offset: 1000n, bits: 0b1000_0000_0101n },
              { type: 'ids', ids: ['mallory'] },
            ],
          },
        ],
        'test list',
      ),
    );
    expect([krl.version, krl.generatedDate, krl.comment]).toEqual([7n, 1_700_000_000n, 'test list']);
    const revoked = (serial: bigint, id = 'id', signer = ca) => krl.isRevoked(cert(serial, id, signer));
    expect([4n, 5n, 6n, 7n].map((s) => revoked(s))).toEqual([false, true, false, true]);
    expect([99n, 100n, 150n, 200n, 201n].map((s) => revoked(s))).toEqual([false, true, true, true, false]);
    expect([999n, 1000n, 1001n, 1002n, 1010n, 1011n, 1012n, 1_000_000n].map((s) => revoked(s))).toEqual([
      false,
      true,
      false,
      true,
      false,
      true,
      false,
      false,
    ]);
    expect(revoked(1n, 'mallory')).toBe(true);
    // Another CA's certificates with the same serials and ids are untouched.
    expect(revoked(5n, 'mallory', otherCa)).toBe(false);
    // Plain keys are not revoked by certificate sections.
    expect(krl.isRevoked(keys[0]!.publicKey)).toBe(false);
  });

  it('never revokes serial 0 by serial (krl.c), and a wildcard-CA section applies to every CA', () => {
    const krl = parseKrl(
      encodeKrl([
        {
          type: 'certificates',
          parts: [
            { type: 'range', lo: 0n, hi: 10n },
            { type: 'ids', ids: ['x'] },
          ],
        },
      ]),
    );
    expect(krl.isRevoked(cert(0n))).toBe(false);
    expect(krl.isRevoked(cert(3n, 'id', otherCa))).toBe(true);
    expect(krl.isRevoked(cert(0n, 'x', otherCa))).toBe(true);
  });

  it('revokes keys explicitly and by SHA-1 / SHA-256 hash, their certificates, and every certificate of a revoked CA', () => {
    const [k0, k1, k2, k3] = keys as [PrivateKey, PrivateKey, PrivateKey, PrivateKey];
    const krl = parseKrl(
      encodeKrl([
        { type: 'keys', blobs: [k0.publicKey.blob] },
        { type: 'sha1', hashes: [sha1(k1.publicKey.blob)] },
        { type: 'sha256', hashes: [sha256(k2.publicKey.blob)] },
        { type: 'keys', blobs: [otherCa.publicKey.blob] },
      ]),
    );
    expect([k0, k1, k2, k3].map((k) => krl.isRevoked(k.publicKey))).toEqual([true, true, true, false]);
    expect(krl.isRevoked(cert(1n, 'id', ca, k1))).toBe(true);
    expect(krl.isRevoked(cert(1n, 'id', ca, k3))).toBe(false);
    expect(krl.isRevoked(cert(1n, 'id', otherCa, k3))).toBe(true);
  });

  it('skips signatures and non-critical extensions; refuses critical ones and sections after a signature', () => {
    const ok = encodeKrl([
      { type: 'extension', name: 'bloom-explicit-key', critical: false },
      { type: 'keys', blobs: [keys[0]!.publicKey.blob] },
      { type: 'signature' },
      { type: 'signature' },
    ]);
    expect(parseKrl(ok).isRevoked(keys[0]!.publicKey)).toBe(true);
    expect(() => parseKrl(encodeKrl([{ type: 'extension', name: 'must@x', critical: true }]))).toThrow(
      /critical KRL extension "must@x"/,
    );
    expect(() =>
      parseKrl(encodeKrl([{ type: 'signature' }, { type: 'keys', blobs: [keys[0]!.publicKey.blob] }])),
    ).toThrow(/after a signature/);
    expect(() => parseKrl(encodeKrl([{ type: 'keys', blobs: [cert(1n).blob] }]))).toThrow(
      /certificate where a key/,
    );
    expect(() => parseKrl(encodeKrl([{ type: 'sha1', hashes: [new Uint8Array(19)] }]))).toThrow(/19 bytes/);
    expect(() => parseKrl(encodeKrl([{ type: 'keys', blobs: [] }]))).toThrow(/empty KRL section/);
    expect(() =>
      parseKrl(encodeKrl([{ type: 'certificates', parts: [{ type: 'range', lo: 5n, hi: 4n }] }])),
    ).toThrow(/reversed/);
  });

  it('gives a list or a typed error on arbitrary and mutated bytes (fast-check)', () => {
    const attempt = (bytes: Uint8Array) => {
      try {
        parseKrl(bytes).isRevoked(cert(5n));
      } catch (e) {
        if (!(e instanceof SshError)) throw e;
      }
    };
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), attempt), { seed: 81, numRuns: 2000 });
    const good = encodeKrl([
      {
        type: 'certificates',
        ca: ca.publicKey.blob,
        parts: [
          { type: 'serials', serials: [5n] },
          { type: 'bitmap', offset: 1n, bits: 0xffn },
          { type: 'ids', ids: ['a'] },
        ],
      },
      { type: 'keys', blobs: [keys[1]!.publicKey.blob] },
      { type: 'sha256', hashes: [new Uint8Array(32)] },
    ]);
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 1, max: 255 }), fc.nat({ max: 10 }), (at, xor, cut) => {
        const bytes = good.slice(0, good.length - cut);
        bytes[at % bytes.length]! ^= xor;
        attempt(bytes);
      }),
      { seed: 82, numRuns: 2000 },
    );
  });
});

describeWithSshKeygen('KRLs from ssh-keygen -k', () => {
  const dir = tempDirForSuite('seashell-krl-');
  const keygen = (name: string) => {
    const file = join(dir, name);
    sshKeygen(['-q', '-t', 'ed25519', '-N', '', '-f', file]);
    return file;
  };
  const sign = (file: string, serial: number, id: string, caFile: string) => {
    sshKeygen(['-q', '-s', caFile, '-I', id, '-z', String(serial), '-n', 'u', `${file}.pub`]);
    return `${file}-cert.pub`;
  };
  const keyOf = (file: string) => parsePublicKey(base64Decode(readFileSync(file, 'utf8').split(/\s+/)[1]!));

  it('gives the answer ssh-keygen -Q gives for every certificate and key', () => {
    const caFile = keygen('ca');
    const other = keygen('other_ca');
    const subjects = [0, 1, 2, 3, 4].map((i) => keygen(`user${i}`));
    const spec = [
      'serial: 1-3',
      'serial: 10',
      'serial: 20',
      'serial: 22',
      'serial: 1000-1100',
      'id: badguy',
      `key: ${readFileSync(`${subjects[1]}.pub`, 'utf8').trim()}`,
      `sha256: ${readFileSync(`${subjects[2]}.pub`, 'utf8').trim()}`,
      `sha1: ${readFileSync(`${subjects[3]}.pub`, 'utf8').trim()}`,
    ].join('\n');
    writeFileSync(join(dir, 'spec'), `${spec}\n`);
    const krlFile = join(dir, 'krl');
    sshKeygen(['-q', '-k', '-f', krlFile, '-s', `${caFile}.pub`, join(dir, 'spec')]);
    writeFileSync(join(dir, 'revoked_ca_spec'), `key: ${readFileSync(`${other}.pub`, 'utf8').trim()}\n`);
    const krlCa = join(dir, 'krl_ca');
    sshKeygen(['-q', '-k', '-f', krlCa, join(dir, 'revoked_ca_spec')]);
    const krl = parseKrl(readFileSync(krlFile));
    const krlOfCa = parseKrl(readFileSync(krlCa));

    const cases: string[] = [];
    let n = 0;
    for (const [serial, id] of [
      [0, 'x'],
      [1, 'x'],
      [3, 'x'],
      [4, 'x'],
      [10, 'x'],
      [20, 'x'],
      [21, 'x'],
      [22, 'x'],
      [1050, 'x'],
      [1101, 'x'],
      [7, 'badguy'],
    ] as const) {
      const file = keygen(`subject${n++}`);
      cases.push(sign(file, serial, id, caFile));
    }
    for (const s of subjects) cases.push(`${s}.pub`, sign(s, 5, 'fine', caFile));
    cases.push(sign(keygen('by_other'), 2, 'badguy', other));
    for (const file of cases) {
      let theirs: boolean;
      try {
        sshKeygen(['-Q', '-f', krlFile, file]);
        theirs = false;
      } catch {
        theirs = true;
      }
      expect(krl.isRevoked(keyOf(file)), file).toBe(theirs);
    }
    // A KRL that lists a CA key revokes every certificate it signed.
    expect(krlOfCa.isRevoked(keyOf(cases.at(-1)!))).toBe(true);
    expect(krlOfCa.isRevoked(keyOf(cases[0]!))).toBe(false);
  });
});
