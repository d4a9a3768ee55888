/**
 * ssh_config(5) for the `seashell` CLI: the options as set so far, and the reading of one line.
 * Keywords are case-insensitive; for each option the first value obtained wins (command line first,
 * then the config file in order), except the lists that accumulate (IdentityFile, SendEnv). What
 * each keyword does is in `ssh-config-keywords.ts`; files and `Host` blocks in `ssh-config-file.ts`.
 */

import type { AlgorithmOption } from './algorithm-list.js';
import type { LogLevel } from './cli-log.js';

export type StrictHostKeyChecking = 'yes' | 'no' | 'accept-new' | 'ask';
export type RequestTty = 'auto' | 'yes' | 'no' | 'force';

/** Options as set so far; `undefined` is "not set yet" (the first value obtained wins). */
export interface SshConfig {
  hostName?: string;
  port?: number;
  user?: string;
  /** Accumulates, in order (`-i` and IdentityFile). */
  readonly identityFiles: string[];
  /** Accumulates, in order (CertificateFile); `none` entries are dropped when resolved. */
  readonly certificateFiles: string[];
  identitiesOnly?: boolean;
  /** As written: `none`, `SSH_AUTH_SOCK`, `$VAR` or a path with tokens; resolved when connecting. */
  identityAgent?: string;
  /** Algorithm specs as written (`+aes128-cbc`), checked; resolved when connecting. */
  readonly algorithms: Partial<Record<AlgorithmOption, string>>;
  preferredAuthentications?: readonly string[];
  pubkeyAuthentication?: boolean;
  passwordAuthentication?: boolean;
  kbdInteractiveAuthentication?: boolean;
  numberOfPasswordPrompts?: number;
  strictHostKeyChecking?: StrictHostKeyChecking;
  userKnownHostsFiles?: readonly string[];
  globalKnownHostsFiles?: readonly string[];
  hostKeyAlias?: string;
  batchMode?: boolean;
  /** Seconds. */
  connectTimeout?: number;
  /** Bytes, or `default`. */
  rekeyLimit?: number | 'default';
  /** Accumulates: patterns of local variables to send; `-pattern` removes earlier ones. */
  readonly sendEnv: string[];
  setEnv?: ReadonlyMap<string, string>;
  logLevel?: LogLevel;
  requestTty?: RequestTty;
  addressFamily?: 'any' | 'inet' | 'inet6';
  sessionType?: 'default' | 'none' | 'subsystem';
  stdinNull?: boolean;
  /** Seconds; 0 is off. */
  serverAliveInterval?: number;
  serverAliveCountMax?: number;
  /** Patterns of unknown keywords to accept silently (IgnoreUnknown). */
  ignoreUnknown?: readonly string[];
  /** Keywords accepted without effect, for `-v`. */
  readonly ignored: string[];
}

export function emptyConfig(): SshConfig {
  return { identityFiles: [], certificateFiles: [], algorithms: {}, sendEnv: [], ignored: [] };
}

/** A bad line: the message is the whole diagnostic (`FILE line N: …`). */
export class ConfigError extends Error {}

/** Where a line comes from, for messages: `command-line line 0` or `/path line 7`. */
export interface ConfigSource {
  readonly name: string;
  readonly line: number;
}

/** `command-line line 0`, `/path line 7`: where a message points. */
export const where = (s: ConfigSource): string => `${s.name} line ${s.line}`;

/** Splits a config line into keyword and arguments: `Name value`, `Name=value`, quotes kept together. */
export function splitConfigLine(text: string): { keyword: string; args: string[] } {
  const m = /^\s*([^\s=]+)\s*(?:=\s*)?(.*)$/s.exec(text);
  if (!m) return { keyword: '', args: [] };
  return { keyword: m[1]!, args: splitArgs(m[2]!) };
}

/** Whitespace-separated words; "double" or 'single' quotes hold spaces; a backslash escapes a quote. */
export function splitArgs(text: string): string[] {
  const args: string[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (i >= text.length) break;
    let word = '';
    let quote: string | undefined;
    for (; i < text.length; i++) {
      const c = text[i]!;
      if (quote) {
        if (c === '\\' && text[i + 1] === quote) word += text[++i];
        else if (c === quote) quote = undefined;
        else word += c;
      } else if (c === '"' || c === "'") quote = c;
      else if (/\s/.test(c)) break;
      else word += c;
    }
    if (quote) throw new ConfigError('unterminated quote');
    args.push(word);
  }
  return args;
}

export function parseTime(value: string): number | undefined {
  if (value.toLowerCase() === 'none') return 0;
  if (/^\d+$/.test(value)) return Number(value);
  const unit: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
  if (!/^(\d+[smhdw])+$/i.test(value)) return undefined;
  let total = 0;
  for (const m of value.matchAll(/(\d+)([smhdw])/gi)) total += Number(m[1]) * unit[m[2]!.toLowerCase()]!;
  return total;
}

export function parseSize(value: string): number | undefined {
  const m = /^(\d{1,12})([KMG]?)$/i.exec(value);
  if (!m) return undefined;
  const scale: Readonly<Record<string, number>> = { '': 1, K: 1 << 10, M: 1 << 20, G: 1 << 30 };
  return Number(m[1]) * scale[m[2]!.toUpperCase()]!;
}
