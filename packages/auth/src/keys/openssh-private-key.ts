/**
 * `openssh-key-v1` private key files (OpenSSH PROTOCOL.key; `sshkey_private_to_blob2` and
 * `sshkey_parse_private2` in sshkey.c), unencrypted and encrypted:
 *
 * ```
 * -----BEGIN OPENSSH PRIVATE KEY-----  base64, 70 columns  -----END OPENSSH PRIVATE KEY-----
 * "openssh-key-v1\0" | string ciphername | string kdfname | string kdfoptions | uint32 N (= 1)
 * string publickey | uint32 enc_len | byte[enc_len] private-section | byte[taglen] tag (AEAD only)
 * kdfoptions = "" for none; string salt || uint32 rounds for bcrypt
 * private-section = uint32 checkint | uint32 checkint | type-specific fields | string comment
 *                   | 01 02 03 … to a multiple of the cipher block size (8 for "none")
 * ```
 *
 * The public key sits in clear, so a client can offer it before asking for the passphrase, as
 * ssh(1) does; `openOpenSshPrivateKey` reads that layer without any KDF work.
 */
import {
  defaultRandomBytes,
  type PrivateKey,
  type PublicKey,
  parsePublicKey,
  type RandomBytes,
  SshReader,
  SshWriter,
} from '@seashell/transport';
import { bcryptPbkdf } from './bcrypt-pbkdf.js';
import { BadPassphraseError, EncryptedKeyError, KeyFileError } from './errors.js';
import { type KeyFileLimits, keyLimits } from './key-limits.js';
import { isKeyFileCipher, KEY_FILE_CIPHERS, type KeyFileCipherName } from './openssh-key-ciphers.js';
import { decodePem, encodePem } from './pem.js';
import {
  isWritablePrivateKey,
  type OpenSshPrivateKeyType,
  readPrivateKeyFields,
  writePrivateKeyFields,
} from './private-key-fields.js';

const LABEL = 'OPENSSH PRIVATE KEY';
const BEGIN = `-----BEGIN ${LABEL}-----`;
const MAGIC = new TextEncoder().encode('openssh-key-v1\0');
/** Block size of the "none" cipher (PROTOCOL.key: padding to the cipher's block size, 8 for none). */
const PLAIN_BLOCK_SIZE = 8;
const LINE_WIDTH = 70;
/** bcrypt salt length ssh-keygen writes (sshkey.c SALT_LEN). */
const SALT_LENGTH = 16;
/** Rounds ssh-keygen writes since OpenSSH 9.3 (9.2 wrote 16). */
export const DEFAULT_BCRYPT_ROUNDS = 24;
const textEncoder = new TextEncoder();
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

/** Options for reading a private key file. */
export interface ParseOpenSshPrivateKeyOptions {
  /** The passphrase, for an encrypted key. */
  readonly passphrase?: string;
  /** Caps on the KDF cost the file may ask for (default `DEFAULT_KEY_LIMITS`). */
  readonly limits?: KeyFileLimits;
}

/** The clear layer of an `openssh-key-v1` file: what can be known without the passphrase. */
export interface OpenSshKeyEnvelope {
  /** `none`, or the cipher of the private section (`aes256-ctr`, …). */
  readonly cipher: string;
  /** `none` or `bcrypt`. */
  readonly kdf: string;
  /** bcrypt rounds (0 when unencrypted). */
  readonly rounds: number;
  /** The public key stored in clear in the header. */
  readonly publicKey: PublicKey;
  /** Whether a passphrase is needed. */
  readonly encrypted: boolean;
  /**
   * Decrypts (when encrypted) and parses the private section.
   * @throws EncryptedKeyError without a passphrase for an encrypted key; BadPassphraseError when
   *   it does not decrypt; KeyFileError and the key errors for a damaged section.
   */
  open(passphrase?: string): OpenSshPrivateKey;
}

/**
 * Reads the clear layer of an `openssh-key-v1` file and checks everything that can be checked
 * without the passphrase: framing, cipher and KDF names, KDF cost (against `limits`), lengths.
 * @throws KeyFileError for anything malformed, an unknown cipher or KDF, or too many rounds;
 *   SshDecodeError, UnsupportedKeyError or InvalidKeyError from the public key blob.
 * @example
 * const file = openOpenSshPrivateKey(text);
 * if (file.encrypted) offer(file.publicKey); // ask for the passphrase only if the server wants it
 */
export function openOpenSshPrivateKey(text: string, limits?: KeyFileLimits): OpenSshKeyEnvelope {
  const r = new SshReader(decodePem(text, [LABEL]).body);
  if (r.remaining < MAGIC.length || !MAGIC.every((b, i) => r.bytes[i] === b))
    throw new KeyFileError('not an openssh-key-v1 private key');
  r.raw(MAGIC.length);
  const cipherName = r.ascii();
  const kdf = r.ascii();
  const kdfOptions = r.string();
  const count = r.uint32();
  // OpenSSH writes and reads exactly one key per file.
  if (count !== 1) throw new KeyFileError(`key file holds ${count} keys; exactly 1 is supported`);
  const publicKey = parsePublicKey(r.string());
  const sectionLength = r.uint32();

  if (cipherName === 'none') {
    // PROTOCOL.key: an unencrypted key has kdfname "none" and empty kdfoptions.
    if (kdf !== 'none' || kdfOptions.length !== 0) throw new KeyFileError('unencrypted key names a KDF');
    const section = r.raw(sectionLength);
    r.end('openssh-key-v1 key file');
    if (section.length % PLAIN_BLOCK_SIZE !== 0)
      throw new KeyFileError('private section is not a multiple of 8 bytes');
    return {
      cipher: 'none',
      kdf: 'none',
      rounds: 0,
      publicKey,
      encrypted: false,
      open: () => readSection(section, publicKey, false),
    };
  }

  if (!isKeyFileCipher(cipherName))
    throw new KeyFileError(`unsupported key file cipher ${JSON.stringify(cipherName.slice(0, 40))}`);
  if (kdf !== 'bcrypt')
    throw new KeyFileError(`unsupported key file KDF ${JSON.stringify(kdf.slice(0, 40))}`);
  const cipher = KEY_FILE_CIPHERS[cipherName];
  const options = new SshReader(kdfOptions);
  const salt = options.string();
  const rounds = options.uint32();
  options.end('bcrypt kdfoptions');
  if (salt.length === 0 || salt.length > 1024) throw new KeyFileError('bcrypt salt length is out of range');
  const maxRounds = keyLimits(limits).maxBcryptRounds;
  // Go x/crypto `b315afd`: a hostile file must not name 2^32 rounds.
  if (rounds < 1 || rounds > maxRounds)
    throw new KeyFileError(`bcrypt rounds ${rounds} outside 1..${maxRounds}`);
  const encrypted = r.raw(sectionLength);
  const tag = r.raw(cipher.tagLength);
  r.end('openssh-key-v1 key file');
  if (encrypted.length === 0 || encrypted.length % cipher.blockSize !== 0)
    throw new KeyFileError(`private section is not a multiple of the ${cipherName} block size`);
  return {
    cipher: cipherName,
    kdf,
    rounds,
    publicKey,
    encrypted: true,
    open(passphrase) {
      if (passphrase === undefined) throw new EncryptedKeyError(cipherName, kdf);
      // bcrypt_pbkdf refuses an empty passphrase, and ssh-keygen never encrypts with one.
      if (passphrase === '') throw new BadPassphraseError();
      const keyIv = bcryptPbkdf(
        textEncoder.encode(passphrase),
        salt,
        rounds,
        cipher.keyLength + cipher.ivLength,
      );
      const sealed = new Uint8Array(encrypted.length + tag.length);
      sealed.set(encrypted);
      sealed.set(tag, encrypted.length);
      const section = cipher.decrypt(
        keyIv.subarray(0, cipher.keyLength),
        keyIv.subarray(cipher.keyLength),
        sealed,
      );
      keyIv.fill(0);
      try {
        return readSection(section, publicKey, true);
      } finally {
        section.fill(0);
      }
    },
  };
}

/**
 * Parses an `openssh-key-v1` private key file, decrypting it with `options.passphrase` when it
 * is encrypted.
 * @throws EncryptedKeyError when the key is encrypted and no passphrase was given;
 *   BadPassphraseError when the checkints (or the AEAD tag) say the passphrase is wrong;
 *   KeyFileError for bad armour, N != 1, bad padding, an unknown cipher, too many KDF rounds, or
 *   private parts that do not match the public key; SshDecodeError, UnsupportedKeyError or
 *   InvalidKeyError from the blobs inside.
 * @example
 * const { privateKey, comment } = parseOpenSshPrivateKey(readFileSync('id_ed25519', 'utf8'), { passphrase });
 */
export function parseOpenSshPrivateKey(
  text: string,
  options: ParseOpenSshPrivateKeyOptions = {},
): OpenSshPrivateKey {
  return openOpenSshPrivateKey(text, options.limits).open(options.passphrase);
}

function readSection(section: Uint8Array, publicKey: PublicKey, decrypted: boolean): OpenSshPrivateKey {
  const p = new SshReader(section);
  // Equal checkints are how a decryption proves the passphrase right; unencrypted, they check
  // integrity.
  const checkint1 = p.uint32();
  const checkint2 = p.uint32();
  if (checkint1 !== checkint2) {
    if (decrypted) throw new BadPassphraseError();
    throw new KeyFileError('checkints differ: the key file is corrupt');
  }
  const privateKey = readPrivateKeyFields(p.ascii(), p);
  const comment = textDecoder.decode(p.string());
  const padding = p.rest();
  // sshkey.c private2_check_padding: 1, 2, 3, … (of any length: PuTTY pads past one block).
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
  /** Encrypts the key with this passphrase (bcrypt_pbkdf); absent or empty: unencrypted. */
  readonly passphrase?: string;
  /** Cipher for an encrypted key (default `aes256-ctr`, as ssh-keygen). */
  readonly cipher?: KeyFileCipherName;
  /** bcrypt_pbkdf rounds (default 24, as ssh-keygen since 9.3; `ssh-keygen -a`). */
  readonly rounds?: number;
  /** Source of the random checkint and salt (default: the platform CSPRNG). */
  readonly random?: RandomBytes;
}

/**
 * Writes an `openssh-key-v1` private key file, as `ssh-keygen` does: unencrypted (`-N ''`) or,
 * with a passphrase, encrypted with bcrypt_pbkdf and `aes256-ctr` (or `options.cipher`, as `-Z`).
 * @throws TypeError for a key type this format does not write; RangeError for rounds < 1.
 * @example
 * writeFileSync('id_ed25519', formatOpenSshPrivateKey(generateEd25519Key(), { comment: 'me@host', passphrase }), { mode: 0o600 });
 */
export function formatOpenSshPrivateKey(
  key: PrivateKey,
  options: FormatOpenSshPrivateKeyOptions = {},
): string {
  if (!isWritablePrivateKey(key))
    throw new TypeError('only ed25519, ecdsa and rsa private keys can be written');
  const random = options.random ?? defaultRandomBytes;
  const encrypt = options.passphrase !== undefined && options.passphrase !== '';
  const cipherName: KeyFileCipherName | 'none' = encrypt ? (options.cipher ?? 'aes256-ctr') : 'none';
  const cipher = cipherName === 'none' ? undefined : KEY_FILE_CIPHERS[cipherName];
  const rounds = options.rounds ?? DEFAULT_BCRYPT_ROUNDS;
  if (!Number.isInteger(rounds) || rounds < 1) throw new RangeError('bcrypt rounds must be at least 1');

  const checkint = random(4);
  if (checkint.length !== 4) throw new RangeError('random source returned the wrong number of bytes');
  const section = new SshWriter(16 * 1024).raw(checkint).raw(checkint);
  writePrivateKeyFields(section, key);
  section.string(options.comment ?? '');
  const blockSize = cipher?.blockSize ?? PLAIN_BLOCK_SIZE;
  for (let i = 1; section.length % blockSize !== 0; i++) section.byte(i);
  const plain = section.bytes();

  let kdfOptions: Uint8Array = new Uint8Array(0);
  let sealed: Uint8Array = plain;
  if (cipher !== undefined) {
    const salt = random(SALT_LENGTH);
    if (salt.length !== SALT_LENGTH) throw new RangeError('random source returned the wrong number of bytes');
    kdfOptions = new SshWriter(32).string(salt).uint32(rounds).bytes();
    const keyIv = bcryptPbkdf(
      textEncoder.encode(options.passphrase),
      salt,
      rounds,
      cipher.keyLength + cipher.ivLength,
    );
    sealed = cipher.encrypt(keyIv.subarray(0, cipher.keyLength), keyIv.subarray(cipher.keyLength), plain);
    keyIv.fill(0);
  }
  const encryptedLength = sealed.length - (cipher?.tagLength ?? 0);
  const blob = new SshWriter(sealed.length + key.publicKey.blob.length + 128)
    .raw(MAGIC)
    .string(cipherName)
    .string(cipher === undefined ? 'none' : 'bcrypt')
    .string(kdfOptions)
    .uint32(1)
    .string(key.publicKey.blob)
    .uint32(encryptedLength)
    .raw(sealed)
    .bytes();
  const text = encodePem(LABEL, blob, { lineWidth: LINE_WIDTH });
  // Wipe the plaintext copies of the private parts we made.
  plain.fill(0);
  blob.fill(0);
  return text;
}
