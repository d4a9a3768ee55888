/**
 * Child processes for the interop harness: run a program to completion with a deadline, or wait for
 * one that a test streams to. Every wait has a deadline, so a hung peer fails a test instead of
 * hanging the suite (DESIGN.md "Testing": no fixed sleeps, events with a deadline).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import type { Readable } from 'node:stream';

/** What a test may feed to a child's stdin: bytes, text, or a stream piped in (and ended by it). */
export type StdinSource = Uint8Array | string | Readable;

/** Options of {@link runProcess}. */
export interface RunOptions {
  /** Fed to stdin, which is then closed; without it stdin is `/dev/null`. */
  stdin?: StdinSource;
  /** Variables laid over `process.env`. */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** The child is killed with SIGKILL after this long and the promise rejects. Default 30 s. */
  timeoutMs?: number;
}

/** How a child ended and everything it wrote. */
export interface ProcessResult {
  /** Exit code, or `null` when a signal ended it. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: Buffer;
}

/** A child that outlived its deadline; carries what it wrote so far. */
export class ProcessTimeoutError extends Error {
  override readonly name = 'ProcessTimeoutError';
  readonly partial: Omit<ProcessResult, 'code' | 'signal'>;
  constructor(message: string, partial: Omit<ProcessResult, 'code' | 'signal'>) {
    super(message);
    this.partial = partial;
  }
}

const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * Runs `cmd args` to completion and collects its output.
 *
 * @example
 * const { code, stdout } = await runProcess('/usr/bin/ssh-keygen', ['-l', '-f', pub]);
 */
export function runProcess(
  cmd: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<ProcessResult> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const child = spawn(cmd, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: [options.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
  if (options.stdin !== undefined) feedStdin(child, options.stdin);

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      const partial = { stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr) };
      const tail = partial.stderr.toString('utf8').slice(-2000);
      reject(
        new ProcessTimeoutError(
          `${describeCommand(cmd, args)} timed out after ${timeoutMs} ms\n${tail}`,
          partial,
        ),
      );
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${describeCommand(cmd, args)}: ${error.message}`, { cause: error }));
    });
    // 'close', not 'exit': it fires once stdout and stderr are drained too.
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr) });
    });
  });
}

/**
 * Writes `source` to the child's stdin and closes it. A child that exits without reading all of
 * its input (`head`, a failed login) gives EPIPE, which is its business, not the test's.
 */
export function feedStdin(child: ChildProcess, source: StdinSource): void {
  const stdin = child.stdin;
  if (stdin === null) throw new TypeError('child was spawned without a stdin pipe');
  stdin.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE' && error.code !== 'ECONNRESET') child.emit('error', error);
  });
  if (typeof source === 'string' || source instanceof Uint8Array) stdin.end(source);
  else source.pipe(stdin);
}

/**
 * Resolves when `child` has exited (immediately if it already has); rejects after `timeoutMs`.
 * The child is left alone on timeout: the caller decides whether to kill it.
 */
export function waitForExit(
  child: ChildProcess,
  timeoutMs = DEFAULT_TIMEOUT_MS,
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.off('exit', onExit);
      reject(
        new Error(
          `${describeCommand(child.spawnfile, child.spawnargs.slice(1))} still running after ${timeoutMs} ms`,
        ),
      );
    }, timeoutMs);
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
      clearTimeout(timer);
      resolve({ code, signal });
    };
    child.once('exit', onExit);
  });
}

/** `cmd 'arg' …` for error messages, with arguments quoted as a shell would need them. */
export function describeCommand(cmd: string, args: readonly string[]): string {
  const quote = (s: string): string => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`);
  return [cmd, ...args].map(quote).join(' ');
}
