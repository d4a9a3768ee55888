/**
 * `openssh-key-v1` private key files (OpenSSH PROTOCOL.key; `sshkey_private_to_blob2` and
 * `sshkey_parse_private2` in sshkey.c), unencrypted only for now:
 *
 * ```
 * -----BEGIN OPENSSH PRIVATE KEY-----  base64, 70 columns  -----END OPENSSH PRIVATE KEY-----
 * "openssh-key-v1\0" | string ciphername | string kdfname | string kdfoptions | uint32 N (= 1)
 * string publickey | string private-section
 * private-section = uint32 checkint | uint32 checkint | type-specific fields | string comment
 *                   | 01 02 03 … to a multiple of the cipher block size (8 for "none")
 * ```
 */
import {
  base64Decode,
  base64Encode,
  defaultRandomBytes,
  type PrivateKey,
  parsePublicKey,
  type RandomBytes,
  SshReader,
  SshWriter,
} from '@seashell/transport';
import { EncryptedKeyError, KeyFileError } from './errors.js';
import {
  isWritablePrivateKey,
  type OpenSshPrivateKeyType,
  readPrivateKeyFields,
  writePrivateKeyFields,
} from './private-key-fields.js';

const BEGIN = '-----BEGIN OPENSSH PRIVATE KEY-----';
const END = '-----END OPENSSH PRIVATE KEY-----';
const MAGIC = new TextEncoder().encode('openssh-key-v1\0');
/** Block size of the "none" cipher (PROTOCOL.key: padding to the cipher's block size, 8 for none). */
const BLOCK_SIZE = 8;
/** A 16384-bit RSA key file is about 14 KiB of text; anything past this is not a key we accept. */
const MAX_TEXT_LENGTH = 64 * 1024;
const LINE_WIDTH = 70;
const textDecoder = new TextDecoder();

/** A parsed private key file. */
export interface OpenSshPrivateKey {
  readonly privateKey: OpenSshPrivateKeyType;
  /** The comment stored in the private section (often `user@host`). */
  readonly comment: string;
}

/** Whether `text` looks like an `openssh-key-v1` file (the armour line). */
export function isOpenSshPrivateKey(text: string): boolean {
  return text.trimStart().startsWith(BEGIN);
}

/**
 * Parses an unencrypted `openssh-key-v1` private key file.
 * @throws EncryptedKeyError when the key has a passphrase (not supported yet);
 *   KeyFileError for bad armour, N != 1, differing checkints, bad padding, or private parts that
 *   do not match the public key; SshDecodeError, UnsupportedKeyError or InvalidKeyError from the
 *   blobs inside.
 * @example
 * const { privateKey, comment } = parseOpenSshPrivateKey(readFileSync('id_ed25519', 'utf8'));
 */
export function parseOpenSshPrivateKey(text: string): OpenSshPrivateKey {
  const r = new SshReader(dearmor(text));
  if (r.remaining < MAGIC.length || !MAGIC.every((b, i) => r.bytes[i] === b))
    throw new KeyFileError('not an openssh-key-v1 private key');
  r.raw(MAGIC.length);
  const cipher = r.ascii();
  const kdf = r.ascii();
  const kdfOptions = r.string();
  if (cipher !== 'none') throw new EncryptedKeyError(cipher, kdf);
  // PROTOCOL.key: an unencrypted key has kdfname "none" and empty kdfoptions.
  if (kdf !== 'none' || kdfOptions.length !== 0) throw new KeyFileError('unencrypted key names a KDF');
  const count = r.uint32();
  // OpenSSH writes and reads exactly one key per file.
  if (count !== 1) throw new KeyFileError(`key file holds ${count} keys; exactly 1 is supported`);
  const publicKey = parsePublicKey(r.string());
  const section = r.string();
  r.end('openssh-key-v1 key file');
  if (section.length % BLOCK_SIZE !== 0)
    throw new KeyFileError('private section is not a multiple of 8 bytes');

  const p = new SshReader(section);
  // Equal checkints are how a decryption proves the passphrase right; here they check integrity.
  const checkint1 = p.uint32();
  const checkint2 = p.uint32();
  if (checkint1 !== checkint2) throw new KeyFileError('checkints differ: the key file is corrupt');
  const privateKey = readPrivateKeyFields(p.ascii(), p);
  const comment = textDecoder.decode(p.string());
  const padding = p.rest();
  for (let i = 0; i < padding.length; i++) {
    if (padding[i] !== ((i + 1) & 0xff)) throw new KeyFileError('private section padding is not 1, 2, 3, …');
  }
  if (!privateKey.publicKey.equals(publicKey))
    throw new KeyFileError('private key does not match the public key in the file header');
  return { privateKey, comment };
}

/** Options for writing a private key file. */
export interface FormatOpenSshPrivateKeyOptions {
  /** Stored in the private section; default empty. */
  readonly comment?: string;
  /** Source of the random checkint (default: the platform CSPRNG). */
  readonly random?: RandomBytes;
}

/**
 * Writes an unencrypted `openssh-key-v1` private key file, as `ssh-keygen -N ''` does.
 * @throws TypeError for a key type this format does not write.
 * @example
 * writeFileSync('id_ed25519', formatOpenSshPrivateKey(generateEd25519Key(), { comment: 'me@host' }), { mode: 0o600 });
 */
export function formatOpenSshPrivateKey(
  key: PrivateKey,
  options: FormatOpenSshPrivateKeyOptions = {},
): string {
  if (!isWritablePrivateKey(key))
    throw new TypeError('only ed25519, ecdsa and rsa private keys can be written');
  const checkint = (options.random ?? defaultRandomBytes)(4);
  if (checkint.length !== 4) throw new RangeError('random source returned the wrong number of bytes');
  const section = new SshWriter(16 * 1024).raw(checkint).raw(checkint);
  writePrivateKeyFields(section, key);
  section.string(options.comment ?? '');
  for (let i = 1; section.length % BLOCK_SIZE !== 0; i++) section.byte(i);
  const sectionBytes = section.bytes();
  const blob = new SshWriter(sectionBytes.length + key.publicKey.blob.length + 64)
    .raw(MAGIC)
    .string('none')
    .string('none')
    .string('')
    .uint32(1)
    .string(key.publicKey.blob)
    .string(sectionBytes)
    .bytes();
  const b64 = base64Encode(blob);
  // Wipe the plaintext copies of the private parts we made.
  sectionBytes.fill(0);
  blob.fill(0);
  const lines: string[] = [BEGIN];
  for (let i = 0; i < b64.length; i += LINE_WIDTH) lines.push(b64.slice(i, i + LINE_WIDTH));
  lines.push(END, '');
  return lines.join('\n');
}

function dearmor(text: string): Uint8Array {
  if (text.length > MAX_TEXT_LENGTH) throw new KeyFileError('private key file is too large');
  const start = text.trimStart();
  if (!start.startsWith(BEGIN)) throw new KeyFileError(`private key does not start with ${BEGIN}`);
  const end = start.indexOf(END, BEGIN.length);
  if (end < 0) throw new KeyFileError(`private key has no ${END} line`);
  const body = start.slice(BEGIN.length, end).replace(/[\r\n]/g, '');
  return base64Decode(body);
}
