/**
 * The benchmark's output: the machine it ran on and one markdown table of results, with the notes
 * a reader needs to interpret the numbers.
 */
import { availableParallelism, cpus, loadavg, release } from 'node:os';
import { runProcess } from '../support/openssh.js';
import { BENCH_KEX, BENCH_MAC } from './options.js';

/** A result, or why there is none. */
export type Measure = { readonly value: number } | { readonly error: string };

/** The four pairs, client first; each is a row of the table per cipher. */
export const PAIRS = [
  'seashell → OpenSSH sshd',
  'OpenSSH ssh → seashell',
  'seashell ↔ seashell',
  'OpenSSH ssh → sshd',
] as const;
export type PairName = (typeof PAIRS)[number];

/** One row: a cipher through a pair. */
export interface BenchRow {
  readonly cipher: string;
  readonly pair: PairName;
  /** MiB/s. */
  readonly upload: Measure;
  /** MiB/s. */
  readonly download: Measure;
  /** Handshakes per second; only on the rows of the cipher the handshakes used. */
  readonly handshakes?: Measure;
}

export interface MachineInfo {
  readonly node: string;
  readonly platform: string;
  readonly cpu: string;
  readonly cores: number;
  /** 1-minute load average when the run started (others' work on the machine skews the numbers). */
  readonly loadAverage: number;
  readonly openssh: string;
}

/** What the run was asked to do, for the header and notes. */
export interface RunInfo {
  readonly bytes: number;
  readonly repeat: number;
  readonly handshakeRounds: number;
  /** The name of Seashell's crypto provider in this run (`node`, `noble`). */
  readonly crypto: string;
  readonly date: Date;
  /** 1-minute load average when the run ended. */
  readonly loadAverageAtEnd: number;
}

/** Node, OS, CPU model and core count, and the OpenSSH version (`ssh -V`). */
export async function machineInfo(ssh: string): Promise<MachineInfo> {
  const version = await runProcess(ssh, ['-V']);
  return {
    node: process.version,
    platform: `${process.platform} ${release()} ${process.arch}`,
    cpu: cpus()[0]?.model.trim() ?? 'unknown CPU',
    cores: availableParallelism(),
    loadAverage: loadavg()[0] ?? 0,
    openssh: version.stderr.toString('utf8').trim(),
  };
}

const MIB = 1 << 20;

function cell(m: Measure | undefined, errors: string[]): string {
  if (m === undefined) return '';
  if ('value' in m) return m.value >= 100 ? m.value.toFixed(0) : m.value.toPrecision(3);
  errors.push(m.error);
  return `failed [${errors.length}]`;
}

/** The report: a header with the machine, the table, notes, and the failures if any. */
export function renderReport(rows: readonly BenchRow[], machine: MachineInfo, run: RunInfo): string {
  const errors: string[] = [];
  const size = run.bytes % MIB === 0 ? `${run.bytes / MIB} MiB` : `${run.bytes} bytes`;
  const lines = [
    `## Seashell bench, ${run.date.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    '',
    `Node ${machine.node} on ${machine.platform}; ${machine.cpu}, ${machine.cores} cores; ${machine.openssh}.`,
    `${size} per transfer${run.repeat > 1 ? `, best of ${run.repeat}` : ''}; MiB/s = 2^20 bytes per second;`,
    `load average ${machine.loadAverage.toFixed(2)} at the start, ${run.loadAverageAtEnd.toFixed(2)} at the end.`,
    '',
    '| cipher | pair | upload MiB/s | download MiB/s | handshakes/s |',
    '| --- | --- | ---: | ---: | ---: |',
  ];
  for (const row of rows) {
    const cells = [row.upload, row.download, row.handshakes].map((m) => cell(m, errors));
    lines.push(`| ${row.cipher} | ${row.pair} | ${cells.join(' | ')} |`);
  }
  lines.push(
    '',
    '- Each transfer runs in a new session channel on an open connection (`connect()`, or an `ssh`',
    '  control master with `ssh -S` per transfer), timed with performance.now() from opening the',
    '  channel to the exit status: no key exchange inside. Upload: N bytes into `cat > /dev/null`',
    '  (sshd) or `sink` (Seashell); download: N bytes from `head -c N /dev/zero` (sshd) or',
    '  `source N` (Seashell), all read. `ssh` runs under `/bin/sh` with `head -c N /dev/zero |` and',
    '  `> /dev/null`, so no data passes through the bench process.',
    `- Non-AEAD ciphers with ${BENCH_MAC}; AEAD ciphers ignore the MAC.`,
    '- "seashell ↔ seashell": client and server both run in this one Node process, on one thread.',
    '  "OpenSSH ssh → seashell": the Seashell `Server` runs in this process, `ssh` as a child.',
    `- handshakes/s: ${run.handshakeRounds} sequential rounds (after one untimed warm-up) of connect +`,
    '  ed25519 publickey auth + exec `true` + close, with the cipher of the row; `ssh` is a new',
    `  process each round. Key exchange ${BENCH_KEX} everywhere (Seashell's only one; ssh is told`,
    '  `-o KexAlgorithms` so that ssh → sshd does not pick the slower sntrup761x25519-sha512).',
    run.crypto === 'noble'
      ? "- Seashell's crypto: the portable provider, @noble (pure JavaScript); OpenSSH's is OpenSSL."
      : `- Seashell's crypto: the ${run.crypto} provider (node:crypto, OpenSSL, for AES, ChaCha20, HMAC, X25519` +
          " and signatures; Poly1305 from @noble, as node:crypto has none); OpenSSH's is OpenSSL.",
  );
  if (errors.length > 0) {
    lines.push('', 'Failures:', ...errors.map((e, i) => `${i + 1}. ${e.replace(/\s+/g, ' ').slice(0, 400)}`));
  }
  return `${lines.join('\n')}\n`;
}
