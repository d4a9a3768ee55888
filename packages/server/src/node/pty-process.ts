/**
 * Runs a session's process on a pseudo-terminal (RFC 4254 §6.2) through `@lydell/node-pty`: the
 * TERM and size of the pty-req, window-change → resize (§6.7), stdout and stderr merged on the
 * terminal and sent as CHANNEL_DATA, as sshd does.
 *
 * node-pty cannot set terminal modes or tell the slave's name before the child runs, so the child
 * is a small `/bin/sh` that exports SSH_TTY, applies the pty-req modes with `stty` and then execs
 * the real program. EOF from the client is not passed on: sshd closes only its duplicate of the
 * master, and the terminal stays open.
 */
import { Socket } from 'node:net';
import { connectSignals, signalName } from './process-signals.js';
import type { ProcessSpec } from './process-spec.js';
import type { Pty, Session } from './session.js';
import { sttyArguments } from './terminal-modes-stty.js';

/** The parts of node-pty's IPty used here, with the Buffer data that `encoding: null` gives. */
interface Terminal {
  readonly pid: number;
  onData(listener: (data: Uint8Array | string) => void): unknown;
  onExit(listener: (e: { exitCode: number; signal?: number }) => void): unknown;
  resize(columns: number, rows: number): void;
  write(data: string | Uint8Array): void;
  pause(): void;
  resume(): void;
  /** Closes the master, which hangs the terminal up; UnixTerminal has it, IPty does not declare it. */
  destroy?(): void;
}

/**
 * Output queued for the client above which the terminal is paused. Generous on purpose: node-pty
 * destroys the master 200 ms after the child exits, so output still in the kernel then is lost
 * if the terminal is paused at that moment.
 */
const OUTPUT_HIGH_WATER = 1 << 20;

/**
 * The `/bin/sh -c` script run on the terminal before `spec`: SSH_TTY, the modes, then exec.
 * Exported for tests.
 */
export function ptyWrapperScript(modes: Pty['modes']): string {
  const stty = sttyArguments(modes);
  const applyModes = stty.length > 0 ? `stty ${stty.map(shellQuote).join(' ')} 2>/dev/null; ` : '';
  return `SSH_TTY=$(tty) && export SSH_TTY; ${applyModes}exec "$@"`;
}

function shellQuote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * Runs `spec` on a new pty for `session` and resolves once the exit status has been sent.
 * @example
 * await runOnPty(session, session.pty()!, { file: shell, args: ['-l'], env, cwd: home });
 */
export async function runOnPty(session: Session, pty: Pty, spec: ProcessSpec): Promise<void> {
  let term: Terminal;
  try {
    // Loaded on first use: a server that never allocates a pty never loads the native addon.
    const { spawn } = await import('@lydell/node-pty');
    const size = pty.window;
    term = spawn('/bin/sh', ['-c', ptyWrapperScript(pty.modes), 'sh', spec.file, ...spec.args], {
      name: pty.term || 'dumb',
      // 0 means "unknown" in a pty-req; node-pty then uses 80x24.
      cols: size.columns,
      rows: size.rows,
      cwd: spec.cwd,
      env: { ...spec.env },
      encoding: null,
    }) as unknown as Terminal;
  } catch (error) {
    session.stderr.write(`seashell-sshd: cannot start a pty: ${(error as Error).message}\n`);
    await session.exit(1);
    return;
  }
  connectInput(session, term);
  let hungUp = false;
  term.onData((data) => {
    if (hungUp) return;
    const out = session.stdout;
    out.write(data);
    if (out.writableLength > OUTPUT_HIGH_WATER) {
      term.pause();
      out.once('drain', () => term.resume());
    }
  });
  void (async () => {
    for await (const w of session.windowChanges()) {
      try {
        if (w.columns > 0 && w.rows > 0) term.resize(w.columns, w.rows);
      } catch {
        // The terminal is gone (the process exited while its last output is still being sent).
      }
    }
  })();
  const exited = new Promise<{ exitCode: number; signal?: number }>((resolve) => term.onExit(resolve));
  const disconnectSignals = connectSignals(session, term.pid, () => {
    // The channel is gone: close the master as sshd closes the pty, so the terminal hangs up.
    hungUp = true;
    term.resume();
    term.destroy?.();
  });
  const { exitCode, signal } = await exited;
  disconnectSignals();
  await (signal ? session.exitSignal(signalName(signal)) : session.exit(exitCode));
}

/**
 * The client's data into the terminal. node-pty's `write` cannot say "wait", so its master socket
 * is used when it is there, and `pipe()` then holds the client back while the terminal is full.
 */
function connectInput(session: Session, term: Terminal): void {
  const master = (term as unknown as { _socket?: unknown })._socket;
  if (master instanceof Socket) {
    // node-pty rethrows a master error (a write racing the close) unless someone else listens.
    master.on('error', () => {});
    session.stdin.pipe(master, { end: false });
    return;
  }
  session.stdin.on('data', (data: Uint8Array) => term.write(data));
}
