/**
 * The options field of an authorized_keys line (sshd(8) "AUTHORIZED_KEYS FILE FORMAT"), read by
 * sshd's rules (auth-options.c `sshauthopt_parse`): comma-separated, names case-insensitive,
 * values in double quotes with `\"` for a quote, flags that take a `no-` prefix, `restrict`
 * turning every capability off at its place in the list (so `restrict,pty` allows a pty).
 *
 * An option sshd does not know, a malformed value, or a repeated `command=`, `from=` or
 * `principals=` makes the whole line unusable, as in sshd; empty options between commas are
 * skipped, as sshd skips them.
 */
import { PERMIT_EXTENSIONS, type Permissions } from '../permissions.js';
import { KeyFileError } from './errors.js';

/** The capabilities an authorized_keys line can take away (and give back after `restrict`). */
export interface KeyCapabilities {
  readonly pty: boolean;
  readonly portForwarding: boolean;
  readonly agentForwarding: boolean;
  readonly x11Forwarding: boolean;
  readonly userRc: boolean;
}

/** A parsed options field. */
export interface AuthorizedKeyOptions {
  /** `cert-authority`: the key is a CA; certificates it signed are accepted. */
  readonly certAuthority: boolean;
  /** `principals="a,b"` (with cert-authority): the certificate must list one of these. */
  readonly principals?: readonly string[];
  /** `command="…"`: runs instead of whatever the client asks for. */
  readonly command?: string;
  /** `from="pattern-list"`. */
  readonly from?: string;
  /** `environment="NAME=value"`, the first of each name (applied only when the server allows it). */
  readonly environment: readonly string[];
  /** `permitopen="host:port"`, in order. */
  readonly permitOpen: readonly string[];
  /** `permitlisten="[host:]port"`, in order. */
  readonly permitListen: readonly string[];
  /** `expiry-time="YYYYMMDD[HHMM[SS]][Z]"`, seconds since the epoch; the earliest if repeated. */
  readonly expiryTime?: bigint;
  readonly capabilities: KeyCapabilities;
  /** `no-touch-required` (FIDO keys). */
  readonly noTouchRequired: boolean;
  /** `verify-required` (FIDO keys). */
  readonly verifyRequired: boolean;
  /** `tunnel="n"`: Seashell forwards no tunnels, so it only narrows what is refused anyway. */
  readonly tunnel?: string;
}

/** A line without options. */
export const NO_OPTIONS: AuthorizedKeyOptions = {
  certAuthority: false,
  environment: [],
  permitOpen: [],
  permitListen: [],
  capabilities: { pty: true, portForwarding: true, agentForwarding: true, x11Forwarding: true, userRc: true },
  noTouchRequired: false,
  verifyRequired: false,
};

/** sshd's SSH_AUTHOPT_ENV_MAX. */
const MAX_ENVIRONMENT = 1024;

/** Flags that take `no-`: the name and the capability (or FIDO flag) it sets. */
const NEGATABLE = {
  'port-forwarding': 'portForwarding',
  'agent-forwarding': 'agentForwarding',
  'x11-forwarding': 'x11Forwarding',
  pty: 'pty',
  'user-rc': 'userRc',
  'touch-required': 'touchRequired',
  'verify-required': 'verifyRequired',
} as const;

/**
 * Parses an options field (the text before the key type).
 * @throws KeyFileError naming what is wrong: an unknown option, a bad or unterminated value, a
 *   repeated command/from/principals, an empty option.
 * @example
 * parseAuthorizedKeyOptions('restrict,pty,command="uptime"').command; // 'uptime'
 */
export function parseAuthorizedKeyOptions(text: string): AuthorizedKeyOptions {
  const caps = { ...NO_OPTIONS.capabilities };
  const environment: string[] = [];
  const permitOpen: string[] = [];
  const permitListen: string[] = [];
  const o: Mutable = { ...NO_OPTIONS, environment, permitOpen, permitListen, capabilities: caps };
  const fail = (message: string): never => {
    throw new KeyFileError(`authorized_keys options: ${message}`);
  };
  let i = 0;
  while (i < text.length) {
    const name = /^[^,=\s"]*/.exec(text.slice(i))![0];
    i += name.length;
    if (text[i] !== '=') {
      // sshd skips an empty option (`,no-pty`, `a,,b`, a trailing comma): nothing matches, a comma follows.
      if (name !== '') flag(o, caps, name.toLowerCase(), fail);
    } else {
      let value: string;
      [value, i] = dequote(text, i + 1, fail);
      valueOption(o, name.toLowerCase(), value, fail);
    }
    if (i >= text.length) break;
    if (text[i] !== ',') fail(`unknown option near ${JSON.stringify(text.slice(i, i + 20))}`);
    i++;
  }
  return o;
}

type Mutable = { -readonly [K in keyof AuthorizedKeyOptions]: AuthorizedKeyOptions[K] } & {
  readonly environment: string[];
  readonly permitOpen: string[];
  readonly permitListen: string[];
};

function flag(
  o: Mutable,
  caps: { -readonly [K in keyof KeyCapabilities]: boolean },
  name: string,
  fail: (m: string) => never,
): void {
  if (name === 'restrict') {
    for (const k of Object.keys(caps) as (keyof KeyCapabilities)[]) caps[k] = false;
    return;
  }
  if (name === 'cert-authority') {
    o.certAuthority = true;
    return;
  }
  const negated = name.startsWith('no-');
  const base = negated ? name.slice(3) : name;
  if (!Object.hasOwn(NEGATABLE, base)) return fail(`unknown option ${JSON.stringify(name.slice(0, 40))}`);
  const target = NEGATABLE[base as keyof typeof NEGATABLE];
  if (target === 'touchRequired') o.noTouchRequired = negated;
  else if (target === 'verifyRequired') o.verifyRequired = !negated;
  else caps[target] = !negated;
}

function valueOption(o: Mutable, name: string, value: string, fail: (m: string) => never): void {
  switch (name) {
    case 'command':
      if (o.command !== undefined) fail('multiple "command" clauses');
      o.command = value;
      return;
    case 'principals':
      if (o.principals !== undefined) fail('multiple "principals" clauses');
      o.principals = value.split(',').filter((p) => p !== '');
      return;
    case 'from':
      if (o.from !== undefined) fail('multiple "from" clauses');
      o.from = value;
      return;
    case 'expiry-time': {
      const t = parseExpiryTime(value) ?? fail('invalid expiry-time');
      if (o.expiryTime === undefined || t < o.expiryTime) o.expiryTime = t;
      return;
    }
    case 'environment': {
      const eq = value.indexOf('=');
      // misc.c valid_env_name: letters, digits and '_', at least one.
      if (eq <= 0 || !/^[A-Za-z0-9_]+$/.test(value.slice(0, eq))) fail('invalid environment string');
      if (o.environment.length >= MAX_ENVIRONMENT) fail('too many environment strings');
      // The first of each name wins, as in sshd.
      if (!o.environment.some((e) => e.startsWith(value.slice(0, eq + 1)))) o.environment.push(value);
      return;
    }
    case 'permitopen':
      o.permitOpen.push(checkPermit(value, false, fail));
      return;
    case 'permitlisten':
      o.permitListen.push(checkPermit(value, true, fail));
      return;
    case 'tunnel':
      if (!/^(\d+|any)$/i.test(value)) fail('invalid tun device');
      o.tunnel = value;
      return;
    default:
      fail(`unknown option ${JSON.stringify(name.slice(0, 40))}`);
  }
}

/** sshd `opt_dequote`: a value starts with `"`, ends at the next unescaped `"`; `\"` is a quote. */
function dequote(text: string, at: number, fail: (m: string) => never): [string, number] {
  if (text[at] !== '"') return fail('missing start quote');
  let out = '';
  let i = at + 1;
  for (; i < text.length && text[i] !== '"'; i++) {
    if (text[i] === '\\' && text[i + 1] === '"') i++;
    out += text[i];
  }
  if (i >= text.length) fail('missing end quote');
  return [out, i + 1];
}

/** `host:port` (permitopen) or `[host:]port` (permitlisten); port a number or `*`, host `[v6]` allowed. */
function checkPermit(value: string, listen: boolean, fail: (m: string) => never): string {
  const what = listen ? 'permitlisten' : 'permitopen';
  const spec = listen && !value.includes(':') ? `*:${value}` : value;
  const m = /^(\[[^\]]+\]|[^:[\]]+):([^:]+)$/.exec(spec);
  if (!m) return fail(`invalid ${what} "${value.slice(0, 64)}"`);
  const port = m[2]!;
  if (port !== '*' && !(/^\d{1,5}$/.test(port) && Number(port) <= 65535 && (listen || Number(port) > 0)))
    fail(`invalid port in ${what} "${value.slice(0, 64)}"`);
  return spec;
}

/**
 * OpenSSH `parse_absolute_time`: `YYYYMMDD`, `YYYYMMDDHHMM` or `YYYYMMDDHHMMSS`, local time, or
 * UTC with a trailing `Z`. Undefined for anything else or an impossible date.
 */
export function parseExpiryTime(text: string): bigint | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2})?)?(Z?)$/i.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map((x) => Number(x ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const utc = m[7] !== '';
  const date = utc ? new Date(Date.UTC(y, mo - 1, d, h, mi, s)) : new Date(y, mo - 1, d, h, mi, s);
  const check = utc
    ? [
        date.getUTCFullYear(),
        date.getUTCMonth() + 1,
        date.getUTCDate(),
        date.getUTCHours(),
        date.getUTCMinutes(),
      ]
    : [date.getFullYear(), date.getMonth() + 1, date.getDate(), date.getHours(), date.getMinutes()];
  // Date rolls 20230231 over into March; OpenSSH's strptime refuses it.
  if (check.join() !== [y, mo, d, h, mi].join() || s > 59) return undefined;
  const seconds = Math.floor(date.getTime() / 1000);
  return seconds > 0 ? BigInt(seconds) : undefined;
}

/** What the server should know about options it does not apply itself. */
export interface KeyOptionsPolicy {
  /** sshd PermitUserEnvironment: apply `environment=` (default false: ignored). */
  readonly permitUserEnvironment?: boolean;
}

/**
 * The `Permissions` an authorized_keys line grants.
 * @example
 * authorizedKeyPermissions(parseAuthorizedKeyOptions('no-pty,command="uptime"')).criticalOptions.get('force-command'); // 'uptime'
 */
export function authorizedKeyPermissions(
  options: AuthorizedKeyOptions,
  policy: KeyOptionsPolicy = {},
): Permissions {
  const c = options.capabilities;
  const granted: Record<(typeof PERMIT_EXTENSIONS)[number], boolean> = {
    'permit-X11-forwarding': c.x11Forwarding,
    'permit-agent-forwarding': c.agentForwarding,
    'permit-port-forwarding': c.portForwarding,
    'permit-pty': c.pty,
    'permit-user-rc': c.userRc,
  };
  const extensions = new Map<string, string>();
  for (const name of PERMIT_EXTENSIONS) if (granted[name]) extensions.set(name, '');
  if (options.noTouchRequired) extensions.set('no-touch-required', '');
  const criticalOptions = new Map<string, string>();
  if (options.command !== undefined) criticalOptions.set('force-command', options.command);
  if (options.verifyRequired) criticalOptions.set('verify-required', '');
  return {
    criticalOptions,
    extensions,
    ...(options.from !== undefined ? { from: options.from } : {}),
    ...(policy.permitUserEnvironment && options.environment.length > 0
      ? { environment: options.environment }
      : {}),
    // `restrict` takes away port forwarding; permitopen then has nothing to narrow, as in sshd.
    ...(options.permitOpen.length > 0 ? { permitOpen: options.permitOpen } : {}),
    ...(options.permitListen.length > 0 ? { permitListen: options.permitListen } : {}),
  };
}
