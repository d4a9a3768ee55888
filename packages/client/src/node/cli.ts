/**
 * The `seashell` program: ssh(1)'s command line and ssh_config(5) options over Seashell's client.
 * This file reads the command line and the config file and answers `-V` and `-Q`; a connection
 * is run by `CliConnection`.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { ALGORITHM_OPTIONS } from './algorithm-list.js';
import { type CliAction, type CommandLine, parseCommandLine, USAGE, UsageError } from './cli-args.js';
import { CliConnection, type CliStreams, EXIT_FAILURE } from './cli-connection.js';
import { type CliContext, type CliSettings, expandPath, resolveSettings } from './cli-settings.js';
import { ConfigError, emptyConfig } from './ssh-config.js';
import { applyConfigFile } from './ssh-config-file.js';
import { applyConfigLine } from './ssh-config-keywords.js';

export { EXIT_FAILURE } from './cli-connection.js';

/** What the program runs with; the bin passes the real process's. */
export interface CliIo extends CliContext, CliStreams {
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return `Seashell_${pkg.version}, a pure-TypeScript SSH client (Node ${process.versions.node})`;
}

/** `-Q`: what Seashell supports, one name a line, as `ssh -Q`. */
function query(what: string): readonly string[] | undefined {
  const key = what.toLowerCase();
  const ciphers = ALGORITHM_OPTIONS.Ciphers.supported;
  if (key === 'cipher') return ciphers;
  if (key === 'cipher-auth') return ciphers.filter((c) => c.includes('gcm') || c.includes('poly1305'));
  if (key === 'mac') return ALGORITHM_OPTIONS.MACs.supported;
  if (key === 'kex' || key === 'kexalgorithms') return ALGORITHM_OPTIONS.KexAlgorithms.supported;
  if (['key', 'key-sig', 'sig', 'hostkeyalgorithms', 'pubkeyacceptedalgorithms'].includes(key))
    return ALGORITHM_OPTIONS.HostKeyAlgorithms.supported;
  if (key === 'help') return ['cipher', 'cipher-auth', 'kex', 'key', 'key-sig', 'mac', 'sig'];
  return undefined;
}

/** Runs the program; resolves with the exit status. */
export async function runCli(io: CliIo): Promise<number> {
  const print = (text: string) => io.stderr.write(text);
  let action: CliAction;
  try {
    action = parseCommandLine(io.argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    print(`seashell: ${e.message}\n${USAGE}\n`);
    return EXIT_FAILURE;
  }
  if (action.kind === 'version') {
    print(`${version()}\n`);
    return 0;
  }
  if (action.kind === 'query') {
    const names = query(action.what);
    if (!names) {
      print(`Unsupported query "${action.what}"\n`);
      return EXIT_FAILURE;
    }
    io.stdout.write(`${names.join('\n')}\n`);
    return 0;
  }
  let settings: CliSettings;
  try {
    settings = await readSettings(action.commandLine, io);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    print(`${e.message}\n`);
    return EXIT_FAILURE;
  }
  return new CliConnection(settings, io).run();
}

/** Command line first, then the config file (`-F`, else `~/.ssh/config`): the first value wins. */
async function readSettings(cl: CommandLine, io: CliIo): Promise<CliSettings> {
  const config = emptyConfig();
  for (const line of cl.configLines) applyConfigLine(config, line, { name: 'command-line', line: 0 });
  const explicit = cl.configFile !== undefined;
  const file = cl.configFile ?? '~/.ssh/config';
  if (file.toLowerCase() !== 'none') {
    const path = expandPath(file, {}, io.home);
    let text: string | undefined;
    try {
      text = await readFile(path, 'utf8');
    } catch (e) {
      if (explicit) throw new ConfigError(`Can't open user config file ${path}: ${(e as Error).message}`);
    }
    if (text !== undefined)
      applyConfigFile(config, text, path, { host: cl.host, home: io.home, localUser: io.localUser });
  }
  return resolveSettings(config, cl, io);
}
