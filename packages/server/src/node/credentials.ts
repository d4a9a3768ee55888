/**
 * The credentials `seashell-sshd` accepts: passwords given on its command line (compared in
 * constant time) and the keys of an authorized_keys file, read again for every attempt so that
 * edits take effect without a restart, as with sshd.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { findAuthorizedKey, parseAuthorizedKeys } from '@seashell/auth';
import { fingerprintSha256, type PublicKey } from '@seashell/transport';
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

/**
 * Whether `key` is listed in the authorized_keys file at `path`. A key whose line carries options
 * is refused, and `warn` says why: the options are not enforced yet, and accepting the key
 * without them would grant more than the line allows.
 */
export function authorizedKeysChecker(
  path: string,
  warn: (message: string) => void,
): (key: PublicKey) => Promise<boolean> {
  return async (key) => {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (e) {
      warn(`cannot read ${path}: ${(e as Error).message}`);
      return false;
    }
    const match = findAuthorizedKey(parseAuthorizedKeys(text).entries, key);
    if (match.status === 'refused-options') {
      warn(
        `refused ${key.type} ${fingerprintSha256(key)}: ${path} line ${match.entry.line} has options, ` +
          'which seashell-sshd does not support yet',
      );
    }
    return match.status === 'allowed';
  };
}
