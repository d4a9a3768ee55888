/**
 * OpenSSH `ssh` and `sftp` as clients, isolated from the user's `~/.ssh`, agent and config
 * (PROTOCOL-NOTES.md §2.1), each run logging at DEBUG3 to a file of its own.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { requireOpenSSH } from './binaries.js';
import {
  describeCommand,
  feedStdin,
  type ProcessResult,
  ProcessTimeoutError,
  type RunOptions,
  runProcess,
} from './process.js';

/** Where a client connects and with which files. `Sshd.target` is one. */
export interface SshTarget {
  readonly port: number;
  /** Default `127.0.0.1`. */
  readonly host?: string;
  /** Default: the current OS user. */
  readonly user?: string;
  /** Private key to offer; without one, no key is offered at all. */
  readonly identityFile?: string;
  /** Checked with `StrictHostKeyChecking=yes`. */
  readonly knownHostsFile: string;
  /** Directory for client logs and batch files. */
  readonly dir: string;
}

/** Options of {@link runSsh}, {@link spawnSsh} and {@link runSftp}. */
export interface SshOptions extends SshTarget, Omit<RunOptions, 'cwd'> {
  /**
   * Client flags, placed before the harness's own: `['-o', 'Ciphers=aes128-ctr', '-tt']`. ssh keeps
   * the first value of an option, so these override the defaults.
   */
  flags?: readonly string[];
}

/** A finished client run: the process result plus the client's DEBUG3 log. */
export interface SshResult extends ProcessResult {
  readonly log: string;
  readonly logPath: string;
}

/** A running `ssh` a test streams to. The caller ends or kills it. */
export interface SpawnedSsh {
  readonly child: ChildProcessWithoutNullStreams;
  readonly logPath: string;
  log(): string;
}

let runs = 0;
const liveClients = new Set<ChildProcessWithoutNullStreams>();
process.once('exit', () => {
  for (const child of liveClients) child.kill('SIGKILL');
});

/**
 * `-o` options shared by ssh and sftp: no config file, no agent, no default keys, known_hosts only
 * from the target, no prompts, DEBUG3.
 */
export function isolationOptions(target: SshTarget): string[] {
  const options = [
    `Port=${target.port}`,
    `User=${target.user ?? userInfo().username}`,
    `UserKnownHostsFile=${target.knownHostsFile}`,
    'GlobalKnownHostsFile=/dev/null',
    'StrictHostKeyChecking=yes',
    `IdentityFile=${target.identityFile ?? 'none'}`,
    'IdentitiesOnly=yes',
    'IdentityAgent=none',
    'BatchMode=yes',
    'UpdateHostKeys=no',
    'ControlMaster=no',
    'ControlPath=none',
    'ConnectTimeout=5',
    'LogLevel=DEBUG3',
  ];
  return ['-F', '/dev/null', ...options.flatMap((option) => ['-o', option])];
}

function nextLogPath(dir: string, tool: string): string {
  return join(dir, `${tool}-${process.pid}-${++runs}.log`);
}

function sshArgv(command: readonly string[], options: SshOptions, logPath: string): string[] {
  const host = options.host ?? '127.0.0.1';
  return [...(options.flags ?? []), ...isolationOptions(options), '-E', logPath, host, ...command];
}

/**
 * Runs `ssh … HOST COMMAND…` to completion. A run that exceeds `timeoutMs` is killed and rejects
 * with the tail of its log.
 *
 * @example
 * const r = await runSsh(['echo hi; exit 3'], sshd.target);
 * expect(r.code).toBe(3);
 */
export async function runSsh(command: readonly string[], options: SshOptions): Promise<SshResult> {
  const logPath = nextLogPath(options.dir, 'ssh');
  return withLog(requireOpenSSH().ssh, sshArgv(command, options, logPath), logPath, options);
}

/**
 * Starts `ssh … HOST COMMAND…` with piped stdio and returns at once, for streaming tests.
 *
 * @example
 * const { child } = spawnSsh(['cat'], sshd.target);
 * child.stdin.write('ping');
 */
export function spawnSsh(command: readonly string[], options: SshOptions): SpawnedSsh {
  const logPath = nextLogPath(options.dir, 'ssh');
  const child = spawn(requireOpenSSH().ssh, sshArgv(command, options, logPath), {
    env: { ...process.env, ...options.env },
    stdio: 'pipe',
  });
  liveClients.add(child);
  child.once('exit', () => liveClients.delete(child));
  if (options.stdin !== undefined) feedStdin(child, options.stdin);
  return { child, logPath, log: () => readLog(logPath) };
}

/**
 * Runs `sftp -b BATCH` with the given batch commands (`put a b`, `get b c`, …). sftp has no `-E`,
 * so ssh is started through a two-line wrapper that adds it.
 *
 * @example
 * const r = await runSftp([`put ${src} ${dst}`], sshd.target);
 */
export async function runSftp(batch: readonly string[], options: SshOptions): Promise<SshResult> {
  const { sftp, ssh } = requireOpenSSH();
  const logPath = nextLogPath(options.dir, 'sftp');
  const batchPath = `${logPath}.batch`;
  const wrapper = `${logPath}.ssh`;
  await writeFile(batchPath, batch.map((line) => `${line}\n`).join(''), { mode: 0o600 });
  await writeFile(wrapper, `#!/bin/sh\nexec ${describeCommand(ssh, ['-E', logPath])} "$@"\n`, {
    mode: 0o700,
  });
  const args = [...(options.flags ?? []), '-b', batchPath, '-S', wrapper, ...isolationOptions(options)];
  return withLog(sftp, [...args, options.host ?? '127.0.0.1'], logPath, options);
}

async function withLog(
  cmd: string,
  args: string[],
  logPath: string,
  options: SshOptions,
): Promise<SshResult> {
  const { stdin, env, timeoutMs } = options;
  try {
    const result = await runProcess(cmd, args, { stdin, env, timeoutMs });
    return { ...result, log: readLog(logPath), logPath };
  } catch (error) {
    if (!(error instanceof ProcessTimeoutError)) throw error;
    throw new ProcessTimeoutError(
      `${error.message}\n--- ${logPath} (tail) ---\n${readLog(logPath).slice(-4000)}`,
      error.partial,
    );
  }
}

function readLog(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
