/**
 * Public key files. OpenSSH public key lines (`ssh-keygen` .pub files, and the key part of
 * authorized_keys and known_hosts lines): `keytype base64(blob) [comment]` (RFC 4253 §6.6 blob;
 * sshd(8)); and, through `parsePublicKeyFile`, the other formats of `ssh-keygen -e`.
 */
import {
  base64Decode,
  base64Encode,
  type PublicKey,
  parsePublicKey,
  RsaPublicKey,
  SshDecodeError,
} from '@seashell/transport';
import {
  decodeRsaPublicKey,
  decodeSubjectPublicKeyInfo,
  encodeRsaPublicKey,
  encodeSubjectPublicKeyInfo,
} from './der-keys.js';
import { KeyFileError } from './errors.js';
import { decodePem, encodePem, MAX_KEY_FILE_LENGTH, pemLabel } from './pem.js';
import { formatRfc4716PublicKey, isRfc4716PublicKey, parseRfc4716PublicKey } from './rfc4716.js';
import { contentLines, splitField } from './text-lines.js';

/** A parsed public key line. */
export interface PublicKeyLine {
  readonly key: PublicKey;
  /** Everything after the key, possibly empty. */
  readonly comment: string;
}

/**
 * Parses `keytype base64 [comment]`. The type field must equal the type inside the blob
 * (x/crypto NCC audit: a mismatch must not pass).
 * @throws KeyFileError for a missing field or a type mismatch; SshDecodeError for bad base64 or
 *   blob framing; UnsupportedKeyError and InvalidKeyError from `parsePublicKey`.
 * @example
 * const { key, comment } = parsePublicKeyLine(readFileSync('id_ed25519.pub', 'utf8'));
 */
export function parsePublicKeyLine(line: string): PublicKeyLine {
  const [type, rest] = splitField(line.replace(/^[ \t]+|[ \t\r\n]+$/g, ''));
  const [b64, comment] = splitField(rest);
  if (type === '' || b64 === '') throw new KeyFileError('public key line needs a key type and a base64 key');
  const key = parsePublicKey(base64Decode(b64));
  if (key.type !== type) {
    throw new KeyFileError(
      `public key line says ${JSON.stringify(type.slice(0, 64))} but holds a ${key.type} key`,
    );
  }
  return { key, comment };
}

/**
 * Formats `keytype base64 [comment]` (no newline).
 * @throws RangeError when the comment holds a line break.
 * @example
 * formatPublicKeyLine(key, 'user@host'); // 'ssh-ed25519 AAAAC3… user@host'
 */
export function formatPublicKeyLine(key: PublicKey, comment = ''): string {
  if (/[\r\n]/.test(comment)) throw new RangeError('a public key comment cannot hold a line break');
  const line = `${key.type} ${base64Encode(key.blob)}`;
  return comment === '' ? line : `${line} ${comment}`;
}

/** The public key file formats `parsePublicKeyFile` reads. */
export type PublicKeyFileFormat = 'openssh' | 'rfc4716' | 'spki' | 'pkcs1';

/** A public key file, parsed. */
export interface PublicKeyFile extends PublicKeyLine {
  readonly format: PublicKeyFileFormat;
}

/**
 * Parses a public key file in any of the formats `ssh-keygen -e`/`-i` know: an OpenSSH line
 * (`.pub`; the first line that is not blank or `#`), RFC 4716 (`---- BEGIN SSH2 PUBLIC KEY ----`),
 * PEM SubjectPublicKeyInfo (`-----BEGIN PUBLIC KEY-----`, `-m PKCS8`) or PKCS#1
 * (`-----BEGIN RSA PUBLIC KEY-----`, `-m PEM`).
 * @throws KeyFileError for a malformed file; UnsupportedKeyError and InvalidKeyError for keys we
 *   cannot use.
 * @example
 * const { key, comment, format } = parsePublicKeyFile(readFileSync('id_ed25519.pub', 'utf8'));
 */
export function parsePublicKeyFile(text: string): PublicKeyFile {
  try {
    if (text.length > MAX_KEY_FILE_LENGTH) throw new KeyFileError('public key file is too large');
    if (isRfc4716PublicKey(text)) {
      const { key, comment } = parseRfc4716PublicKey(text);
      return { key, comment, format: 'rfc4716' };
    }
    const label = pemLabel(text);
    if (label === 'PUBLIC KEY')
      return { key: decodeSubjectPublicKeyInfo(decodePem(text, [label]).body), comment: '', format: 'spki' };
    if (label === 'RSA PUBLIC KEY')
      return { key: decodeRsaPublicKey(decodePem(text, [label]).body), comment: '', format: 'pkcs1' };
    if (label !== undefined) throw new KeyFileError(`not a public key file (a ${label.slice(0, 40)} block)`);
    const line = contentLines(text)[0];
    if (line === undefined) throw new KeyFileError('public key file is empty');
    return { ...parsePublicKeyLine(line.text), format: 'openssh' };
  } catch (e) {
    if (e instanceof SshDecodeError) throw new KeyFileError(`malformed public key: ${e.message}`);
    throw e;
  }
}

/**
 * Formats a public key file: an OpenSSH line (with newline), RFC 4716, PEM SubjectPublicKeyInfo,
 * or PEM PKCS#1 (RSA only), as `ssh-keygen -e -m RFC4716|PKCS8|PEM` writes them.
 * @throws TypeError for PKCS#1 with a key that is not RSA; UnsupportedKeyError for SPKI of a
 *   type without one.
 */
export function formatPublicKeyFile(key: PublicKey, format: PublicKeyFileFormat, comment = ''): string {
  switch (format) {
    case 'openssh':
      return `${formatPublicKeyLine(key, comment)}\n`;
    case 'rfc4716':
      return formatRfc4716PublicKey(key, { comment });
    case 'spki':
      return encodePem('PUBLIC KEY', encodeSubjectPublicKeyInfo(key));
    case 'pkcs1':
      if (!(key instanceof RsaPublicKey)) throw new TypeError('PKCS#1 holds only RSA public keys');
      return encodePem('RSA PUBLIC KEY', encodeRsaPublicKey(key));
  }
}
