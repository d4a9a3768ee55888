/**
 * What `pnpm bench` measures and how big: the command-line flags, their defaults, and `--quick`.
 */
import { parseArgs } from 'node:util';

/** Ciphers measured by default, in DESIGN.md's preference order. */
export const BENCH_CIPHERS = [
  'chacha20-poly1305@openssh.com',
  'aes128-gcm@openssh.com',
  'aes256-gcm@openssh.com',
  'aes128-ctr',
  'aes192-ctr',
  'aes256-ctr',
] as const;

/** The MAC paired with the non-AEAD ciphers (AEAD ciphers ignore the negotiated MAC). */
export const BENCH_MAC = 'hmac-sha2-256-etm@openssh.com';

/** The key exchange of every pair: the one Seashell has, and what OpenSSH is told to use. */
export const BENCH_KEX = 'curve25519-sha256';

const MIB = 1 << 20;

/** Options of {@link runBench}; every field has a default. */
export interface BenchOptions {
  /** Bytes per transfer. Default 256 MiB; `--quick` 8 MiB. */
  readonly bytes: number;
  /** Ciphers to measure. Default all six of {@link BENCH_CIPHERS}; `--quick` the first. */
  readonly ciphers: readonly string[];
  /** Runs of each measurement; the best counts. Default 1. */
  readonly repeat: number;
  /** Sequential connect + auth + exec + close rounds per pair. Default 20; `--quick` 3. */
  readonly handshakeRounds: number;
  /** Seashell's crypto provider; default the Node drivers' own (node:crypto). */
  readonly crypto?: 'noble' | 'node';
  /** Where to write the report as well as stdout. */
  readonly out?: string;
  /** Progress lines (default: none). The CLI passes a writer to stderr. */
  readonly log?: (line: string) => void;
  /** Stops the run: the measurement under way is cancelled, sshd stopped, and runBench rejects. */
  readonly signal?: AbortSignal;
}

export const USAGE = `usage: pnpm bench [--size 64M] [--ciphers a,b] [--repeat 2] [--rounds 20] [--crypto node|noble]
                  [--quick] [--out FILE]

  --size N      bytes per transfer: a number with an optional K, M or G suffix (powers of 2); default 256M
  --ciphers L   comma-separated cipher names; default ${BENCH_CIPHERS.join(',')}
  --repeat N    run each measurement N times and report the best; default 1
  --rounds N    handshake rounds per pair; default 20
  --crypto P    Seashell's crypto provider: node (node:crypto, the default on Node) or noble
  --quick       smoke run: 8M, the first cipher, 3 handshake rounds (explicit flags still win)
  --out FILE    also write the report (markdown) to FILE`;

/** Parses `64M`, `1G`, `512K`, `1000` (bytes; suffixes are powers of 2). */
export function parseSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)([KMG]i?B?)?$/i.exec(text.trim());
  if (m === null) throw new RangeError(`--size: ${JSON.stringify(text)} is not a size like 64M`);
  const unit = (m[2] ?? '').charAt(0).toUpperCase();
  const scale = unit === 'K' ? 1 << 10 : unit === 'M' ? MIB : unit === 'G' ? 1 << 30 : 1;
  const bytes = Math.round(Number(m[1]) * scale);
  if (!Number.isSafeInteger(bytes) || bytes < 1) throw new RangeError(`--size: ${text} is out of range`);
  return bytes;
}

function positiveInteger(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`${flag}: ${JSON.stringify(text)} is not a count`);
  return n;
}

/** Fills in defaults; `quick` picks the smoke-run defaults. */
export function benchDefaults(options: Partial<BenchOptions> & { quick?: boolean } = {}): BenchOptions {
  const { quick, ...rest } = options;
  const ciphers = rest.ciphers ?? (quick ? BENCH_CIPHERS.slice(0, 1) : BENCH_CIPHERS);
  if (ciphers.length === 0) throw new RangeError('no cipher to measure');
  return {
    ...rest,
    bytes: rest.bytes ?? (quick ? 8 * MIB : 256 * MIB),
    ciphers,
    repeat: rest.repeat ?? 1,
    handshakeRounds: rest.handshakeRounds ?? (quick ? 3 : 20),
  };
}

/** Reads the command line; `help` is set for `-h` / `--help`. */
export function parseBenchArgs(argv: readonly string[]): { options: BenchOptions; help: boolean } {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      size: { type: 'string' },
      ciphers: { type: 'string' },
      repeat: { type: 'string' },
      rounds: { type: 'string' },
      crypto: { type: 'string' },
      quick: { type: 'boolean' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const options = benchDefaults({
    quick: values.quick ?? false,
    ...(values.size !== undefined ? { bytes: parseSize(values.size) } : {}),
    ...(values.ciphers !== undefined ? { ciphers: parseCipherList(values.ciphers) } : {}),
    ...(values.repeat !== undefined ? { repeat: positiveInteger('--repeat', values.repeat) } : {}),
    ...(values.rounds !== undefined ? { handshakeRounds: positiveInteger('--rounds', values.rounds) } : {}),
    ...(values.crypto !== undefined ? { crypto: parseCrypto(values.crypto) } : {}),
    ...(values.out !== undefined ? { out: values.out } : {}),
  });
  return { options, help: values.help ?? false };
}

function parseCrypto(text: string): 'noble' | 'node' {
  if (text !== 'noble' && text !== 'node')
    throw new RangeError(`--crypto: ${JSON.stringify(text)} is not node or noble`);
  return text;
}

function parseCipherList(text: string): string[] {
  const names = text.split(',').filter((name) => name !== '');
  const unknown = names.filter((name) => !(BENCH_CIPHERS as readonly string[]).includes(name));
  if (unknown.length > 0) {
    throw new RangeError(`--ciphers: unknown ${unknown.join(', ')}; choose from ${BENCH_CIPHERS.join(', ')}`);
  }
  return names;
}
