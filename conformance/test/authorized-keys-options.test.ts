/**
 * authorized_keys options (sshd(8) AUTHORIZED_KEYS FILE FORMAT) side by side: the same line in
 * sshd 9.2's authorized_keys and in `seashell-sshd --authorized-keys`, the same `ssh` command
 * against both, the same outcome — command=, no-pty / restrict,pty (ssh -tt), from=,
 * environment= (only with PermitUserEnvironment), expiry-time=, and lines sshd refuses.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  describeOpenSSH,
  makeTempDir,
  runSsh,
  type Sshd,
  type SshResult,
  startSshd,
  type TempDir,
  writeKnownHosts,
} from './support/openssh.js';
import { makeServerKeys, type SeashellSshdProcess, startSeashellSshd } from './support/seashell-server.js';

/** What a run came to, in terms both servers can be compared by. */
interface Outcome {
  readonly code: number | null;
  readonly stdout: string;
  readonly pty: 'refused' | 'given' | 'not asked';
}

function outcome(r: SshResult): Outcome {
  const stdout = r.stdout
    .toString()
    .replace(/\/dev\/pts\/\d+/, '/dev/pts/N')
    .replaceAll('\r\n', '\n');
  const pty = r.log.includes('PTY allocation request failed')
    ? 'refused'
    : r.log.includes('request pty-req')
      ? 'given'
      : 'not asked';
  return { code: r.code, stdout, pty };
}

describeOpenSSH('authorized_keys options: sshd 9.2 and seashell-sshd side by side', () => {
  let tmp: TempDir;
  let sshd: Sshd;
  /** With -o PermitUserEnvironment=yes, as sshd here. */
  let ours: SeashellSshdProcess;
  /** With the default (environment= ignored). */
  let oursDefault: SeashellSshdProcess;
  let oursKeys: string;

  beforeAll(async () => {
    tmp = await makeTempDir('seashell-akopts-');
    const [started, keys] = await Promise.all([
      startSshd({ options: { PermitUserEnvironment: 'yes' } }),
      makeServerKeys(tmp.path),
    ]);
    sshd = started;
    oursKeys = join(tmp.path, 'authorized_keys_options');
    await writeFile(oursKeys, '');
    const args = ['-p0', '-v', '-h', keys.hostKeys.ed25519.privateKey, '--authorized-keys', oursKeys];
    [ours, oursDefault] = await Promise.all([
      startSeashellSshd([...args, '-o', 'PermitUserEnvironment=yes']),
      startSeashellSshd(args),
    ]);
    for (const port of [ours.port, oursDefault.port]) {
      const path = join(tmp.path, `known_hosts_${port}`);
      await writeKnownHosts(path, port, [keys.hostKeys.ed25519.publicKeyLine]);
    }
  });
  afterAll(async () => {
    await Promise.all([sshd?.stop(), ours?.stop(), oursDefault?.stop()]);
    await tmp?.remove();
  });

  /** Writes `options KEY` to both authorized_keys files and runs the same ssh against both. */
  async function both(
    options: string,
    command: string,
    flags: readonly string[] = [],
  ): Promise<{ sshd: Outcome; ours: Outcome; oursLog: string }> {
    const line = `${options} ${sshd.clientKey.publicKeyLine}\n`;
    await Promise.all([writeFile(join(sshd.dir, 'authorized_keys'), line), writeFile(oursKeys, line)]);
    const theirs = await runSsh([command], { ...sshd.target, flags });
    const before = ours.stderr().length;
    const mine = await runSsh([command], {
      ...sshd.target,
      port: ours.port,
      knownHostsFile: join(tmp.path, `known_hosts_${ours.port}`),
      flags,
    });
    return { sshd: outcome(theirs), ours: outcome(mine), oursLog: ours.stderr().slice(before) };
  }

  it('skips empty options between commas, as sshd does', async () => {
    const r = await both(',no-pty,,command="echo odd",', 'true');
    expect(r.ours).toEqual({ code: 0, stdout: 'odd\n', pty: 'not asked' });
    expect(r.ours).toEqual(r.sshd);
  });

  it('command= runs instead of the command asked for, with SSH_ORIGINAL_COMMAND', async () => {
    const r = await both('command="echo forced:$SSH_ORIGINAL_COMMAND"', 'echo asked');
    expect(r.ours).toEqual({ code: 0, stdout: 'forced:echo asked\n', pty: 'not asked' });
    expect(r.ours).toEqual(r.sshd);
  });

  it('no-pty refuses the pty of ssh -tt; restrict,pty gives it back', async () => {
    const refused = await both('no-pty', 'tty', ['-tt']);
    expect(refused.ours.pty).toBe('refused');
    expect(refused.ours).toEqual(refused.sshd);
    const given = await both('restrict,pty', 'tty', ['-tt']);
    expect(given.ours).toEqual({ code: 0, stdout: '/dev/pts/N\n', pty: 'given' });
    expect(given.ours).toEqual(given.sshd);
    const restricted = await both('restrict', 'echo still runs');
    expect(restricted.ours).toEqual({ code: 0, stdout: 'still runs\n', pty: 'not asked' });
    expect(restricted.ours).toEqual(restricted.sshd);
  });

  it.each([
    ['from="10.0.0.0/8"', 255],
    ['from="127.0.0.1,10.0.0.0/8"', 0],
    ['from="127.0.0.*"', 0],
    ['from="!127.0.0.1,*"', 255],
    ['from="10.0.0.1/8"', 255],
  ])('%s: the same verdict from 127.0.0.1', async (options, code) => {
    const r = await both(options, 'echo in');
    expect(r.ours.code).toBe(code);
    expect(r.ours).toEqual(r.sshd);
  });

  it('environment= with PermitUserEnvironment=yes sets the variable; by default it is ignored', async () => {
    const r = await both('environment="SEASHELL_AK=from-key"', 'echo "[$SEASHELL_AK]"');
    expect(r.ours).toEqual({ code: 0, stdout: '[from-key]\n', pty: 'not asked' });
    expect(r.ours).toEqual(r.sshd);
    const off = await runSsh(['echo "[$SEASHELL_AK]"'], {
      ...sshd.target,
      port: oursDefault.port,
      knownHostsFile: join(tmp.path, `known_hosts_${oursDefault.port}`),
    });
    expect([off.code, off.stdout.toString()]).toEqual([0, '[]\n']);
  });

  it.each([
    ['expiry-time="19900101"', 255],
    ['expiry-time="20991231"', 0],
    ['expiry-time="209912312359Z"', 0],
  ])('%s: the same verdict', async (options, code) => {
    const r = await both(options, 'echo in');
    expect(r.ours.code).toBe(code);
    expect(r.ours).toEqual(r.sshd);
  });

  it.each([
    'no-such-option',
    'command="one",command="two"',
    'command=unquoted',
    'no-ptyx',
    'from="127.0.0.1",from="127.0.0.1"',
  ])('refuses the whole line %s, as sshd does, and says why', async (options) => {
    const r = await both(options, 'echo in');
    expect(r.ours.code).toBe(255);
    expect(r.ours).toEqual(r.sshd);
    expect(r.oursLog).toMatch(/line 1: skipped: (authorized_keys options: |no supported key type)/);
  });
});
