/**
 * OpenSSH's own `ssh-agent`, started in the foreground on a socket of the test's
 * (`ssh-agent -D -a SOCK`, PROTOCOL-NOTES §2.1 "Agent"), and `ssh-add` pointed at any agent.
 * Stopped by its own PID, never by name.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { dirname, join } from 'node:path';
import { requireOpenSSH } from './binaries.js';
import { type ProcessResult, type RunOptions, runProcess, waitForExit } from './process.js';

/** A running `ssh-agent -D`. `await using agent = await startSshAgent(dir)` stops it. */
export interface SshAgent extends AsyncDisposable {
  /** Its socket, for `SSH_AUTH_SOCK`. */
  readonly socket: string;
  readonly pid: number;
  /** What it wrote to stderr so far. */
  log(): string;
  stop(): Promise<void>;
}

/** `ssh-agent` and `ssh-add`, beside the `ssh` the harness found. */
export function agentBinaries(): { readonly sshAgent: string; readonly sshAdd: string } {
  const dir = dirname(requireOpenSSH().ssh);
  const sshAgent = join(dir, 'ssh-agent');
  const sshAdd = join(dir, 'ssh-add');
  for (const path of [sshAgent, sshAdd]) accessSync(path, constants.X_OK);
  return { sshAgent, sshAdd };
}

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/**
 * Starts `ssh-agent -D -a DIR/NAME` and resolves once it listens (it prints `SSH_AUTH_SOCK=…` and
 * `echo Agent pid N;` after the socket is bound).
 */
export async function startSshAgent(
  dir: string,
  name = 'openssh-agent.sock',
  timeoutMs = 10_000,
): Promise<SshAgent> {
  const socket = join(dir, name);
  const child = spawn(agentBinaries().sshAgent, ['-D', '-a', socket], { stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  child.once('exit', () => live.delete(child));
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString('utf8');
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => fail(new Error(`ssh-agent did not start within ${timeoutMs} ms: ${stderr}`)),
      timeoutMs,
    );
    const fail = (e: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(e);
    };
    child.once('error', fail);
    child.once('exit', (code) => fail(new Error(`ssh-agent exited (${code}): ${stderr}`)));
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString('utf8');
      if (/echo Agent pid \d+;/.test(stdout)) {
        clearTimeout(timer);
        child.removeAllListeners('exit');
        child.off('error', fail);
        resolve();
      }
    });
  });
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      child.kill('SIGTERM');
      await waitForExit(child, 5000).catch(() => {
        child.kill('SIGKILL');
        return waitForExit(child, 5000);
      });
    })();
    return stopping;
  };
  return { socket, pid: child.pid!, log: () => stderr, stop, [Symbol.asyncDispose]: stop };
}

/**
 * Runs `ssh-add ARGS` against the agent at `socket`.
 * @example
 * const r = await sshAdd(agent.socket, ['-l']);
 */
export function sshAdd(
  socket: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<ProcessResult> {
  return runProcess(agentBinaries().sshAdd, args, {
    ...options,
    env: { SSH_AUTH_SOCK: socket, DISPLAY: '', ...options.env },
  });
}
