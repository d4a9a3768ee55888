/**
 * The SSH public key file format of RFC 4716 (`ssh-keygen -e -m RFC4716`, the SSH.COM /
 * Tectia and PuTTY `.pub` files):
 *
 * ```
 * ---- BEGIN SSH2 PUBLIC KEY ----
 * Comment: "256-bit ED25519, converted by me@host from OpenSSH"
 * x-private-tag: a value that goes on \
 * over a continuation line
 * AAAAC3NzaC1lZDI1NTE5AAAAIP…      (base64 of the RFC 4253 §6.6 blob)
 * ---- END SSH2 PUBLIC KEY ----
 * ```
 *
 * §3.3: lines are at most 72 bytes; §3.3.1/§3.3.2: a header is `tag: value`, tag at most 64
 * bytes and case-insensitive, value at most 1024 bytes, a line ending in `\` continues on the
 * next; §3.3.2: a Comment value may be quoted.
 */
import {
  base64Decode,
  base64Encode,
  type PublicKey,
  parsePublicKey,
  SshDecodeError,
} from '@seashell/transport';
import { KeyFileError } from './errors.js';
import { MAX_KEY_FILE_LENGTH } from './pem.js';

const BEGIN = '---- BEGIN SSH2 PUBLIC KEY ----';
const END = '---- END SSH2 PUBLIC KEY ----';
const MAX_LINE = 72;
const BODY_WIDTH = 70;

/** A parsed RFC 4716 file. */
export interface Rfc4716PublicKey {
  readonly key: PublicKey;
  /** Headers in file order, tags as written, continuation lines joined. */
  readonly headers: readonly (readonly [tag: string, value: string])[];
  /** The Comment header without its quotes, or ''. */
  readonly comment: string;
}

/** Whether `text` holds an RFC 4716 BEGIN line. */
export function isRfc4716PublicKey(text: string): boolean {
  return text.trimStart().startsWith(BEGIN);
}

/**
 * Parses the first RFC 4716 public key in `text`.
 * @throws KeyFileError for missing markers, long lines or headers, bad base64; UnsupportedKeyError
 *   and InvalidKeyError from the blob.
 * @example
 * const { key, comment } = parseRfc4716PublicKey(readFileSync('key.pub', 'utf8'));
 */
export function parseRfc4716PublicKey(text: string): Rfc4716PublicKey {
  if (text.length > MAX_KEY_FILE_LENGTH) throw new KeyFileError('public key file is too large');
  // §3.1: lines end in CR, LF or CRLF; trailing blanks are not significant.
  const lines = text.split(/\r\n|\r|\n/).map((l) => l.replace(/[ \t]+$/, ''));
  let i = lines.indexOf(BEGIN);
  if (i < 0) throw new KeyFileError(`no "${BEGIN}" line`);
  const end = lines.indexOf(END, i + 1);
  if (end < 0) throw new KeyFileError(`no "${END}" line`);
  i++;
  for (let j = i; j < end; j++) {
    // §3.3: 72 8-bit bytes per line, not counting the line end.
    if (new TextEncoder().encode(lines[j]!).length > MAX_LINE)
      throw new KeyFileError('RFC 4716 line is longer than 72 bytes');
  }
  const headers: [string, string][] = [];
  while (i < end && lines[i]!.includes(':')) {
    let line = lines[i++]!;
    // §3.3.2: a backslash at the end of a line continues the header on the next.
    while (line.endsWith('\\')) {
      if (i >= end) throw new KeyFileError('RFC 4716 header continues past the key');
      line = line.slice(0, -1) + lines[i++]!;
    }
    const colon = line.indexOf(':');
    const tag = line.slice(0, colon);
    const value = line.slice(colon + 1).replace(/^ /, '');
    if (tag.length === 0 || tag.length > 64 || !/^[\x21-\x7e]+$/.test(tag))
      throw new KeyFileError('RFC 4716 header tag is empty, too long or not printable ASCII');
    if (new TextEncoder().encode(value).length > 1024)
      throw new KeyFileError('RFC 4716 header value is too long');
    if (headers.length >= 64) throw new KeyFileError('too many RFC 4716 headers');
    headers.push([tag, value]);
  }
  const body = lines.slice(i, end).join('');
  let blob: Uint8Array;
  try {
    blob = base64Decode(body);
  } catch (e) {
    if (e instanceof SshDecodeError) throw new KeyFileError(`RFC 4716 body: ${e.message}`);
    throw e;
  }
  const key = parsePublicKey(blob);
  const raw = headers.find(([tag]) => tag.toLowerCase() === 'comment')?.[1] ?? '';
  const comment = raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"') ? raw.slice(1, -1) : raw;
  return { key, headers, comment };
}

/**
 * Formats `key` as RFC 4716, with a quoted Comment header when one is given (as `ssh-keygen -e`
 * writes it) and any further headers, wrapped with `\` to 72 bytes.
 * @throws RangeError for a header with a line break or a final backslash, a tag that is not 1..64 printable ASCII
 *   characters, or a value over 1024 bytes.
 * @example
 * formatRfc4716PublicKey(key, { comment: '256-bit ED25519' });
 */
export function formatRfc4716PublicKey(
  key: PublicKey,
  options: { comment?: string; headers?: readonly (readonly [string, string])[] } = {},
): string {
  const headers: (readonly [string, string])[] = [];
  if (options.comment !== undefined && options.comment !== '')
    headers.push(['Comment', `"${options.comment}"`]);
  headers.push(...(options.headers ?? []));
  const lines = [BEGIN];
  for (const [tag, value] of headers) {
    // A value ending in a backslash would read back as a continuation.
    if (/[\r\n]/.test(value) || value.endsWith('\\') || !/^[\x21-\x39\x3b-\x7e]{1,64}$/.test(tag))
      throw new RangeError('RFC 4716 header tags are 1..64 printable ASCII characters, values one line');
    if (new TextEncoder().encode(value).length > 1024)
      throw new RangeError('RFC 4716 header values are at most 1024 bytes');
    lines.push(...wrapHeader(`${tag}: ${value}`));
  }
  const b64 = base64Encode(key.blob);
  for (let at = 0; at < b64.length; at += BODY_WIDTH) lines.push(b64.slice(at, at + BODY_WIDTH));
  lines.push(END, '');
  return lines.join('\n');
}

/** Splits a header into lines of at most 72 bytes, each but the last ending in `\`. */
function wrapHeader(line: string): string[] {
  const out: string[] = [];
  let current = '';
  let bytes = 0;
  for (const ch of line) {
    const size = new TextEncoder().encode(ch).length;
    // Leave room for the backslash.
    if (bytes + size > MAX_LINE - 1) {
      out.push(`${current}\\`);
      current = '';
      bytes = 0;
    }
    current += ch;
    bytes += size;
  }
  out.push(current);
  return out;
}
