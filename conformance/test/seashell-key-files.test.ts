/**
 * The `seashell` program logging into OpenSSH sshd 9.2 with passphrase-protected identity files
 * of every format, the passphrase coming through SSH_ASKPASS as ssh(1) takes it: openssh-key-v1
 * (aes256-ctr, chacha20-poly1305), PEM with DEK headers, encrypted PKCS#8, and PuTTY PPK. It asks
 * "Enter passphrase for key 'PATH': " only once sshd would accept the key, asks again after a
 * wrong passphrase, skips the key on an empty answer or a cancelled askpass, and never asks under
 * BatchMode.
 */
import { appendFile, chmod, copyFile, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { formatPpkPrivateKey, parseOpenSshPrivateKey } from '@seashell/auth';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeOpenSSH, requireOpenSSH, runProcess, type Sshd, startSshd } from './support/openssh.js';

const SEASHELL = resolve(import.meta.dirname, '../../packages/client/dist/bin/seashell.js');
const PASS = 'pass word';

describeOpenSSH('seashell with encrypted identity files against sshd', () => {
  let sshd: Sshd;
  let counter = 0;

  beforeAll(async () => {
    sshd = await startSshd();
  });
  afterAll(async () => {
    await sshd?.stop();
  });

  /** Runs ssh-keygen, failing the test on a non-zero exit. */
  async function keygen(args: readonly string[]): Promise<void> {
    const r = await runProcess(requireOpenSSH().sshKeygen, args);
    if (r.code !== 0) throw new Error(`ssh-keygen ${args.join(' ')}: ${r.stderr.toString()}`);
  }

  /** A copy of sshd's authorized client key, re-encrypted by ssh-keygen -p with `extra` options. */
  async function encryptedCopy(name: string, extra: readonly string[] = []): Promise<string> {
    const path = join(sshd.dir, name);
    await copyFile(sshd.clientKey.privateKey, path);
    await chmod(path, 0o600);
    await keygen(['-q', '-p', '-P', '', '-N', PASS, ...extra, '-f', path]);
    return path;
  }

  /** A new key of `type` in `format` with PASS, authorized for login; `.pub` removed if asked. */
  async function authorizedKey(
    type: 'rsa' | 'ecdsa',
    format: 'PEM' | 'PKCS8',
    keepPub: boolean,
  ): Promise<string> {
    const path = join(sshd.dir, `id_${type}_${format}_${keepPub ? 'pub' : 'nopub'}`);
    await keygen(['-q', '-t', type, '-m', format, '-N', PASS, '-f', path]);
    await appendFile(join(sshd.dir, 'authorized_keys'), await readFile(`${path}.pub`, 'utf8'));
    if (!keepPub) await rm(`${path}.pub`);
    return path;
  }

  /** An askpass program that answers `answers` in turn (then fails) and logs each prompt. */
  async function askpass(
    answers: readonly string[],
  ): Promise<{ path: string; prompts: () => Promise<string[]> }> {
    const path = join(sshd.dir, `askpass_${counter++}`);
    const log = `${path}.prompts`;
    const count = `${path}.count`;
    const cases = answers.map((a, i) => `  ${i}) printf '%s\\n' '${a}' ;;`).join('\n');
    await writeFile(
      path,
      `#!/bin/sh\nprintf '%s\\n' "$1" >> '${log}'\nn=$(cat '${count}' 2>/dev/null || echo 0)\necho $((n + 1)) > '${count}'\ncase $n in\n${cases}\n  *) exit 1 ;;\nesac\n`,
    );
    await chmod(path, 0o700);
    return {
      path,
      prompts: async () => (await readFile(log, 'utf8').catch(() => '')).split('\n').filter((l) => l !== ''),
    };
  }

  function seashell(identities: readonly string[], askpassPath: string, extra: readonly string[] = []) {
    return runProcess(
      process.execPath,
      [
        SEASHELL,
        '-F',
        'none',
        '-p',
        String(sshd.port),
        '-o',
        `UserKnownHostsFile=${sshd.knownHostsFile}`,
        '-o',
        'GlobalKnownHostsFile=/dev/null',
        '-o',
        'PreferredAuthentications=publickey',
        ...identities.flatMap((i) => ['-i', i]),
        ...extra,
        '127.0.0.1',
        'echo logged in',
      ],
      {
        env: { SSH_ASKPASS: askpassPath, SSH_ASKPASS_REQUIRE: 'force', DISPLAY: '', SSH_AUTH_SOCK: '' },
        timeoutMs: 60_000,
      },
    );
  }

  const prompt = (path: string) => `Enter passphrase for key '${path}': `;

  for (const [name, extra] of [
    ['openssh-key-v1 aes256-ctr', []],
    ['openssh-key-v1 chacha20-poly1305', ['-Z', 'chacha20-poly1305@openssh.com']],
  ] as const) {
    it(`${name}: the passphrase from SSH_ASKPASS unlocks it and sshd lets us in`, async () => {
      const key = await encryptedCopy(`id_${name.replace(/ /g, '_')}`, extra);
      const program = await askpass([PASS]);
      const r = await seashell([key], program.path);
      expect([r.code, r.stdout.toString()]).toEqual([0, 'logged in\n']);
      expect(await program.prompts()).toEqual([prompt(key)]);
    });
  }

  it('a wrong passphrase is asked again; the right one then logs in', async () => {
    const key = await encryptedCopy('id_retry');
    const program = await askpass(['not it', PASS]);
    const r = await seashell([key], program.path);
    expect([r.code, r.stdout.toString()]).toEqual([0, 'logged in\n']);
    expect(await program.prompts()).toEqual([prompt(key), prompt(key)]);
  });

  it('a cancelled askpass skips the key: Permission denied, exit 255', async () => {
    const key = await encryptedCopy('id_cancel');
    const program = await askpass([]);
    const r = await seashell([key], program.path);
    expect(r.code).toBe(255);
    expect(r.stderr.toString()).toMatch(/Permission denied \(publickey[^)]*\)/);
    expect(await program.prompts()).toHaveLength(1);
  });

  it('BatchMode=yes never asks', async () => {
    const key = await encryptedCopy('id_batch');
    const program = await askpass([PASS]);
    const r = await seashell([key], program.path, ['-o', 'BatchMode=yes']);
    expect(r.code).toBe(255);
    expect(await program.prompts()).toEqual([]);
  });

  it('an encrypted key sshd does not accept is offered, refused, and never unlocked', async () => {
    const other = join(sshd.dir, 'id_unauthorized');
    await keygen(['-q', '-t', 'ed25519', '-N', PASS, '-f', other]);
    const good = await encryptedCopy('id_after_unauthorized');
    const program = await askpass([PASS]);
    const r = await seashell([other, good], program.path);
    expect(r.code).toBe(0);
    expect(await program.prompts()).toEqual([prompt(good)]);
  });

  for (const [type, format] of [
    ['rsa', 'PEM'],
    ['ecdsa', 'PKCS8'],
  ] as const) {
    it(`${type} -m ${format}: offered through KEY.pub and unlocked on demand, or unlocked first without it`, async () => {
      for (const keepPub of [true, false]) {
        const key = await authorizedKey(type, format, keepPub);
        const program = await askpass([PASS]);
        const r = await seashell([key], program.path);
        expect([r.code, r.stdout.toString()]).toEqual([0, 'logged in\n']);
        expect(await program.prompts()).toEqual([prompt(key)]);
      }
    });
  }

  it('a PuTTY PPK v3 file (Argon2id, AES-256-CBC) logs in', async () => {
    const { privateKey } = parseOpenSshPrivateKey(await readFile(sshd.clientKey.privateKey, 'utf8'));
    const key = join(sshd.dir, 'id_ed25519.ppk');
    await writeFile(key, formatPpkPrivateKey(privateKey, { passphrase: PASS, comment: 'ppk' }), {
      mode: 0o600,
    });
    const program = await askpass([PASS]);
    const r = await seashell([key], program.path);
    expect([r.code, r.stdout.toString()]).toEqual([0, 'logged in\n']);
    expect(await program.prompts()).toEqual([prompt(key)]);
  });

  it('unencrypted PEM and PKCS#8 identities need no passphrase', async () => {
    const key = join(sshd.dir, 'id_rsa_plain_pem');
    await keygen(['-q', '-t', 'rsa', '-m', 'PEM', '-N', '', '-f', key]);
    await appendFile(join(sshd.dir, 'authorized_keys'), await readFile(`${key}.pub`, 'utf8'));
    const program = await askpass([]);
    const r = await seashell([key], program.path);
    expect([r.code, r.stdout.toString()]).toEqual([0, 'logged in\n']);
    expect(await program.prompts()).toEqual([]);
  });
});
