/**
 * The command line of `seashell-sshd` (DESIGN.md "Command-line programs"): its own flags, and
 * `-o Name=Value` with the sshd_config(5) keywords it implements. Parsing is pure — no files are
 * read here — so every mistake is reported before anything starts, with exit code 1.
 */
import { ALGORITHM_OPTIONS } from '@seashell/transport';
import { type AlgorithmKind, AlgorithmListError, resolveAlgorithmList } from './algorithm-list.js';

/** A mistake on the command line; the message is for the operator. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** A `--password USER:PASS` pair; `user` undefined accepts any login name (`--demo`). */
export interface PasswordEntry {
  readonly user: string | undefined;
  readonly password: string;
}

/** What the `-o` options set; absent fields keep the server's defaults. */
export interface SshdConfig {
  readonly kex?: readonly string[];
  readonly ciphers?: readonly string[];
  readonly macs?: readonly string[];
  readonly hostKeyAlgorithms?: readonly string[];
  readonly publicKeyAlgorithms?: readonly string[];
  /** RekeyLimit: bytes in either direction before a re-exchange. */
  readonly rekeyBytes?: number;
  readonly maxAuthTries?: number;
  readonly loginGraceTimeMs?: number;
  /** Banner: a file whose text is sent before authentication. */
  readonly bannerFile?: string;
  /** AcceptEnv patterns added to the defaults. */
  readonly acceptEnv: readonly string[];
  /** PermitUserEnvironment: apply authorized_keys `environment=` options. */
  readonly permitUserEnvironment?: boolean;
  /** RevokedKeys: a KRL or a list of public keys refused for everyone. */
  readonly revokedKeysFile?: string;
}

/** The parsed command line. */
export interface SshdArgs {
  readonly port: number;
  readonly address: string;
  readonly hostKeyFiles: readonly string[];
  readonly authorizedKeysFile: string | undefined;
  /** `--trusted-user-ca-keys`: CAs whose user certificates log in as a listed principal. */
  readonly trustedUserCaKeysFile: string | undefined;
  /** `--host-certificate`, repeatable: each served with the host key it certifies. */
  readonly hostCertificateFiles: readonly string[];
  readonly passwords: readonly PasswordEntry[];
  readonly sftpServer: string | undefined;
  readonly config: SshdConfig;
  /** How many `-v`: 1 logs connections and authentication, 2 adds sessions. */
  readonly verbose: number;
  readonly demo: boolean;
  readonly help: boolean;
}

/** `-p` when not given: an unprivileged port, so no root is needed. */
export const DEFAULT_PORT = 2222;
/** `-b` when not given: loopback only, as befits a server that runs commands as its own user. */
export const DEFAULT_ADDRESS = '127.0.0.1';
/** Environment names a client may set without `-o AcceptEnv` (Debian's sshd_config default). */
export const DEFAULT_ACCEPT_ENV: readonly string[] = ['LANG', 'LC_*'];

/** What `--help` prints. */
export const SSHD_USAGE = `usage: seashell-sshd [options]

  -p PORT                  port to listen on (default ${DEFAULT_PORT}; 0 picks a free one)
  -b ADDR                  address to listen on (default ${DEFAULT_ADDRESS})
  -h FILE                  host key, an unencrypted private key file (OpenSSH, PEM, PKCS#8
                           or PuTTY PPK; repeatable, one per type); without -h an ephemeral
                           ed25519 key is made and its fingerprint printed
  --authorized-keys FILE   accept the public keys listed in FILE (authorized_keys format,
                           options honoured: from=, command=, no-pty, restrict, cert-authority,
                           principals=, expiry-time=, environment= (with PermitUserEnvironment),
                           permitopen=, …; a line with an unknown option is skipped)
  --trusted-user-ca-keys FILE
                           accept user certificates signed by a CA key listed in FILE whose
                           principals include the login name (sshd TrustedUserCAKeys)
  --host-certificate FILE  serve this host certificate (a -cert.pub) with the host key it
                           certifies; repeatable (sshd HostCertificate)
  --password USER:PASS     accept this password for USER (repeatable; visible in ps: for tests)
  --sftp-server PATH       program run for the sftp subsystem (default: the first of
                           /usr/lib/openssh/sftp-server, /usr/libexec/openssh/sftp-server,
                           /usr/lib/sftp-server that exists)
  -o Name=Value            sshd_config option: Ciphers, KexAlgorithms, MACs, HostKeyAlgorithms,
                           PubkeyAcceptedAlgorithms (lists take OpenSSH's +, - and ^ prefixes),
                           RekeyLimit (bytes, K/M/G), MaxAuthTries, LoginGraceTime, Banner (file),
                           AcceptEnv (patterns added to LANG LC_*), PermitUserEnvironment (yes/no),
                           RevokedKeys (a KRL from ssh-keygen -k, or public keys one per line)
  -v                       log connections and authentication to stderr (-vv: sessions too)
  --demo                   ephemeral host key and a one-time password for any user name;
                           prints the ssh command line to log in
  --help                   this text

Commands and shells run as the current OS user, in the user's login shell ($SHELL -c COMMAND),
on a pseudo-terminal when the client asks for one.
`;

const ALGORITHM_KINDS = {
  kexalgorithms: { keyword: 'KexAlgorithms', ...ALGORITHM_OPTIONS.KexAlgorithms },
  ciphers: { keyword: 'Ciphers', ...ALGORITHM_OPTIONS.Ciphers },
  macs: { keyword: 'MACs', ...ALGORITHM_OPTIONS.MACs },
  hostkeyalgorithms: { keyword: 'HostKeyAlgorithms', ...ALGORITHM_OPTIONS.HostKeyAlgorithms },
  pubkeyacceptedalgorithms: {
    keyword: 'PubkeyAcceptedAlgorithms',
    ...ALGORITHM_OPTIONS.PubkeyAcceptedAlgorithms,
  },
} as const satisfies Record<string, AlgorithmKind>;

const CONFIG_FIELD = {
  kexalgorithms: 'kex',
  ciphers: 'ciphers',
  macs: 'macs',
  hostkeyalgorithms: 'hostKeyAlgorithms',
  pubkeyacceptedalgorithms: 'publicKeyAlgorithms',
} as const;

/** The sshd_config keywords `-o` takes, as sshd_config(5) spells them. */
export const CONFIG_KEYWORDS: readonly string[] = [
  ...Object.values(ALGORITHM_KINDS).map((k) => k.keyword),
  'RekeyLimit',
  'MaxAuthTries',
  'LoginGraceTime',
  'Banner',
  'AcceptEnv',
  'PermitUserEnvironment',
  'RevokedKeys',
];

/**
 * Parses the arguments after the program name.
 * @throws UsageError for anything it cannot take.
 * @example
 * parseSshdArgs(['-p', '2022', '--password', 'alice:secret', '-o', 'Ciphers=aes256-ctr']);
 */
export function parseSshdArgs(argv: readonly string[]): SshdArgs {
  let port = DEFAULT_PORT;
  let address = DEFAULT_ADDRESS;
  const hostKeyFiles: string[] = [];
  let authorizedKeysFile: string | undefined;
  let trustedUserCaKeysFile: string | undefined;
  const hostCertificateFiles: string[] = [];
  const passwords: PasswordEntry[] = [];
  let sftpServer: string | undefined;
  const config = new ConfigBuilder();
  let verbose = 0;
  let demo = false;
  let help = false;

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const long = arg.startsWith('--');
    const flag = long ? arg.split('=')[0]! : arg.slice(0, 2);
    // A value given in the same word: `-p2222`, `--password=a:b`.
    const inline = long
      ? arg.includes('=')
        ? arg.slice(flag.length + 1)
        : undefined
      : arg.slice(2) || undefined;
    const value = (): string => {
      if (inline !== undefined) return inline;
      const next = argv[++i];
      if (next === undefined) throw new UsageError(`${flag} needs a value`);
      return next;
    };
    const noValue = (): void => {
      if (inline !== undefined && !(flag === '-v' && /^v+$/.test(inline)))
        throw new UsageError(`${flag} takes no value`);
    };
    switch (flag) {
      case '-p':
        port = parsePort(value());
        break;
      case '-b':
        address = value();
        break;
      case '-h':
        hostKeyFiles.push(value());
        break;
      case '-o':
        config.set(value());
        break;
      case '-v':
        noValue();
        verbose += arg.length - 1;
        break;
      case '--authorized-keys':
        if (authorizedKeysFile !== undefined) throw new UsageError('--authorized-keys given twice');
        authorizedKeysFile = value();
        break;
      case '--trusted-user-ca-keys':
        if (trustedUserCaKeysFile !== undefined) throw new UsageError('--trusted-user-ca-keys given twice');
        trustedUserCaKeysFile = value();
        break;
      case '--host-certificate':
        hostCertificateFiles.push(value());
        break;
      case '--password':
        passwords.push(parsePasswordEntry(value()));
        break;
      case '--sftp-server':
        sftpServer = value();
        break;
      case '--demo':
        noValue();
        demo = true;
        break;
      case '--help':
        noValue();
        help = true;
        break;
      default:
        throw new UsageError(`unknown ${arg.startsWith('-') ? 'flag' : 'argument'} ${arg}`);
    }
  }
  return {
    port,
    address,
    hostKeyFiles,
    authorizedKeysFile,
    trustedUserCaKeysFile,
    hostCertificateFiles,
    passwords,
    sftpServer,
    config: config.result(),
    verbose,
    demo,
    help,
  };
}

function parsePort(text: string): number {
  const port = /^\d{1,5}$/.test(text) ? Number(text) : Number.NaN;
  if (!(port >= 0 && port <= 65535)) throw new UsageError(`bad port "${text}"`);
  return port;
}

function parsePasswordEntry(text: string): PasswordEntry {
  const colon = text.indexOf(':');
  if (colon <= 0 || colon === text.length - 1)
    throw new UsageError('--password takes USER:PASS with neither part empty');
  return { user: text.slice(0, colon), password: text.slice(colon + 1) };
}

/** Collects `-o` options; each keyword may be given once (AcceptEnv adds up, as in sshd_config). */
class ConfigBuilder {
  readonly #fields: { -readonly [K in keyof SshdConfig]: SshdConfig[K] } = { acceptEnv: [] };
  readonly #seen = new Set<string>();

  set(option: string): void {
    // sshd_config(5): "Name Value" or "Name=Value"; keywords are case-insensitive.
    const m = /^\s*([A-Za-z]+)\s*(?:=|\s)\s*(.*?)\s*$/.exec(option);
    if (!m) throw new UsageError(`-o takes Name=Value, got "${option}"`);
    const keyword = m[1]!.toLowerCase();
    const value = m[2]!;
    const known = CONFIG_KEYWORDS.find((k) => k.toLowerCase() === keyword);
    if (known === undefined)
      throw new UsageError(`unsupported option ${m[1]}; -o takes ${CONFIG_KEYWORDS.join(', ')}`);
    if (value === '') throw new UsageError(`${known} needs a value`);
    if (keyword !== 'acceptenv' && this.#seen.has(keyword)) throw new UsageError(`${known} given twice`);
    this.#seen.add(keyword);
    this.#apply(keyword, known, value);
  }

  #apply(keyword: string, known: string, value: string): void {
    const f = this.#fields;
    if (keyword in ALGORITHM_KINDS) {
      const kind = keyword as keyof typeof ALGORITHM_KINDS;
      try {
        f[CONFIG_FIELD[kind]] = resolveAlgorithmList(value, ALGORITHM_KINDS[kind]);
      } catch (e) {
        if (e instanceof AlgorithmListError) throw new UsageError(e.message);
        throw e;
      }
      return;
    }
    switch (keyword) {
      case 'rekeylimit':
        f.rekeyBytes = parseRekeyLimit(value);
        return;
      case 'maxauthtries':
        if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 1000)
          throw new UsageError(`MaxAuthTries must be an integer from 1 to 1000, got "${value}"`);
        f.maxAuthTries = Number(value);
        return;
      case 'logingracetime':
        f.loginGraceTimeMs = parseTimeSpec(known, value) * 1000;
        return;
      case 'banner':
        if (value !== 'none') f.bannerFile = value;
        return;
      case 'permituserenvironment':
        if (!/^(yes|no)$/i.test(value))
          throw new UsageError(`PermitUserEnvironment takes yes or no, got "${value}"`);
        f.permitUserEnvironment = value.toLowerCase() === 'yes';
        return;
      case 'revokedkeys':
        if (value !== 'none') f.revokedKeysFile = value;
        return;
      default:
        f.acceptEnv = [...f.acceptEnv, ...value.split(/[\s,]+/).filter((p) => p !== '')];
    }
  }

  result(): SshdConfig {
    return this.#fields;
  }
}

/**
 * `RekeyLimit BYTES [TIME]` (sshd_config(5)): bytes with an optional K, M or G suffix, or
 * `default`; only `none` is taken for the time part (rekeying by time is not implemented).
 */
export function parseRekeyLimit(value: string): number | undefined {
  const [bytes, time, ...rest] = value.split(/\s+/);
  if (rest.length > 0) throw new UsageError(`RekeyLimit takes BYTES [TIME], got "${value}"`);
  if (time !== undefined && time !== 'none')
    throw new UsageError('RekeyLimit: rekeying by time is not supported; give only a byte count');
  if (bytes === 'default') return undefined;
  const m = /^(\d+)([KMG]?)$/i.exec(bytes ?? '');
  if (!m) throw new UsageError(`RekeyLimit: bad size "${bytes}" (bytes with an optional K, M or G)`);
  const scale = { '': 1, K: 1 << 10, M: 1 << 20, G: 1 << 30 }[m[2]!.toUpperCase() as '' | 'K' | 'M' | 'G'];
  const n = Number(m[1]) * scale;
  // OpenSSH: 0 is the default; anything under 16 bytes is refused.
  if (n === 0) return undefined;
  if (n < 16 || !Number.isSafeInteger(n)) throw new UsageError(`RekeyLimit: size "${bytes}" out of range`);
  return n;
}

/**
 * An sshd_config(5) TIME FORMAT value in seconds: `90`, `2m`, `1h30m` (units s, m, h, d, w).
 */
export function parseTimeSpec(keyword: string, value: string): number {
  if (!/^(\d+[smhdw]?)+$/i.test(value)) throw new UsageError(`${keyword}: bad time "${value}"`);
  const unit: Record<string, number> = { '': 1, s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
  let seconds = 0;
  for (const [, n, u] of value.matchAll(/(\d+)([smhdw]?)/gi)) seconds += Number(n) * unit[u!.toLowerCase()]!;
  if (!Number.isSafeInteger(seconds * 1000)) throw new UsageError(`${keyword}: "${value}" is too long`);
  return seconds;
}
