/**
 * authorized_keys files (sshd(8) "AUTHORIZED_KEYS FILE FORMAT"): one key per line, optionally
 * preceded by a comma-separated options string, then `keytype base64 [comment]`.
 *
 * The options are parsed by sshd's rules (`authorized-key-options.ts`) and honoured: a line whose
 * options cannot be parsed is skipped, never used without them. `findAuthorizedKey` walks the
 * lines as sshd's `check_authkeys_file` does: the first line that both holds the key (or, with
 * `cert-authority`, the certificate's CA) and authorises this login decides; a line that holds
 * the key but does not authorise it (wrong `from=`, expired) is passed over, since every line is
 * a grant of its own.
 */
import { type Certificate, isCertificate, type PublicKey, SUPPORTED_KEY_TYPES } from '@seashell/transport';
import { checkCertificate } from '../certs/certificate-check.js';
import { CertificateRejectedError } from '../errors.js';
import {
  mergePermissions,
  type Permissions,
  PermissionsConflictError,
  sourceAddressDenial,
} from '../permissions.js';
import {
  type AuthorizedKeyOptions,
  authorizedKeyPermissions,
  type KeyOptionsPolicy,
  NO_OPTIONS,
  parseAuthorizedKeyOptions,
} from './authorized-key-options.js';
import { parsePublicKeyLine } from './public-key-file.js';
import { contentLines, reasonOf, type SkippedLine } from './text-lines.js';

/** One usable authorized_keys line. */
export interface AuthorizedKeyEntry {
  /** The key, or with `cert-authority` the CA key. */
  readonly key: PublicKey;
  readonly comment: string;
  readonly options: AuthorizedKeyOptions;
  /** The options as written (e.g. `from="10.0.0.0/8",no-pty`), or undefined when the line has none. */
  readonly optionText: string | undefined;
  /** 1-based line number. */
  readonly line: number;
}

/** A parsed authorized_keys file. */
export interface AuthorizedKeys {
  readonly entries: readonly AuthorizedKeyEntry[];
  /**
   * Lines that were neither blank nor comments but could not be used (unknown key type, bad
   * base64, an option sshd would not take, …), with the reason: log them, as sshd does.
   */
  readonly skipped: readonly SkippedLine[];
}

/**
 * Parses authorized_keys text. Never throws for the file's content: a line that cannot be used
 * is listed in `skipped`, as sshd skips it.
 * @example
 * const { entries, skipped } = parseAuthorizedKeys(readFileSync('/home/u/.ssh/authorized_keys', 'utf8'));
 */
export function parseAuthorizedKeys(text: string): AuthorizedKeys {
  const entries: AuthorizedKeyEntry[] = [];
  const skipped: SkippedLine[] = [];
  for (const { line, text: content } of contentLines(text)) {
    let optionText: string | undefined;
    let keyText = content;
    const split = splitOptions(content);
    // As sshd does: the line is a key if it starts with a key type, otherwise options come first.
    if (!SUPPORTED_KEY_TYPES.includes(split.first)) {
      if (split.unterminated) {
        skipped.push({ line, reason: 'options have an unterminated quote' });
        continue;
      }
      if (split.rest === '' || !SUPPORTED_KEY_TYPES.includes(splitFirst(split.rest))) {
        skipped.push({ line, reason: 'no supported key type on the line' });
        continue;
      }
      optionText = split.first;
      keyText = split.rest;
    }
    try {
      const options = optionText === undefined ? NO_OPTIONS : parseAuthorizedKeyOptions(optionText);
      const { key, comment } = parsePublicKeyLine(keyText);
      entries.push({ key, comment, options, optionText, line });
    } catch (e) {
      skipped.push({ line, reason: reasonOf(e) });
    }
  }
  return { entries, skipped };
}

/** Who is logging in, for the options that depend on it. */
export interface AuthorizedKeyContext extends KeyOptionsPolicy {
  /** The login name (a certificate must list it, unless the line has `principals=`). */
  readonly user: string;
  /** The client's address, for `from=` and a certificate's `source-address`. */
  readonly remoteAddress: string | undefined;
  /** Now, in milliseconds since the epoch (`expiry-time=`, certificate validity). */
  readonly now: number;
  /** CA signature algorithms accepted for certificates (default: OpenSSH 9.2's). */
  readonly caSignatureAlgorithms?: readonly string[];
}

/** The outcome of looking a key up in authorized_keys. */
export type AuthorizedKeyMatch =
  | { readonly status: 'allowed'; readonly entry: AuthorizedKeyEntry; readonly permissions: Permissions }
  /** No line authorises the key; `refused` lists lines that hold it but refused this login, and why. */
  | { readonly status: 'not-found'; readonly refused: readonly SkippedLine[] };

/**
 * Finds the line that authorises `key` for this login: a plain key on a line without
 * `cert-authority`, or a certificate whose CA is on a `cert-authority` line (then checked for
 * type, validity, principals — the line's `principals=` or the login name — and critical options,
 * its permissions merged with the line's, most restrictive). `from=`, `expiry-time=` and a
 * certificate's `source-address` must admit the login.
 * @example
 * const match = findAuthorizedKey(parseAuthorizedKeys(text).entries, offeredKey, {
 *   user: 'alice', remoteAddress: '192.0.2.7', now: Date.now(),
 * });
 * if (match.status === 'allowed') accept(match.permissions);
 */
export function findAuthorizedKey(
  entries: readonly AuthorizedKeyEntry[],
  key: PublicKey,
  context: AuthorizedKeyContext,
): AuthorizedKeyMatch {
  const refused: SkippedLine[] = [];
  for (const entry of entries) {
    const { options } = entry;
    if (isCertificate(key)) {
      if (!options.certAuthority || !entry.key.equals(key.signatureKey)) continue;
    } else if (options.certAuthority || !entry.key.equals(key)) continue;
    const verdict = authorise(entry, key, context);
    if (typeof verdict === 'string') refused.push({ line: entry.line, reason: verdict });
    else return { status: 'allowed', entry, permissions: verdict };
  }
  return { status: 'not-found', refused };
}

/** The line's permissions for this login, or why it refuses it. */
function authorise(
  entry: AuthorizedKeyEntry,
  key: PublicKey,
  context: AuthorizedKeyContext,
): Permissions | string {
  const { options } = entry;
  // auth-options.c: an expiry-time in the past ends the line's grant.
  if (options.expiryTime !== undefined && options.expiryTime < BigInt(Math.floor(context.now / 1000)))
    return 'key expired (expiry-time)';
  if (options.principals !== undefined && !options.certAuthority) return 'principals= without cert-authority';
  let permissions = authorizedKeyPermissions(options, context);
  if (isCertificate(key)) {
    const fromCert = certificatePermissions(key, options, context);
    if (typeof fromCert === 'string') return fromCert;
    try {
      permissions = mergePermissions(permissions, fromCert);
    } catch (e) {
      if (e instanceof PermissionsConflictError) return e.message;
      throw e;
    }
  }
  return sourceAddressDenial(permissions, context.remoteAddress) ?? permissions;
}

function certificatePermissions(
  cert: Certificate,
  options: AuthorizedKeyOptions,
  context: AuthorizedKeyContext,
): Permissions | string {
  try {
    return checkCertificate(cert, {
      certType: 'user',
      principals: options.principals ?? [context.user],
      now: context.now,
      ...(context.caSignatureAlgorithms ? { caSignatureAlgorithms: context.caSignatureAlgorithms } : {}),
    });
  } catch (e) {
    if (e instanceof CertificateRejectedError) return e.reason;
    throw e;
  }
}

function splitFirst(text: string): string {
  const m = /[ \t]/.exec(text);
  return m === null ? text : text.slice(0, m.index);
}

/**
 * Splits off the first field with sshd's quoting rule for options: blanks inside double quotes
 * do not end it, and `\"` inside quotes is a literal quote.
 */
function splitOptions(text: string): { first: string; rest: string; unterminated: boolean } {
  let quoted = false;
  let i = 0;
  for (; i < text.length; i++) {
    const c = text[i];
    if (!quoted && (c === ' ' || c === '\t')) break;
    if (c === '\\' && text[i + 1] === '"') i++;
    else if (c === '"') quoted = !quoted;
  }
  return { first: text.slice(0, i), rest: text.slice(i).replace(/^[ \t]+/, ''), unterminated: quoted };
}
