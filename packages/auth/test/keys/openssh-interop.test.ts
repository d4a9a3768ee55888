/**
 * Key files against the real OpenSSH: ssh-keygen's private keys parse and sign what its .pub
 * verifies, we write byte-identical files given the same checkint, `ssh-keygen -y` reads what we
 * write, encrypted keys give the typed error, and `ssh-keygen -F` finds our known_hosts lines.
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
import { EncryptedKeyError } from '../../src/keys/errors.js';
import { formatKnownHostsLine } from '../../src/keys/known-hosts.js';
import { formatOpenSshPrivateKey, parseOpenSshPrivateKey } from '../../src/keys/openssh-private-key.js';
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

    it(`${spec.name}: a passphrase-protected key gives EncryptedKeyError`, () => {
      const file = join(dir, `enc_${spec.name}`);
      sshKeygen(['-q', ...spec.args, '-N', 'pw', '-f', file]);
      expect(() => parseOpenSshPrivateKey(readFileSync(file, 'utf8'))).toThrow(EncryptedKeyError);
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
