/**
 * From the options as written (command line, config file) to what the `seashell` CLI does:
 * ssh_config(5) defaults filled in, `~` and `%` tokens expanded in file names, algorithm lists
 * resolved, BatchMode's consequences applied, the environment to send collected.
 */
import { hostname } from 'node:os';
import { matchWildcard } from '@seashell/transport';
import { ALGORITHM_OPTIONS, type AlgorithmOption, resolveAlgorithmList } from './algorithm-list.js';
import type { CommandLine } from './cli-args.js';
import type { LogLevel } from './cli-log.js';
import { DEFAULT_IDENTITY_FILES } from './identities.js';
import { ConfigError, type RequestTty, type SshConfig, type StrictHostKeyChecking } from './ssh-config.js';

export interface CliSettings {
  /** The name as typed (config `Host` blocks match it). */
  readonly hostArg: string;
  /** Where to connect (HostName, or the name as typed), lower-case as ssh makes it. */
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly identityFiles: readonly string[];
  /** The user named the identity files (problems with them are reported without -v). */
  readonly identitiesExplicit: boolean;
  /** CertificateFile: certificates offered with the identity whose key they certify. */
  readonly certificateFiles: readonly string[];
  /** Offer only the identity files' keys, whether held in a file or by the agent (IdentitiesOnly). */
  readonly identitiesOnly: boolean;
  /** The agent's socket (IdentityAgent, by default SSH_AUTH_SOCK); undefined for no agent. */
  readonly identityAgent: string | undefined;
  readonly kex: readonly string[];
  readonly ciphers: readonly string[];
  readonly macs: readonly string[];
  /** Set only when the user chose; otherwise the defaults, known key types first. */
  readonly hostKeyAlgorithms?: readonly string[];
  readonly pubkeyAcceptedAlgorithms: readonly string[];
  /** Methods to try after `none`, in order. */
  readonly authMethods: readonly ('publickey' | 'password')[];
  readonly passwordPrompts: number;
  readonly strictHostKeyChecking: StrictHostKeyChecking;
  readonly userKnownHostsFiles: readonly string[];
  readonly globalKnownHostsFiles: readonly string[];
  /** The name and port known_hosts is searched and written for (HostKeyAlias has no port). */
  readonly knownHostsHost: string;
  readonly knownHostsPort: number;
  readonly batchMode: boolean;
  readonly connectTimeoutMs?: number;
  readonly rekeyBytes?: number;
  /** SendEnv matches and SetEnv, to send before the command. */
  readonly env: ReadonlyMap<string, string>;
  readonly logLevel: LogLevel;
  readonly requestTty: RequestTty;
  readonly family: 0 | 4 | 6;
  readonly command: string;
  readonly subsystem: boolean;
  readonly stdinNull: boolean;
  /** Milliseconds between keepalives (0: off) and how many may go unanswered. */
  readonly serverAliveIntervalMs: number;
  readonly serverAliveCountMax: number;
  /** Options accepted without effect (for -v). */
  readonly ignored: readonly string[];
}

/** Where the CLI runs: the user's home and name, and the local environment. */
export interface CliContext {
  readonly home: string;
  readonly localUser: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** ssh_config(5) TOKENS: `%%`, `%d`, `%h`, `%l`, `%n`, `%p`, `%r`, `%u`, and a leading `~/`. */
export function expandPath(text: string, tokens: Readonly<Record<string, string>>, home: string): string {
  const expanded = text.replace(/%(.)/g, (all, t: string) => {
    if (t === '%') return '%';
    const v = tokens[t];
    if (v === undefined) throw new ConfigError(`unknown token ${all} in ${text}`);
    return v;
  });
  if (expanded === '~') return home;
  return expanded.startsWith('~/') ? `${home}${expanded.slice(1)}` : expanded;
}

/**
 * The agent socket IdentityAgent names (ssh_config(5)): `none`; `SSH_AUTH_SOCK` (the default) or
 * `$NAME`, the socket an environment variable names; otherwise a path, with `~`, `%` tokens and
 * `${NAME}` variables expanded. An unset or empty variable means no agent.
 */
export function resolveIdentityAgent(
  value: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
  path: (p: string) => string,
): string | undefined {
  const variable = (name: string) => {
    const v = env[name];
    return v === undefined || v === '' ? undefined : v;
  };
  if (value === undefined || value === 'SSH_AUTH_SOCK') return variable('SSH_AUTH_SOCK');
  if (value.toLowerCase() === 'none') return undefined;
  const whole = /^\$([A-Za-z_][A-Za-z0-9_]*)$/.exec(value);
  if (whole) return variable(whole[1]!);
  const expanded = value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
    const v = env[name];
    if (v === undefined) throw new ConfigError(`IdentityAgent: env var \${${name}} has no value`);
    return v;
  });
  return path(expanded);
}

/** The local variables SendEnv patterns select (`-pattern` drops earlier patterns it matches). */
export function selectEnv(
  patterns: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): Map<string, string> {
  let active: string[] = [];
  for (const p of patterns) {
    if (p.startsWith('-')) active = active.filter((a) => !matchWildcard(a, p.slice(1)));
    else active.push(p);
  }
  const selected = new Map<string, string>();
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && active.some((p) => matchWildcard(name, p))) selected.set(name, value);
  }
  return selected;
}

function algorithms(c: SshConfig, option: AlgorithmOption): string[] {
  const spec = c.algorithms[option];
  return spec === undefined ? [...ALGORITHM_OPTIONS[option].defaults] : resolveAlgorithmList(option, spec);
}

/**
 * Fills in the defaults.
 * @throws ConfigError for a setting Seashell cannot act on.
 */
export function resolveSettings(c: SshConfig, cl: CommandLine, ctx: CliContext): CliSettings {
  const hostArg = cl.host;
  const host = (
    c.hostName?.replace(/%([h%])/g, (_, t: string) => (t === 'h' ? hostArg : '%')) ?? hostArg
  ).toLowerCase();
  const port = c.port ?? 22;
  const user = c.user ?? ctx.localUser;
  const tokens = {
    d: ctx.home,
    h: host,
    l: hostname().split('.')[0] ?? '',
    n: hostArg,
    p: String(port),
    r: user,
    u: ctx.localUser,
  };
  const path = (p: string) => expandPath(p, tokens, ctx.home);
  const identitiesExplicit = c.identityFiles.length > 0;
  const identityFiles = (identitiesExplicit ? c.identityFiles : DEFAULT_IDENTITY_FILES)
    .filter((f) => f.toLowerCase() !== 'none')
    .map(path);

  const batchMode = c.batchMode ?? false;
  const preferred = c.preferredAuthentications ?? ['publickey', 'password'];
  const enabled = (m: string) =>
    (m === 'publickey' && c.pubkeyAuthentication !== false) ||
    (m === 'password' && c.passwordAuthentication !== false && !batchMode);
  const authMethods = [...new Set(preferred)].filter(
    (m): m is 'publickey' | 'password' => (m === 'publickey' || m === 'password') && enabled(m),
  );

  let strict = c.strictHostKeyChecking ?? 'ask';
  // BatchMode: never ask (ssh_config(5)); an unknown host is then refused.
  if (batchMode && strict === 'ask') strict = 'yes';

  if (c.sessionType === 'none')
    throw new ConfigError('SessionType none (-N) is not supported by seashell yet.');
  const setEnv = c.setEnv ?? new Map<string, string>();
  const env = new Map([...selectEnv(c.sendEnv, ctx.env), ...setEnv]);
  const requestTty: RequestTty =
    cl.tty === 2 ? 'force' : cl.tty === 1 ? 'yes' : cl.tty === 0 ? 'no' : (c.requestTty ?? 'auto');
  const logLevel: LogLevel =
    cl.verbosity === 'quiet'
      ? 'QUIET'
      : cl.verbosity !== undefined
        ? `DEBUG${cl.verbosity}`
        : (c.logLevel ?? 'INFO');

  return {
    hostArg,
    host,
    port,
    user,
    identityFiles,
    identitiesExplicit,
    certificateFiles: c.certificateFiles.filter((f) => f.toLowerCase() !== 'none').map(path),
    identitiesOnly: c.identitiesOnly ?? false,
    identityAgent: resolveIdentityAgent(c.identityAgent, ctx.env, path),
    kex: algorithms(c, 'KexAlgorithms'),
    ciphers: algorithms(c, 'Ciphers'),
    macs: algorithms(c, 'MACs'),
    ...(c.algorithms.HostKeyAlgorithms !== undefined
      ? { hostKeyAlgorithms: algorithms(c, 'HostKeyAlgorithms') }
      : {}),
    pubkeyAcceptedAlgorithms: algorithms(c, 'PubkeyAcceptedAlgorithms'),
    authMethods,
    passwordPrompts: batchMode ? 0 : (c.numberOfPasswordPrompts ?? 3),
    strictHostKeyChecking: strict,
    userKnownHostsFiles: (c.userKnownHostsFiles ?? ['~/.ssh/known_hosts', '~/.ssh/known_hosts2']).map(path),
    globalKnownHostsFiles: (
      c.globalKnownHostsFiles ?? ['/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2']
    ).map(path),
    knownHostsHost: c.hostKeyAlias ?? host,
    knownHostsPort: c.hostKeyAlias !== undefined ? 22 : port,
    batchMode,
    ...(c.connectTimeout ? { connectTimeoutMs: c.connectTimeout * 1000 } : {}),
    ...(typeof c.rekeyLimit === 'number' ? { rekeyBytes: c.rekeyLimit } : {}),
    env,
    logLevel,
    requestTty,
    family: c.addressFamily === 'inet' ? 4 : c.addressFamily === 'inet6' ? 6 : 0,
    command: cl.command,
    subsystem: cl.subsystem || c.sessionType === 'subsystem',
    stdinNull: c.stdinNull ?? false,
    serverAliveIntervalMs: (c.serverAliveInterval ?? 0) * 1000,
    serverAliveCountMax: c.serverAliveCountMax ?? 3,
    ignored: c.ignored,
  };
}
