/**
 * Signals between a session and its process (RFC 4254 §6.9–6.10): a client's `signal` request
 * goes to the whole process group, as sshd's `killpg` does, and a process that died by a signal
 * is reported by the signal's name without "SIG".
 */
import { constants } from 'node:os';
import type { Session } from './session.js';

/** RFC 4254 §6.10: the signal names a client may send. */
export const SIGNAL_NAMES: ReadonlySet<string> = new Set([
  'ABRT',
  'ALRM',
  'FPE',
  'HUP',
  'ILL',
  'INT',
  'KILL',
  'PIPE',
  'QUIT',
  'SEGV',
  'TERM',
  'USR1',
  'USR2',
]);

/**
 * A signal's name for exit-signal: `SIGTERM` or 15 → `TERM`. Names outside RFC 4254's list
 * (`WINCH`, say) are sent as they are.
 */
export function signalName(signal: string | number): string {
  if (typeof signal === 'string') return signal.replace(/^SIG/, '');
  const entry = Object.entries(constants.signals).find(([, n]) => n === signal);
  return entry ? entry[0].replace(/^SIG/, '') : String(signal);
}

/** Sends `SIG<name>` to process group `pid`; a group that is gone already is not an error. */
export function signalGroup(pid: number | undefined, name: string): void {
  if (pid === undefined || !SIGNAL_NAMES.has(name)) return;
  try {
    process.kill(-pid, `SIG${name}` as NodeJS.Signals);
  } catch {
    // ESRCH: the group has exited.
  }
}

/**
 * Passes the client's signal requests to process group `pid`, and hangs the group up (SIGHUP, as
 * a terminal that goes away does) if the channel closes while the process runs. Call the returned
 * function once the process has exited: from then on the group is not ours to signal.
 */
export function connectSignals(session: Session, pid: number | undefined, onHangup: () => void): () => void {
  let running = true;
  void (async () => {
    for await (const name of session.signals()) if (running) signalGroup(pid, name);
  })();
  const hangup = (): void => {
    signalGroup(pid, 'HUP');
    onHangup();
  };
  if (session.signal.aborted) hangup();
  else session.signal.addEventListener('abort', hangup, { once: true });
  return () => {
    running = false;
    session.signal.removeEventListener('abort', hangup);
  };
}
