/**
 * One entry point for private key files of every format we read, detected from the contents:
 * `openssh-key-v1`, PEM PKCS#1 / SEC1 (with legacy DEK encryption), PKCS#8 (plain or PBES2),
 * binary DER of the same, and PuTTY PPK v2/v3.
 *
 * Reading happens in two steps so that a client can behave as ssh(1) does: `readPrivateKeyFile`
 * parses what is in clear (the public key, for openssh-key-v1 and PPK files) and checks the KDF
 * cost, with no passphrase and no KDF work; `decrypt(passphrase)` does the rest. `parsePrivateKey`
 * does both, asking a callback for the passphrase only when one is needed.
 */
import { type PublicKey, SshDecodeError, UnsupportedKeyError } from '@seashell/transport';
import { EncryptedKeyError, KeyFileError } from './errors.js';
import type { KeyFileLimits } from './key-limits.js';
import { openOpenSshPrivateKey } from './openssh-private-key.js';
import { MAX_KEY_FILE_LENGTH, pemLabel } from './pem.js';
import {
  openDerPrivateKey,
  openPemPrivateKey,
  PEM_PRIVATE_KEY_LABELS,
  type PemKeyEnvelope,
} from './pem-private-key.js';
import { isPpkPrivateKey, openPpkPrivateKey } from './ppk.js';
import type { OpenSshPrivateKeyType } from './private-key-fields.js';

/** The file formats `readPrivateKeyFile` recognises. */
export type PrivateKeyFormat = 'openssh' | 'pkcs1' | 'sec1' | 'pkcs8' | 'ppk';

/** A decrypted private key and where it came from. */
export interface ParsedPrivateKey {
  readonly privateKey: OpenSshPrivateKeyType;
  /** The key's comment ('' when the format has none: PEM, PKCS#8). */
  readonly comment: string;
  readonly format: PrivateKeyFormat;
}

/** A private key file read as far as possible without a passphrase. */
export interface PrivateKeyFile {
  readonly format: PrivateKeyFormat;
  readonly encrypted: boolean;
  /** The cipher of an encrypted file (`aes256-ctr`, `AES-128-CBC`, `aes256-cbc`). */
  readonly cipher?: string;
  /** The KDF of an encrypted file (`bcrypt`, `EVP_BytesToKey`, `pbkdf2-hmacWithSHA256`, `Argon2id`). */
  readonly kdf?: string;
  /** The public key, when the file keeps it in clear (openssh-key-v1 and PPK). */
  readonly publicKey?: PublicKey;
  /**
   * Decrypts (when encrypted; a passphrase given for a plain file is ignored) and parses the key.
   * @throws EncryptedKeyError when a passphrase is needed and none was given; BadPassphraseError;
   *   KeyFileError, InvalidKeyError, UnsupportedKeyError.
   */
  decrypt(passphrase?: string): ParsedPrivateKey;
}

/** Options for reading a private key file. */
export interface ReadPrivateKeyOptions {
  /** Caps on the KDF cost a file may ask for (default `DEFAULT_KEY_LIMITS`). */
  readonly limits?: KeyFileLimits;
}

/** A passphrase, or a function that asks for one (undefined: the user gave none). */
export type PassphraseSource = string | (() => string | undefined | Promise<string | undefined>);

/** Options for `parsePrivateKey`. */
export interface ParsePrivateKeyOptions extends ReadPrivateKeyOptions {
  /** Used only for an encrypted file; a function is called at most once, and only then. */
  readonly passphrase?: PassphraseSource;
}

/** Runs `f`, turning a framing error in an SSH blob into a KeyFileError. */
function typed<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof SshDecodeError) throw new KeyFileError(`malformed key data: ${e.message}`);
    throw e;
  }
}

function fromPem(envelope: PemKeyEnvelope): PrivateKeyFile {
  return {
    format: envelope.format,
    encrypted: envelope.encrypted,
    ...(envelope.cipher ? { cipher: envelope.cipher } : {}),
    ...(envelope.kdf ? { kdf: envelope.kdf } : {}),
    decrypt: (passphrase) =>
      typed(() => ({ privateKey: envelope.open(passphrase), comment: '', format: envelope.format })),
  };
}

const textDecoder = new TextDecoder();

/**
 * Reads a private key file of any supported format, without decrypting it.
 * @throws KeyFileError for an unrecognised or malformed file or too costly KDF parameters;
 *   UnsupportedKeyError for DSA and other key types we do not implement.
 * @example
 * const file = readPrivateKeyFile(readFileSync(path));
 * const { privateKey } = file.decrypt(file.encrypted ? await ask() : undefined);
 */
export function readPrivateKeyFile(
  input: string | Uint8Array,
  options: ReadPrivateKeyOptions = {},
): PrivateKeyFile {
  const limits = options.limits;
  return typed((): PrivateKeyFile => {
    if (input.length > MAX_KEY_FILE_LENGTH) throw new KeyFileError('key file is too large');
    let text: string;
    if (typeof input === 'string') text = input;
    else {
      // Binary DER starts with a SEQUENCE tag; every text format starts with '-' or 'P' after blanks.
      if (input[0] === 0x30) return fromPem(openDerPrivateKey(input, limits));
      text = textDecoder.decode(input);
    }
    if (isPpkPrivateKey(text)) {
      const ppk = openPpkPrivateKey(text, limits);
      return {
        format: 'ppk',
        encrypted: ppk.encrypted,
        ...(ppk.encrypted
          ? { cipher: 'aes256-cbc', kdf: ppk.version === 3 ? ppk.argon2!.flavour : 'sha1' }
          : {}),
        publicKey: ppk.publicKey,
        decrypt: (passphrase) => typed(() => ({ ...ppk.open(passphrase), format: 'ppk' })),
      };
    }
    const label = pemLabel(text);
    if (label === 'OPENSSH PRIVATE KEY') {
      const file = openOpenSshPrivateKey(text, limits);
      return {
        format: 'openssh',
        encrypted: file.encrypted,
        ...(file.encrypted ? { cipher: file.cipher, kdf: file.kdf } : {}),
        publicKey: file.publicKey,
        decrypt: (passphrase) => typed(() => ({ ...file.open(passphrase), format: 'openssh' })),
      };
    }
    if (label === 'DSA PRIVATE KEY') throw new UnsupportedKeyError('ssh-dss');
    if (label !== undefined && (PEM_PRIVATE_KEY_LABELS as readonly string[]).includes(label))
      return fromPem(openPemPrivateKey(text, limits));
    if (label !== undefined && /PUBLIC KEY/.test(label))
      throw new KeyFileError('this is a public key file, not a private key');
    if (text.includes('---- BEGIN SSH2 PUBLIC KEY ----'))
      throw new KeyFileError('this is a public key file, not a private key');
    throw new KeyFileError(
      label === undefined
        ? 'not a private key file'
        : `unsupported key file (${JSON.stringify(label.slice(0, 40))})`,
    );
  });
}

/**
 * Parses a private key file of any supported format, synchronously, with an optional passphrase.
 * @throws as `readPrivateKeyFile` and `PrivateKeyFile.decrypt`.
 */
export function parsePrivateKeySync(
  input: string | Uint8Array,
  options: ReadPrivateKeyOptions & { readonly passphrase?: string } = {},
): ParsedPrivateKey {
  return readPrivateKeyFile(input, options).decrypt(options.passphrase);
}

/**
 * Parses a private key file of any supported format (openssh-key-v1, PEM PKCS#1/SEC1, PKCS#8,
 * DER, PPK v2/v3), asking `options.passphrase` for the passphrase only when the file is
 * encrypted. A convenience over `readPrivateKeyFile(...).decrypt(...)`, which callers that want
 * to offer the public key before asking (as ssh(1) does) use instead.
 * @throws EncryptedKeyError when the file is encrypted and no passphrase came; BadPassphraseError
 *   when it does not decrypt; KeyFileError for a malformed file; UnsupportedKeyError and
 *   InvalidKeyError for keys we cannot use.
 * @example
 * const { privateKey, comment } = await parsePrivateKey(readFileSync('id_ed25519'), {
 *   passphrase: () => askPassphrase("Enter passphrase for key 'id_ed25519': "),
 * });
 */
export async function parsePrivateKey(
  input: string | Uint8Array,
  options: ParsePrivateKeyOptions = {},
): Promise<ParsedPrivateKey> {
  const file = readPrivateKeyFile(input, options);
  if (!file.encrypted) return file.decrypt();
  const source = options.passphrase;
  const passphrase = typeof source === 'function' ? await source() : source;
  if (passphrase === undefined) throw new EncryptedKeyError(file.cipher ?? 'unknown', file.kdf ?? 'unknown');
  return file.decrypt(passphrase);
}
