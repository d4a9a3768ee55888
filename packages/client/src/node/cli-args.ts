/**
 * The `seashell` command line, read as OpenSSH's ssh(1) reads it:
 * `seashell [options] destination [options] [command [argument …]]`. Options may come before and
 * right after the destination; the first word after that starts the command. Flags cluster
 * (`-tt`, `-vp22`), `--` ends options, and the command's words are joined with spaces as ssh joins
 * them. Flags that set an ssh_config(5) option (`-p`, `-l`, `-i`, `-c`, `-m`, `-4`, `-6`, `-n`)
 * become config lines in command-line order, so "first value wins" holds across `-p` and `-o Port`.
 */

/** A usage error: print the message and the usage text, exit 255. */
export class UsageError extends Error {}

/** Everything the command line says. */
export interface CommandLine {
  /** The destination's host part (after `user@`, without `ssh://` and `:port`). */
  readonly host: string;
  /** ssh_config lines from flags, `-o`, and the destination's user and port, in order. */
  readonly configLines: readonly string[];
  /** `-F FILE`; `none` disables config files. */
  readonly configFile?: string;
  /** The remote command, words joined with spaces; '' when none. */
  readonly command: string;
  /** `-s`: the command is a subsystem name. */
  readonly subsystem: boolean;
  /** `-t` count (2 is force) or `-T` (0), whichever came last; undefined when neither. */
  readonly tty?: 0 | 1 | 2;
  /** `-q` / `-v` set the log level directly (last wins), overriding LogLevel. */
  readonly verbosity?: 'quiet' | 1 | 2 | 3;
}

/** What to do: connect, print the version, or answer a `-Q` query. */
export type CliAction =
  | { readonly kind: 'connect'; readonly commandLine: CommandLine }
  | { readonly kind: 'version' }
  | { readonly kind: 'query'; readonly what: string };

/** Flags that take an argument (OpenSSH's getopt string, "b:c:e:…"). */
const WITH_ARGUMENT = new Set('BDEFIJLOPQRSWbceilmopw'.split(''));

/** Flags whose feature Seashell lacks: an error saying so rather than a silent difference. */
const NOT_SUPPORTED: Readonly<Record<string, string>> = {
  A: 'agent forwarding (-A)',
  B: 'binding to an interface (-B)',
  C: 'compression (-C)',
  D: 'dynamic port forwarding (-D)',
  E: 'log files (-E)',
  G: 'printing the configuration (-G)',
  I: 'PKCS#11 tokens (-I)',
  J: 'jump hosts (-J)',
  K: 'GSSAPI (-K)',
  L: 'local port forwarding (-L)',
  M: 'connection sharing (-M)',
  N: 'sessions without a command (-N)',
  O: 'connection sharing (-O)',
  R: 'remote port forwarding (-R)',
  S: 'connection sharing (-S)',
  W: 'stdio forwarding (-W)',
  X: 'X11 forwarding (-X)',
  Y: 'X11 forwarding (-Y)',
  b: 'binding to an address (-b)',
  f: 'going to the background (-f)',
  w: 'tunnel devices (-w)',
  y: 'logging to syslog (-y)',
};

/** Flags accepted without effect: they turn off features Seashell does not have. */
const NO_EFFECT = new Set(['a', 'x', 'k', 'g', '1', '2', 'e']);

export const USAGE = `usage: seashell [-46nqsTtVv] [-c cipher_spec] [-F configfile] [-i identity_file]
                [-l login_name] [-m mac_spec] [-o option] [-p port] [-Q query_option]
                destination [command [argument ...]]`;

/**
 * Parses `argv` (without the program name).
 * @throws UsageError for an unknown flag, a missing argument, a missing destination, or a flag
 *   for a feature Seashell does not have.
 * @example
 * parseCommandLine(['-p', '2222', 'alice@example.com', 'uname', '-a']);
 * // { host: 'example.com', configLines: ['Port 2222', 'User alice'], command: 'uname -a', … }
 */
export function parseCommandLine(argv: readonly string[]): CliAction {
  const lines: string[] = [];
  let host: string | undefined;
  let configFile: string | undefined;
  let subsystem = false;
  let tty: 0 | 1 | 2 | undefined;
  let verbosity: CommandLine['verbosity'];
  let i = 0;
  let terminated = false;

  const options = (): CliAction | undefined => {
    for (; i < argv.length && !terminated; i++) {
      const arg = argv[i]!;
      if (arg === '--') {
        terminated = true;
        i++;
        return undefined;
      }
      if (!arg.startsWith('-') || arg === '-') return undefined;
      for (let j = 1; j < arg.length; j++) {
        const f = arg[j]!;
        let value: string | undefined;
        if (WITH_ARGUMENT.has(f)) {
          value = arg.slice(j + 1) || argv[++i];
          if (value === undefined) throw new UsageError(`option requires an argument -- ${f}`);
          j = arg.length;
        }
        const action = flag(f, value);
        if (action) return action;
      }
    }
    return undefined;
  };

  const flag = (f: string, value: string | undefined): CliAction | undefined => {
    switch (f) {
      case 'V':
        return { kind: 'version' };
      case 'Q':
        return { kind: 'query', what: value! };
      case 'p':
        lines.push(`Port ${value}`);
        break;
      case 'l':
        lines.push(`User ${quote(value!)}`);
        break;
      case 'i':
        lines.push(`IdentityFile ${quote(value!)}`);
        break;
      case 'o':
        lines.push(value!);
        break;
      case 'c':
        lines.push(`Ciphers ${value}`);
        break;
      case 'm':
        lines.push(`MACs ${value}`);
        break;
      case 'F':
        configFile ??= value;
        break;
      case '4':
        lines.push('AddressFamily inet');
        break;
      case '6':
        lines.push('AddressFamily inet6');
        break;
      case 'n':
        lines.push('StdinNull yes');
        break;
      case 's':
        subsystem = true;
        break;
      case 't':
        tty = tty === 1 ? 2 : 1;
        break;
      case 'T':
        tty = 0;
        break;
      case 'q':
        verbosity = 'quiet';
        break;
      case 'v':
        verbosity = typeof verbosity === 'number' ? (Math.min(verbosity + 1, 3) as 1 | 2 | 3) : 1;
        break;
      default:
        if (NO_EFFECT.has(f)) break;
        if (NOT_SUPPORTED[f]) throw new UsageError(`${NOT_SUPPORTED[f]} is not supported by seashell yet`);
        throw new UsageError(`unknown option -- ${f}`);
    }
    return undefined;
  };

  const early = options();
  if (early) return early;
  if (i < argv.length) {
    const destination = parseDestination(argv[i++]!);
    host = destination.host;
    if (destination.user !== undefined) lines.push(`User ${quote(destination.user)}`);
    if (destination.port !== undefined) lines.push(`Port ${destination.port}`);
    // ssh reads options again after the destination (`ssh host -p 2222 cmd`).
    const late = options();
    if (late) return late;
  }
  if (host === undefined) throw new UsageError('no destination given');
  const command = argv.slice(i).join(' ');
  if (subsystem && command === '') throw new UsageError('-s needs a subsystem name');
  return {
    kind: 'connect',
    commandLine: {
      host,
      configLines: lines,
      ...(configFile !== undefined ? { configFile } : {}),
      command,
      subsystem,
      ...(tty !== undefined ? { tty } : {}),
      ...(verbosity !== undefined ? { verbosity } : {}),
    },
  };
}

/**
 * `[user@]host` (the last `@` splits, as in ssh) or `ssh://[user@]host[:port]`.
 * @throws UsageError for an empty host or a bad URI.
 */
export function parseDestination(text: string): { user?: string; host: string; port?: number } {
  if (text.startsWith('ssh://')) {
    const m = /^ssh:\/\/(?:([^@/]*)@)?(\[[^\]/]+\]|[^:/@]+)(?::(\d{1,5}))?\/?$/.exec(text);
    const port = m?.[3] === undefined ? undefined : Number(m[3]);
    if (!m || (port !== undefined && (port < 1 || port > 65535)))
      throw new UsageError(`invalid URI: ${text}`);
    const host = m[2]!.replace(/^\[(.*)\]$/, '$1');
    return {
      ...(m[1] !== undefined && m[1] !== '' ? { user: decodeURIComponent(m[1]) } : {}),
      host,
      ...(port !== undefined ? { port } : {}),
    };
  }
  const at = text.lastIndexOf('@');
  const host = at < 0 ? text : text.slice(at + 1);
  if (host === '') throw new UsageError('empty host name');
  return at < 0 ? { host } : { user: text.slice(0, at), host };
}

/** Quotes a value for a config line when it holds spaces or quotes. */
function quote(value: string): string {
  return /[\s"']/.test(value) ? `"${value.replaceAll('"', '\\"')}"` : value;
}
