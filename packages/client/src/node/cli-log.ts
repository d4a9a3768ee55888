/**
 * Diagnostics of the `seashell` CLI at ssh_config(5) LogLevel: QUIET, FATAL, ERROR, INFO (the
 * default), VERBOSE, DEBUG1–3. Debug lines carry OpenSSH's `debugN:` prefix, so a log of ours
 * reads like one of `ssh -v`. Everything goes to stderr; stdout belongs to the remote command.
 */

/** ssh_config(5) LogLevel values, least verbose first. */
export const LOG_LEVELS = [
  'QUIET',
  'FATAL',
  'ERROR',
  'INFO',
  'VERBOSE',
  'DEBUG1',
  'DEBUG2',
  'DEBUG3',
] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Parses a LogLevel value (case-insensitive; `DEBUG` is `DEBUG1`), or undefined. */
export function parseLogLevel(value: string): LogLevel | undefined {
  const upper = value.toUpperCase();
  if (upper === 'DEBUG') return 'DEBUG1';
  return LOG_LEVELS.find((l) => l === upper);
}

export class CliLog {
  level: LogLevel;
  readonly #write: (text: string) => void;

  constructor(level: LogLevel, write: (text: string) => void) {
    this.level = level;
    this.#write = write;
  }

  enabled(level: LogLevel): boolean {
    return LOG_LEVELS.indexOf(this.level) >= LOG_LEVELS.indexOf(level);
  }

  /** A failure that ends the program (config errors); shown unless QUIET. */
  fatal(message: string): void {
    if (this.enabled('FATAL')) this.#write(`${message}\n`);
  }

  /** Connection, authentication and host key failures, as ssh's error(). */
  error(message: string): void {
    if (this.enabled('ERROR')) this.#write(`${message}\n`);
  }

  /** What ssh prints by default: warnings, banners, "Permanently added …". */
  info(message: string): void {
    if (this.enabled('INFO')) this.#write(`${message}\n`);
  }

  verbose(message: string): void {
    if (this.enabled('VERBOSE')) this.#write(`${message}\n`);
  }

  debug(message: string, depth: 1 | 2 | 3 = 1): void {
    if (this.enabled(`DEBUG${depth}`)) this.#write(`debug${depth}: ${message}\n`);
  }
}
