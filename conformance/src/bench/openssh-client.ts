/**
 * OpenSSH's `ssh` as a benchmark client end, isolated from ~/.ssh as the interop tests run it but
 * logging at INFO (DEBUG3 costs time per packet; ERROR hides "Unable to negotiate").
 *
 * A connection is a control master (`ssh -M -S SOCKET -N`); each transfer is a multiplexed
 * `ssh -S SOCKET` whose stdin or stdout the master reads or writes directly (the client passes
 * its file descriptors over the socket), so a transfer costs a channel open, not a key exchange,
 * as with Seashell's client. Data never passes through this process:
 * `head -c N /dev/zero | ssh … SINK` and `ssh … SOURCE > /dev/null` run under `/bin/sh`, so the
 * in-process Seashell server has the Node thread to itself.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { describeCommand, isolationOptions, requireOpenSSH } from '../support/openssh.js';
import { type ClientEnd, type ServerEnd, unlessAborted } from './ends.js';
import { BENCH_KEX, BENCH_MAC } from './options.js';

/** Process groups still running, killed if the bench exits before they do. */
const live = new Set<number>();
process.once('exit', () => {
  for (const pgid of live) kill(pgid);
});

let masters = 0;

/** A client end running `ssh` with `identityFile`; control sockets go in `dir`. */
export function opensshClient(identityFile: string, dir: string): ClientEnd {
  const ssh = requireOpenSSH().ssh;
  const options = (server: ServerEnd, cipher: string | undefined): string[] => [
    ...(cipher !== undefined ? ['-c', cipher, '-m', BENCH_MAC] : []),
    '-o',
    'LogLevel=INFO',
    // Seashell's only key exchange; ssh → sshd would otherwise pick sntrup761x25519-sha512, which
    // costs ~95 ms more per handshake on the 2-core bench machine: no longer the same thing.
    '-o',
    `KexAlgorithms=${BENCH_KEX}`,
    ...isolationOptions({ port: server.port, identityFile, knownHostsFile: server.knownHostsFile, dir }),
    '127.0.0.1',
  ];
  return {
    connect: async (server, cipher, signal) => {
      // -S before the isolation options' ControlPath=none: ssh keeps the first value it is given.
      const socket = join(dir, `ctl-${++masters}`);
      const master = start(ssh, ['-M', '-S', socket, '-N', ...options(server, cipher)]);
      try {
        await listening(master, socket, signal);
      } catch (error) {
        await master.stop();
        throw error;
      }
      const mux = (command: string): string =>
        describeCommand(ssh, ['-S', socket, ...options(server, cipher), command]);
      return {
        upload: async (bytes, signal) => {
          await run('/bin/sh', ['-c', `head -c ${bytes} /dev/zero | ${mux(server.sinkCommand)}`], signal);
          server.checkSink(bytes);
        },
        download: (bytes, signal) =>
          run('/bin/sh', ['-c', `exec ${mux(server.sourceCommand(bytes))} > /dev/null`], signal),
        close: () => master.stop('SIGTERM'),
      };
    },
    handshake: (server, cipher, signal) => run(ssh, [...options(server, cipher), 'true'], signal),
  };
}

/** A child in a process group of its own, its stderr's tail kept for error messages. */
interface Started {
  /** The exit code (null: killed by a signal). */
  readonly exited: Promise<number | null>;
  stderr(): string;
  /** Signals the group (SIGTERM lets a control master remove its socket) and waits for the child. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

function start(cmd: string, args: readonly string[]): Started {
  const child = spawn(cmd, args, { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (text: string) => {
    stderr = (stderr + text).slice(-2000);
  });
  const pgid = child.pid;
  if (pgid !== undefined) live.add(pgid);
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      if (pgid !== undefined) live.delete(pgid);
      resolve(code);
    });
  });
  exited.catch(() => {}); // a spawn failure is reported by whoever awaits `exited`
  return {
    exited,
    stderr: () => stderr.trim(),
    stop: async (signal = 'SIGKILL') => {
      if (pgid !== undefined) kill(pgid, signal);
      await exited.catch(() => {});
    },
  };
}

/** Waits until the master has authenticated and made its control socket. */
async function listening(master: Started, socket: string, signal: AbortSignal): Promise<void> {
  const gone = master.exited.then((code) => {
    throw new Error(`ssh control master exited ${code}: ${master.stderr()}`);
  });
  gone.catch(() => {}); // the master exits at close too, long after this wait
  for (;;) {
    if (existsSync(socket)) return;
    await unlessAborted(Promise.race([delay(10), gone]), signal);
  }
}

/** Runs `cmd args` and resolves when it exits 0; an abort kills its whole process group. */
async function run(cmd: string, args: readonly string[], signal: AbortSignal): Promise<void> {
  signal.throwIfAborted();
  const started = start(cmd, args);
  const onAbort = (): void => void started.stop();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    const code = await unlessAborted(started.exited, signal);
    if (code !== 0) throw new Error(`ssh exited ${code}: ${started.stderr() || describeCommand(cmd, args)}`);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

function kill(pgid: number, signal: NodeJS.Signals = 'SIGKILL'): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // already gone
  }
}
