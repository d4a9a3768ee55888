/**
 * What each ssh_config(5) keyword does in Seashell. A keyword OpenSSH does not have is an error
 * ("Bad configuration option"), as in ssh; one OpenSSH has and Seashell does not is accepted where
 * it changes nothing we do (TCPKeepAlive, ForwardAgent=no, …) and is an error otherwise ("not
 * supported by seashell yet"), so that a script never silently gets less than it asked for.
 */
import { matchWildcard } from '@seashell/transport';
import { type AlgorithmOption, checkAlgorithmList } from './algorithm-list.js';
import { parseLogLevel } from './cli-log.js';
import {
  ConfigError,
  type ConfigSource,
  emptyConfig,
  parseSize,
  parseTime,
  type RequestTty,
  type SshConfig,
  type StrictHostKeyChecking,
  splitConfigLine,
  where,
} from './ssh-config.js';

type Handler = (c: SshConfig, args: readonly string[], at: string) => void;

function one(args: readonly string[], at: string, keyword: string): string {
  if (args.length === 0 || args[0] === '') throw new ConfigError(`${at}: missing argument for ${keyword}.`);
  if (args.length > 1) throw new ConfigError(`${at}: garbage at end of line for ${keyword}.`);
  return args[0]!;
}

function choice<T extends string>(
  table: Readonly<Record<string, T>>,
): (args: readonly string[], at: string, keyword: string) => T {
  return (args, at, keyword) => {
    const v = one(args, at, keyword).toLowerCase();
    const r = table[v];
    if (r === undefined) throw new ConfigError(`${at}: unsupported option "${args[0]}" for ${keyword}.`);
    return r;
  };
}

const yesNo = choice<'yes' | 'no'>({ yes: 'yes', true: 'yes', no: 'no', false: 'no' });
const flag = (args: readonly string[], at: string, keyword: string): boolean =>
  yesNo(args, at, keyword) === 'yes';

function integer(args: readonly string[], at: string, keyword: string, min = 0): number {
  const v = one(args, at, keyword);
  const n = /^\d{1,9}$/.test(v) ? Number(v) : Number.NaN;
  if (!(n >= min)) throw new ConfigError(`${at}: bad number '${v}' for ${keyword}.`);
  return n;
}

/** ssh_config(5) TIME FORMATS: `90`, `90s`, `10m`, `1h30m`, …; `none` is 0. */

function time(args: readonly string[], at: string, keyword: string): number {
  const v = one(args, at, keyword);
  const t = parseTime(v);
  if (t === undefined) throw new ConfigError(`${at}: invalid time value '${v}' for ${keyword}.`);
  return t;
}

/** `1G`, `512M`, `64K` or bytes (RekeyLimit). */

function algorithms(option: AlgorithmOption): Handler {
  return (c, args, at) => {
    const spec = one(args, at, option);
    try {
      checkAlgorithmList(option, spec);
    } catch (e) {
      throw new ConfigError(`${at}: ${(e as Error).message}.`);
    }
    c.algorithms[option] ??= spec;
  };
}

/** Keywords Seashell implements, by lower-case name. */
const HANDLERS: Readonly<Record<string, Handler>> = {
  hostname: (c, a, at) => {
    c.hostName ??= one(a, at, 'HostName');
  },
  port: (c, a, at) => {
    const v = one(a, at, 'Port');
    const n = /^\d{1,5}$/.test(v) ? Number(v) : 0;
    if (n < 1 || n > 65535) throw new ConfigError(`${at}: Badly formatted port number.`);
    c.port ??= n;
  },
  user: (c, a, at) => {
    c.user ??= one(a, at, 'User');
  },
  identityfile: (c, a, at) => {
    c.identityFiles.push(one(a, at, 'IdentityFile'));
  },
  certificatefile: (c, a, at) => {
    c.certificateFiles.push(one(a, at, 'CertificateFile'));
  },
  identitiesonly: (c, a, at) => {
    c.identitiesOnly ??= flag(a, at, 'IdentitiesOnly');
  },
  identityagent: (c, a, at) => {
    c.identityAgent ??= one(a, at, 'IdentityAgent');
  },
  ciphers: algorithms('Ciphers'),
  kexalgorithms: algorithms('KexAlgorithms'),
  macs: algorithms('MACs'),
  hostkeyalgorithms: algorithms('HostKeyAlgorithms'),
  pubkeyacceptedalgorithms: algorithms('PubkeyAcceptedAlgorithms'),
  pubkeyacceptedkeytypes: algorithms('PubkeyAcceptedAlgorithms'),
  preferredauthentications: (c, a, at) => {
    const list = one(a, at, 'PreferredAuthentications').split(',');
    if (list.some((m) => m === '')) throw new ConfigError(`${at}: bad PreferredAuthentications list.`);
    c.preferredAuthentications ??= list;
  },
  pubkeyauthentication: (c, a, at) => {
    c.pubkeyAuthentication ??= flag(a, at, 'PubkeyAuthentication');
  },
  passwordauthentication: (c, a, at) => {
    c.passwordAuthentication ??= flag(a, at, 'PasswordAuthentication');
  },
  kbdinteractiveauthentication: (c, a, at) => {
    c.kbdInteractiveAuthentication ??= flag(a, at, 'KbdInteractiveAuthentication');
  },
  challengeresponseauthentication: (c, a, at) => {
    c.kbdInteractiveAuthentication ??= flag(a, at, 'ChallengeResponseAuthentication');
  },
  numberofpasswordprompts: (c, a, at) => {
    c.numberOfPasswordPrompts ??= integer(a, at, 'NumberOfPasswordPrompts');
  },
  stricthostkeychecking: (c, a, at) => {
    c.strictHostKeyChecking ??= choice<StrictHostKeyChecking>({
      yes: 'yes',
      true: 'yes',
      no: 'no',
      false: 'no',
      off: 'no',
      'accept-new': 'accept-new',
      ask: 'ask',
    })(a, at, 'StrictHostKeyChecking');
  },
  userknownhostsfile: (c, a, at) => {
    if (a.length === 0) throw new ConfigError(`${at}: missing argument for UserKnownHostsFile.`);
    c.userKnownHostsFiles ??= [...a];
  },
  globalknownhostsfile: (c, a, at) => {
    if (a.length === 0) throw new ConfigError(`${at}: missing argument for GlobalKnownHostsFile.`);
    c.globalKnownHostsFiles ??= [...a];
  },
  hostkeyalias: (c, a, at) => {
    c.hostKeyAlias ??= one(a, at, 'HostKeyAlias');
  },
  batchmode: (c, a, at) => {
    c.batchMode ??= flag(a, at, 'BatchMode');
  },
  connecttimeout: (c, a, at) => {
    c.connectTimeout ??= time(a, at, 'ConnectTimeout');
  },
  rekeylimit: (c, a, at) => {
    if (a.length === 0 || a.length > 2) throw new ConfigError(`${at}: bad RekeyLimit.`);
    const size = a[0]!.toLowerCase() === 'default' ? 'default' : parseSize(a[0]!);
    if (size === undefined || (size !== 'default' && size < 16))
      throw new ConfigError(`${at}: invalid RekeyLimit '${a[0]}'.`);
    // The second argument is a time; Seashell rekeys by volume only, so a time is accepted and unused.
    if (a[1] !== undefined && a[1].toLowerCase() !== 'default' && parseTime(a[1]) === undefined)
      throw new ConfigError(`${at}: invalid RekeyLimit time '${a[1]}'.`);
    if (a[1] !== undefined && a[1].toLowerCase() !== 'default' && parseTime(a[1]) !== 0)
      c.ignored.push('RekeyLimit (time)');
    c.rekeyLimit ??= size;
  },
  sendenv: (c, a, at) => {
    for (const pattern of a) {
      if (pattern === '' || pattern.includes('='))
        throw new ConfigError(`${at}: Invalid environment name '${pattern}'.`);
    }
    c.sendEnv.push(...a);
  },
  setenv: (c, a, at) => {
    const env = new Map<string, string>();
    for (const arg of a) {
      const eq = arg.indexOf('=');
      if (eq <= 0) throw new ConfigError(`${at}: Invalid SetEnv.`);
      const name = arg.slice(0, eq);
      if (!env.has(name)) env.set(name, arg.slice(eq + 1));
    }
    c.setEnv ??= env;
  },
  loglevel: (c, a, at) => {
    const v = one(a, at, 'LogLevel');
    const level = parseLogLevel(v);
    if (!level) throw new ConfigError(`${at}: unsupported log level '${v}'.`);
    c.logLevel ??= level;
  },
  requesttty: (c, a, at) => {
    c.requestTty ??= choice<RequestTty>({
      yes: 'yes',
      true: 'yes',
      no: 'no',
      false: 'no',
      force: 'force',
      auto: 'auto',
    })(a, at, 'RequestTTY');
  },
  addressfamily: (c, a, at) => {
    c.addressFamily ??= choice<'any' | 'inet' | 'inet6'>({ any: 'any', inet: 'inet', inet6: 'inet6' })(
      a,
      at,
      'AddressFamily',
    );
  },
  sessiontype: (c, a, at) => {
    c.sessionType ??= choice<'default' | 'none' | 'subsystem'>({
      default: 'default',
      none: 'none',
      subsystem: 'subsystem',
    })(a, at, 'SessionType');
  },
  stdinnull: (c, a, at) => {
    c.stdinNull ??= flag(a, at, 'StdinNull');
  },
  serveraliveinterval: (c, a, at) => {
    c.serverAliveInterval ??= time(a, at, 'ServerAliveInterval');
  },
  serveralivecountmax: (c, a, at) => {
    c.serverAliveCountMax ??= integer(a, at, 'ServerAliveCountMax');
  },
  ignoreunknown: (c, a, at) => {
    c.ignoreUnknown ??= one(a, at, 'IgnoreUnknown').split(',');
  },
};

/**
 * OpenSSH keywords that change nothing Seashell does (it adds no keys to agents, has no X11, GSSAPI, control
 * master, DNS or keep-alive tuning to change): accepted whatever the value.
 */
const IGNORED = new Set(
  [
    'AddKeysToAgent',
    'CanonicalDomains',
    'CanonicalizeFallbackLocal',
    'CanonicalizeHostname',
    'CanonicalizeMaxDots',
    'CanonicalizePermittedCNAMEs',
    'CASignatureAlgorithms',
    'CheckHostIP',
    'ClearAllForwardings',
    'ConnectionAttempts',
    'EnableSSHKeysign',
    'EscapeChar',
    'ExitOnForwardFailure',
    'FingerprintHash',
    'ForwardX11Timeout',
    'ForwardX11Trusted',
    'GatewayPorts',
    'GSSAPIAuthentication',
    'GSSAPIClientIdentity',
    'GSSAPIDelegateCredentials',
    'GSSAPIKeyExchange',
    'GSSAPIRenewalForcesRekey',
    'GSSAPIServerIdentity',
    'GSSAPITrustDNS',
    'HashKnownHosts',
    'HostbasedAcceptedAlgorithms',
    'HostbasedAuthentication',
    'IPQoS',
    'KbdInteractiveDevices',
    'LocalCommand',
    'LogVerbose',
    'NoHostAuthenticationForLocalhost',
    'ObscureKeystrokeTiming',
    'PermitRemoteOpen',
    'RequiredRSASize',
    'SecurityKeyProvider',
    'StreamLocalBindMask',
    'StreamLocalBindUnlink',
    'SyslogFacility',
    'TCPKeepAlive',
    'UpdateHostKeys',
    'UseKeychain',
    'VerifyHostKeyDNS',
    'VisualHostKey',
    'XAuthLocation',
  ].map((k) => k.toLowerCase()),
);

/**
 * OpenSSH keywords for features Seashell lacks: accepted when the value turns the feature off
 * (the listed values, lower-case), an error otherwise. The canonical spelling is for messages.
 */
const OFF_ONLY: Readonly<Record<string, { readonly name: string; readonly off: readonly string[] }>> =
  Object.fromEntries(
    (
      [
        ['Compression', ['no', 'false']],
        ['ControlMaster', ['no', 'false']],
        ['ControlPath', ['none']],
        ['ControlPersist', ['no', 'false', '0']],
        ['ForkAfterAuthentication', ['no', 'false']],
        ['ForwardAgent', ['no', 'false']],
        ['ForwardX11', ['no', 'false']],
        ['PermitLocalCommand', ['no', 'false']],
        ['PKCS11Provider', ['none']],
        ['ProxyCommand', ['none']],
        ['ProxyJump', ['none']],
        ['ProxyUseFdpass', ['no', 'false']],
        ['RemoteCommand', ['none']],
        ['RevokedHostKeys', ['none']],
        ['Tunnel', ['no', 'false']],
      ] as const
    ).map(([name, off]) => [name.toLowerCase(), { name, off }]),
  );

/** OpenSSH keywords Seashell cannot honour at all yet. */
const UNSUPPORTED = new Set(
  [
    'BindAddress',
    'BindInterface',
    'DynamicForward',
    'LocalForward',
    'RemoteForward',
    'SmartcardDevice',
    'TunnelDevice',
  ].map((k) => k.toLowerCase()),
);

/**
 * Applies one line. `active` is false inside a Host block that does not match: the line is still
 * checked (a bad option is an error anywhere, as in ssh) but sets nothing.
 * @throws ConfigError
 */
export function applyConfigLine(c: SshConfig, text: string, source: ConfigSource, active = true): void {
  const at = where(source);
  let parsed: { keyword: string; args: string[] };
  try {
    parsed = splitConfigLine(text);
  } catch (e) {
    throw new ConfigError(`${at}: ${(e as Error).message}.`);
  }
  const { keyword, args } = parsed;
  if (keyword === '') return;
  const key = keyword.toLowerCase();
  const target = active ? c : emptyConfig();
  // Host, Match and Include shape files (ssh-config-file.ts); they mean nothing on their own.
  if (key === 'host' || key === 'match' || key === 'include')
    throw new ConfigError(`${at}: ${keyword} directive not supported as a command-line option`);
  const handler = HANDLERS[key];
  if (handler) return handler(target, args, at);
  if (IGNORED.has(key)) {
    if (active) c.ignored.push(keyword);
    return;
  }
  const off = OFF_ONLY[key];
  if (off) {
    const value = args.join(' ').toLowerCase();
    if (off.off.includes(value)) {
      if (active) c.ignored.push(keyword);
      return;
    }
    if (!active) return;
    throw new ConfigError(`${at}: ${off.name} ${args.join(' ')} is not supported by seashell yet.`);
  }
  if (UNSUPPORTED.has(key)) {
    if (!active) return;
    throw new ConfigError(`${at}: ${keyword} is not supported by seashell yet.`);
  }
  if (c.ignoreUnknown?.some((p) => matchWildcard(key, p.toLowerCase()))) return;
  throw new ConfigError(`${at}: Bad configuration option: ${keyword}`);
}

/**
 * Applies a config file for `host` (the name as typed on the command line): lines before the first
 * `Host` apply to every host, a `Host` block only when one of its patterns matches and none of its
 * `!` patterns does.
 * @throws ConfigError
 */
