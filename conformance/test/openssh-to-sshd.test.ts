/**
 * OpenSSH `ssh` and `sftp` against our server (PROTOCOL-NOTES.md §2.2, direction O→U): the
 * `Server` with the exec handler, in this process, and the `seashell-sshd` program for what only
 * its command line does.
 */
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  alive,
  describeCommand,
  describeOpenSSH,
  isolationOptions,
  makeTempDir,
  randomBytesFile,
  requireOpenSSH,
  runProcess,
  runSftp,
  runSsh,
  type SshOptions,
  sha256,
  spawnSsh,
  type TempDir,
  waitForExit,
  writeKnownHosts,
} from './support/openssh.js';
import {
  makeServerKeys,
  type SeashellServer,
  type ServerKeys,
  seashellSshdPath,
  startSeashellServer,
  startSeashellSshd,
} from './support/seashell-server.js';

const MiB = 1 << 20;
const CIPHERS = [
  'chacha20-poly1305@openssh.com',
  'aes128-gcm@openssh.com',
  'aes256-gcm@openssh.com',
  'aes128-ctr',
  'aes192-ctr',
  'aes256-ctr',
];

/** util-linux script(1), to give ssh a terminal of its own. */
const scriptProgram = ['/usr/bin/script', '/bin/script'].find((p) => existsSync(p));

/** Polls `condition` every 20 ms until it holds; throws `message` after `timeoutMs`. */
async function until(condition: () => boolean, timeoutMs: number, message: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(message);
    await delay(20);
  }
}

/** `ssh -E` puts the client's own messages in its log; count the key exchanges it finished. */
function newKeysSent(log: string): number {
  return log.split('SSH2_MSG_NEWKEYS sent').length - 1;
}

describeOpenSSH('OpenSSH ssh -> Seashell server', () => {
  let tmp: TempDir;
  let keys: ServerKeys;
  let ours: SeashellServer;
  let payload16: { path: string; digest: string };
  const target = (extra: Partial<SshOptions> = {}): SshOptions => ({ ...ours.target, ...extra });

  beforeAll(async () => {
    tmp = await makeTempDir('seashell-o2u-');
    keys = await makeServerKeys(tmp.path);
    ours = await startSeashellServer(keys);
    const path = join(tmp.path, 'payload-16m');
    payload16 = { path, digest: await randomBytesFile(path, 16 * MiB) };
  });
  afterAll(async () => {
    await ours?.stop();
    await tmp?.remove();
  });

  describe.each(CIPHERS)('cipher %s', (cipher) => {
    const flags = ['-c', cipher];

    it('runs a command: stdout, stderr and exit status apart', async () => {
      const r = await runSsh(['echo out; echo err >&2; exit 7'], target({ flags }));
      expect(r.log).toContain(`kex: server->client cipher: ${cipher}`);
      expect(r.stdout.toString()).toBe('out\n');
      expect(r.stderr.toString()).toBe('err\n');
      expect(r.code).toBe(7);
      expect(r.log).toContain('Exit status 7');
    });

    it('carries 16 MiB through cat and back unchanged', async () => {
      const r = await runSsh(['cat'], target({ flags, stdin: createReadStream(payload16.path) }));
      expect(r.code).toBe(0);
      expect(r.stdout.length).toBe(16 * MiB);
      expect(await sha256(r.stdout)).toBe(payload16.digest);
    });
  });

  it.each([
    'hmac-sha2-256-etm@openssh.com',
    'hmac-sha2-512-etm@openssh.com',
    'hmac-sha2-256',
    'hmac-sha2-512',
  ])('MAC %s with aes128-ctr', async (mac) => {
    const r = await runSsh(
      ['head -c 300000 /dev/zero | wc -c'],
      target({ flags: ['-c', 'aes128-ctr', '-m', mac] }),
    );
    expect(r.log).toContain(`kex: server->client cipher: aes128-ctr MAC: ${mac}`);
    expect(r.stdout.toString().trim()).toBe('300000');
    expect(r.code).toBe(0);
  });

  it.each([0, 1, 44])('reports exit status %i', async (status) => {
    const r = await runSsh([`exit ${status}`], target());
    expect(r.code).toBe(status);
    expect(r.log).toContain(`Exit status ${status}`);
  });

  it('reports a death by signal, which makes ssh exit 255', async () => {
    const r = await runSsh(['kill -TERM $$'], target());
    expect(r.code).toBe(255);
    expect(r.log).toContain('client_input_channel_req: channel 0 rtype exit-signal');
  });

  it('runs a login shell on pipes when no command is given (ssh -T)', async () => {
    const r = await runSsh(
      [],
      target({ flags: ['-T'], stdin: 'shopt -q login_shell && echo login; exit 3\n' }),
    );
    expect(r.stdout.toString()).toBe('login\n');
    expect(r.code).toBe(3);
  });

  it('gives ssh -tt a real terminal with the TERM it asked for', async () => {
    const r = await runSsh(['tty; test -t 0 && test -t 1 && echo isatty; echo "$TERM $SSH_TTY"; stty size'], {
      ...target({ flags: ['-tt'] }),
      env: { TERM: 'xterm-256color' },
    });
    expect(r.code).toBe(0);
    const lines = r.stdout.toString().split('\r\n');
    expect(lines[0]).toMatch(/^\/dev\/pts\/\d+$/);
    expect(lines[1]).toBe('isatty');
    expect(lines[2]).toBe(`xterm-256color ${lines[0]}`);
    // ssh without a terminal of its own asks for 0x0, which means "unknown": the pty gets 80x24.
    expect(lines[3]).toBe('24 80');
    // Nothing on stderr but ssh's own goodbye: the remote stderr shares the terminal with stdout.
    expect(r.stderr.toString()).toMatch(/^(Connection to 127\.0\.0\.1 closed\.\r\n)?$/);
  });

  it('passes SetEnv variables that AcceptEnv lets through, and only those', async () => {
    const r = await runSsh(
      ['echo "$SSHTEST_X|$OTHER_X|$HOME"'],
      target({
        flags: ['-o', 'SetEnv=SSHTEST_X=1 OTHER_X=2'],
      }),
    );
    expect(r.stdout.toString()).toBe(`1||${tmp.path}\n`);
  });

  it('serves OpenSSH sftp: put and get 8 MiB through the sftp-server subsystem', async () => {
    const src = join(tmp.path, 'sftp-src');
    const digest = await randomBytesFile(src, 8 * MiB);
    const [remote, back] = [join(tmp.path, 'sftp-remote'), join(tmp.path, 'sftp-back')];
    const r = await runSftp([`put ${src} ${remote}`, `get ${remote} ${back}`], target());
    expect(r.code).toBe(0);
    expect(await sha256(createReadStream(remote))).toBe(digest);
    expect(await sha256(createReadStream(back))).toBe(digest);
  });

  it('loses nothing across client-initiated rekeys (ssh RekeyLimit=1M, 16 MiB through cat)', async () => {
    const r = await runSsh(
      ['cat'],
      target({
        flags: ['-o', 'RekeyLimit=1M'],
        stdin: createReadStream(payload16.path),
      }),
    );
    expect(r.code).toBe(0);
    expect(await sha256(r.stdout)).toBe(payload16.digest);
    // 32 MiB crossed the connection: one exchange per MiB or so, in each direction's count.
    expect(newKeysSent(r.log)).toBeGreaterThan(10);
  });

  it('loses nothing across server-initiated rekeys (rekeyBytes 1 MiB, 16 MiB through cat)', async () => {
    await using small = await startSeashellServer(keys, { rekeyBytes: MiB });
    const r = await runSsh(['cat'], { ...small.target, stdin: createReadStream(payload16.path) });
    expect(r.code).toBe(0);
    expect(await sha256(r.stdout)).toBe(payload16.digest);
    expect(newKeysSent(r.log)).toBeGreaterThan(10);
  });

  it.each([
    'ssh-ed25519',
    'ecdsa-sha2-nistp256',
    'rsa-sha2-256',
    'rsa-sha2-512',
  ])('signs the exchange with host key algorithm %s', async (algorithm) => {
    const r = await runSsh(['true'], target({ flags: ['-o', `HostKeyAlgorithms=${algorithm}`] }));
    expect(r.log).toContain(`kex: host key algorithm: ${algorithm}`);
    expect(r.code).toBe(0);
  });

  it.skipIf(scriptProgram === undefined)(
    'applies the pty-req size and terminal modes of a real terminal (ssh under script(1))',
    async () => {
      const { ssh } = requireOpenSSH();
      const logPath = join(tmp.path, 'ssh-under-script.log');
      const sshLine = describeCommand(ssh, [
        '-tt',
        ...isolationOptions(ours.target),
        '-E',
        logPath,
        '127.0.0.1',
        'stty size; stty -a',
      ]);
      // script(1) gives ssh a terminal; its size and modes go out in the pty-req.
      const r = await runProcess(scriptProgram!, [
        '-qec',
        `stty rows 33 cols 101 intr ^A -echoe; ${sshLine}`,
        '/dev/null',
      ]);
      const out = r.stdout.toString();
      expect(r.code).toBe(0);
      expect(out).toMatch(/^(\^@)?33 101\r$/m);
      expect(out).toMatch(/intr = \^A;/);
      expect(out).toMatch(/ -echoe /);
    },
  );

  it.skipIf(scriptProgram === undefined)('resizes the pty on window-change', async () => {
    const { ssh } = requireOpenSSH();
    const out = join(tmp.path, 'window-change.out');
    const remote = "trap 'stty size; exit 0' WINCH; stty size; while :; do sleep 0.05; done";
    const sshLine = describeCommand(ssh, [
      '-tt',
      ...isolationOptions(ours.target),
      '-E',
      join(tmp.path, 'ssh-window-change.log'),
      '127.0.0.1',
      remote,
    ]);
    // ssh reads the size from its terminal and sends window-change on SIGWINCH, which resizing
    // script's terminal raises once the remote side has reported the first size.
    const local = [
      'stty rows 33 cols 101',
      `${sshLine} < /dev/tty > ${out} &`,
      `until grep -q '33 101' ${out}; do sleep 0.02; done`,
      'stty rows 40 cols 120',
      'wait $!',
    ].join('\n');
    const r = await runProcess(scriptProgram!, ['-qec', local, '/dev/null'], { timeoutMs: 15_000 });
    expect(r.code).toBe(0);
    // script(1) passes the end of its own stdin on to the terminal, and it may come back echoed as ^@.
    expect(readFileSync(out, 'utf8')).toMatch(/^(\^@)?33 101\r\n40 120\r\n$/);
  });

  /** Starts `ssh … 'echo $$; exec PROGRAM'`, reads the remote pid, kills ssh, waits for the pid to go. */
  async function killClientUnder(flags: string[], program: string): Promise<void> {
    const { child } = spawnSsh([`echo $$; exec ${program}`], target({ flags }));
    const pid = await new Promise<number>((resolve, reject) => {
      let text = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        text += chunk;
        const m = /^(\d+)\r?\n/.exec(text);
        if (m) resolve(Number(m[1]));
      });
      child.once('exit', () => reject(new Error('ssh exited before the remote pid arrived')));
    });
    expect(alive(pid)).toBe(true);
    child.kill('SIGKILL');
    await until(() => !alive(pid), 10_000, `remote ${program} (pid ${pid}) still running`);
  }

  it('survives a client killed mid-stream and hangs its process up', async () => {
    await killClientUnder([], 'yes');
    const r = await runSsh(['echo still serving'], target());
    expect(r.stdout.toString()).toBe('still serving\n');
  });

  it('closes the pty of a client killed mid-stream, even under a process that ignores SIGHUP', async () => {
    // The ignored HUP survives exec; only the closed terminal (EIO on write) stops yes.
    await killClientUnder(['-tt'], 'sh -c \'trap "" HUP; exec yes\'');
  });

  describe('authentication', () => {
    /** ssh with password authentication only, the password coming from an askpass script. */
    async function withPassword(password: string): Promise<Awaited<ReturnType<typeof runSsh>>> {
      const askpass = join(tmp.path, `askpass-${password.length}-${Date.now()}`);
      await writeFile(askpass, `#!/bin/sh\necho '${password}'\n`);
      await chmod(askpass, 0o700);
      return runSsh(['echo in'], {
        ...target({
          identityFile: undefined,
          flags: [
            '-o',
            'BatchMode=no',
            '-o',
            'PreferredAuthentications=password',
            '-o',
            'NumberOfPasswordPrompts=1',
          ],
        }),
        env: { SSH_ASKPASS: askpass, SSH_ASKPASS_REQUIRE: 'force', DISPLAY: ':0' },
      });
    }

    it('accepts the authorized key', async () => {
      const r = await runSsh(['echo in'], target());
      expect(r.stdout.toString()).toBe('in\n');
      expect(r.log).toMatch(/Authenticated to 127\.0\.0\.1 .* using "publickey"/);
    });

    it('refuses a key that is not authorized (ssh exits 255)', async () => {
      const r = await runSsh(['echo in'], target({ identityFile: keys.strangerKey.privateKey }));
      expect(r.code).toBe(255);
      expect(r.stdout.toString()).toBe('');
      expect(r.log).toContain('Permission denied');
    });

    it('accepts the right password', async () => {
      const r = await withPassword(ours.password);
      expect(r.stdout.toString()).toBe('in\n');
      expect(r.log).toMatch(/Authenticated to 127\.0\.0\.1 .* using "password"/);
    });

    it('refuses a wrong password (ssh exits 255)', async () => {
      const r = await withPassword('not-the-password');
      expect(r.code).toBe(255);
      expect(r.stdout.toString()).toBe('');
      expect(r.log).toContain('Permission denied');
    });
  });
});

describeOpenSSH('seashell-sshd, the program', () => {
  let tmp: TempDir;
  let keys: ServerKeys;
  const sshd = (args: readonly string[]) => runProcess(process.execPath, [seashellSshdPath(), ...args]);

  beforeAll(async () => {
    tmp = await makeTempDir('seashell-sshd-cli-');
    keys = await makeServerKeys(tmp.path);
  });
  afterAll(async () => {
    await tmp?.remove();
  });

  /** An askpass script that answers `password`. */
  async function askpass(password: string): Promise<NodeJS.ProcessEnv> {
    const path = join(tmp.path, `askpass-${Date.now()}-${Math.random().toString(36).slice(2)}`);
    await writeFile(path, `#!/bin/sh\necho '${password}'\n`, { mode: 0o700 });
    return { SSH_ASKPASS: path, SSH_ASKPASS_REQUIRE: 'force', DISPLAY: ':0' };
  }

  it('prints its usage with --help', async () => {
    const r = await sshd(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout.toString()).toMatch(/^usage: seashell-sshd/);
  });

  it.each([
    [
      ['--demo', '-o', 'ClientAliveInterval=5'],
      /unsupported option ClientAliveInterval; -o takes KexAlgorithms, /,
    ],
    [
      ['--demo', '-o', 'Ciphers=aes128-cbc'],
      /Ciphers: not supported: aes128-cbc; supported: chacha20-poly1305@/,
    ],
    [
      ['--demo', '-o', 'KexAlgorithms=sntrup4591761x25519-sha512@tinyssh.org'],
      /supported: mlkem768x25519-sha256,/,
    ],
    [['--demo', '--bogus'], /unknown flag --bogus/],
    [['--demo', '-h', '/nonexistent/key'], /host key \/nonexistent\/key: ENOENT/],
    [
      [],
      /nobody could log in: give --authorized-keys FILE, --trusted-user-ca-keys FILE and\/or --password USER:PASS \(or --demo\)/,
    ],
  ])('exits 1 with a clear message for %j', async (args, message) => {
    const r = await sshd(args);
    expect(r.code).toBe(1);
    expect(r.stderr.toString()).toMatch(message);
    expect(r.stdout.toString()).toBe('');
  });

  it('refuses a host key with a passphrase, saying how to remove it', async () => {
    const key = join(tmp.path, 'encrypted_host_key');
    const made = await runProcess(requireOpenSSH().sshKeygen, ['-q', '-t', 'ed25519', '-N', 'pw', '-f', key]);
    expect(made.code).toBe(0);
    const r = await sshd(['--demo', '-h', key]);
    expect(r.code).toBe(1);
    expect(r.stderr.toString()).toContain(`has a passphrase; seashell-sshd needs an unencrypted key`);
  });

  it('--demo: OpenSSH logs in with the printed password and sees the printed host key', async () => {
    const daemon = await startSeashellSshd(['--demo', '-p', '0', '-v']);
    try {
      const out = daemon.stdout();
      const password = /one-time password: (\S+)/.exec(out)?.[1];
      const fingerprint = /host key ssh-ed25519 (SHA256:\S+) \(ephemeral\)/.exec(out)?.[1];
      expect(password).toBeDefined();
      expect(fingerprint).toBeDefined();
      expect(out).toContain(`    ssh -p ${daemon.port} demo@127.0.0.1\n`);
      expect(out).toContain(`    ssh -o StrictHostKeyChecking=accept-new -p ${daemon.port} demo@127.0.0.1\n`);
      const r = await runSsh(['echo "hello $SSH_CONNECTION"'], {
        port: daemon.port,
        user: 'demo',
        dir: tmp.path,
        knownHostsFile: join(tmp.path, `known_hosts-demo-${daemon.port}`),
        flags: ['-o', 'StrictHostKeyChecking=accept-new', '-o', 'BatchMode=no'],
        env: await askpass(password!),
      });
      expect(r.stdout.toString()).toMatch(
        new RegExp(`^hello 127\\.0\\.0\\.1 \\d+ 127\\.0\\.0\\.1 ${daemon.port}\\n$`),
      );
      expect(r.code).toBe(0);
      expect(r.log).toContain(`Server host key: ssh-ed25519 ${fingerprint}`);
      expect(daemon.stderr()).toContain('accepted password for demo from 127.0.0.1');
    } finally {
      expect((await daemon.stop()).code).toBe(0);
    }
  });

  it('serves with -h key files, --authorized-keys and the -o algorithm and Banner options', async () => {
    const banner = join(tmp.path, 'banner');
    await writeFile(banner, 'Welcome to the seashell test\n');
    const { ed25519, ecdsa, rsa } = keys.hostKeys;
    const daemon = await startSeashellSshd([
      ...['-p', '0', '-v', '-h', ed25519.privateKey, '-h', ecdsa.privateKey, '-h', rsa.privateKey],
      ...['--authorized-keys', keys.authorizedKeysFile],
      ...['-o', 'HostKeyAlgorithms=rsa-sha2-512', '-o', 'KexAlgorithms=curve25519-sha256@libssh.org'],
      ...['-o', 'Ciphers=aes256-ctr', '-o', 'MACs=-*-256*', '-o', `Banner=${banner}`],
    ]);
    try {
      const knownHostsFile = join(tmp.path, `known_hosts-${daemon.port}`);
      await writeKnownHosts(knownHostsFile, daemon.port, [rsa.publicKeyLine]);
      const target = {
        port: daemon.port,
        dir: tmp.path,
        knownHostsFile,
        identityFile: keys.clientKey.privateKey,
      };
      const r = await runSsh(['echo in'], target);
      expect(r.stdout.toString()).toBe('in\n');
      expect(r.log).toContain('kex: algorithm: curve25519-sha256@libssh.org');
      expect(r.log).toContain('kex: host key algorithm: rsa-sha2-512');
      expect(r.log).toContain('kex: server->client cipher: aes256-ctr MAC: hmac-sha2-512-etm@openssh.com');
      expect(r.stderr.toString()).toContain('Welcome to the seashell test');
      expect(daemon.stderr()).toMatch(/accepted publickey for \S+ from 127\.0\.0\.1/);
      const stranger = await runSsh(['echo in'], { ...target, identityFile: keys.strangerKey.privateKey });
      expect(stranger.code).toBe(255);
      expect(stranger.log).toContain('Permission denied (publickey)');
    } finally {
      expect((await daemon.stop()).code).toBe(0);
    }
  });

  it('-h takes PEM and PKCS#8 host keys too (ssh-keygen -p -m PEM|PKCS8 copies)', async () => {
    const { ecdsa, rsa } = keys.hostKeys;
    const convert = async (from: string, to: string, format: string) => {
      await writeFile(to, readFileSync(from), { mode: 0o600 });
      const r = await runProcess(requireOpenSSH().sshKeygen, [
        '-q',
        '-p',
        '-P',
        '',
        '-N',
        '',
        '-m',
        format,
        '-f',
        to,
      ]);
      expect(r.code).toBe(0);
      expect(readFileSync(to, 'utf8')).toMatch(
        format === 'PEM' ? /^-----BEGIN RSA PRIVATE KEY-----/ : /^-----BEGIN PRIVATE KEY-----/,
      );
    };
    const rsaPem = join(tmp.path, 'host_rsa_pem');
    const ecdsaPkcs8 = join(tmp.path, 'host_ecdsa_pkcs8');
    await convert(rsa.privateKey, rsaPem, 'PEM');
    await convert(ecdsa.privateKey, ecdsaPkcs8, 'PKCS8');
    const daemon = await startSeashellSshd([
      ...['-p', '0', '-h', rsaPem, '-h', ecdsaPkcs8, '--authorized-keys', keys.authorizedKeysFile],
    ]);
    try {
      const knownHostsFile = join(tmp.path, `known_hosts-${daemon.port}`);
      await writeKnownHosts(knownHostsFile, daemon.port, [rsa.publicKeyLine, ecdsa.publicKeyLine]);
      const target = {
        port: daemon.port,
        dir: tmp.path,
        knownHostsFile,
        identityFile: keys.clientKey.privateKey,
      };
      for (const algorithm of ['rsa-sha2-256', 'ecdsa-sha2-nistp256']) {
        const r = await runSsh(['echo in'], { ...target, flags: ['-o', `HostKeyAlgorithms=${algorithm}`] });
        expect(r.stdout.toString()).toBe('in\n');
        expect(r.log).toContain(`kex: host key algorithm: ${algorithm}`);
      }
    } finally {
      expect((await daemon.stop()).code).toBe(0);
    }
  });

  it('restricts publickey signatures to PubkeyAcceptedAlgorithms', async () => {
    // The RSA host key doubles as a client key here: any key pair will do.
    const { ed25519, rsa } = keys.hostKeys;
    const authorizedKeys = join(tmp.path, 'authorized_keys_ed25519_rsa');
    await writeFile(authorizedKeys, `${keys.clientKey.publicKeyLine}\n${rsa.publicKeyLine}\n`, {
      mode: 0o600,
    });
    const daemon = await startSeashellSshd([
      ...['-p', '0', '-h', ed25519.privateKey, '--authorized-keys', authorizedKeys],
      ...['-o', 'PubkeyAcceptedAlgorithms=rsa-sha2-256'],
    ]);
    try {
      const knownHostsFile = join(tmp.path, `known_hosts-${daemon.port}`);
      await writeKnownHosts(knownHostsFile, daemon.port, [ed25519.publicKeyLine]);
      const target = { port: daemon.port, dir: tmp.path, knownHostsFile };
      const withRsa = await runSsh(['echo in'], { ...target, identityFile: rsa.privateKey });
      expect(withRsa.stdout.toString()).toBe('in\n');
      expect(withRsa.log).toContain('server-sig-algs=<rsa-sha2-256>');
      expect(withRsa.log).toContain('signing using rsa-sha2-256');
      const withEd25519 = await runSsh(['echo in'], { ...target, identityFile: keys.clientKey.privateKey });
      expect(withEd25519.code).toBe(255);
      expect(withEd25519.log).toContain('Permission denied (publickey)');
    } finally {
      expect((await daemon.stop()).code).toBe(0);
    }
  });

  it('honours the options of an authorized_keys line, and skips a line sshd would not take, saying why', async () => {
    const authorizedKeys = join(tmp.path, 'authorized_keys_with_options');
    await writeFile(authorizedKeys, `no-pty,command="echo forced" ${keys.clientKey.publicKeyLine}\n`, {
      mode: 0o600,
    });
    const daemon = await startSeashellSshd([
      '-p',
      '0',
      '-h',
      keys.hostKeys.ed25519.privateKey,
      '--authorized-keys',
      authorizedKeys,
    ]);
    try {
      const knownHostsFile = join(tmp.path, `known_hosts-${daemon.port}`);
      await writeKnownHosts(knownHostsFile, daemon.port, [keys.hostKeys.ed25519.publicKeyLine]);
      const target = {
        port: daemon.port,
        dir: tmp.path,
        knownHostsFile,
        identityFile: keys.clientKey.privateKey,
      };
      const r = await runSsh(['true'], target);
      expect([r.code, r.stdout.toString()]).toEqual([0, 'forced\n']);
      // sshd refuses a line with an option it does not know; so do we, and the log says which line.
      await writeFile(authorizedKeys, `bogus-option ${keys.clientKey.publicKeyLine}\n`, { mode: 0o600 });
      const refused = await runSsh(['true'], target);
      expect(refused.code).toBe(255);
      expect(daemon.stderr()).toContain(
        `${authorizedKeys} line 1: skipped: authorized_keys options: unknown option "bogus-option"`,
      );
    } finally {
      await daemon.stop();
    }
  });

  it('shuts down on SIGTERM, ending the open sessions, and exits 0', async () => {
    const daemon = await startSeashellSshd([
      '-p',
      '0',
      '-h',
      keys.hostKeys.ed25519.privateKey,
      '--authorized-keys',
      keys.authorizedKeysFile,
    ]);
    const knownHostsFile = join(tmp.path, `known_hosts-${daemon.port}`);
    await writeKnownHosts(knownHostsFile, daemon.port, [keys.hostKeys.ed25519.publicKeyLine]);
    const { child } = spawnSsh(['cat'], {
      port: daemon.port,
      dir: tmp.path,
      knownHostsFile,
      identityFile: keys.clientKey.privateKey,
    });
    try {
      child.stdin.write('ping\n');
      await new Promise((resolve) => child.stdout.once('data', resolve));
      const clientDone = waitForExit(child, 10_000);
      expect(await daemon.stop()).toEqual({ code: 0, signal: null });
      expect((await clientDone).code).toBe(255);
    } finally {
      child.kill('SIGKILL');
      await daemon.stop();
    }
  });
});
