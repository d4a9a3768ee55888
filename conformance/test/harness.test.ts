/**
 * The interop harness checked against real OpenSSH 9.2 before any of our code relies on it: sshd
 * starts and stops cleanly, and ssh / sftp carry commands, exit codes and bytes through it.
 */
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  alive,
  descendants,
  describeOpenSSH,
  opensshVerdict,
  ProcessTimeoutError,
  randomBytesFile,
  runSftp,
  runSsh,
  type Sshd,
  sha256,
  spawnSsh,
  startSshd,
} from './support/openssh.js';

describe('opensshVerdict', () => {
  it('runs when nothing is missing, skips locally, throws on CI', () => {
    expect(opensshVerdict([], true)).toBe('run');
    expect(opensshVerdict(['/usr/sbin/sshd'], false)).toBe('skip');
    expect(() => opensshVerdict(['/usr/sbin/sshd'], true)).toThrow(
      /CI=true and OpenSSH interop: missing \/usr\/sbin\/sshd/,
    );
  });
});

describeOpenSSH('OpenSSH harness', () => {
  let sshd: Sshd;
  beforeAll(async () => {
    sshd = await startSshd();
  });
  afterAll(async () => {
    await sshd?.stop();
  });

  it('starts sshd on 127.0.0.1 with our PidFile, host keys and config', async () => {
    expect(Number((await readFile(join(sshd.dir, 'sshd.pid'), 'utf8')).trim())).toBe(sshd.pid);
    expect(sshd.log()).toContain(`Server listening on 127.0.0.1 port ${sshd.port}.`);
    expect(sshd.hostKeys.ed25519.publicKeyLine).toMatch(/^ssh-ed25519 AAAA\S+$/);
    expect(sshd.hostKeys.ecdsa.publicKeyLine).toMatch(/^ecdsa-sha2-nistp256 AAAA\S+$/);
    expect(sshd.hostKeys.rsa.publicKeyLine).toMatch(/^ssh-rsa AAAA\S+$/);
  });

  it('runs a command: stdout, stderr and exit code apart, HOME set by SetEnv', async () => {
    const r = await runSsh(['echo hi; echo err >&2; echo "$HOME"; exit 3'], sshd.target);
    expect(r.stdout.toString()).toBe(`hi\n${sshd.dir}\n`);
    expect(r.stderr.toString()).toBe('err\n');
    expect(r.code).toBe(3);
    expect(r.log).toContain('Exit status 3');
    expect(sshd.log()).toMatch(/Accepted publickey for \S+ from 127\.0\.0\.1 port \d+ ssh2: ED25519 SHA256:/);
  });

  it('pipes 1 MiB through cat unchanged', async () => {
    const payload = join(sshd.dir, 'payload-1m');
    const digest = await randomBytesFile(payload, 1 << 20);
    const r = await runSsh(['cat'], { ...sshd.target, stdin: createReadStream(payload) });
    expect(r.code).toBe(0);
    expect(r.stdout.length).toBe(1 << 20);
    expect(await sha256(r.stdout)).toBe(digest);
  });

  it('puts and gets a file with sftp', async () => {
    const src = join(sshd.dir, 'sftp-src');
    const digest = await randomBytesFile(src, 300_000);
    const [remote, back] = [join(sshd.dir, 'sftp-remote'), join(sshd.dir, 'sftp-back')];
    const r = await runSftp([`put ${src} ${remote}`, `get ${remote} ${back}`], sshd.target);
    expect(r.code).toBe(0);
    expect(await sha256(createReadStream(remote))).toBe(digest);
    expect(await sha256(createReadStream(back))).toBe(digest);
    expect(sshd.log()).toContain('subsystem request for sftp');
  });

  it('rejects a host key that is not in known_hosts', async () => {
    const r = await runSsh(['true'], { ...sshd.target, knownHostsFile: '/dev/null' });
    expect(r.code).toBe(255);
    // ssh -E sends the client's own messages to the log: stderr is only the remote side's.
    expect(r.stderr.toString()).toBe('');
    expect(r.log).toContain('Host key verification failed');
  });

  it('kills a client that outlives its timeout and says so', async () => {
    const never = new PassThrough(); // stdin that never ends: `cat` waits forever
    const run = runSsh(['cat'], { ...sshd.target, stdin: never, timeoutMs: 1500 });
    await expect(run).rejects.toThrow(ProcessTimeoutError);
    await expect(run).rejects.toThrow(/timed out after 1500 ms[\s\S]*debug1: Authenticat/);
    never.destroy();
  });
});

describeOpenSSH('startSshd options', () => {
  it('applies -o overrides, config lines before the defaults, the sftp-server program', async () => {
    const sshd = await startSshd({
      options: { Ciphers: 'aes128-ctr' },
      config: ['LogLevel VERBOSE'],
      sftp: 'sftp-server',
      ecdsaBits: 384,
    });
    try {
      expect(sshd.hostKeys.ecdsa.publicKeyLine).toMatch(/^ecdsa-sha2-nistp384 /);
      const r = await runSftp(['ls /'], sshd.target);
      expect(r.code).toBe(0);
      expect(r.log).toContain('kex: server->client cipher: aes128-ctr');
      expect(sshd.log()).toMatch(/Accepted publickey for/);
      expect(sshd.log()).not.toContain('debug1:');
      expect(await readFile(sshd.configPath, 'utf8')).toMatch(
        /^LogLevel VERBOSE\n[\s\S]*Subsystem sftp \/usr\/lib/,
      );
    } finally {
      await sshd.stop();
    }
  });
});

describeOpenSSH('Sshd.stop', () => {
  it('terminates sshd and its open sessions and removes its directory', async () => {
    const sshd = await startSshd();
    try {
      const { child } = spawnSsh(['cat'], sshd.target);
      child.stdin.write('ping\n');
      await new Promise((resolve) => child.stdout.once('data', resolve));
      // Listener -> `sshd: USER@notty` -> `cat`.
      const sessionPids = descendants(sshd.pid);
      expect(sessionPids.length).toBeGreaterThanOrEqual(2);
      const clientClosed = new Promise((resolve) => child.once('close', resolve));
      await sshd.stop();
      expect(alive(sshd.pid)).toBe(false);
      expect(sessionPids.filter(alive)).toEqual([]);
      await clientClosed;
      expect(sshd.log()).toContain('Received signal 15; terminating.');
      await expect(readFile(join(sshd.dir, 'sshd.pid'))).rejects.toThrow(/ENOENT/);
    } finally {
      await sshd.stop();
    }
  });
});
