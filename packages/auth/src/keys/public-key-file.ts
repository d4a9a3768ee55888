/**
 * OpenSSH public key lines (`ssh-keygen` .pub files, and the key part of authorized_keys and
 * known_hosts lines): `keytype base64(blob) [comment]` (RFC 4253 §6.6 blob; sshd(8)).
 */
import { base64Decode, base64Encode, type PublicKey, parsePublicKey } from '@seashell/transport';
import { KeyFileError } from './errors.js';
import { splitField } from './text-lines.js';

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
