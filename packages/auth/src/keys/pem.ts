/**
 * PEM armour (RFC 7468 textual encoding, with the RFC 1421 §4.6 encapsulated headers that
 * OpenSSL's legacy encrypted keys still carry: `Proc-Type: 4,ENCRYPTED` and `DEK-Info:`).
 *
 * ```
 * -----BEGIN LABEL-----
 * Name: value             (optional headers, continued on lines that start with a blank,
 * Name: value              then one empty line)
 *
 * base64 lines
 * -----END LABEL-----
 * ```
 *
 * Parsing follows RFC 7468 §3's "lax" reading where real files need it (text before the BEGIN
 * line, CRLF, blanks at line ends) and is strict about the rest: matching labels, canonical
 * base64 (the transport's decoder), bounded size.
 */
import { base64Decode, base64Encode, SshDecodeError } from '@seashell/transport';
import { KeyFileError } from './errors.js';

/** The biggest key file we read: a 16384-bit RSA key in any format is well under this. */
export const MAX_KEY_FILE_LENGTH = 64 * 1024;

/** One decoded PEM block. */
export interface PemBlock {
  /** The label between `BEGIN ` and the dashes, e.g. `RSA PRIVATE KEY`. */
  readonly label: string;
  /** RFC 1421 headers in file order, names as written. */
  readonly headers: readonly (readonly [name: string, value: string])[];
  readonly body: Uint8Array;
}

const BEGIN_LINE = /^-----BEGIN ([A-Z0-9 ]{1,64})-----[ \t]*$/;

/** The label of the first BEGIN line in `text`, or undefined when there is none. */
export function pemLabel(text: string): string | undefined {
  for (const line of text.slice(0, MAX_KEY_FILE_LENGTH).split('\n', 200)) {
    const m = BEGIN_LINE.exec(line.trim());
    if (m) return m[1];
  }
  return undefined;
}

/**
 * Decodes the first PEM block of `text` that has one of `labels` (any label when not given).
 * @throws KeyFileError for a missing or mismatched END line, bad headers, bad base64, or a file
 *   larger than MAX_KEY_FILE_LENGTH.
 * @example
 * const { label, body } = decodePem(text, ['PRIVATE KEY']);
 */
export function decodePem(text: string, labels?: readonly string[]): PemBlock {
  if (text.length > MAX_KEY_FILE_LENGTH) throw new KeyFileError('key file is too large');
  const lines = text.split('\n').map((l) => l.trim());
  // Blocks with other labels before ours are skipped (`openssl ecparam -genkey` writes an
  // `EC PARAMETERS` block before the key).
  let i = lines.findIndex((l) => {
    const m = BEGIN_LINE.exec(l);
    return m !== null && (labels === undefined || labels.includes(m[1]!));
  });
  if (i < 0) {
    const other = lines.map((l) => BEGIN_LINE.exec(l)?.[1]).find((l) => l !== undefined);
    throw new KeyFileError(
      other === undefined ? 'no -----BEGIN ...----- line' : `a ${other} block is not what was expected here`,
    );
  }
  const label = BEGIN_LINE.exec(lines[i]!)![1]!;
  const endLine = `-----END ${label}-----`;
  const end = lines.indexOf(endLine, i + 1);
  if (end < 0) throw new KeyFileError(`no ${endLine} line`);
  i++;
  const headers: [string, string][] = [];
  // RFC 1421 §4.6: headers, then a blank line, only when the first line holds a colon.
  if (i < end && /^[A-Za-z0-9-]+:/.test(lines[i]!)) {
    while (i < end && lines[i] !== '') {
      const line = lines[i]!;
      if (/^[ \t]/.test(line) && headers.length > 0) {
        const last = headers[headers.length - 1]!;
        last[1] += line.trim();
      } else {
        const colon = line.indexOf(':');
        if (colon <= 0) throw new KeyFileError('malformed PEM header line');
        headers.push([line.slice(0, colon), line.slice(colon + 1).trim()]);
      }
      if (headers.length > 16) throw new KeyFileError('too many PEM header lines');
      i++;
    }
    if (i === end) throw new KeyFileError('PEM headers are not followed by an empty line');
    i++;
  }
  const b64 = lines
    .slice(i, end)
    .map((l) => l.trim())
    .join('');
  let body: Uint8Array;
  try {
    body = base64Decode(b64);
  } catch (e) {
    if (e instanceof SshDecodeError) throw new KeyFileError(`PEM body: ${e.message}`);
    throw e;
  }
  if (body.length === 0) throw new KeyFileError('PEM body is empty');
  return { label, headers, body };
}

/** The value of header `name` (case-insensitive), or undefined. */
export function pemHeader(block: PemBlock, name: string): string | undefined {
  const lower = name.toLowerCase();
  return block.headers.find(([n]) => n.toLowerCase() === lower)?.[1];
}

/**
 * Encodes one PEM block: RFC 7468 §2 (64-column base64) unless `lineWidth` says otherwise, LF line
 * ends and a final newline.
 * @example
 * encodePem('PRIVATE KEY', der); // '-----BEGIN PRIVATE KEY-----\nMC4CAQAw…\n-----END PRIVATE KEY-----\n'
 */
export function encodePem(
  label: string,
  body: Uint8Array,
  options: { headers?: readonly (readonly [string, string])[]; lineWidth?: number } = {},
): string {
  const width = options.lineWidth ?? 64;
  const lines = [`-----BEGIN ${label}-----`];
  if (options.headers && options.headers.length > 0) {
    for (const [name, value] of options.headers) lines.push(`${name}: ${value}`);
    lines.push('');
  }
  const b64 = base64Encode(body);
  for (let at = 0; at < b64.length; at += width) lines.push(b64.slice(at, at + width));
  lines.push(`-----END ${label}-----`, '');
  return lines.join('\n');
}
