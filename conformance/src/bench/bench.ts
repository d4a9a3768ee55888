/**
 * `pnpm bench`: Seashell's client and server against OpenSSH and each other, side by side with
 * OpenSSH against itself — bulk transfer per cipher in both directions, and handshakes — in one
 * run on one machine (DESIGN.md "Testing": speed is measured here, never by timed tests).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatPublicKeyLine, parseOpenSshPrivateKey, parsePublicKeyLine } from '@seashell/auth';
import { makeTempDir, requireOpenSSH, startSshd, writeKnownHosts } from '../support/openssh.js';
import type { ClientEnd, ServerEnd } from './ends.js';
import { opensshClient } from './openssh-client.js';
import { type BenchOptions, benchDefaults } from './options.js';
import {
  type BenchRow,
  type MachineInfo,
  type Measure,
  machineInfo,
  type PairName,
  renderReport,
} from './report.js';
import { seashellClient } from './seashell-client.js';
import { startSeashellServer } from './seashell-server.js';

export { type BenchOptions, parseBenchArgs, USAGE } from './options.js';
export { type BenchRow, type MachineInfo, type Measure, PAIRS, type PairName } from './report.js';

/** What {@link runBench} measured. */
export interface BenchReport {
  /** Header, table and notes, as printed. */
  readonly markdown: string;
  readonly rows: readonly BenchRow[];
  readonly machine: MachineInfo;
}

const MIB = 1 << 20;
/** A transfer slower than this is called a stall: cancelled and reported as a failure. */
const SLOWEST_MIB_PER_SECOND = 2;

interface Pair {
  readonly name: PairName;
  readonly client: ClientEnd;
  readonly server: ServerEnd;
}

/**
 * Starts a private sshd and an in-process Seashell server, measures every cipher through every
 * pair, then handshakes, and stops both servers (also when it fails or `options.signal` aborts).
 *
 * @example
 * const { markdown } = await runBench({ quick: true, bytes: 1 << 20 });
 * process.stdout.write(markdown);
 */
export async function runBench(
  input: Partial<BenchOptions> & { quick?: boolean } = {},
): Promise<BenchReport> {
  const options = benchDefaults(input);
  const log = options.log ?? (() => {});
  const { ssh } = requireOpenSSH();
  const machine = await machineInfo(ssh);
  const date = new Date();
  await using scratch = await makeTempDir('seashell-bench-');
  // LogLevel INFO, not the harness's DEBUG3: sshd would log per window adjust while we time it.
  await using sshd = await startSshd({ options: { LogLevel: 'INFO' } });
  const clientKey = parseOpenSshPrivateKey(await readFile(sshd.clientKey.privateKey, 'utf8')).privateKey;
  const server = await startSeashellServer(clientKey.publicKey);
  await using _stopServer = { [Symbol.asyncDispose]: () => server.shutdown() };

  const seashellKnownHosts = join(scratch.path, 'known_hosts');
  await writeKnownHosts(seashellKnownHosts, server.port, [formatPublicKeyLine(server.hostKey)]);
  const sshdEnd: ServerEnd = {
    port: sshd.port,
    hostKeys: Object.values(sshd.hostKeys).map((k) => parsePublicKeyLine(k.publicKeyLine).key),
    knownHostsFile: sshd.knownHostsFile,
    sinkCommand: 'cat > /dev/null',
    sourceCommand: (bytes) => `head -c ${bytes} /dev/zero`,
    checkSink: () => {}, // cat's exit status is all sshd tells
  };
  const seashellEnd: ServerEnd = {
    port: server.port,
    hostKeys: [server.hostKey],
    knownHostsFile: seashellKnownHosts,
    sinkCommand: 'sink',
    sourceCommand: (bytes) => `source ${bytes}`,
    checkSink: (bytes) => {
      if (server.lastSinkBytes !== bytes)
        throw new Error(`sink read ${server.lastSinkBytes} of ${bytes} bytes`);
    },
  };
  const ours = seashellClient(clientKey);
  const theirs = opensshClient(sshd.clientKey.privateKey, scratch.path);
  const pairs: Pair[] = [
    { name: 'seashell → OpenSSH sshd', client: ours, server: sshdEnd },
    { name: 'OpenSSH ssh → seashell', client: theirs, server: seashellEnd },
    { name: 'seashell ↔ seashell', client: ours, server: seashellEnd },
    { name: 'OpenSSH ssh → sshd', client: theirs, server: sshdEnd },
  ];

  const { bytes, repeat } = options;
  const transferMs = 60_000 + ((bytes / MIB) * 1000) / SLOWEST_MIB_PER_SECOND;
  const total = options.ciphers.length * pairs.length * 2 + pairs.length;
  let step = 0;
  const progress = (what: string, m: Measure, unit: string): void => {
    const result = 'value' in m ? `${m.value.toFixed(1)} ${unit}` : `FAILED: ${m.error}`;
    log(`[${++step}/${total}] ${what}: ${result}`);
  };

  const rows: BenchRow[] = [];
  for (const cipher of options.ciphers) {
    for (const { name, client, server: end } of pairs) {
      const upload = rate(
        bytes / MIB,
        await best(repeat, transferMs, options.signal, (s) => client.upload(end, cipher, bytes, s)),
      );
      progress(`${cipher}, ${name}, upload`, upload, 'MiB/s');
      const download = rate(
        bytes / MIB,
        await best(repeat, transferMs, options.signal, (s) => client.download(end, cipher, bytes, s)),
      );
      progress(`${cipher}, ${name}, download`, download, 'MiB/s');
      rows.push({ cipher, pair: name, upload, download });
    }
  }

  const handshakeCipher = options.ciphers[0]!;
  const rounds = options.handshakeRounds;
  for (const { name, client, server: end } of pairs) {
    const once = (s: AbortSignal): Promise<void> => client.handshake(end, handshakeCipher, s);
    const warm = await best(1, 30_000, options.signal, once);
    const seconds =
      'error' in warm
        ? warm
        : await best(repeat, 30_000 + rounds * 10_000, options.signal, async (s) => {
            for (let i = 0; i < rounds; i++) await once(s);
          });
    const handshakes = rate(rounds, seconds);
    progress(`${handshakeCipher}, ${name}, ${rounds} handshakes`, handshakes, '/s');
    const i = rows.findIndex((r) => r.cipher === handshakeCipher && r.pair === name);
    rows[i] = { ...rows[i]!, handshakes };
  }

  const markdown = renderReport(rows, machine, {
    bytes,
    repeat,
    handshakeRounds: rounds,
    date,
  });
  return { markdown, rows, machine };
}

/** `amount` per second, from a duration in seconds. */
function rate(amount: number, seconds: Measure): Measure {
  return 'error' in seconds ? seconds : { value: amount / seconds.value };
}

/**
 * Runs `work` `repeat` times and returns the shortest time in seconds, or the first failure. Each
 * run is cancelled after `timeoutMs`; an abort of `outer` cancels it and rethrows.
 */
async function best(
  repeat: number,
  timeoutMs: number,
  outer: AbortSignal | undefined,
  work: (signal: AbortSignal) => Promise<void>,
): Promise<Measure> {
  let shortest = Number.POSITIVE_INFINITY;
  for (let i = 0; i < repeat; i++) {
    outer?.throwIfAborted();
    const deadline = new AbortController();
    const timer = setTimeout(
      () => deadline.abort(new Error(`no result after ${(timeoutMs / 1000).toFixed(0)} s (stalled?)`)),
      timeoutMs,
    );
    const signal = outer ? AbortSignal.any([outer, deadline.signal]) : deadline.signal;
    const start = performance.now();
    try {
      await work(signal);
      shortest = Math.min(shortest, (performance.now() - start) / 1000);
    } catch (error) {
      outer?.throwIfAborted();
      return { error: error instanceof Error ? error.message : String(error) };
    } finally {
      clearTimeout(timer);
    }
  }
  return { value: shortest };
}
