/**
 * Key file formats against the real tools: `ssh-keygen -m PEM|PKCS8` private keys (plain and
 * encrypted) and `-e -m RFC4716|PKCS8|PEM` public exports are read by us, and ssh-keygen reads ours
 * (`-y`, `-i`); fingerprints of keys read from every format equal `ssh-keygen -l`; an RSA key we
 * generate is one OpenSSH uses; and PuTTY's puttygen reads our PPK files and we read its own.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fingerprintMd5, fingerprintSha256, generateRsaKey } from '@seashell/transport';
import { expect, it } from 'vitest';
import {
  describeWithSshKeygen,
  KEYGEN_TYPES,
  sshKeygen,
  tempDirForSuite,
} from '../../../transport/test/support/ssh-keygen.js';
import { BadPassphraseError } from '../../src/keys/errors.js';
import { formatOpenSshPrivateKey, parseOpenSshPrivateKey } from '../../src/keys/openssh-private-key.js';
import { formatPemPrivateKey, type PemKeyFormat } from '../../src/keys/pem-private-key.js';
import { formatPpkPrivateKey } from '../../src/keys/ppk.js';
import { parsePrivateKeySync, readPrivateKeyFile } from '../../src/keys/private-key-file.js';
import {
  formatPublicKeyFile,
  formatPublicKeyLine,
  type PublicKeyFileFormat,
  parsePublicKeyFile,
  parsePublicKeyLine,
} from '../../src/keys/public-key-file.js';
import { describeWithPuttygen, puttygen } from '../support/puttygen.js';

const PASS = 'pass word';
const data = new TextEncoder().encode('interop');
const NOT_ED25519 = KEYGEN_TYPES.filter((t) => t.type !== 'ssh-ed25519');

describeWithSshKeygen('key formats against ssh-keygen', () => {
  const dir = tempDirForSuite('seashell-key-formats-');

  for (const spec of NOT_ED25519) {
    for (const m of ['PEM', 'PKCS8'] as const) {
      it(`${spec.name}: ssh-keygen -m ${m}, plain and -N: parsed, same key and fingerprints`, () => {
        for (const pass of ['', PASS]) {
          const file = join(dir, `${spec.name}_${m}_${pass === '' ? 'plain' : 'enc'}`);
          sshKeygen(['-q', ...spec.args, '-m', m, '-N', pass, '-C', 'c', '-f', file]);
          const text = readFileSync(file, 'utf8');
          const opened = readPrivateKeyFile(text);
          const expectedFormat = m === 'PKCS8' ? 'pkcs8' : spec.type === 'ssh-rsa' ? 'pkcs1' : 'sec1';
          expect([opened.format, opened.encrypted]).toEqual([expectedFormat, pass !== '']);
          const { privateKey } = opened.decrypt(pass || undefined);
          const pub = parsePublicKeyLine(readFileSync(`${file}.pub`, 'utf8')).key;
          expect(privateKey.publicKey.equals(pub)).toBe(true);
          expect(pub.verify(data, privateKey.sign(data))).toBe(true);
          const sha = sshKeygen(['-l', '-E', 'sha256', '-f', `${file}.pub`]).split(' ')[1];
          const md5 = sshKeygen(['-l', '-E', 'md5', '-f', `${file}.pub`]).split(' ')[1];
          expect([fingerprintSha256(privateKey.publicKey), fingerprintMd5(privateKey.publicKey)]).toEqual([
            sha,
            md5,
          ]);
          if (pass !== '') expect(() => opened.decrypt('pass wore')).toThrow(BadPassphraseError);
        }
      });
    }
  }

  for (const spec of KEYGEN_TYPES) {
    it(`${spec.name}: ssh-keygen -e exports parse; ssh-keygen -i imports ours`, () => {
      const file = join(dir, `export_${spec.name}`);
      sshKeygen(['-q', ...spec.args, '-N', '', '-f', file]);
      const pub = parsePublicKeyLine(readFileSync(`${file}.pub`, 'utf8')).key;
      const exports: [string, PublicKeyFileFormat][] =
        spec.type === 'ssh-ed25519'
          ? [['RFC4716', 'rfc4716']]
          : [
              ['RFC4716', 'rfc4716'],
              ['PKCS8', 'spki'],
              ['PEM', spec.type === 'ssh-rsa' ? 'pkcs1' : 'spki'],
            ];
      for (const [m, format] of exports) {
        const parsed = parsePublicKeyFile(sshKeygen(['-e', '-m', m, '-f', `${file}.pub`]));
        expect([parsed.format, parsed.key.equals(pub)]).toEqual([format, true]);
        const ours = join(dir, `ours_${spec.name}_${m}.pub`);
        writeFileSync(ours, formatPublicKeyFile(pub, format, 'written by seashell'));
        // ssh-keygen -i -m PEM reads only RSA; an EC SubjectPublicKeyInfo goes through -m PKCS8.
        const importAs = format === 'spki' ? 'PKCS8' : m;
        expect(parsePublicKeyLine(sshKeygen(['-i', '-m', importAs, '-f', ours])).key.equals(pub)).toBe(true);
      }
    });
  }

  for (const spec of NOT_ED25519) {
    it(`${spec.name}: ssh-keygen -y reads the PEM and PKCS#8 keys we write, plain and encrypted`, () => {
      const file = join(dir, `src_${spec.name}`);
      sshKeygen(['-q', ...spec.args, '-N', '', '-f', file]);
      const key = parseOpenSshPrivateKey(readFileSync(file, 'utf8')).privateKey;
      const formats: PemKeyFormat[] = [spec.type === 'ssh-rsa' ? 'pkcs1' : 'sec1', 'pkcs8'];
      for (const format of formats) {
        for (const passphrase of ['', PASS]) {
          const ours = join(dir, `ours_${spec.name}_${format}_${passphrase === '' ? 'plain' : 'enc'}`);
          writeFileSync(ours, formatPemPrivateKey(key, { format, passphrase, iterations: 2048 }), {
            mode: 0o600,
          });
          const printed = parsePublicKeyLine(sshKeygen(['-y', '-P', passphrase, '-f', ours]));
          expect(printed.key.equals(key.publicKey)).toBe(true);
        }
      }
    });
  }

  it('an RSA key we generate: ssh-keygen -y reads it, and -l agrees on fingerprints', () => {
    const key = generateRsaKey(2048);
    const file = join(dir, 'generated_rsa');
    writeFileSync(file, formatOpenSshPrivateKey(key, { comment: 'generated' }), { mode: 0o600 });
    const printed = parsePublicKeyLine(sshKeygen(['-y', '-f', file]));
    expect(printed.key.equals(key.publicKey)).toBe(true);
    writeFileSync(`${file}.pub`, `${formatPublicKeyLine(key.publicKey, 'generated')}\n`);
    expect(sshKeygen(['-l', '-E', 'sha256', '-f', `${file}.pub`])).toBe(
      `2048 ${fingerprintSha256(key.publicKey)} generated (RSA)\n`,
    );
    expect(sshKeygen(['-l', '-E', 'md5', '-f', `${file}.pub`])).toBe(
      `2048 ${fingerprintMd5(key.publicKey)} generated (RSA)\n`,
    );
  });
});

describeWithPuttygen('PPK files against puttygen', () => {
  const dir = tempDirForSuite('seashell-ppk-');
  const passFile = join(dir, 'passphrase');
  writeFileSync(passFile, PASS);
  const types = [
    ['ed25519', ['-t', 'ed25519']],
    ['ecdsa-256', ['-t', 'ecdsa', '-b', '256']],
    ['ecdsa-384', ['-t', 'ecdsa', '-b', '384']],
    ['ecdsa-521', ['-t', 'ecdsa', '-b', '521']],
    ['rsa-2048', ['-t', 'rsa', '-b', '2048']],
  ] as const;
  const variants = [
    ['v3 plain', ['--new-passphrase', '/dev/null']],
    ['v3 Argon2id', ['--new-passphrase', passFile, '--ppk-param', 'memory=1024,passes=2']],
    ['v2 plain', ['--new-passphrase', '/dev/null', '--ppk-param', 'version=2']],
    ['v2 aes256-cbc', ['--new-passphrase', passFile, '--ppk-param', 'version=2']],
  ] as const;

  for (const [name, args] of types) {
    it(`${name}: puttygen's v2 and v3 files, plain and encrypted, parse to its key`, () => {
      for (const [variant, extra] of variants) {
        const file = join(dir, `${name}_${variant.replace(/ /g, '_')}.ppk`);
        puttygen(['-q', ...args, '-C', `${name} ${variant}`, '-o', file, ...extra]);
        const pub = parsePublicKeyLine(puttygen([file, '--old-passphrase', passFile, '-L']));
        const parsed = parsePrivateKeySync(readFileSync(file, 'utf8'), { passphrase: PASS });
        expect([parsed.format, parsed.comment]).toEqual(['ppk', `${name} ${variant}`]);
        expect(parsed.privateKey.publicKey.equals(pub.key)).toBe(true);
        expect(pub.key.verify(data, parsed.privateKey.sign(data))).toBe(true);
      }
    });

    it(`${name}: puttygen reads the PPK files we write, and converts them back to the same key`, () => {
      const original = join(dir, `${name}_source.ppk`);
      puttygen(['-q', ...args, '-o', original, '--new-passphrase', '/dev/null']);
      const key = parsePrivateKeySync(readFileSync(original, 'utf8')).privateKey;
      for (const options of [
        { version: 3 as const, passphrase: PASS },
        { version: 3 as const, passphrase: '' },
        { version: 2 as const, passphrase: PASS },
      ]) {
        const ours = join(
          dir,
          `${name}_ours_v${options.version}_${options.passphrase === '' ? 'plain' : 'enc'}.ppk`,
        );
        writeFileSync(
          ours,
          formatPpkPrivateKey(key, { ...options, comment: 'ours', argon2: { memoryKiB: 1024, passes: 2 } }),
        );
        const printed = parsePublicKeyLine(puttygen([ours, '--old-passphrase', passFile, '-L']));
        expect([printed.key.equals(key.publicKey), printed.comment]).toEqual([true, 'ours']);
        const converted = `${ours}.openssh`;
        puttygen([
          ours,
          '--old-passphrase',
          passFile,
          '-O',
          'private-openssh-new',
          '-o',
          converted,
          '--new-passphrase',
          '/dev/null',
        ]);
        const back = parseOpenSshPrivateKey(readFileSync(converted, 'utf8')).privateKey;
        expect(back.publicKey.equals(key.publicKey)).toBe(true);
        expect(key.publicKey.verify(data, back.sign(data))).toBe(true);
      }
    });
  }

  it("a PPK with puttygen's default Argon2 cost (8 MiB, passes by time) opens", () => {
    const file = join(dir, 'default_cost.ppk');
    puttygen(['-q', '-t', 'ed25519', '-o', file, '--new-passphrase', passFile]);
    const pub = parsePublicKeyLine(puttygen([file, '-L']));
    expect(
      parsePrivateKeySync(readFileSync(file, 'utf8'), { passphrase: PASS }).privateKey.publicKey.equals(
        pub.key,
      ),
    ).toBe(true);
  });
});
