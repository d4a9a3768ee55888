/**
 * authorized_keys files (sshd(8) "AUTHORIZED_KEYS FILE FORMAT"): one key per line, optionally
 * preceded by a comma-separated options string, then `keytype base64 [comment]`.
 *
 * Options (`command=`, `from=`, `restrict`, `cert-authority`, `permitopen=`, …) are NOT applied
 * yet. A line carrying options is parsed and returned with its options string, but
 * `findAuthorizedKey` refuses such a key instead of accepting it without its restrictions: an
 * ignored `command=` or `from=` would grant more than the file's owner allowed.
 */
import { type PublicKey, SUPPORTED_KEY_TYPES } from '@seashell/transport';
import { parsePublicKeyLine } from './public-key-file.js';
import { contentLines, reasonOf, type SkippedLine } from './text-lines.js';

/** One usable authorized_keys line. */
export interface AuthorizedKeyEntry {
  readonly key: PublicKey;
  readonly comment: string;
  /** The raw options string (e.g. `from="10.0.0.0/8",no-pty`), or undefined when the line has none. */
  readonly options: string | undefined;
  /** 1-based line number. */
  readonly line: number;
}

/** A parsed authorized_keys file. */
export interface AuthorizedKeys {
  readonly entries: readonly AuthorizedKeyEntry[];
  /** Lines that were neither blank nor comments but could not be used (unknown key type, bad base64, …). */
  readonly skipped: readonly SkippedLine[];
}

/**
 * Parses authorized_keys text. Never throws for the file's content: a line that cannot be used
 * (unknown key type, malformed key or options) is listed in `skipped`, as sshd skips it.
 * @example
 * const { entries } = parseAuthorizedKeys(readFileSync('/home/u/.ssh/authorized_keys', 'utf8'));
 */
export function parseAuthorizedKeys(text: string): AuthorizedKeys {
  const entries: AuthorizedKeyEntry[] = [];
  const skipped: SkippedLine[] = [];
  for (const { line, text: content } of contentLines(text)) {
    let options: string | undefined;
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
      options = split.first;
      keyText = split.rest;
    }
    try {
      const { key, comment } = parsePublicKeyLine(keyText);
      entries.push({ key, comment, options, line });
    } catch (e) {
      skipped.push({ line, reason: reasonOf(e) });
    }
  }
  return { entries, skipped };
}

/** The outcome of looking a key up in authorized_keys. */
export type AuthorizedKeyMatch =
  | { readonly status: 'allowed'; readonly entry: AuthorizedKeyEntry }
  /** The key is listed, but its line has options we do not enforce yet; treat as not authorized. */
  | { readonly status: 'refused-options'; readonly entry: AuthorizedKeyEntry }
  | { readonly status: 'not-found' };

/**
 * Finds `key` in the parsed entries. The first line holding the key decides, as in sshd: if that
 * line has options the key is refused (`refused-options`), never allowed without them, and later
 * lines with the same key are not consulted (they must not lift the first line's restrictions).
 * @example
 * const match = findAuthorizedKey(parseAuthorizedKeys(text).entries, offeredKey);
 * if (match.status === 'allowed') accept();
 */
export function findAuthorizedKey(
  entries: readonly AuthorizedKeyEntry[],
  key: PublicKey,
): AuthorizedKeyMatch {
  for (const entry of entries) {
    if (!entry.key.equals(key)) continue;
    if (entry.options !== undefined) return { status: 'refused-options', entry };
    return { status: 'allowed', entry };
  }
  return { status: 'not-found' };
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
