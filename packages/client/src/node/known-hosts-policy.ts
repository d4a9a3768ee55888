/**
 * Host key checking as ssh_config(5) StrictHostKeyChecking defines it, against known_hosts files
 * (sshd(8) SSH_KNOWN_HOSTS FILE FORMAT):
 *
 * - a key listed for the host is accepted, and so is a valid host certificate signed by a CA on a
 *   `@cert-authority` line for the host; a revoked key, or a certificate of a revoked CA, is
 *   refused always, as is a certificate of a trusted CA that is not valid (expired, wrong name);
 * - a host listed with other keys is refused always, with OpenSSH's warning naming the file and
 *   line (OpenSSH's `no` would carry on with passwords disabled; refusing is simpler and safer);
 * - an unknown host: `yes` refuses, `accept-new` and `no` add the key to the first
 *   UserKnownHostsFile, `ask` asks on the terminal (and refuses when it cannot ask).
 *
 * `decideHostKey` is pure; `KnownHostsPolicy` reads and appends the files.
 */
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  checkHostKey,
  formatKnownHostsLine,
  type HostKeyCheck,
  hasCertAuthorityFor,
  type KnownHostsEntry,
  knownHostsName,
  matchKnownHostsPatterns,
  parseKnownHosts,
} from '@seashell/auth';
import { fingerprintSha256, isCertificate, type PublicKey } from '@seashell/transport';
import type { CliLog } from './cli-log.js';
import type { StrictHostKeyChecking } from './ssh-config.js';

/** A known_hosts file as read (missing files are empty). */
export interface KnownHostsFile {
  readonly path: string;
  readonly entries: readonly KnownHostsEntry[];
}

/** What to do with the key a server presented. */
export type HostKeyDecision =
  /** Known: `authority` when a `@cert-authority` line vouched for a host certificate. */
  | { readonly kind: 'accept'; readonly path: string; readonly line: number; readonly authority?: boolean }
  /** Unknown host: add the key to `path` (accept-new, no), then go on. */
  | { readonly kind: 'add'; readonly path: string }
  /** Unknown host under `ask`: ask the user; add to `path` on yes. */
  | { readonly kind: 'ask'; readonly path: string; readonly message: readonly string[] }
  /** Refuse the key; `message` is what to print, ending with "Host key verification failed." */
  | { readonly kind: 'refuse'; readonly message: readonly string[] };

/** OpenSSH's short names of key types, for messages ("ED25519 key", "ED25519-CERT key"). */
export function keyTypeLabel(type: string): string {
  const cert = /^(.*)-cert-v01@openssh\.com$/.exec(type);
  if (cert) return `${keyTypeLabel(cert[1]!)}-CERT`;
  if (type === 'ssh-ed25519') return 'ED25519';
  if (type.startsWith('ecdsa-sha2-')) return 'ECDSA';
  if (type === 'ssh-rsa') return 'RSA';
  return type;
}

const FAILED = 'Host key verification failed.';

/**
 * Decides about `key` for `host`:`port` given the known_hosts files (user files first, then the
 * global ones) and the StrictHostKeyChecking mode. `addTo` is the file new keys go to (the first
 * UserKnownHostsFile); `now` (milliseconds) is when a host certificate must be valid.
 */
export function decideHostKey(
  files: readonly KnownHostsFile[],
  host: string,
  port: number,
  key: PublicKey,
  strict: StrictHostKeyChecking,
  addTo: string,
  now: number = Date.now(),
): HostKeyDecision {
  const label = keyTypeLabel(key.type);
  const fingerprint = fingerprintSha256(key);
  let name: string;
  try {
    name = knownHostsName(host, port);
  } catch {
    return { kind: 'refuse', message: [`Host name ${JSON.stringify(host)} cannot be checked.`, FAILED] };
  }
  const checks = files.map((f) => ({
    path: f.path,
    check: checkHostKey(f.entries, host, port, key, { now }),
  }));
  // A revoked key, or a certificate of a revoked CA, is refused whatever else the files say.
  for (const { path, check } of checks) {
    if (check.status === 'revoked') {
      return {
        kind: 'refuse',
        message: [
          '@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@',
          '@       WARNING: REVOKED HOST KEY DETECTED!               @',
          '@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@',
          check.authority
            ? `The CA that signed the ${label} host key for ${name} is marked as revoked in ${path}:${check.line}.`
            : `The ${label} host key for ${name} is marked as revoked in ${path}:${check.line}.`,
          'This could mean that a stolen key is being used to impersonate this host.',
          FAILED,
        ],
      };
    }
  }
  // A CA trusted for the host signed a certificate that is not valid here and now: refused (ssh
  // check_host_cert), never retried as a plain key.
  for (const { path, check } of checks) {
    if (check.status === 'invalid-certificate') {
      return {
        kind: 'refuse',
        message: [
          `Certificate invalid for ${name}: ${check.reason} (CA trusted in ${path}:${check.line}).`,
          FAILED,
        ],
      };
    }
  }
  let mismatch: { path: string; line: number; knownKeyTypes: readonly string[] } | undefined;
  for (const { path, check } of checks) {
    if (check.status === 'match') return accepted(path, check);
    if (check.status === 'mismatch') mismatch ??= { path, ...check };
  }
  // ssh falls back to the bare host name for another port, and takes only a match from it.
  if (port !== 22 && !mismatch) {
    for (const f of files) {
      const check = checkHostKey(f.entries, host, 22, key, { now });
      if (check.status === 'match') return accepted(f.path, check);
    }
  }
  if (mismatch) {
    const otherTypes = !mismatch.knownKeyTypes.includes(key.type);
    return {
      kind: 'refuse',
      message: [
        '@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@',
        '@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @',
        '@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@',
        'IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!',
        'Someone could be eavesdropping on you right now (man-in-the-middle attack)!',
        'It is also possible that a host key has just been changed.',
        `The fingerprint for the ${label} key sent by the remote host is`,
        `${fingerprint}.`,
        ...(otherTypes
          ? [
              `${mismatch.path} knows only ${mismatch.knownKeyTypes.map(keyTypeLabel).join(', ')} keys for ${name}.`,
            ]
          : []),
        'Please contact your system administrator.',
        `Add correct host key in ${mismatch.path} to get rid of this message.`,
        `Offending key in ${mismatch.path}:${mismatch.line}`,
        `  remove with: ssh-keygen -f "${mismatch.path}" -R "${name}"`,
        `Host key for ${name} has changed and you have requested strict checking.`,
        FAILED,
      ],
    };
  }
  const unknown = `No ${keyTypeLabel(plainKey(key).type)} host key is known for ${name}`;
  if (strict === 'yes')
    return { kind: 'refuse', message: [`${unknown} and you have requested strict checking.`, FAILED] };
  if (strict === 'ask') {
    return {
      kind: 'ask',
      path: addTo,
      message: [
        `The authenticity of host '${name}' can't be established.`,
        `${keyTypeLabel(plainKey(key).type)} key fingerprint is ${fingerprintSha256(plainKey(key))}.`,
      ],
    };
  }
  return { kind: 'add', path: addTo };
}

function accepted(path: string, check: Extract<HostKeyCheck, { status: 'match' }>): HostKeyDecision {
  return { kind: 'accept', path, line: check.line, ...(check.authority ? { authority: true } : {}) };
}

/** The certified key of a certificate; a plain key itself. What accept-new records. */
function plainKey(key: PublicKey): PublicKey {
  return isCertificate(key) ? key.key : key;
}

/** Key types known_hosts lists for the host, so that the server is asked for one of those first. */
export function knownKeyTypes(files: readonly KnownHostsFile[], host: string, port: number): string[] {
  let name: string;
  try {
    name = knownHostsName(host, port);
  } catch {
    return [];
  }
  const types: string[] = [];
  for (const f of files) {
    for (const e of f.entries) {
      if (
        e.kind === 'host' &&
        matchKnownHostsPatterns(name, e.hosts) === 'match' &&
        !types.includes(e.key.type)
      )
        types.push(e.key.type);
    }
  }
  return types;
}

/** Whether a `@cert-authority` line in the files speaks for the host: ssh then asks for certificates first. */
export function knownCertAuthority(files: readonly KnownHostsFile[], host: string, port: number): boolean {
  return files.some((f) => hasCertAuthorityFor(f.entries, host, port));
}

/** Reads known_hosts files (a missing or unreadable one counts as empty, as in ssh). */
export async function readKnownHostsFiles(paths: readonly string[], log: CliLog): Promise<KnownHostsFile[]> {
  return Promise.all(
    paths.map(async (path) => {
      try {
        const parsed = parseKnownHosts(await readFile(path, 'utf8'));
        for (const s of parsed.skipped) log.debug(`${path}:${s.line}: skipped: ${s.reason}`, 2);
        return { path, entries: parsed.entries };
      } catch (e) {
        log.debug(`load_hostkeys: fopen ${path}: ${(e as Error).message}`);
        return { path, entries: [] };
      }
    }),
  );
}

/** Appends the known_hosts line for `key`, creating the file's directory (mode 0700) if needed. */
export async function addKnownHost(path: string, host: string, port: number, key: PublicKey): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  let prefix = '';
  try {
    const text = await readFile(path, 'utf8');
    if (text !== '' && !text.endsWith('\n')) prefix = '\n';
  } catch {
    // a new file
  }
  await appendFile(path, `${prefix}${formatKnownHostsLine(host, port, key)}\n`, { mode: 0o600 });
}
