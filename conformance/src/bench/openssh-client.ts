/**
 * OpenSSH's `ssh` as a benchmark client end, one process per transfer, isolated from ~/.ssh as the
 * interop tests run it but logging at INFO (DEBUG3 would cost time per packet). Data never passes
 * through this process: `head -c N /dev/zero | ssh … SINK` and `ssh … SOURCE > /dev/null` run under
 * `/bin/sh`, so the in-process Seashell server has the Node thread to itself.
 */
import { spawn } from 'node:child_process';
import { describeCommand, isolationOptions, requireOpenSSH } from '../support/openssh.js';
import { aborted, type ClientEnd, type ServerEnd } from './ends.js';
import { BENCH_KEX, BENCH_MAC } from './options.js';

/** Process groups still running, killed if the bench exits before they do. */
const live = new Set<number>();
process.once('exit', () => {
  for (const pgid of live) kill(pgid);
});

/** A client end running `ssh` with `identityFile`; `dir` is the harness target's scratch directory. */
export function opensshClient(identityFile: string, dir: string): ClientEnd {
  const ssh = requireOpenSSH().ssh;
  const argv = (server: ServerEnd, cipher: string | undefined, command: string): string[] => [
    ...(cipher !== undefined ? ['-c', cipher, '-m', BENCH_MAC] : []),
    // INFO, not the harness's DEBUG3 (a line per packet) nor ERROR (hides "Unable to negotiate").
    '-o',
    'LogLevel=INFO',
    // Seashell's only key exchange; ssh → sshd would otherwise pick sntrup761x25519-sha512, which
    // costs ~95 ms more per handshake here and would make the handshake column incomparable.
    '-o',
    `KexAlgorithms=${BENCH_KEX}`,
    ...isolationOptions({ port: server.port, identityFile, knownHostsFile: server.knownHostsFile, dir }),
    '127.0.0.1',
    command,
  ];
  return {
    upload: async (server, cipher, bytes, signal) => {
      const line = `head -c ${bytes} /dev/zero | ${describeCommand(ssh, argv(server, cipher, server.sinkCommand))}`;
      await run('ssh', '/bin/sh', ['-c', line], signal);
      server.checkSink(bytes);
    },
    download: (server, cipher, bytes, signal) => {
      const command = argv(server, cipher, server.sourceCommand(bytes));
      return run('ssh', '/bin/sh', ['-c', `exec ${describeCommand(ssh, command)} > /dev/null`], signal);
    },
    handshake: (server, cipher, signal) => run('ssh', ssh, argv(server, cipher, 'true'), signal),
  };
}

/**
 * Runs `cmd args` in a process group of its own (so that an abort kills the whole pipeline) and
 * resolves when it exits 0; rejects with `label` and the tail of its stderr otherwise.
 */
async function run(label: string, cmd: string, args: readonly string[], signal: AbortSignal): Promise<void> {
  signal.throwIfAborted();
  const child = spawn(cmd, args, { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  const pgid = child.pid;
  if (pgid === undefined) throw new Error(`cannot run ${cmd}`);
  live.add(pgid);
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => {
    stderr = (stderr + text).slice(-2000);
  });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve(code));
  });
  const onAbort = (): void => kill(pgid);
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    const code = await Promise.race([exited, aborted(signal)]);
    if (code !== 0)
      throw new Error(`${label} exited ${code}: ${stderr.trim() || describeCommand(cmd, args)}`);
  } finally {
    signal.removeEventListener('abort', onAbort);
    live.delete(pgid);
  }
}

function kill(pgid: number): void {
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    // already gone
  }
}
