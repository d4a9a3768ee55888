/**
 * The credentials `seashell-sshd` accepts: passwords given on its command line (compared in
 * constant time) and the keys of an authorized_keys file with their options, read again for
 * every attempt so that edits take effect without a restart, as with sshd.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import {
  findAuthorizedKey,
  type Permissions,
  parseAuthorizedKeys,
  parseKrl,
  parsePublicKeyLine,
} from '@seashell/auth';
import { fingerprintSha256, isCertificate, type PublicKey } from '@seashell/transport';
import type { AuthContext } from './server.js';
import type { PasswordEntry } from './sshd-options.js';

/**
 * Whether `password` is the one given for `user` (or for any user). Every entry is compared, each
 * through a SHA-256 digest so that the comparison takes the same time whatever the lengths.
 * @example
 * const check = passwordChecker([{ user: 'alice', password: 'secret' }]);
 * check('alice', 'secret'); // true
 */
export function passwordChecker(
  entries: readonly PasswordEntry[],
): (user: string, password: string) => boolean {
  const digests = entries.map((e) => ({ user: e.user, digest: sha256(e.password) }));
  return (user, password) => {
    const offered = sha256(password);
    let ok = false;
    for (const e of digests) {
      const same = timingSafeEqual(e.digest, offered);
      if (same && (e.user === undefined || e.user === user)) ok = true;
    }
    return ok;
  };
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** What `authorizedKeysChecker` is told besides the file. */
export interface AuthorizedKeysOptions {
  /** sshd PermitUserEnvironment: apply `environment=` options (default false). */
  readonly permitUserEnvironment?: boolean;
  /** Now, in milliseconds (default `Date.now`). */
  readonly now?: () => number;
}

/**
 * The permissions the authorized_keys file at `path` grants `key` for this login, or false. The
 * file is read for every attempt, its options honoured (`from=`, `command=`, `no-pty`,
 * `cert-authority`, `expiry-time=`, …); a line sshd would not use is reported through `log`
 * (level 0), as is a line that holds the key but refuses this login (level 1).
 */
export function authorizedKeysChecker(
  path: string,
  log: (level: number, message: string) => void,
  options: AuthorizedKeysOptions = {},
): (ctx: AuthContext, key: PublicKey) => Promise<Permissions | false> {
  const now = options.now ?? Date.now;
  return async (ctx, key) => {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (e) {
      log(0, `cannot read ${path}: ${(e as Error).message}`);
      return false;
    }
    const { entries, skipped } = parseAuthorizedKeys(text);
    for (const s of skipped) log(0, `${path} line ${s.line}: skipped: ${s.reason}`);
    const match = findAuthorizedKey(entries, key, {
      user: ctx.user,
      remoteAddress: ctx.remoteAddress,
      now: now(),
      ...(options.permitUserEnvironment ? { permitUserEnvironment: true } : {}),
    });
    if (match.status === 'allowed') return match.permissions;
    for (const r of match.refused)
      log(1, `${key.type} ${fingerprintSha256(key)}: ${path} line ${r.line} refused it: ${r.reason}`);
    return false;
  };
}

/**
 * The keys of a public key list file (sshd TrustedUserCAKeys, RevokedKeys as text): one key per
 * line, blank and `#` lines ignored. Certificates are not keys here.
 * @throws Error naming the first line that is not a plain public key.
 */
export function parsePublicKeyList(text: string): PublicKey[] {
  const keys: PublicKey[] = [];
  for (const { line, text: content } of text.split('\n').map((t, i) => ({ line: i + 1, text: t.trim() }))) {
    if (content === '' || content.startsWith('#')) continue;
    let key: PublicKey;
    try {
      key = parsePublicKeyLine(content).key;
    } catch (e) {
      throw new Error(`line ${line}: ${(e as Error).message}`);
    }
    if (isCertificate(key)) throw new Error(`line ${line}: a certificate is not a CA key`);
    keys.push(key);
  }
  return keys;
}

/**
 * sshd TrustedUserCAKeys: whether `ca` is listed in the file at `path`, read again for every
 * check (an unreadable file trusts nobody, and says so through `log`).
 */
export function trustedCaChecker(
  path: string,
  log: (level: number, message: string) => void,
): (ca: PublicKey) => Promise<boolean> {
  return async (ca) => {
    try {
      return parsePublicKeyList(await readFile(path, 'utf8')).some((k) => k.equals(ca));
    } catch (e) {
      log(0, `${path}: ${(e as Error).message}; no user certificate is trusted`);
      return false;
    }
  };
}

/**
 * sshd RevokedKeys: whether `key` is revoked by the file at `path` — a binary KRL (`ssh-keygen
 * -k`) or a list of public keys — read again for every check. A file that cannot be read or
 * parsed revokes everything, as sshd refuses keys then.
 */
export function revokedKeysChecker(
  path: string,
  log: (level: number, message: string) => void,
): (key: PublicKey) => Promise<boolean> {
  return async (key) => {
    try {
      const bytes = new Uint8Array(await readFile(path));
      if (startsWith(bytes, KRL_MAGIC)) return parseKrl(bytes).isRevoked(key);
      const plain = isCertificate(key) ? key.key : key;
      const listed = parsePublicKeyList(new TextDecoder().decode(bytes));
      return listed.some((k) => k.equals(plain) || (isCertificate(key) && k.equals(key.signatureKey)));
    } catch (e) {
      log(0, `RevokedKeys ${path}: ${(e as Error).message}; refusing every key`);
      return true;
    }
  };
}

const KRL_MAGIC = new TextEncoder().encode('SSHKRL\n\0');

function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  return bytes.length >= prefix.length && prefix.every((b, i) => bytes[i] === b);
}
