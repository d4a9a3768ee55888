/**
 * Keys and signatures made by the real OpenSSH `ssh-keygen`: public key lines parse, fingerprints
 * equal `ssh-keygen -l -E sha256|md5`, OpenSSH signatures verify with our keys (SSHSIG, PROTOCOL.sshsig)
 * and ours verify with `ssh-keygen -Y check-novalidate`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { fingerprintMd5, fingerprintSha256 } from '../../src/keys/fingerprint.js';
import { generateKey } from '../../src/keys/generate.js';
import { parsePublicKey } from '../../src/keys/public-key.js';
import { decodeSignatureBlob } from '../../src/keys/signature-blob.js';
import type { PrivateKey } from '../../src/keys/types.js';
import { base64Decode } from '../../src/wire/base64.js';
import { nodeRsa } from '../support/node-keys.js';
import { describeWithSshKeygen, KEYGEN_TYPES, sshKeygen, tempDirForSuite } from '../support/ssh-keygen.js';
import { sshsigArmor, sshsigParse, sshsigSignedData } from '../support/sshsig.js';

describeWithSshKeygen('ssh-keygen made keys', () => {
  const dir = tempDirForSuite();

  for (const spec of KEYGEN_TYPES) {
    it(`${spec.name}: the .pub parses and the fingerprints match ssh-keygen -l`, () => {
      const file = join(dir, `id_${spec.name}`);
      sshKeygen(['-q', ...spec.args, '-N', '', '-C', `test ${spec.name}`, '-f', file]);
      const [type, b64, ...comment] = readFileSync(`${file}.pub`, 'utf8').trim().split(' ');
      expect(type).toBe(spec.type);
      expect(comment.join(' ')).toBe(`test ${spec.name}`);
      const key = parsePublicKey(base64Decode(b64!));
      expect(key.type).toBe(spec.type);
      const sha = sshKeygen(['-l', '-E', 'sha256', '-f', `${file}.pub`]).split(' ')[1];
      const md5 = sshKeygen(['-l', '-E', 'md5', '-f', `${file}.pub`]).split(' ')[1];
      expect(fingerprintSha256(key)).toBe(sha);
      expect(fingerprintMd5(key)).toBe(md5);
    });

    it(`${spec.name}: we verify OpenSSH's own signatures (ssh-keygen -Y sign)`, () => {
      const file = join(dir, `sig_${spec.name}`);
      sshKeygen(['-q', ...spec.args, '-N', '', '-f', file]);
      const key = parsePublicKey(base64Decode(readFileSync(`${file}.pub`, 'utf8').split(' ')[1]!));
      for (let i = 0; i < 3; i++) {
        const message = new TextEncoder().encode(`message ${i} for ${spec.name}`);
        // A fresh name each time: ssh-keygen asks before overwriting a .sig and exits 0 without signing.
        const msgFile = join(dir, `msg_${spec.name}_${i}`);
        writeFileSync(msgFile, message);
        sshKeygen(['-Y', 'sign', '-q', '-f', file, '-n', 'seashell', msgFile], '');
        const sig = sshsigParse(readFileSync(`${msgFile}.sig`, 'utf8'));
        expect(parsePublicKey(sig.publicKey).equals(key)).toBe(true);
        const alg = decodeSignatureBlob(sig.signature).algorithm;
        expect(alg).toBe(spec.type === 'ssh-rsa' ? 'rsa-sha2-512' : spec.type);
        expect(key.verify(sshsigSignedData('seashell', message), sig.signature)).toBe(true);
        expect(key.verify(sshsigSignedData('other', message), sig.signature)).toBe(false);
      }
    });
  }

  const ours: [string, () => PrivateKey, string][] = [
    ['ssh-ed25519', () => generateKey('ssh-ed25519'), 'ssh-ed25519'],
    ['ecdsa-sha2-nistp256', () => generateKey('ecdsa-sha2-nistp256'), 'ecdsa-sha2-nistp256'],
    ['ecdsa-sha2-nistp384', () => generateKey('ecdsa-sha2-nistp384'), 'ecdsa-sha2-nistp384'],
    ['ecdsa-sha2-nistp521', () => generateKey('ecdsa-sha2-nistp521'), 'ecdsa-sha2-nistp521'],
    ['rsa-sha2-512', () => nodeRsa(2048).ours, 'rsa-sha2-512'],
    ['rsa-sha2-256', () => nodeRsa(3072).ours, 'rsa-sha2-256'],
  ];
  for (const [name, make, alg] of ours) {
    it(`${name}: OpenSSH verifies our signatures (ssh-keygen -Y check-novalidate)`, () => {
      const key = make();
      for (let i = 0; i < 3; i++) {
        const message = new TextEncoder().encode(`our message ${i}`);
        const sig = key.sign(sshsigSignedData('seashell', message), alg);
        const sigFile = join(dir, `ours_${name}_${i}.sig`);
        writeFileSync(sigFile, sshsigArmor(key.publicKey.blob, 'seashell', sig));
        const out = sshKeygen(['-Y', 'check-novalidate', '-n', 'seashell', '-s', sigFile], message);
        expect(out).toMatch(/Good "seashell" signature/);
        expect(() =>
          sshKeygen(
            ['-Y', 'check-novalidate', '-n', 'seashell', '-s', sigFile],
            Uint8Array.of(...message, 0),
          ),
        ).toThrow();
      }
    });
  }
});
