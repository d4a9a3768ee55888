/**
 * `pnpm bench`: Seashell's client and server against OpenSSH and each other, side by side with
 * OpenSSH against itself — bulk transfer per cipher in both directions, and handshakes — in one
 * run on one machine (DESIGN.md "Testing": speed is measured here, never by timed tests).
 */
import { readFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { formatPublicKeyLine, parseOpenSshPrivateKey, parsePublicKeyLine } from '@seashell/auth';
import { defaultCryptoProvider } from '@seashell/transport';
import { CRYPTO_PROVIDERS, nodeProvider } from '@seashell/transport/node';
import { makeTempDir, requireOpenSSH, startSshd, writeKnownHosts } from '../support/openssh.js';
import type { ClientConnection, ClientEnd, ServerEnd } from './ends.js';
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
import { best } from './timing.js';

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
  const crypto = options.crypto === undefined ? undefined : CRYPTO_PROVIDERS[options.crypto];
  const server = await startSeashellServer(clientKey.publicKey, crypto);
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
  const ours = seashellClient(clientKey, crypto);
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
  /** Times `work`, logs the result, and returns `amount` per second. */
  const measure = async (
    what: string,
    amount: number,
    unit: string,
    timeoutMs: number,
    work: (signal: AbortSignal) => Promise<void>,
  ): Promise<Measure> => {
    const t = await best(repeat, timeoutMs, options.signal, work);
    const result =
      'error' in t
        ? `FAILED: ${t.error}`
        : `${(amount / t.seconds).toFixed(1)} ${unit} (${t.seconds.toFixed(2)} s, bench process CPU ${(t.cpu * 100).toFixed(0)}%)`;
    log(`[${++step}/${total}] ${what}: ${result}`);
    return 'error' in t ? t : { value: amount / t.seconds };
  };

  const failed = (what: string, error: unknown): Measure => {
    options.signal?.throwIfAborted();
    const message = error instanceof Error ? error.message : String(error);
    log(`[${++step}/${total}] ${what}: FAILED: ${message}`);
    return { error: message };
  };

  const rows: BenchRow[] = [];
  for (const cipher of options.ciphers) {
    for (const { name, client, server: end } of pairs) {
      // One connection for both directions, opened before the clock starts; another after a failure.
      let connection: ClientConnection | undefined;
      const result = { upload: undefined as Measure | undefined, download: undefined as Measure | undefined };
      try {
        for (const direction of ['upload', 'download'] as const) {
          const what = `${cipher}, ${name}, ${direction}`;
          try {
            connection ??= await client.connect(end, cipher, within(30_000, options.signal));
          } catch (error) {
            result[direction] = failed(what, error);
            continue;
          }
          const open = connection;
          const measured = await measure(what, bytes / MIB, 'MiB/s', transferMs, (s) =>
            open[direction](bytes, s),
          );
          result[direction] = measured;
          if ('error' in measured) {
            connection = undefined;
            await open.close().catch(() => {});
          }
        }
      } finally {
        await connection?.close().catch(() => {});
      }
      rows.push({ cipher, pair: name, upload: result.upload!, download: result.download! });
    }
  }

  const handshakeCipher = options.ciphers[0]!;
  const rounds = options.handshakeRounds;
  for (const { name, client, server: end } of pairs) {
    const once = (s: AbortSignal): Promise<void> => client.handshake(end, handshakeCipher, s);
    const what = `${handshakeCipher}, ${name}, ${rounds} handshakes`;
    const warm = await best(1, 30_000, options.signal, once);
    const handshakes =
      'error' in warm
        ? failed(what, new Error(warm.error))
        : await measure(what, rounds, '/s', 30_000 + rounds * 10_000, async (s) => {
            for (let i = 0; i < rounds; i++) await once(s);
          });
    const i = rows.findIndex((r) => r.cipher === handshakeCipher && r.pair === name);
    rows[i] = { ...rows[i]!, handshakes };
  }

  const markdown = renderReport(rows, machine, {
    bytes,
    repeat,
    handshakeRounds: rounds,
    crypto: (crypto ?? defaultCryptoProvider(nodeProvider)).name,
    date,
    loadAverageAtEnd: loadavg()[0] ?? 0,
  });
  return { markdown, rows, machine };
}

/** A signal that aborts after `ms` or with `outer`. */
function within(ms: number, outer: AbortSignal | undefined): AbortSignal {
  const timeout = AbortSignal.timeout(ms);
  return outer ? AbortSignal.any([outer, timeout]) : timeout;
}
