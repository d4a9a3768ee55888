/**
 * The session the `seashell` CLI runs (RFC 4254 §6): a pty if asked for, environment variables,
 * then a command, a subsystem or the shell, with the local stdin, stdout and stderr streamed
 * through the channel. Streams are piped, so a slow local reader holds back the remote writer
 * (the channel window only reopens as we consume); our stdin's end is the channel's EOF, and the
 * remote output that follows it still arrives (half-close). While a pty runs, the local terminal
 * is raw and window size changes are forwarded.
 */
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { CliLog } from './cli-log.js';
import type { Client } from './client.js';
import type { ExitInfo, PtyOptions } from './client-session.js';
import { enterRawMode, terminalSize } from './tty.js';

export interface SessionPlan {
  /** The command, or the subsystem name; '' for the user's shell. */
  readonly command: string;
  readonly subsystem: boolean;
  /** Request a pty with these settings. */
  readonly pty?: PtyOptions;
  readonly env: ReadonlyMap<string, string>;
  /** Send EOF at once instead of reading stdin (`-n`). */
  readonly stdinNull: boolean;
}

export interface SessionIo {
  readonly stdin: NodeJS.ReadStream;
  readonly stdout: NodeJS.WriteStream;
  readonly stderr: NodeJS.WriteStream;
  readonly log: CliLog;
}

/** How the session ended: the remote exit, or `failed` when it never started. */
export type SessionOutcome = ExitInfo & { readonly failed?: string };

/** Runs one session to its end. */
export async function runSession(client: Client, plan: SessionPlan, io: SessionIo): Promise<SessionOutcome> {
  const { log } = io;
  const session = await client.session();
  if (plan.pty && !(await session.requestPty(plan.pty)))
    log.error('PTY allocation request failed on channel 0');
  for (const [name, value] of plan.env) {
    log.debug(`Sending env ${name} = ${value}`);
    if (!(await session.setenv(name, value))) log.debug(`The server refused the variable ${name}`);
  }

  // Local stdout and stderr stay open: other output (ours) may follow the remote's.
  session.stdout.pipe(io.stdout, { end: false });
  session.stderr.pipe(io.stderr, { end: false });
  // The remote may exit before it read all we send: that is not our error, as EPIPE is not.
  session.stdin.on('error', () => {});

  const what = plan.subsystem ? 'subsystem' : plan.command ? 'exec' : 'shell';
  try {
    if (plan.subsystem) await session.subsystem(plan.command);
    else if (plan.command) {
      log.debug(`Sending command: ${plan.command}`);
      await session.exec(plan.command);
    } else await session.shell();
  } catch {
    session.close();
    return { failed: `${what} request failed on channel 0` };
  }

  const restoreTerminal = plan.pty ? enterRawMode(io.stdin) : () => {};
  const onWindowChange = () => {
    const { columns, rows } = terminalSize();
    session.windowChange(columns, rows);
  };
  if (plan.pty) process.on('SIGWINCH', onWindowChange);
  // A local reader that went away (`| head`) ends the session, as a broken pipe ends ssh. pipe()
  // has let go of the channel's stream then; destroying it drops (and still acknowledges) the rest.
  const onOutputError = () => {
    session.stdout.destroy();
    session.close();
  };
  io.stdout.on('error', onOutputError);

  if (plan.stdinNull) session.stdin.end();
  else io.stdin.pipe(session.stdin);

  try {
    const exit = await session.wait();
    await Promise.all([drained(session.stdout), drained(session.stderr)]);
    await Promise.all([flush(io.stdout), flush(io.stderr)]);
    return exit;
  } finally {
    io.stdin.unpipe(session.stdin);
    io.stdin.pause();
    restoreTerminal();
    process.off('SIGWINCH', onWindowChange);
    io.stdout.off('error', onOutputError);
  }
}

/** Resolves once a channel stream has delivered everything (or failed). */
function drained(stream: Readable): Promise<void> {
  return finished(stream).catch(() => undefined);
}

/** Resolves once what was written to `stream` has been handed to the OS. */
function flush(stream: NodeJS.WriteStream): Promise<void> {
  if (stream.destroyed || stream.writableEnded || stream.errored) return Promise.resolve();
  return new Promise((resolve) => stream.write('', () => resolve()));
}

/** The size, modes and TERM for a `pty-req`, from the local terminal and environment. */
export function localPty(
  term: string | undefined,
  modes: ReadonlyMap<number, number> | undefined,
): PtyOptions {
  const { columns, rows } = terminalSize();
  return { term: term ?? '', columns, rows, ...(modes ? { modes } : {}) };
}
