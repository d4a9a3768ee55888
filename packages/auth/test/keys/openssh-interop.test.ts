/**
 * Key files against the real OpenSSH: ssh-keygen's private keys parse and sign what its .pub
 * verifies, we write byte-identical files given the same checkint, `ssh-keygen -y` reads what we
 * write, encrypted keys open with their passphrase under every cipher both ways, and `ssh-keygen -F`
 * finds our known_hosts lines.
 */
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { base64Decode, generateKey, type PrivateKey, SshReader } from '@seashell/transport';
import { expect, it } from 'vitest';
import {
  describeWithSshKeygen,
  KEYGEN_TYPES,
  sshKeygen,
  tempDirForSuite,
} from '../../../transport/test/support/ssh-keygen.js';
import { BadPassphraseError, EncryptedKeyError } from '../../src/keys/errors.js';
import { formatKnownHostsLine } from '../../src/keys/known-hosts.js';
import { KEY_FILE_CIPHERS, type KeyFileCipherName } from '../../src/keys/openssh-key-ciphers.js';
import {
  formatOpenSshPrivateKey,
  openOpenSshPrivateKey,
  parseOpenSshPrivateKey,
} from '../../src/keys/openssh-private-key.js';
import { formatPublicKeyLine, parsePublicKeyLine } from '../../src/keys/public-key-file.js';
import { rsaKey } from '../support/keys.js';

/** The checkint ssh-keygen chose, read back from its file. */
function checkintOf(text: string): Uint8Array {
  const r = new SshReader(base64Decode(text.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '')));
  r.raw(15);
  r.string();
  r.string();
  r.string();
  r.uint32();
  r.string();
  return r.string().slice(0, 4);
}

describeWithSshKeygen('OpenSSH key files', () => {
  const dir = tempDirForSuite('seashell-auth-keys-');
  const data = new TextEncoder().encode('data signed by a parsed key');

  for (const spec of KEYGEN_TYPES) {
    it(`${spec.name}: ssh-keygen's private key parses, signs, and writes back byte for byte`, () => {
      const file = join(dir, `id_${spec.name}`);
      sshKeygen(['-q', ...spec.args, '-N', '', '-C', `made by ssh-keygen ${spec.name}`, '-f', file]);
      const text = readFileSync(file, 'utf8');
      const { privateKey, comment } = parseOpenSshPrivateKey(text);
      expect(comment).toBe(`made by ssh-keygen ${spec.name}`);
      const pub = parsePublicKeyLine(readFileSync(`${file}.pub`, 'utf8'));
      expect(pub.key.type).toBe(spec.type);
      expect(privateKey.publicKey.equals(pub.key)).toBe(true);
      for (const alg of pub.key.signatureAlgorithms) {
        expect(pub.key.verify(data, privateKey.sign(data, alg))).toBe(true);
      }
      const checkint = checkintOf(text);
      expect(formatOpenSshPrivateKey(privateKey, { comment, random: () => checkint.slice() })).toBe(text);
    });

    it(`${spec.name}: ssh-keygen -N pw: the passphrase opens it, a wrong one is BadPassphraseError`, () => {
      const file = join(dir, `enc_${spec.name}`);
      sshKeygen(['-q', ...spec.args, '-N', 'pass word', '-C', 'encrypted', '-f', file]);
      const text = readFileSync(file, 'utf8');
      const pub = parsePublicKeyLine(readFileSync(`${file}.pub`, 'utf8')).key;
      expect(() => parseOpenSshPrivateKey(text)).toThrow(EncryptedKeyError);
      expect(() => parseOpenSshPrivateKey(text, { passphrase: 'pass wore' })).toThrow(BadPassphraseError);
      const { privateKey, comment } = parseOpenSshPrivateKey(text, { passphrase: 'pass word' });
      expect(comment).toBe('encrypted');
      expect(privateKey.publicKey.equals(pub)).toBe(true);
      expect(pub.verify(data, privateKey.sign(data))).toBe(true);
    });
  }

  for (const cipher of Object.keys(KEY_FILE_CIPHERS) as KeyFileCipherName[]) {
    it(`-Z ${cipher}: ssh-keygen's key opens, and ssh-keygen -y opens ours`, () => {
      const file = join(dir, `z_${cipher}`);
      sshKeygen(['-q', '-t', 'ecdsa', '-N', 'pw', '-Z', cipher, '-a', '2', '-f', file]);
      const pub = parsePublicKeyLine(readFileSync(`${file}.pub`, 'utf8')).key;
      const file0 = openOpenSshPrivateKey(readFileSync(file, 'utf8'));
      expect([file0.cipher, file0.rounds]).toEqual([cipher, 2]);
      const { privateKey } = file0.open('pw');
      expect(privateKey.publicKey.equals(pub)).toBe(true);
      expect(() => file0.open('wp')).toThrow(BadPassphraseError);

      const key = generateKey('ssh-ed25519');
      const ours = join(dir, `ours_z_${cipher}`);
      writeFileSync(ours, formatOpenSshPrivateKey(key, { passphrase: 'secret', cipher, rounds: 3 }), {
        mode: 0o600,
      });
      const printed = parsePublicKeyLine(sshKeygen(['-y', '-P', 'secret', '-f', ours]));
      expect(printed.key.equals(key.publicKey)).toBe(true);
      expect(() => sshKeygen(['-y', '-P', 'wrong', '-f', ours])).toThrow(/incorrect passphrase/);
    });
  }

  const ours: [string, () => PrivateKey][] = [
    ['ssh-ed25519', () => generateKey('ssh-ed25519')],
    ['ecdsa-sha2-nistp256', () => generateKey('ecdsa-sha2-nistp256')],
    ['ecdsa-sha2-nistp384', () => generateKey('ecdsa-sha2-nistp384')],
    ['ecdsa-sha2-nistp521', () => generateKey('ecdsa-sha2-nistp521')],
    ['ssh-rsa 2048', () => rsaKey(2048)],
  ];
  for (const [name, make] of ours) {
    it(`${name}: ssh-keygen -y reads the private key we write`, () => {
      const key = make();
      const file = join(dir, `ours_${name.replace(' ', '_')}`);
      writeFileSync(file, formatOpenSshPrivateKey(key, { comment: 'written by seashell' }), { mode: 0o600 });
      chmodSync(file, 0o600);
      const printed = parsePublicKeyLine(sshKeygen(['-y', '-f', file]));
      expect(printed.key.equals(key.publicKey)).toBe(true);
      expect(formatPublicKeyLine(printed.key)).toBe(formatPublicKeyLine(key.publicKey));
      // Encrypted as ssh-keygen -N would (aes256-ctr, 24 rounds).
      const encrypted = `${file}_encrypted`;
      writeFileSync(encrypted, formatOpenSshPrivateKey(key, { passphrase: 'p w' }), { mode: 0o600 });
      expect(
        parsePublicKeyLine(sshKeygen(['-y', '-P', 'p w', '-f', encrypted])).key.equals(key.publicKey),
      ).toBe(true);
    });
  }

  it('ssh-keygen -F finds the known_hosts lines we write, for port 22 and others', () => {
    const key = generateKey('ssh-ed25519').publicKey;
    const file = join(dir, 'known_hosts');
    writeFileSync(
      file,
      `${formatKnownHostsLine('Example.com', 22, key)}\n${formatKnownHostsLine('h.test', 2222, key)}\n`,
    );
    expect(sshKeygen(['-F', 'example.com', '-f', file])).toContain(formatPublicKeyLine(key));
    expect(sshKeygen(['-F', '[h.test]:2222', '-f', file])).toContain(formatPublicKeyLine(key));
    expect(() => sshKeygen(['-F', 'h.test', '-f', file])).toThrow();
  });
});
