/**
 * Runs a session's process on pipes (no pty): the client's data is its stdin (EOF included), its
 * stdout and stderr go back as CHANNEL_DATA and EXTENDED_DATA, and its exit status or signal ends
 * the session (RFC 4254 §6.5, §6.10). `pipe()` carries backpressure both ways: a slow client
 * stops the process's output, a slow process stops the client's window.
 */
import { spawn } from 'node:child_process';
import { connectSignals, signalName } from './process-signals.js';
import type { ProcessSpec } from './process-spec.js';
import type { Session } from './session.js';

/**
 * Runs `spec` for `session` and resolves once the exit status has been sent.
 * @example
 * await runOnPipes(session, { file: '/bin/sh', args: ['-c', session.rawCommand], env, cwd: home });
 */
export function runOnPipes(session: Session, spec: ProcessSpec): Promise<void> {
  // detached: setsid(2), as sshd does for every session, so a signal reaches the whole group.
  const child = spawn(spec.file, [...spec.args], {
    env: spec.env,
    cwd: spec.cwd,
    stdio: 'pipe',
    detached: true,
  });
  return new Promise((resolve) => {
    const finish = (report: () => Promise<void>): void => {
      session.stdin.unpipe(child.stdin);
      report().then(resolve, resolve);
    };
    child.once('error', (error) => {
      // Only a failed spawn has no pid; other errors (a failed kill) are not fatal.
      if (child.pid !== undefined) return;
      session.stderr.write(`seashell-sshd: cannot run ${spec.file}: ${error.message}\n`);
      finish(() => session.exit(1));
    });
    if (child.pid === undefined) return;
    // A process that exits without reading all of its input gives EPIPE: its business.
    child.stdin.on('error', () => {});
    session.stdin.pipe(child.stdin);
    child.stdout.pipe(session.stdout, { end: false });
    child.stderr.pipe(session.stderr, { end: false });
    const disconnectSignals = connectSignals(session, child.pid, () => {
      // The channel is gone: close the pipes as sshd does, so the process sees EOF and EPIPE.
      for (const s of [child.stdin, child.stdout, child.stderr]) s.destroy();
    });
    // 'close', not 'exit': it comes once stdout and stderr are drained.
    child.once('close', (code, signal) => {
      disconnectSignals();
      finish(() => (signal !== null ? session.exitSignal(signalName(signal)) : session.exit(code ?? 255)));
    });
  });
}
