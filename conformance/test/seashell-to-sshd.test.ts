/**
 * Our client against OpenSSH sshd 9.2 (PROTOCOL-NOTES.md §2.2, direction C→S): every cipher, every
 * host key algorithm, pty, env, exit signals, rekeying from either side, half-close, auth failure
 * and keepalives through the library API; then the `seashell` program itself, spawned as a user
 * would run it: exit codes, known_hosts, ssh's messages, identity files, stdin and stdout piping,
 * SendEnv/SetEnv, ServerAliveInterval, sftp over `-s`, and a real terminal through script(1).
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { Duplex, PassThrough } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import { AuthenticationError, parseOpenSshPrivateKey, parsePublicKeyLine } from '@seashell/auth';
import { type Client, type ConnectOptions, connect } from '@seashell/client/node';
import { TerminalMode } from '@seashell/connection';
import { fingerprintSha256, type PrivateKey, type PublicKey } from '@seashell/transport';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  describeOpenSSH,
  freePort,
  type KeyFiles,
  randomBytesFile,
  requireOpenSSH,
  runProcess,
  type Sshd,
  sha256,
  sshKeygen,
  startSshd,
  waitForExit,
} from './support/openssh.js';

const CIPHERS = [
  'chacha20-poly1305@openssh.com',
  'aes128-gcm@openssh.com',
  'aes256-gcm@openssh.com',
  'aes128-ctr',
  'aes192-ctr',
  'aes256-ctr',
] as const;
const MiB = 1 << 20;
const SEASHELL = resolve(import.meta.dirname, '../../packages/client/dist/bin/seashell.js');
const user = userInfo().username;
/** util-linux script(1), to run the CLI on a terminal; absent, that test is skipped. */
const SCRIPT = ['/usr/bin/script', '/bin/script'].find((p) => existsSync(p));

/** Quotes a word for sh. */
function shellQuote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

function readKey(path: string): PrivateKey {
  return parseOpenSshPrivateKey(readFileSync(path, 'utf8')).privateKey;
}

/** How many lines of sshd's log match, to see what one test added. */
function count(sshd: Sshd, pattern: RegExp): number {
  return sshd.log().match(new RegExp(pattern.source, 'gm'))?.length ?? 0;
}

/** Polls `condition` until it holds (sshd's log is a file; there is no event to wait on). */
async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await delay(20);
  }
}

/** SHA-256 hex of bytes. */
function digest(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Writes `data` to the command's stdin and hashes its stdout, without holding the output. */
async function throughCat(client: Client, data: Uint8Array): Promise<{ hash: string; length: number }> {
  const session = await client.session();
  const hash = createHash('sha256');
  let length = 0;
  session.stdout.on('data', (chunk: Uint8Array) => {
    hash.update(chunk);
    length += chunk.length;
  });
  await session.exec('cat');
  session.stdin.end(data);
  const exit = await session.wait();
  expect(exit.exitStatus).toBe(0);
  return { hash: hash.digest('hex'), length };
}

describeOpenSSH('seashell client → OpenSSH sshd 9.2', () => {
  let sshd: Sshd;
  /** A second sshd that starts every rekey itself (sshd -o RekeyLimit=1M), with aes256-ctr only. */
  let rekeyingSshd: Sshd;
  let key: PrivateKey;
  let hostKeys: PublicKey[];
  let payload: Uint8Array;

  beforeAll(async () => {
    [sshd, rekeyingSshd] = await Promise.all([
      // sshd sends keepalive@openssh.com after 1 s of silence and drops us after 2 unanswered.
      startSshd({ config: ['ClientAliveInterval 1', 'ClientAliveCountMax 2'] }),
      // One cipher only, for the negotiation failure; any rekey comes from sshd.
      startSshd({ options: { RekeyLimit: '1M', Ciphers: 'aes256-ctr' } }),
    ]);
    key = readKey(sshd.clientKey.privateKey);
    hostKeys = Object.values(sshd.hostKeys).map((k) => parsePublicKeyLine(k.publicKeyLine).key);
    payload = randomBytes(16 * MiB);
  });
  afterAll(async () => {
    await Promise.all([sshd?.stop(), rekeyingSshd?.stop()]);
  });

  /** Connects as the current user with the authorized key, trusting only sshd's own host keys. */
  function dial(options: Partial<ConnectOptions> = {}, target: Sshd = sshd): Promise<Client> {
    const trusted =
      target === sshd
        ? hostKeys
        : Object.values(target.hostKeys).map((k) => parsePublicKeyLine(k.publicKeyLine).key);
    return connect({
      host: '127.0.0.1',
      port: target.port,
      username: user,
      auth: [{ type: 'publickey', key: target === sshd ? key : readKey(target.clientKey.privateKey) }],
      hostKey: (k) => trusted.some((t) => t.equals(k)),
      timeoutMs: 20_000,
      ...options,
    });
  }

  describe('ciphers (RFC 4253 §6.3, RFC 5647, PROTOCOL.chacha20poly1305)', () => {
    it.each(CIPHERS)('%s: exec with stdout, stderr and status; 16 MiB through cat', async (cipher) => {
      const logged = new RegExp(`kex: client->server cipher: ${cipher.replaceAll('.', '\\.')} `);
      const before = count(sshd, logged);
      const negotiated: string[] = [];
      const client = await dial({
        algorithms: { cipher: [cipher] },
        onKex: (n) => negotiated.push(n.cipherClientToServer, n.cipherServerToClient),
      });
      try {
        expect(negotiated).toEqual([cipher, cipher]);
        expect(count(sshd, logged)).toBe(before + 1);
        const r = await client.exec('echo out; echo err >&2; exit 7');
        expect(Buffer.from(r.stdout).toString()).toBe('out\n');
        expect(Buffer.from(r.stderr).toString()).toBe('err\n');
        expect(r.exitStatus).toBe(7);
        const copy = await throughCat(client, payload);
        expect(copy).toEqual({ hash: digest(payload), length: payload.length });
      } finally {
        await client.close();
      }
    });
  });

  describe('host key algorithms (RFC 4253 §6.6, RFC 5656, RFC 8332, RFC 8709)', () => {
    const cases = [
      ['ssh-ed25519', 'ed25519'],
      ['ecdsa-sha2-nistp256', 'ecdsa'],
      ['rsa-sha2-512', 'rsa'],
      ['rsa-sha2-256', 'rsa'],
    ] as const;
    it.each(
      cases,
    )('%s: the key the callback sees is the one ssh-keygen -l prints', async (algorithm, type) => {
      const files: KeyFiles = sshd.hostKeys[type];
      const keygen = await runProcess(requireOpenSSH().sshKeygen, [
        '-l',
        '-E',
        'sha256',
        '-f',
        files.publicKey,
      ]);
      const expected = keygen.stdout.toString().split(' ')[1];
      expect(expected).toMatch(/^SHA256:/);
      const seen: { fingerprint: string; algorithm: string }[] = [];
      const logged = new RegExp(`kex: host key algorithm: ${algorithm}( \\[preauth\\])?$`);
      const before = count(sshd, logged);
      const client = await dial({
        algorithms: { hostKey: [algorithm] },
        hostKey: (k, info) => {
          seen.push({ fingerprint: fingerprintSha256(k), algorithm: info.algorithm });
          return true;
        },
      });
      await client.close();
      expect(seen).toEqual([{ fingerprint: expected, algorithm }]);
      expect(count(sshd, logged)).toBe(before + 1);
    });
  });

  describe('sessions (RFC 4254 §6)', () => {
    let client: Client;
    beforeAll(async () => {
      client = await dial();
    });
    afterAll(async () => {
      await client?.close();
    });

    it('pty-req: a /dev/pts terminal of the requested size with the modes we sent', async () => {
      const session = await client.session();
      const modes = new Map([
        [TerminalMode.VINTR, 2],
        [TerminalMode.VERASE, 8],
        [TerminalMode.ECHO, 0],
        [TerminalMode.TTY_OP_OSPEED, 9600],
        [TerminalMode.TTY_OP_ISPEED, 9600],
      ]);
      expect(await session.requestPty({ term: 'vt100', columns: 123, rows: 45, modes })).toBe(true);
      const chunks: Buffer[] = [];
      session.stdout.on('data', (c: Buffer) => chunks.push(c));
      await session.exec('tty; stty size; stty -a; echo "TERM=$TERM"');
      session.stdin.end();
      expect((await session.wait()).exitStatus).toBe(0);
      const out = Buffer.concat(chunks).toString();
      expect(out).toMatch(/^\/dev\/pts\/\d+\r\n45 123\r\n/);
      expect(out).toMatch(/speed 9600 baud/);
      expect(out).toMatch(/intr = \^B;/);
      expect(out).toMatch(/erase = \^H;/);
      expect(out).toMatch(/(^|\s)-echo\s/);
      expect(out).toContain('TERM=vt100');
    });

    it('window-change reaches the pty', async () => {
      const session = await client.session();
      await session.requestPty({ columns: 80, rows: 24 });
      const chunks: Buffer[] = [];
      session.stdout.on('data', (c: Buffer) => chunks.push(c));
      // The command waits for our line, so the window change lands before it asks for the size.
      await session.exec('read line; stty size');
      session.windowChange(132, 50);
      session.stdin.write('go\n');
      await session.wait();
      expect(Buffer.concat(chunks).toString()).toMatch(/50 132\r\n/);
    });

    it('env: AcceptEnv SSHTEST_* lets SSHTEST_X through and refuses others', async () => {
      const session = await client.session();
      expect(await session.setenv('SSHTEST_X', '1')).toBe(true);
      expect(await session.setenv('NOT_ACCEPTED', '2')).toBe(false);
      const r = await session.run('echo "$SSHTEST_X/[$NOT_ACCEPTED]"');
      expect(Buffer.from(r.stdout).toString()).toBe('1/[]\n');
    });

    it('exit-signal: a command that kills itself with TERM', async () => {
      const r = await client.exec('kill -TERM $$');
      expect(r.exitStatus).toBeUndefined();
      expect(r.exitSignal).toMatchObject({ name: 'TERM', coreDumped: false });
    });

    it('signal: sshd takes our TERM (and ends the command with it unless we logged in as root)', async () => {
      const session = await client.session();
      const chunks: Buffer[] = [];
      session.stdout.on('data', (c: Buffer) => chunks.push(c));
      await session.exec('read line; echo "read $line"');
      session.signal('TERM');
      if (process.getuid?.() === 0) {
        // sshd 9.2 runs a root login without post-auth privilege separation and refuses `signal`
        // there ("session signalling requires privilege separation"): what we can check is that
        // it received and parsed our request. Then the command is ended by its input.
        await waitFor(() => /session signalling requires privilege separation/.test(sshd.log()));
        expect(sshd.log()).toMatch(/session_input_channel_req: session \d+ req signal/);
        session.stdin.end('done\n');
        expect((await session.wait()).exitStatus).toBe(0);
        expect(Buffer.concat(chunks).toString()).toBe('read done\n');
      } else {
        const exit = await session.wait();
        expect(exit.exitSignal?.name).toBe('TERM');
        expect(sshd.log()).toMatch(/session_signal_req: signal TERM, killpg/);
      }
    });

    it('half-close: output written after our EOF still arrives', async () => {
      const r = await client.exec('cat; echo done-after-eof; echo err-after-eof >&2; exit 5', {
        stdin: 'hello\n',
      });
      expect(Buffer.from(r.stdout).toString()).toBe('hello\ndone-after-eof\n');
      expect(Buffer.from(r.stderr).toString()).toBe('err-after-eof\n');
      expect(r.exitStatus).toBe(5);
    });

    it('a command that exits without reading its stdin does not hurt the client', async () => {
      const r = await client.exec('head -c 10; exit 4', { stdin: payload.subarray(0, 4 * MiB) });
      expect(r.stdout.length).toBe(10);
      expect(r.exitStatus).toBe(4);
      expect((await client.exec('echo still-here')).exitStatus).toBe(0);
    });
  });

  describe('rekey (RFC 4253 §9)', () => {
    const newKeys = /SSH2_MSG_NEWKEYS received$/;

    it('every MiB at our request: 16 MiB through cat arrives intact', async () => {
      const before = count(sshd, newKeys);
      let rekeys = 0;
      const client = await dial({ rekeyBytes: MiB, onKex: (_, first) => void (first || rekeys++) });
      try {
        expect(await throughCat(client, payload)).toEqual({ hash: digest(payload), length: payload.length });
      } finally {
        await client.close();
      }
      expect(rekeys).toBeGreaterThan(1);
      expect(count(sshd, newKeys) - before).toBeGreaterThan(2);
    });

    it('started by sshd (RekeyLimit 1M): 16 MiB through cat arrives intact', async () => {
      const before = count(rekeyingSshd, newKeys);
      let rekeys = 0;
      const client = await dial({ onKex: (_, first) => void (first || rekeys++) }, rekeyingSshd);
      try {
        expect(await throughCat(client, payload)).toEqual({ hash: digest(payload), length: payload.length });
      } finally {
        await client.close();
      }
      expect(rekeys).toBeGreaterThan(1);
      expect(count(rekeyingSshd, newKeys) - before).toBeGreaterThan(2);
      expect(rekeyingSshd.log()).toMatch(/ssh_set_newkeys: rekeying out/);
    });
  });

  describe('authentication (RFC 4252) and keepalives', () => {
    it('a key sshd does not know: AuthenticationError listing the methods left', async () => {
      const other = await sshKeygen(sshd.dir, 'ed25519', undefined, 'not_authorized');
      const error = await dial({ auth: [{ type: 'publickey', key: readKey(other.privateKey) }] }).catch(
        (e) => e,
      );
      expect(error).toBeInstanceOf(AuthenticationError);
      expect((error as AuthenticationError).methodsLeft).toContain('publickey');
    });

    it('answers sshd keepalive@openssh.com requests: idle 8 s survives what drops a silent client', async () => {
      // sshd probes after 1 s of silence and drops a client after 2 unanswered probes; in practice
      // its probes come every ~2 s, so a client that does not answer is gone after ~6 s. The probes
      // go to the first channel sshd has open, here one we closed while its command still runs
      // (sshd holds its CLOSE until the command exits): they must be answered there too.
      const before = count(sshd, /Got 100\/\d+ for keepalive/);
      const timeouts = count(sshd, /Timeout, client not responding/);
      const [answering, silent] = await Promise.all([idleSession(false), idleSession(true)]);
      expect(answering).toEqual({ output: 'alive\n', exitStatus: 0 });
      expect(count(sshd, /Got 100\/\d+ for keepalive/) - before).toBeGreaterThanOrEqual(2);
      // The control: the same idle time with our answers held back ends the connection.
      expect(silent).toEqual({ output: '', exitStatus: undefined });
      expect(count(sshd, /Timeout, client not responding/)).toBe(timeouts + 1);
    });
  });

  /**
   * Runs `sleep 8; echo alive` on a connection of its own, after closing a session whose command
   * outlives the close. `silent`: once the command runs,
   * nothing we send reaches sshd (a gate on our socket holds it back), as if we ignored its probes.
   */
  async function idleSession(silent: boolean): Promise<{ output: string; exitStatus: number | undefined }> {
    const upstream = createConnection(sshd.port, '127.0.0.1');
    await once(upstream, 'connect');
    let gateClosed = false;
    const sock = new Duplex({
      read: () => {},
      write: (chunk: Uint8Array, _encoding, callback) => {
        if (!gateClosed) upstream.write(chunk);
        callback();
      },
      final: (callback) => {
        upstream.end();
        callback();
      },
    });
    upstream.on('data', (chunk: Uint8Array) => sock.push(chunk));
    upstream.on('end', () => sock.push(null));
    upstream.on('error', () => sock.destroy());
    const client = await dial({ sock });
    try {
      const abandoned = await client.session();
      await abandoned.exec('sleep 30');
      abandoned.close();
      const session = await client.session();
      const chunks: Buffer[] = [];
      session.stdout.on('data', (c: Buffer) => chunks.push(c));
      await session.exec('sleep 8; echo alive');
      session.stdin.end();
      gateClosed = silent;
      const exit = await session.wait();
      return { output: Buffer.concat(chunks).toString(), exitStatus: exit.exitStatus };
    } finally {
      await client.close();
      upstream.destroy();
    }
  }

  describe('the seashell program', () => {
    /** Runs the CLI isolated from ~/.ssh: no config file, no default keys, no global known_hosts. */
    function seashell(
      args: readonly string[],
      options: { stdin?: Uint8Array | string; env?: NodeJS.ProcessEnv } = {},
    ) {
      return runProcess(
        process.execPath,
        [SEASHELL, '-F', 'none', '-o', 'GlobalKnownHostsFile=/dev/null', ...args],
        { timeoutMs: 30_000, ...options },
      );
    }
    const login = () => ['-p', String(sshd.port), '-i', sshd.clientKey.privateKey];

    it('accept-new: runs the command, exits with its status, records the host key', async () => {
      const knownHosts = join(sshd.dir, 'cli_known_hosts_new');
      const args = [
        ...login(),
        '-o',
        `UserKnownHostsFile=${knownHosts}`,
        '-o',
        'StrictHostKeyChecking=accept-new',
      ];
      const r = await seashell([...args, '127.0.0.1', 'echo hi; exit 3']);
      expect(r.stdout.toString()).toBe('hi\n');
      expect(r.code).toBe(3);
      expect(r.stderr.toString()).toContain(`Permanently added '[127.0.0.1]:${sshd.port}' (ED25519)`);
      expect(await readFile(knownHosts, 'utf8')).toBe(
        `[127.0.0.1]:${sshd.port} ${sshd.hostKeys.ed25519.publicKeyLine}\n`,
      );
      // The second time the key is known: nothing added, nothing said.
      const again = await seashell([...args, '127.0.0.1', 'echo', 'two', 'words']);
      expect([again.code, again.stdout.toString(), again.stderr.toString()]).toEqual([0, 'two words\n', '']);
      expect((await readFile(knownHosts, 'utf8')).split('\n')).toHaveLength(2);
    });

    it('a changed host key: the warning names file and line, exit 255, no authentication tried', async () => {
      const other = await sshKeygen(sshd.dir, 'ed25519', undefined, 'impostor_host_key');
      const knownHosts = join(sshd.dir, 'cli_known_hosts_changed');
      await writeFile(knownHosts, `# first line\n[127.0.0.1]:${sshd.port} ${other.publicKeyLine}\n`);
      const userauth = count(sshd, /userauth-request for user/);
      const r = await seashell([...login(), '-o', `UserKnownHostsFile=${knownHosts}`, '127.0.0.1', 'true']);
      expect(r.code).toBe(255);
      const err = r.stderr.toString();
      expect(err).toContain('WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!');
      expect(err).toContain(`Offending key in ${knownHosts}:2`);
      expect(err).toMatch(/Host key verification failed\.\n$/);
      expect(count(sshd, /userauth-request for user/)).toBe(userauth);
    });

    it('an unknown host under StrictHostKeyChecking=yes: exit 255', async () => {
      const r = await seashell([
        ...login(),
        '-o',
        'UserKnownHostsFile=/dev/null',
        '-o',
        'BatchMode=yes',
        '127.0.0.1',
        'true',
      ]);
      expect(r.code).toBe(255);
      expect(r.stderr.toString()).toBe(
        `No ED25519 host key is known for [127.0.0.1]:${sshd.port} and you have requested strict checking.\nHost key verification failed.\n`,
      );
    });

    it('refuses an option it does not know, and an algorithm it does not have, with exit 255', async () => {
      const bad = await seashell(['-o', 'Foo=bar', '127.0.0.1', 'true']);
      expect([bad.code, bad.stderr.toString()]).toEqual([
        255,
        'command-line line 0: Bad configuration option: Foo\n',
      ]);
      const cipher = await seashell(['-c', 'aes128-cbc', '127.0.0.1', 'true']);
      expect(cipher.code).toBe(255);
      expect(cipher.stderr.toString()).toMatch(
        /does not support aes128-cbc \(supported: chacha20-poly1305@openssh\.com,/,
      );
    });

    it('no common cipher: "Unable to negotiate", naming the category and their offer', async () => {
      const r = await seashell([
        '-p',
        String(rekeyingSshd.port),
        '-o',
        `UserKnownHostsFile=${rekeyingSshd.knownHostsFile}`,
        '-c',
        'aes128-ctr,chacha20-poly1305@openssh.com',
        '127.0.0.1',
        'true',
      ]);
      expect([r.code, r.stderr.toString()]).toEqual([
        255,
        `Unable to negotiate with 127.0.0.1 port ${rekeyingSshd.port}: no matching cipher found. Their offer: aes256-ctr\n`,
      ]);
    });

    it('connection refused: one line and exit 255', async () => {
      const port = await freePort();
      const r = await seashell(['-p', String(port), '127.0.0.1', 'true']);
      expect([r.code, r.stderr.toString()]).toEqual([
        255,
        `seashell: connect to host 127.0.0.1 port ${port}: Connection refused\n`,
      ]);
    });

    it('wrong key: Permission denied with the methods left, exit 255', async () => {
      const other = await sshKeygen(sshd.dir, 'ed25519', undefined, 'cli_not_authorized');
      const r = await seashell([
        '-p',
        String(sshd.port),
        '-i',
        other.privateKey,
        '-o',
        `UserKnownHostsFile=${sshd.knownHostsFile}`,
        '-o',
        'BatchMode=yes',
        '127.0.0.1',
        'true',
      ]);
      expect([r.code, r.stderr.toString()]).toEqual([
        255,
        `${user}@127.0.0.1: Permission denied (publickey).\n`,
      ]);
    });

    it('skips identities it cannot use, saying why, and logs in with the next one', async () => {
      const encrypted = join(sshd.dir, 'id_encrypted');
      const made = await runProcess(requireOpenSSH().sshKeygen, [
        '-q',
        '-t',
        'ed25519',
        '-N',
        'secret',
        '-f',
        encrypted,
      ]);
      expect(made.code).toBe(0);
      const open = await sshKeygen(sshd.dir, 'ed25519', undefined, 'id_readable_by_all');
      await chmod(open.privateKey, 0o644);
      const r = await seashell([
        '-p',
        String(sshd.port),
        '-i',
        encrypted,
        '-i',
        open.privateKey,
        '-i',
        join(sshd.dir, 'no_such_key'),
        '-i',
        sshd.clientKey.privateKey,
        '-o',
        `UserKnownHostsFile=${sshd.knownHostsFile}`,
        '127.0.0.1',
        'echo in',
      ]);
      expect([r.code, r.stdout.toString()]).toEqual([0, 'in\n']);
      // The encrypted key is offered by its public half and refused, so no passphrase is asked.
      expect(r.stderr.toString().split('\n')).toEqual([
        `Permissions 0644 for '${open.privateKey}' are too open; the key is ignored (it must not be readable by others).`,
        `Warning: Identity file ${join(sshd.dir, 'no_such_key')} not accessible: No such file or directory.`,
        '',
      ]);
    });

    it('pipes 1 MiB of stdin through cat unchanged; a remote signal exits 255', async () => {
      const args = [...login(), '-o', `UserKnownHostsFile=${sshd.knownHostsFile}`, '127.0.0.1'];
      const data = payload.subarray(0, MiB);
      const r = await seashell([...args, 'cat'], { stdin: data });
      expect(r.code).toBe(0);
      expect(await sha256(r.stdout)).toBe(digest(data));
      const killed = await seashell([...args, 'kill -TERM $$']);
      expect(killed.code).toBe(255);
    });

    it('a local reader that goes away (`| head`) ends the program instead of hanging it', async () => {
      const child = spawn(process.execPath, [
        SEASHELL,
        '-F',
        'none',
        ...login(),
        '-o',
        `UserKnownHostsFile=${sshd.knownHostsFile}`,
        '127.0.0.1',
        'yes',
      ]);
      child.stdout.once('data', () => child.stdout.destroy());
      try {
        const { code } = await waitForExit(child, 15_000);
        expect(code).toBe(255);
      } finally {
        child.kill('SIGKILL');
      }
    });

    it('-tt: a pty although stdin is a pipe; SendEnv and SetEnv reach the command', async () => {
      const r = await seashell(
        [
          ...login(),
          '-o',
          `UserKnownHostsFile=${sshd.knownHostsFile}`,
          '-tt',
          '-o',
          'SendEnv=SSHTEST_*',
          '-o',
          'SetEnv=SSHTEST_SET=set',
          '127.0.0.1',
          'tty; echo "$SSHTEST_SENT $SSHTEST_SET"',
        ],
        { stdin: '', env: { SSHTEST_SENT: 'sent', TERM: 'dumb' } },
      );
      expect(r.code).toBe(0);
      expect(r.stdout.toString()).toMatch(/^\/dev\/pts\/\d+\r\nsent set\r\n$/);
      expect(r.stderr.toString()).toBe('Connection to 127.0.0.1 closed.\r\n');
    });

    it('ServerAliveInterval: keepalive@openssh.com global requests while the command is quiet', async () => {
      const probes = /server_input_global_request: rtype keepalive@openssh\.com want_reply 1/;
      const before = count(sshd, probes);
      const r = await seashell([
        ...login(),
        '-o',
        `UserKnownHostsFile=${sshd.knownHostsFile}`,
        '-o',
        'ServerAliveInterval=1',
        '127.0.0.1',
        'sleep 2.5; echo still-here',
      ]);
      expect([r.code, r.stdout.toString()]).toEqual([0, 'still-here\n']);
      expect(count(sshd, probes) - before).toBeGreaterThanOrEqual(2);
    });

    it.skipIf(!SCRIPT)(
      'on a terminal: raw mode, local modes and size sent, SIGWINCH forwarded, terminal restored',
      async () => {
        // script(1) runs the program on a pty of its own. The remote command reports its size,
        // then waits until it changes; meanwhile the local pty is resized, which must reach it.
        const remote = [
          'stty size; stty -a | head -2 | tr -d "\\n"; echo; echo READY',
          'i=0; while [ "$(stty size)" = "24 80" ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i+1)); done',
          'stty size; exit 5',
        ].join('; ');
        const args = [...login(), '-o', `UserKnownHostsFile=${sshd.knownHostsFile}`, '-q', '-t', '127.0.0.1'];
        const shell = join(sshd.dir, 'on-a-terminal.sh');
        const out = join(sshd.dir, 'on-a-terminal.out');
        await writeFile(
          shell,
          [
            'stty cols 80 rows 24 intr ^G',
            `( i=0; until grep -q READY ${out} 2>/dev/null || [ $i -ge 400 ]; do sleep 0.05; i=$((i+1)); done; stty cols 100 rows 40 </dev/tty ) &`,
            `${[process.execPath, SEASHELL, '-F', 'none', '-o', 'GlobalKnownHostsFile=/dev/null', ...args].map(shellQuote).join(' ')} ${shellQuote(remote)} > ${out}`,
            'echo "exit=$?"',
            'stty -a',
          ].join('\n'),
        );
        // script(1) types a NUL into the terminal when its own stdin ends: keep that open meanwhile.
        const keyboard = new PassThrough();
        const r = await runProcess(SCRIPT!, ['-qec', `sh ${shell}`, '/dev/null'], {
          stdin: keyboard,
          timeoutMs: 30_000,
        }).finally(() => keyboard.end());
        const remoteOut = (await readFile(out, 'utf8')).replaceAll('\r', '');
        expect(remoteOut).toMatch(/^24 80\nspeed \d+ baud;.*intr = \^G;.*\nREADY\n40 100\n$/);
        const local = r.stdout.toString();
        expect(local).toContain('exit=5');
        // stty -a after the program: out of raw mode again.
        const after = local.slice(local.indexOf('exit=5'));
        for (const mode of ['icanon', 'echo', 'isig', 'icrnl', 'opost'])
          expect(after).toMatch(new RegExp(`[\\s;]${mode}\\s`));
      },
    );

    it('-s sftp: carries sftp as `sftp -S seashell` runs it', async () => {
      const wrapper = join(sshd.dir, 'seashell-for-sftp');
      await writeFile(wrapper, `#!/bin/sh\nexec "${process.execPath}" "${SEASHELL}" -F none "$@"\n`);
      await chmod(wrapper, 0o700);
      const source = join(sshd.dir, 'sftp-source');
      const hash = await randomBytesFile(source, 300_000);
      const [remote, back] = [join(sshd.dir, 'sftp-remote'), join(sshd.dir, 'sftp-back')];
      const batch = join(sshd.dir, 'sftp-batch');
      await writeFile(batch, `put ${source} ${remote}\nget ${remote} ${back}\n`);
      const r = await runProcess(requireOpenSSH().sftp, [
        '-S',
        wrapper,
        '-P',
        String(sshd.port),
        '-i',
        sshd.clientKey.privateKey,
        '-o',
        `UserKnownHostsFile=${sshd.knownHostsFile}`,
        '-b',
        batch,
        '127.0.0.1',
      ]);
      expect(r.stderr.toString()).not.toMatch(/seashell|Bad configuration/);
      expect(r.code).toBe(0);
      expect(await sha256(await readFile(back))).toBe(hash);
      expect(sshd.log()).toContain('subsystem request for sftp');
    });
  });
});
