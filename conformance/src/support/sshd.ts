/**
 * A private OpenSSH sshd per test file, following PROTOCOL-NOTES.md §2.1: own temp dir, host keys
 * and authorized_keys, 127.0.0.1 on a free port, `sshd -D -E LOG` logging at DEBUG3, stopped
 * by its own PID. Never by name: other sshd processes may run on the same host.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { requireOpenSSH } from './binaries.js';
import { makeTempDir } from './files.js';
import { type KeyFiles, sshKeygen, writeKnownHosts } from './keys.js';
import { runProcess, waitForExit } from './process.js';
import type { SshTarget } from './ssh.js';

/** Options of {@link startSshd}. */
export interface SshdOptions {
  /** Passed as `-o Key=Value`; these win over the config file, as regress `start_sshd "$@"` does. */
  options?: Readonly<Record<string, string>>;
  /**
   * Extra sshd_config lines. For each keyword sshd keeps the first value it reads, so these go
   * before the defaults and override them; from the first `Match` line on they go at the end.
   */
  config?: readonly string[];
  /** `internal-sftp` (default) or the separate sftp-server program. */
  sftp?: 'internal-sftp' | 'sftp-server';
  /** Curve of the ECDSA host key. Default 256. */
  ecdsaBits?: 256 | 384 | 521;
  /** Size of the RSA host key. Default 3072. */
  rsaBits?: number;
  /** Deadline for "Server listening on …". Default 10 s. */
  startTimeoutMs?: number;
}

/** A running sshd. `await using sshd = await startSshd()` stops it. */
export interface Sshd extends AsyncDisposable {
  readonly port: number;
  /** The listener's PID (also in the PidFile). */
  readonly pid: number;
  /** Private temp dir holding config, keys, logs; removed by {@link Sshd.stop}. */
  readonly dir: string;
  readonly configPath: string;
  readonly hostKeys: { readonly ed25519: KeyFiles; readonly ecdsa: KeyFiles; readonly rsa: KeyFiles };
  /** An ed25519 key listed in authorized_keys. */
  readonly clientKey: KeyFiles;
  /** known_hosts trusting all three host keys at `[127.0.0.1]:port`. */
  readonly knownHostsFile: string;
  /** What `runSsh` / `runSftp` need to log in as the current user with {@link Sshd.clientKey}. */
  readonly target: SshTarget;
  /** sshd's log so far (kept after stop). */
  log(): string;
  /** Terminates sshd and its connection processes, waits for them, removes {@link Sshd.dir}. */
  stop(): Promise<void>;
}

/** Every sshd listener we started that has not exited yet. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  // Last resort for a worker that exits with sshd still up; stop() is the normal path.
  for (const { pid } of running) {
    if (pid !== undefined) for (const p of [...descendants(pid), pid]) signal(p, 'SIGKILL');
  }
});

/** A port on 127.0.0.1 that was free a moment ago (bind port 0, read it, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

/**
 * Starts `/usr/sbin/sshd -D -E LOG -f CONFIG` on 127.0.0.1 with fresh keys and waits until it listens.
 *
 * @example
 * const sshd = await startSshd({ options: { Ciphers: 'aes128-ctr' } });
 * try { await runSsh(['true'], sshd.target); } finally { await sshd.stop(); }
 */
export async function startSshd(options: SshdOptions = {}): Promise<Sshd> {
  const bins = requireOpenSSH();
  const tmp = await makeTempDir('seashell-sshd-');
  const dir = tmp.path;
  const paths = { config: join(dir, 'sshd_config'), log: join(dir, 'sshd.log'), pid: join(dir, 'sshd.pid') };
  let started: Started | undefined;
  try {
    const [ed25519, ecdsa, rsa, clientKey] = await Promise.all([
      sshKeygen(dir, 'ed25519', undefined, 'ssh_host_ed25519_key'),
      sshKeygen(dir, 'ecdsa', options.ecdsaBits ?? 256, 'ssh_host_ecdsa_key'),
      sshKeygen(dir, 'rsa', options.rsaBits ?? 3072, 'ssh_host_rsa_key'),
      sshKeygen(dir, 'ed25519', undefined, 'id_ed25519'),
    ]);
    await writeFile(join(dir, 'authorized_keys'), `${clientKey.publicKeyLine}\n`, { mode: 0o600 });
    ensurePrivsepDir();
    const overrides = Object.entries(options.options ?? {}).flatMap(([key, value]) => [
      '-o',
      `${key}=${value}`,
    ]);
    const sftp = options.sftp === 'sftp-server' ? bins.sftpServer : 'internal-sftp';
    started = await listen(paths, options.startTimeoutMs ?? 10_000, async (port) => {
      await writeFile(paths.config, renderConfig(dir, port, sftp, options.config ?? []), { mode: 0o600 });
      const check = await runProcess(bins.sshd, ['-t', '-f', paths.config, ...overrides]);
      if (check.code !== 0) throw new Error(`sshd -t rejected the config: ${check.stderr.toString('utf8')}`);
      // -E, not -e: under -e a session's child logs its debug lines into the channel's stderr.
      return spawnSshd(bins.sshd, ['-D', '-E', paths.log, '-f', paths.config, ...overrides], paths.log);
    });
    const knownHostsFile = join(dir, 'known_hosts');
    await writeKnownHosts(
      knownHostsFile,
      started.port,
      [ed25519, ecdsa, rsa].map((key) => key.publicKeyLine),
    );
    const identityFile = clientKey.privateKey;
    return handle(started, paths.log, tmp.remove, {
      dir,
      configPath: paths.config,
      hostKeys: { ed25519, ecdsa, rsa },
      clientKey,
      knownHostsFile,
      target: { port: started.port, dir, identityFile, knownHostsFile },
    });
  } catch (error) {
    if (started !== undefined) await terminate(started.child);
    await tmp.remove();
    throw error;
  }
}

type Fixed = Omit<Sshd, 'port' | 'pid' | 'log' | 'stop' | typeof Symbol.asyncDispose>;
interface Started {
  readonly port: number;
  readonly child: ChildProcess & { readonly pid: number };
}

function handle(started: Started, logPath: string, removeDir: () => Promise<void>, fixed: Fixed): Sshd {
  let finalLog: string | undefined;
  let stopping: Promise<void> | undefined;
  const log = (): string => finalLog ?? readLog(logPath);
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      try {
        await terminate(started.child);
      } finally {
        finalLog = readLog(logPath);
        await removeDir();
      }
    })();
    return stopping;
  };
  const { port, child } = started;
  return { ...fixed, port, pid: child.pid, log, stop, [Symbol.asyncDispose]: stop };
}

/** Spawns sshd with stderr (early fatal errors, before `-E` applies) appended to the log too. */
function spawnSshd(sshd: string, args: readonly string[], logPath: string): Started['child'] {
  const logFd = openSync(logPath, 'a');
  try {
    // sshd re-execs itself for each connection and needs an absolute path for it.
    const child = spawn(sshd, args, { stdio: ['ignore', 'ignore', logFd] });
    if (child.pid === undefined) throw new Error(`cannot start ${sshd}`);
    running.add(child);
    child.once('exit', () => running.delete(child));
    return child as Started['child'];
  } finally {
    closeSync(logFd);
  }
}

/**
 * Picks a free port, has `start` run sshd on it, and waits for "Server listening" and the PidFile.
 * Retries when another process took the port between our probe and sshd's bind.
 */
async function listen(
  paths: { readonly log: string; readonly pid: string },
  timeoutMs: number,
  start: (port: number) => Promise<Started['child']>,
): Promise<Started> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const child = await start(port);
    const deadline = Date.now() + timeoutMs;
    const exited = waitForExit(child, timeoutMs + 1000).catch(() => undefined);
    for (;;) {
      const text = readLog(paths.log);
      // The PidFile is written just after the listen line; a test may read it at once.
      if (
        text.includes(`Server listening on 127.0.0.1 port ${port}.`) &&
        pidFileNames(paths.pid, child.pid)
      ) {
        return { port, child };
      }
      if (child.exitCode !== null || child.signalCode !== null) {
        if (attempt < 5 && text.includes(`Bind to port ${port} on 127.0.0.1 failed`)) break;
        throw new Error(`sshd exited (${child.exitCode ?? child.signalCode}) before listening:\n${text}`);
      }
      if (Date.now() > deadline) {
        await terminate(child);
        throw new Error(`sshd did not listen within ${timeoutMs} ms:\n${readLog(paths.log)}`);
      }
      await Promise.race([delay(20), exited]);
    }
  }
}

/** SIGTERM to sshd and every process below it (connection and session children), SIGKILL if slow. */
async function terminate(child: ChildProcess): Promise<void> {
  const pid = child.pid;
  if (pid === undefined) return;
  // Collected before the listener dies: afterwards its children belong to init.
  const below = descendants(pid);
  for (const p of [pid, ...below]) signal(p, 'SIGTERM');
  await waitForExit(child, 5000).catch(() => {
    signal(pid, 'SIGKILL');
    return waitForExit(child, 5000);
  });
  const deadline = Date.now() + 5000;
  while (below.some(alive)) {
    if (Date.now() > deadline) {
      for (const p of below) signal(p, 'SIGKILL');
      break;
    }
    await delay(20);
  }
}

/** Debian's privsep chroot; tmpfs, so a container may lack it, and root sshd then refuses to start. */
function ensurePrivsepDir(): void {
  if (existsSync('/run/sshd')) return;
  try {
    mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  } catch (error) {
    // A non-root sshd does not chroot, so only root needs the directory.
    if (process.getuid?.() === 0) throw error;
  }
}

function renderConfig(dir: string, port: number, sftp: string, extra: readonly string[]): string {
  const firstMatch = extra.findIndex((line) => /^\s*match\s/i.test(line));
  const head = firstMatch < 0 ? extra : extra.slice(0, firstMatch);
  const tail = firstMatch < 0 ? [] : extra.slice(firstMatch);
  const lines = [
    ...head,
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    'AddressFamily inet',
    ...['ed25519', 'ecdsa', 'rsa'].map((type) => `HostKey ${join(dir, `ssh_host_${type}_key`)}`),
    `PidFile ${join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    'StrictModes no',
    'UsePAM no',
    'PermitRootLogin prohibit-password',
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'LogLevel DEBUG3',
    `Subsystem sftp ${sftp}`,
    'AcceptEnv LANG LC_* SSHTEST_*',
    // Sessions get a HOME of their own, so a remote command never writes into the real ~.
    `SetEnv HOME=${dir}`,
    'PrintMotd no',
    'PrintLastLog no',
    'UseDNS no',
    'MaxStartups 100:30:200',
    'PerSourceMaxStartups none',
    'MaxSessions 32',
    'LoginGraceTime 20',
    'AllowTcpForwarding yes',
    'AllowStreamLocalForwarding yes',
    'AllowAgentForwarding yes',
    'X11Forwarding no',
    ...tail,
  ];
  return `${lines.join('\n')}\n`;
}

function readLog(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function pidFileNames(path: string, pid: number): boolean {
  try {
    return Number.parseInt(readFileSync(path, 'utf8'), 10) === pid;
  } catch {
    return false;
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}

/** Alive and not a zombie (a zombie is dead; its parent just has not reaped it yet). */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** PIDs of all processes below `root`, from /proc (Linux); empty where /proc is missing. */
export function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number.parseInt(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1] ?? '', 10);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // exited while we looked
    }
  }
  const found: number[] = [];
  for (let queue = [root]; queue.length > 0; ) {
    const next = children.get(queue.shift()!) ?? [];
    found.push(...next);
    queue = queue.concat(next);
  }
  return found;
}
