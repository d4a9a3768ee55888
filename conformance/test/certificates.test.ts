/**
 * OpenSSH certificates both ways (PROTOCOL-NOTES.md §2.2 "Certificates (user)" and "(host)"; the
 * cases of OpenSSH regress cert-userkey.sh and cert-hostkey.sh):
 *
 * - `ssh` → `seashell-sshd --trusted-user-ca-keys --host-certificate -o RevokedKeys`: user
 *   certificates from `ssh-keygen -s` (ed25519, ECDSA and RSA CAs, `-t rsa-sha2-512`) log in, and
 *   expired, not yet valid, misnamed, host-as-user, empty-principal, source-address and revoked
 *   (KRL) ones do not; force-command replaces the command; a `cert-authority,principals=` line;
 *   `ssh` trusts our host certificate through `@cert-authority` and refuses it when the CA is
 *   `@revoked`, the certificate expired or names another host; source-address through a password.
 * - our client and `seashell` → sshd 9.2 (`TrustedUserCAKeys`, `HostCertificate`): certificates we
 *   make log in and carry their options; `seashell` picks up `KEY-cert.pub` and CertificateFile,
 *   and trusts sshd's host certificate through `@cert-authority` unless the CA is `@revoked`.
 */
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import {
  formatPublicKeyLine,
  type Permissions,
  parseOpenSshPrivateKey,
  parsePublicKeyLine,
  unrestrictedPermissions,
} from '@seashell/auth';
import { connect } from '@seashell/client/node';
import {
  base64Encode,
  type Certificate,
  createCertificate,
  type PrivateKey,
  type PublicKey,
} from '@seashell/transport';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  describeOpenSSH,
  type KeyFiles,
  makeTempDir,
  requireOpenSSH,
  runProcess,
  runSsh,
  type Sshd,
  type SshOptions,
  sshAdd,
  sshKeygen,
  startSshAgent,
  startSshd,
  type TempDir,
} from './support/openssh.js';
import {
  makeServerKeys,
  type SeashellSshdProcess,
  type ServerKeys,
  startSeashellServer,
  startSeashellSshd,
} from './support/seashell-server.js';

const user = userInfo().username;
const SEASHELL = resolve(import.meta.dirname, '../../packages/client/dist/bin/seashell.js');
const DAY = 86_400n;
const now = () => BigInt(Math.floor(Date.now() / 1000));

describeOpenSSH('OpenSSH certificates', () => {
  let tmp: TempDir;
  let dir: string;
  let keys: ServerKeys;
  /** CAs made by ssh-keygen. */
  let userCa: KeyFiles;
  let rsaCa: KeyFiles;
  let ecdsaCa: KeyFiles;
  let hostCa: KeyFiles;
  /** Client keys to certify. */
  let edUser: KeyFiles;
  let rsaUser: KeyFiles;
  let ecUser: KeyFiles;
  let n = 0;

  const readPrivate = async (k: KeyFiles): Promise<PrivateKey> =>
    parseOpenSshPrivateKey(await readFile(k.privateKey, 'utf8')).privateKey;
  const readPublic = async (path: string): Promise<PublicKey> =>
    parsePublicKeyLine(await readFile(path, 'utf8')).key;

  /** `ssh-keygen -s CA … KEY.pub` on a copy of the key's .pub; returns the -cert.pub path. */
  async function sign(ca: KeyFiles, key: KeyFiles, args: readonly string[]): Promise<string> {
    const base = join(dir, `cert${++n}`);
    await copyFile(key.publicKey, `${base}.pub`);
    // -I comes first so that an -I in args wins (ssh-keygen keeps the last).
    const r = await runProcess(requireOpenSSH().sshKeygen, [
      '-q',
      '-s',
      ca.privateKey,
      '-I',
      `cert${n}`,
      ...args,
      `${base}.pub`,
    ]);
    if (r.code !== 0) throw new Error(`ssh-keygen -s failed: ${r.stderr.toString()}`);
    return `${base}-cert.pub`;
  }

  /** Writes one of our certificates as a -cert.pub file. */
  async function writeCert(cert: Certificate): Promise<string> {
    const path = join(dir, `ours${++n}-cert.pub`);
    await writeFile(path, `${cert.type} ${base64Encode(cert.blob)} ours\n`);
    return path;
  }

  beforeAll(async () => {
    tmp = await makeTempDir('seashell-certs-');
    dir = tmp.path;
    [keys, userCa, rsaCa, ecdsaCa, hostCa, edUser, rsaUser, ecUser] = await Promise.all([
      makeServerKeys(dir),
      sshKeygen(dir, 'ed25519', undefined, 'user_ca'),
      sshKeygen(dir, 'rsa', 2048, 'user_ca_rsa'),
      sshKeygen(dir, 'ecdsa', 384, 'user_ca_ecdsa'),
      sshKeygen(dir, 'ed25519', undefined, 'host_ca'),
      sshKeygen(dir, 'ed25519', undefined, 'id_ed_user'),
      sshKeygen(dir, 'rsa', 2048, 'id_rsa_user'),
      sshKeygen(dir, 'ecdsa', 256, 'id_ec_user'),
    ]);
  });
  afterAll(async () => {
    await tmp?.remove();
  });

  describe('ssh → seashell-sshd', () => {
    let daemon: SeashellSshdProcess;
    let knownHosts: string;
    let hostCert: string;

    beforeAll(async () => {
      const cas = join(dir, 'trusted_user_ca_keys');
      // The ECDSA CA is trusted only by the authorized_keys cert-authority line.
      await writeFile(cas, [userCa, rsaCa].map((k) => `${k.publicKeyLine}\n`).join(''));
      // A KRL revoking serial 666 of the ed25519 user CA, as `ssh-keygen -k` writes it.
      await writeFile(join(dir, 'krl_spec'), 'serial: 666\nid: revoked-id\n');
      const krl = join(dir, 'revoked.krl');
      const k = await runProcess(requireOpenSSH().sshKeygen, [
        '-q',
        '-k',
        '-f',
        krl,
        '-s',
        userCa.publicKey,
        join(dir, 'krl_spec'),
      ]);
      expect(k.code).toBe(0);
      // authorized_keys trusts the ECDSA CA for one principal only.
      const authorized = join(dir, 'authorized_keys_ca');
      await writeFile(authorized, `cert-authority,principals="deploy" ${ecdsaCa.publicKeyLine}\n`);
      hostCert = await sign(hostCa, keys.hostKeys.ed25519, [
        '-h',
        '-n',
        '127.0.0.1,localhost',
        '-V',
        '-5m:+1h',
      ]);
      daemon = await startSeashellSshd([
        '-p0',
        '-v',
        '-h',
        keys.hostKeys.ed25519.privateKey,
        '-h',
        keys.hostKeys.ecdsa.privateKey,
        '--host-certificate',
        hostCert,
        '--trusted-user-ca-keys',
        cas,
        '--authorized-keys',
        authorized,
        '-o',
        `RevokedKeys=${krl}`,
      ]);
      knownHosts = join(dir, 'known_hosts_ca');
      await writeFile(knownHosts, `@cert-authority [127.0.0.1]:${daemon.port} ${hostCa.publicKeyLine}\n`);
    });
    afterAll(async () => {
      await daemon?.stop();
    });

    const ssh = (key: KeyFiles, cert: string | undefined, command: string, extra: Partial<SshOptions> = {}) =>
      runSsh([command], {
        port: daemon.port,
        dir,
        knownHostsFile: knownHosts,
        identityFile: key.privateKey,
        flags: cert ? ['-o', `CertificateFile=${cert}`] : [],
        ...extra,
      });

    it('trusts our host certificate through @cert-authority, asking for it first', async () => {
      const r = await ssh(edUser, await sign(userCa, edUser, ['-n', user]), 'true');
      expect(r.code).toBe(0);
      expect(r.log).toContain('kex: host key algorithm: ssh-ed25519-cert-v01@openssh.com');
      expect(r.log).toMatch(
        /Server host certificate: ssh-ed25519-cert-v01@openssh\.com .* ID "cert\d+" CA ssh-ed25519/,
      );
      expect(r.log).toContain(
        `Host '[127.0.0.1]:${daemon.port}' is known and matches the ED25519-CERT host certificate.`,
      );
    });

    it.each([
      ['ed25519 CA', () => userCa, () => edUser, [] as string[]],
      ['RSA CA, rsa-sha2-512', () => rsaCa, () => edUser, ['-t', 'rsa-sha2-512']],
      ['RSA CA, rsa-sha2-256, RSA key', () => rsaCa, () => rsaUser, ['-t', 'rsa-sha2-256']],
      ['ed25519 CA, ECDSA key', () => userCa, () => ecUser, []],
    ])('logs in with a certificate from ssh-keygen -s (%s)', async (_name, ca, key, args) => {
      const cert = await sign(ca(), key(), [...args, '-n', `nobody,${user}`, '-V', '-5m:+1h', '-z', '77']);
      const r = await ssh(key(), cert, 'echo in');
      expect([r.code, r.stdout.toString()]).toEqual([0, 'in\n']);
      expect(r.log).toMatch(/Server accepts key: .*-CERT/);
    });

    it.each([
      ['expired', ['-n', user, '-V', '19800101:19900101'], 'certificate has expired'],
      ['not yet valid', ['-n', user, '-V', '20300101:20320101'], 'certificate is not yet valid'],
      ['a wrong principal', ['-n', 'foo'], 'name is not a listed principal'],
      ['no principals', [], 'certificate lacks a principal list'],
      [
        'source-address 10.0.0.0/8',
        ['-n', user, '-O', 'source-address=10.0.0.0/8'],
        'source-address does not allow 127.0.0.1',
      ],
      ['revoked by serial (KRL)', ['-n', user, '-z', '666'], 'key is revoked'],
      ['revoked by key id (KRL)', ['-n', user, '-I', 'revoked-id'], 'key is revoked'],
    ])('refuses a certificate that is %s', async (_name, args, reason) => {
      const before = daemon.stderr().length;
      const r = await ssh(edUser, await sign(userCa, edUser, args), 'true');
      expect(r.code).toBe(255);
      expect(r.log).toContain('Permission denied');
      expect(daemon.stderr().slice(before)).toContain(reason);
    });

    it('ssh offers a certificate we made with the CA key ssh-keygen made', async () => {
      const key = await readPrivate(edUser);
      const cert = createCertificate(
        { key: key.publicKey, certType: 'user', keyId: 'ours', principals: [user], validBefore: now() + DAY },
        await readPrivate(userCa),
      );
      const r = await ssh(edUser, await writeCert(cert), 'echo ours');
      expect([r.code, r.stdout.toString()]).toEqual([0, 'ours\n']);
      expect(r.log).toMatch(/Server accepts key: \S+ ED25519-CERT/);
    });

    it('refuses a host certificate offered as a user certificate (by our client: ssh will not offer one)', async () => {
      const before = daemon.stderr().length;
      const certificate = (await readPublic(await sign(userCa, edUser, ['-h', '-n', user]))) as Certificate;
      await expect(
        connect({
          port: daemon.port,
          username: user,
          auth: [{ type: 'publickey', key: await readPrivate(edUser), certificate }],
          hostKey: () => true,
          timeoutMs: 20_000,
        }),
      ).rejects.toThrow(/authentication failed/);
      expect(daemon.stderr().slice(before)).toContain('host certificate used as a user certificate');
    });

    it('runs the force-command instead of the command, with SSH_ORIGINAL_COMMAND', async () => {
      const cert = await sign(userCa, edUser, [
        '-n',
        user,
        '-O',
        'force-command=echo "forced:$SSH_ORIGINAL_COMMAND"',
      ]);
      const r = await ssh(edUser, cert, 'echo asked');
      expect([r.code, r.stdout.toString()]).toEqual([0, 'forced:echo asked\n']);
    });

    it('refuses a pty to a certificate without permit-pty: ssh -tt gets none', async () => {
      const withPty = await sign(userCa, edUser, ['-n', user]);
      const given = await ssh(edUser, withPty, 'tty', { flags: ['-tt', '-o', `CertificateFile=${withPty}`] });
      expect([given.code, given.stdout.toString()]).toEqual([
        0,
        expect.stringMatching(/^\/dev\/pts\/\d+\r?\n$/),
      ]);
      const noPty = await sign(userCa, edUser, ['-n', user, '-O', 'no-pty']);
      const refused = await ssh(edUser, noPty, 'tty', { flags: ['-tt', '-o', `CertificateFile=${noPty}`] });
      // ssh -tt treats a refused pty as fatal for the session (clientloop.c), as against sshd.
      expect(refused.log).toContain('PTY allocation request failed on channel 0');
      expect(refused.stdout.toString()).not.toContain('/dev/pts');
    });

    it('takes a certificate through an authorized_keys cert-authority,principals= line', async () => {
      const ok = await ssh(ecUser, await sign(ecdsaCa, ecUser, ['-n', 'deploy']), 'echo ok');
      expect([ok.code, ok.stdout.toString()]).toEqual([0, 'ok\n']);
      // TrustedUserCAKeys needs the login name; the line's principals= does not.
      const named = await ssh(ecUser, await sign(ecdsaCa, ecUser, ['-n', 'someone-else']), 'true');
      expect(named.code).toBe(255);
    });

    it('refuses our host certificate when its CA is @revoked (CVE-2026-42508)', async () => {
      const revoked = join(dir, 'known_hosts_revoked');
      await writeFile(revoked, `${await readFile(knownHosts, 'utf8')}@revoked * ${hostCa.publicKeyLine}\n`);
      const r = await ssh(edUser, undefined, 'true', { knownHostsFile: revoked });
      expect(r.code).toBe(255);
      expect(r.log).toMatch(/revoked/i);
    });
  });

  describe('ssh → Seashell server with bad host certificates, and source-address on another method', () => {
    it.each([
      ['expired', { validBefore: now() - DAY }, /Certificate invalid: expired/],
      [
        'for another host',
        { principals: ['elsewhere.example'] },
        /Certificate invalid: name is not a listed principal/,
      ],
    ])('ssh refuses a host certificate that is %s', async (_name, fields, message) => {
      const hostKey = await readPrivate(keys.hostKeys.ed25519);
      const ca = await readPrivate(hostCa);
      const cert = createCertificate(
        { key: hostKey.publicKey, certType: 'host', principals: ['127.0.0.1'], ...fields },
        ca,
      );
      await using server = await startSeashellServer(keys, { hostCertificates: [cert] });
      const knownHosts = join(dir, `known_hosts_bad${++n}`);
      await writeFile(knownHosts, `@cert-authority * ${hostCa.publicKeyLine}\n`);
      const r = await runSsh(['true'], { ...server.target, knownHostsFile: knownHosts });
      expect(r.code).toBe(255);
      expect(r.log).toMatch(message);
    });

    it('refuses a password login whose permissions carry source-address=10.0.0.0/8 (CVE-2026-46595)', async () => {
      const far: Permissions = {
        ...unrestrictedPermissions(),
        criticalOptions: new Map([['source-address', '10.0.0.0/8']]),
      };
      const near: Permissions = {
        ...unrestrictedPermissions(),
        criticalOptions: new Map([['source-address', '127.0.0.0/8']]),
      };
      let grant = far;
      await using server = await startSeashellServer(keys, {
        passwordHandler: () => grant,
        publicKeyHandler: () => false,
      });
      const askpass = join(dir, 'askpass.sh');
      await writeFile(askpass, '#!/bin/sh\necho secret\n', { mode: 0o700 });
      const password = () =>
        runSsh(['echo in'], {
          ...server.target,
          identityFile: undefined,
          env: { SSH_ASKPASS: askpass, SSH_ASKPASS_REQUIRE: 'force', DISPLAY: ':0' },
          flags: [
            '-o',
            'BatchMode=no',
            '-o',
            'PreferredAuthentications=password',
            '-o',
            'NumberOfPasswordPrompts=1',
          ],
        });
      const refused = await password();
      expect(refused.code).toBe(255);
      expect(refused.log).toContain('Permission denied');
      grant = near;
      const accepted = await password();
      expect([accepted.code, accepted.stdout.toString()]).toEqual([0, 'in\n']);
    });
  });

  describe('Seashell → sshd 9.2 (TrustedUserCAKeys, HostCertificate)', () => {
    let sshd: Sshd;
    let ourCa: PrivateKey;
    let sshdHostKey: KeyFiles;
    let caKnownHosts: string;

    beforeAll(async () => {
      ourCa = await readPrivate(await sshKeygen(dir, 'ed25519', undefined, 'our_ca'));
      const cas = join(dir, 'sshd_trusted_cas');
      await writeFile(
        cas,
        `${userCa.publicKeyLine}\n${rsaCa.publicKeyLine}\n${formatPublicKeyLine(ourCa.publicKey)}\n`,
      );
      // A host key of our own before sshd's, so that its certificate is the ed25519 one sshd serves.
      sshdHostKey = await sshKeygen(dir, 'ed25519', undefined, 'sshd_cert_host_key');
      const cert = await sign(hostCa, sshdHostKey, ['-h', '-n', '127.0.0.1', '-V', '-5m:+1h']);
      sshd = await startSshd({
        config: [`HostKey ${sshdHostKey.privateKey}`, `HostCertificate ${cert}`, `TrustedUserCAKeys ${cas}`],
      });
      caKnownHosts = join(dir, 'sshd_known_hosts_ca');
      await writeFile(caKnownHosts, `@cert-authority [127.0.0.1]:${sshd.port} ${hostCa.publicKeyLine}\n`);
    });
    afterAll(async () => {
      await sshd?.stop();
    });

    const accepted = (from: number) =>
      sshd
        .log()
        .slice(from)
        .match(/Accepted publickey for .*/)?.[0] ?? '';

    it('logs in with certificates we make (ed25519 and RSA keys), as a library', async () => {
      for (const [files, expected] of [
        [edUser, 'ED25519-CERT'],
        [rsaUser, 'RSA-CERT'],
      ] as const) {
        const key = await readPrivate(files);
        const certificate = createCertificate(
          {
            key: key.publicKey,
            certType: 'user',
            keyId: 'made-by-seashell',
            serial: 31n,
            principals: [user],
          },
          ourCa,
        );
        const from = sshd.log().length;
        await using client = await connect({
          port: sshd.port,
          username: user,
          auth: [{ type: 'publickey', key, certificate }],
          hostKey: (k) => formatPublicKeyLine(k) === sshdHostKey.publicKeyLine,
          timeoutMs: 20_000,
        });
        const r = await client.exec('echo hello');
        expect(new TextDecoder().decode(r.stdout)).toBe('hello\n');
        expect(accepted(from)).toMatch(
          new RegExp(`${expected} SHA256:\\S+ ID made-by-seashell \\(serial 31\\) CA ED25519`),
        );
      }
    });

    it('sshd honours the options of our certificates: force-command, source-address, validity', async () => {
      const key = await readPrivate(edUser);
      const run = async (fields: Parameters<typeof createCertificate>[0]) => {
        const certificate = createCertificate(fields, ourCa);
        try {
          await using client = await connect({
            port: sshd.port,
            username: user,
            auth: [{ type: 'publickey', key, certificate }],
            hostKey: () => true,
            timeoutMs: 20_000,
          });
          return new TextDecoder().decode((await client.exec('echo asked')).stdout);
        } catch (e) {
          return `refused: ${(e as Error).message}`;
        }
      };
      const base = { key: key.publicKey, certType: 'user' as const, principals: [user] };
      expect(await run({ ...base, criticalOptions: [{ name: 'force-command', value: 'echo forced' }] })).toBe(
        'forced\n',
      );
      expect(
        await run({ ...base, criticalOptions: [{ name: 'source-address', value: '10.0.0.0/8' }] }),
      ).toMatch(/^refused/);
      expect(await run({ ...base, validBefore: now() - DAY })).toMatch(/^refused/);
      expect(await run({ ...base, principals: ['someone-else'] })).toMatch(/^refused/);
      expect(sshd.log()).toMatch(/not from a permitted source address/);
    });

    const seashell = (args: readonly string[]) =>
      runProcess(
        process.execPath,
        [SEASHELL, '-F', 'none', '-o', 'GlobalKnownHostsFile=/dev/null', '-p', String(sshd.port), ...args],
        {
          timeoutMs: 30_000,
        },
      );

    it('seashell offers KEY-cert.pub beside -i KEY and trusts the host certificate through @cert-authority', async () => {
      const key = join(dir, 'beside');
      await copyFile(edUser.privateKey, key);
      await copyFile(await sign(userCa, edUser, ['-n', user]), `${key}-cert.pub`);
      const from = sshd.log().length;
      const r = await seashell([
        '-v',
        '-i',
        key,
        '-o',
        `UserKnownHostsFile=${caKnownHosts}`,
        '-o',
        'StrictHostKeyChecking=yes',
        '127.0.0.1',
        'echo cert',
      ]);
      expect([r.code, r.stdout.toString()]).toEqual([0, 'cert\n']);
      expect(r.stderr.toString()).toContain('kex: host key algorithm: ssh-ed25519-cert-v01@openssh.com');
      expect(r.stderr.toString()).toContain('matches the ED25519-CERT host certificate');
      expect(accepted(from)).toMatch(/ED25519-CERT SHA256:\S+ ID cert\d+/);
    });

    it('seashell offers -o CertificateFile= with the key of -i (RSA CA, rsa-sha2-512)', async () => {
      const cert = await sign(rsaCa, rsaUser, ['-t', 'rsa-sha2-512', '-n', user]);
      const from = sshd.log().length;
      const r = await seashell([
        '-i',
        rsaUser.privateKey,
        '-o',
        `CertificateFile=${cert}`,
        '-o',
        `UserKnownHostsFile=${caKnownHosts}`,
        '127.0.0.1',
        'echo rsa',
      ]);
      expect([r.code, r.stdout.toString()]).toEqual([0, 'rsa\n']);
      expect(accepted(from)).toMatch(/RSA-CERT SHA256:\S+ ID cert\d+ \(serial 0\) CA RSA/);
    });

    it('seashell offers the certificate beside an identity whose key only the agent holds, the agent signing', async () => {
      await using agent = await startSshAgent(dir, 'cert-agent.sock');
      expect((await sshAdd(agent.socket, ['-q', edUser.privateKey])).code).toBe(0);
      // No private key file: the .pub names the agent's key, the -cert.pub beside it its certificate.
      const name = join(dir, 'agent_only');
      await copyFile(edUser.publicKey, `${name}.pub`);
      await copyFile(await sign(userCa, edUser, ['-n', user, '-I', 'agent-cert']), `${name}-cert.pub`);
      const from = sshd.log().length;
      const r = await seashell([
        '-i',
        name,
        '-o',
        `IdentityAgent=${agent.socket}`,
        '-o',
        `UserKnownHostsFile=${caKnownHosts}`,
        '127.0.0.1',
        'echo via agent',
      ]);
      expect([r.code, r.stdout.toString()]).toEqual([0, 'via agent\n']);
      expect(accepted(from)).toMatch(/ED25519-CERT SHA256:\S+ ID agent-cert/);
    });

    it("seashell refuses sshd's host certificate when the CA is @revoked", async () => {
      const revoked = join(dir, 'sshd_known_hosts_revoked');
      await writeFile(revoked, `${await readFile(caKnownHosts, 'utf8')}@revoked * ${hostCa.publicKeyLine}\n`);
      const r = await seashell([
        '-i',
        edUser.privateKey,
        '-o',
        `UserKnownHostsFile=${revoked}`,
        '127.0.0.1',
        'true',
      ]);
      expect(r.code).toBe(255);
      expect(r.stderr.toString()).toContain('The CA that signed the ED25519-CERT host key');
      expect(r.stderr.toString()).toMatch(/Host key verification failed\.\n$/);
    });

    it('seashell refuses the host certificate for another name, and a plain key it does not know', async () => {
      const other = join(dir, 'sshd_known_hosts_other');
      await writeFile(other, `@cert-authority * ${hostCa.publicKeyLine}\n`);
      const r = await seashell([
        '-i',
        edUser.privateKey,
        '-o',
        `UserKnownHostsFile=${other}`,
        '-o',
        'HostKeyAlias=elsewhere',
        '127.0.0.1',
        'true',
      ]);
      expect(r.code).toBe(255);
      expect(r.stderr.toString()).toContain(
        'Certificate invalid for elsewhere: name is not a listed principal',
      );
    });
  });
});
