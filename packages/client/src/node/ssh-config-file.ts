/**
 * ssh_config(5) files for the `seashell` CLI: lines before the first `Host` apply to every host, a
 * `Host` block only when one of its patterns matches the host as typed and none of its `!`
 * patterns does; `Include` reads more files (globs in the last path component, relative paths
 * under ~/.ssh) in place, as ssh does.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { matchHostPatterns } from '@seashell/auth';
import { matchWildcard } from '@seashell/transport';
import { ConfigError, type SshConfig, splitConfigLine, where } from './ssh-config.js';
import { applyConfigLine } from './ssh-config-keywords.js';

/** Where a config file is read for. */
export interface ConfigFileContext {
  /** The host as typed on the command line (`Host` and `Match originalhost` patterns match it). */
  readonly host: string;
  /** For `~` and for relative Include paths (`~/.ssh/…`). */
  readonly home: string;
  /** The local user name (`Match localuser`). */
  readonly localUser: string;
}

/** ssh's limit on nested Include files. */
const MAX_INCLUDE_DEPTH = 16;

/**
 * Applies a config file.
 * @throws ConfigError for a bad line, an Include nested too deep, or a Match criterion Seashell
 *   cannot evaluate.
 */
export function applyConfigFile(
  c: SshConfig,
  text: string,
  path: string,
  context: ConfigFileContext,
  depth = 0,
  neverMatch = false,
): void {
  let active = !neverMatch;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    const source = { name: path, line: i + 1 };
    const at = where(source);
    let parsed: { keyword: string; args: string[] };
    try {
      parsed = splitConfigLine(line);
    } catch (e) {
      throw new ConfigError(`${at}: ${(e as Error).message}.`);
    }
    const { keyword, args } = parsed;
    const key = keyword.toLowerCase();
    if (key === 'host') {
      if (args.length === 0) throw new ConfigError(`${at}: Missing Host criteria.`);
      active = !neverMatch && matchHostPatterns(context.host, args) === 'match';
    } else if (key === 'match') {
      active = matchCriteria(args, c, context, at) && !neverMatch;
    } else if (key === 'include') {
      if (args.length === 0) throw new ConfigError(`${at}: Include missing filename argument.`);
      if (depth >= MAX_INCLUDE_DEPTH) throw new ConfigError(`${at}: Include nesting too deep.`);
      for (const file of args.flatMap((pattern) => includedFiles(pattern, context.home))) {
        let included: string;
        try {
          included = readFileSync(file, 'utf8');
        } catch {
          continue;
        }
        // An Include in a block that does not apply is read for errors only (ssh: NEVERMATCH).
        applyConfigFile(c, included, file, context, depth + 1, !active);
      }
    } else applyConfigLine(c, line, source, active);
  }
}

/**
 * ssh_config(5) Match with the criteria that need nothing but names: `all`, `host` (the HostName
 * set so far, or the host as typed), `originalhost`, `user`, `localuser`, each negatable with `!`.
 */
function matchCriteria(
  args: readonly string[],
  c: SshConfig,
  context: ConfigFileContext,
  at: string,
): boolean {
  if (args.length === 0) throw new ConfigError(`${at}: Missing Match criteria.`);
  const host = c.hostName?.replace(/%h/g, context.host) ?? context.host;
  const names: Readonly<Record<string, string>> = {
    host,
    originalhost: context.host,
    user: c.user ?? context.localUser,
    localuser: context.localUser,
  };
  let result = true;
  for (let i = 0; i < args.length; i++) {
    const negated = args[i]!.startsWith('!');
    const criterion = (negated ? args[i]!.slice(1) : args[i]!).toLowerCase();
    let matched: boolean;
    if (criterion === 'all') {
      if (args.length !== 1 && !(args.length === 2 && i === 0))
        throw new ConfigError(`${at}: Match all must appear alone.`);
      matched = true;
    } else if (criterion in names) {
      const list = args[++i];
      if (list === undefined) throw new ConfigError(`${at}: Missing Match ${criterion} argument.`);
      matched = matchHostPatterns(names[criterion]!, list.split(',')) === 'match';
    } else {
      throw new ConfigError(`${at}: Match ${criterion} is not supported by seashell yet.`);
    }
    if (matched === negated) result = false;
  }
  return result;
}

/** The files an Include pattern names, in lexical order: `*` and `?` in the last component. */
function includedFiles(pattern: string, home: string): string[] {
  const expanded = pattern.startsWith('~/') ? join(home, pattern.slice(2)) : pattern;
  const path = isAbsolute(expanded) ? expanded : join(home, '.ssh', expanded);
  const name = basename(path);
  if (!/[*?]/.test(name)) return [path];
  let entries: string[];
  try {
    entries = readdirSync(dirname(path));
  } catch {
    return [];
  }
  return entries
    .filter((e) => (name.startsWith('.') || !e.startsWith('.')) && matchWildcard(e, name))
    .sort()
    .map((e) => join(dirname(path), e));
}
