/**
 * What an accepted credential allows, in x/crypto/ssh's shape (`Permissions{CriticalOptions,
 * Extensions}`) with the certificate vocabulary of PROTOCOL.certkeys: critical options restrict
 * (`force-command`, `source-address`, `verify-required`), extensions grant (`permit-pty`,
 * `permit-port-forwarding`, `permit-agent-forwarding`, `permit-X11-forwarding`, `permit-user-rc`,
 * `no-touch-required`). authorized_keys options (sshd(8)) map onto the same words, plus the few
 * that have no certificate form (`from=`, `environment=`, `permitopen=`, `permitlisten=`).
 *
 * The connection layer honours them: the server refuses what an extension does not grant and runs
 * a forced command; the auth layer enforces `source-address` and `from=` for every method.
 */
import { matchCidrList, matchFromPatterns } from './address-match.js';

/** What authentication established about a login. */
export interface Permissions {
  /** `force-command`, `source-address`, `verify-required` (value '' for a flag). */
  readonly criticalOptions: ReadonlyMap<string, string>;
  /** Granted capabilities: `permit-pty`, `permit-port-forwarding`, … (value '' for a flag). */
  readonly extensions: ReadonlyMap<string, string>;
  /** authorized_keys `from="…"`: the client's address must match this pattern list. */
  readonly from?: string;
  /** authorized_keys `environment="NAME=value"`, in order; set only when the server allows it. */
  readonly environment?: readonly string[];
  /** authorized_keys `permitopen="host:port"`: when present, the only direct-tcpip destinations. */
  readonly permitOpen?: readonly string[];
  /** authorized_keys `permitlisten="[host:]port"`: when present, the only tcpip-forward listens. */
  readonly permitListen?: readonly string[];
}

/** The extensions that grant something, as `ssh-keygen -s` sets them by default. */
export const PERMIT_EXTENSIONS = [
  'permit-X11-forwarding',
  'permit-agent-forwarding',
  'permit-port-forwarding',
  'permit-pty',
  'permit-user-rc',
] as const;

/** The critical options Seashell understands; a certificate with any other is refused. */
export const SUPPORTED_CRITICAL_OPTIONS: readonly string[] = [
  'force-command',
  'source-address',
  'verify-required',
];

/**
 * Everything granted, nothing restricted: a password login, or a key on an authorized_keys line
 * without options.
 */
export function unrestrictedPermissions(): Permissions {
  return {
    criticalOptions: new Map(),
    extensions: new Map(PERMIT_EXTENSIONS.map((name) => [name, ''])),
  };
}

/**
 * Whether `permissions` grant an extension.
 * @example
 * if (!permits(session.permissions, 'permit-pty')) refusePty();
 */
export function permits(permissions: Permissions, extension: string): boolean {
  return permissions.extensions.has(extension);
}

/** The forced command, if a `force-command` option or a `command=` line set one. */
export function forcedCommand(permissions: Permissions): string | undefined {
  return permissions.criticalOptions.get('force-command');
}

/**
 * Why `permissions` do not allow a login from `remoteAddress`, or undefined when they do: the
 * `source-address` critical option and the `from=` pattern list must both admit the address.
 * An empty or malformed list, or an address that is not an IP address, denies (x/crypto
 * CVE-2026-46595 and CVE-2026-56854).
 */
export function sourceAddressDenial(
  permissions: Permissions,
  remoteAddress: string | undefined,
): string | undefined {
  const sourceAddress = permissions.criticalOptions.get('source-address');
  if (sourceAddress !== undefined) {
    const match = remoteAddress === undefined ? 'invalid' : matchCidrList(remoteAddress, sourceAddress);
    if (match !== 'match')
      return match === 'invalid'
        ? 'source-address cannot be evaluated for this client'
        : `source-address does not allow ${remoteAddress}`;
  }
  if (permissions.from !== undefined) {
    const match =
      remoteAddress === undefined ? 'invalid' : matchFromPatterns(remoteAddress, permissions.from);
    if (match !== 'match')
      return match === 'invalid'
        ? 'from= cannot be evaluated for this client'
        : `from= does not allow ${remoteAddress}`;
  }
  return undefined;
}

/** Two credentials of one login (partial success) asked for different forced commands. */
export class PermissionsConflictError extends Error {
  override readonly name = 'PermissionsConflictError';
}

/**
 * The permissions of a login that passed two checks (a certificate and the authorized_keys line
 * that trusts its CA; two factors of a multi-factor login): the most restrictive of both, as
 * OpenSSH's `sshauthopt_merge`. Extensions must be granted by both; critical options of both
 * apply; `environment=` adds up; `permitopen=`/`permitlisten=` keep only what both allow.
 * @throws PermissionsConflictError when both force a command and the commands differ.
 */
export function mergePermissions(a: Permissions, b: Permissions): Permissions {
  const extensions = new Map([...a.extensions].filter(([name]) => b.extensions.has(name)));
  const criticalOptions = new Map(a.criticalOptions);
  for (const [name, value] of b.criticalOptions) {
    const mine = criticalOptions.get(name);
    if (mine === undefined) criticalOptions.set(name, value);
    else if (name === 'force-command' && mine !== value)
      throw new PermissionsConflictError('forced commands do not match');
    // source-address: both lists were checked against the client when each was accepted.
  }
  const from = a.from ?? b.from;
  const environment = [...(a.environment ?? []), ...(b.environment ?? [])];
  const both = (x: readonly string[] | undefined, y: readonly string[] | undefined) =>
    x === undefined ? y : y === undefined ? x : x.filter((e) => y.includes(e));
  const permitOpen = both(a.permitOpen, b.permitOpen);
  const permitListen = both(a.permitListen, b.permitListen);
  return {
    criticalOptions,
    extensions,
    ...(from !== undefined ? { from } : {}),
    ...(environment.length > 0 ? { environment } : {}),
    ...(permitOpen !== undefined ? { permitOpen } : {}),
    ...(permitListen !== undefined ? { permitListen } : {}),
  };
}
