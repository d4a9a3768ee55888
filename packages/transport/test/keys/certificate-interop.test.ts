/**
 * Certificates against the real `ssh-keygen`: those `ssh-keygen -s` signs (ed25519, ECDSA and RSA
 * CAs, every RSA signature hash) parse with every field as `ssh-keygen -L` prints it, and ours are
 * read back by `ssh-keygen -L`, which checks the CA signature.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { certificateOptionValue, parseCertificate } from '../../src/keys/certificate.js';
import { createCertificate } from '../../src/keys/certificate-builder.js';
import { generateKey } from '../../src/keys/generate.js';
import { parsePublicKey } from '../../src/keys/public-key.js';
import { base64Decode, base64Encode } from '../../src/wire/base64.js';
import { nodeRsa } from '../support/node-keys.js';
import { describeWithSshKeygen, sshKeygen, tempDirForSuite } from '../support/ssh-keygen.js';

const blobOf = (path: string) => base64Decode(readFileSync(path, 'utf8').trim().split(/\s+/)[1]!);

describeWithSshKeygen('certificates and ssh-keygen', () => {
  const dir = tempDirForSuite('seashell-certs-');
  const cas = [
    { name: 'ed25519', args: ['-t', 'ed25519'], sign: [], alg: 'ssh-ed25519' },
    { name: 'ecdsa-384', args: ['-t', 'ecdsa', '-b', '384'], sign: [], alg: 'ecdsa-sha2-nistp384' },
    { name: 'rsa', args: ['-t', 'rsa', '-b', '2048'], sign: [], alg: 'rsa-sha2-512' },
    { name: 'rsa-256', args: ['-t', 'rsa', '-b', '2048'], sign: ['-t', 'rsa-sha2-256'], alg: 'rsa-sha2-256' },
    { name: 'rsa-512', args: ['-t', 'rsa', '-b', '2048'], sign: ['-t', 'rsa-sha2-512'], alg: 'rsa-sha2-512' },
  ];
  const subjects = [
    ['ed25519', ['-t', 'ed25519']],
    ['ecdsa-521', ['-t', 'ecdsa', '-b', '521']],
    ['rsa', ['-t', 'rsa', '-b', '2048']],
  ] as const;

  for (const ca of cas) {
    it(`parses what ssh-keygen -s signs with a ${ca.name} CA`, () => {
      const caFile = join(dir, `ca_${ca.name}`);
      sshKeygen(['-q', ...ca.args, '-N', '', '-f', caFile]);
      for (const [name, args] of subjects) {
        const file = join(dir, `user_${ca.name}_${name}`);
        sshKeygen(['-q', ...args, '-N', '', '-f', file]);
        sshKeygen([
          '-q',
          '-s',
          caFile,
          ...ca.sign,
          '-I',
          `id of ${name}`,
          '-n',
          'alice,bob',
          '-z',
          '4242',
          '-V',
          '20200101000000Z:20300101000000Z',
          '-O',
          'force-command=/bin/echo forced',
          '-O',
          'source-address=10.0.0.0/8,127.0.0.1',
          '-O',
          'no-pty',
          '-O',
          'extension:custom@example.org=value',
          `${file}.pub`,
        ]);
        const cert = parseCertificate(blobOf(`${file}-cert.pub`));
        expect(cert.key.equals(parsePublicKey(blobOf(`${file}.pub`)))).toBe(true);
        expect(cert.signatureKey.equals(parsePublicKey(blobOf(`${caFile}.pub`)))).toBe(true);
        expect(cert.signatureAlgorithm).toBe(ca.alg);
        expect(cert.certType).toBe('user');
        expect(cert.keyId).toBe(`id of ${name}`);
        expect(cert.serial).toBe(4242n);
        expect(cert.principals).toEqual(['alice', 'bob']);
        expect(cert.validAfter).toBe(BigInt(Date.UTC(2020, 0, 1) / 1000));
        expect(cert.validBefore).toBe(BigInt(Date.UTC(2030, 0, 1) / 1000));
        expect(cert.criticalOptions.map((o) => [o.name, certificateOptionValue(o)])).toEqual([
          ['force-command', '/bin/echo forced'],
          ['source-address', '10.0.0.0/8,127.0.0.1'],
        ]);
        expect(cert.extensions.map((o) => [o.name, certificateOptionValue(o)])).toEqual([
          ['custom@example.org', 'value'],
          ['permit-X11-forwarding', ''],
          ['permit-agent-forwarding', ''],
          ['permit-port-forwarding', ''],
          ['permit-user-rc', ''],
        ]);
      }
    });
  }

  it("parses host certificates and ssh-keygen's defaults (no principals, valid forever)", () => {
    const caFile = join(dir, 'host_ca');
    sshKeygen(['-q', '-t', 'ed25519', '-N', '', '-f', caFile]);
    const file = join(dir, 'ssh_host_key');
    sshKeygen(['-q', '-t', 'ecdsa', '-N', '', '-f', file]);
    sshKeygen(['-q', '-s', caFile, '-I', 'host', '-h', `${file}.pub`]);
    const cert = parseCertificate(blobOf(`${file}-cert.pub`));
    expect(cert.certType).toBe('host');
    expect(cert.principals).toEqual([]);
    expect([cert.validAfter, cert.validBefore]).toEqual([0n, (1n << 64n) - 1n]);
    expect(cert.extensions).toEqual([]);
    expect(cert.type).toBe('ecdsa-sha2-nistp256-cert-v01@openssh.com');
  });

  const ourCas = [
    ['ed25519', () => generateKey('ssh-ed25519')],
    ['ecdsa-256', () => generateKey('ecdsa-sha2-nistp256')],
    ['rsa', () => nodeRsa(2048).ours],
  ] as const;
  for (const [name, makeCa] of ourCas) {
    it(`ssh-keygen -L reads and verifies our certificates signed by a ${name} CA`, () => {
      const ca = makeCa();
      for (const key of [
        generateKey('ssh-ed25519'),
        generateKey('ecdsa-sha2-nistp521'),
        nodeRsa(1024).ours,
      ]) {
        const cert = createCertificate(
          {
            key: key.publicKey,
            certType: 'user',
            keyId: 'ours',
            serial: 77n,
            principals: ['carol'],
            validAfter: BigInt(Date.UTC(2021, 0, 1) / 1000),
            validBefore: BigInt(Date.UTC(2031, 0, 1) / 1000),
            criticalOptions: [{ name: 'force-command', value: 'id' }],
          },
          ca,
        );
        const file = join(dir, `ours-${name}-${key.publicKey.type}-cert.pub`);
        writeFileSync(file, `${cert.type} ${base64Encode(cert.blob)} ours\n`);
        const text = sshKeygen(['-L', '-f', file]);
        expect(text).toContain(`Type: ${cert.type} user certificate`);
        expect(text).toContain(`(using ${ca.publicKey.signatureAlgorithms[0]})`);
        expect(text).toMatch(
          /Key ID: "ours"\s+Serial: 77\s+Valid: from 2021-01-01T00:00:00 to 2031-01-01T00:00:00/,
        );
        expect(text).toMatch(/Principals: \s+carol\s+Critical Options: \s+force-command id\s+Extensions:/);
        expect(text).toMatch(/permit-pty\s+permit-user-rc/);
      }
    });
  }
});
