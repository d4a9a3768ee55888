/**
 * PEM private keys as OpenSSL and `ssh-keygen -m PEM|PKCS8` write them:
 *
 * - `RSA PRIVATE KEY` (PKCS#1) and `EC PRIVATE KEY` (SEC1), optionally with OpenSSL's legacy
 *   encryption headers `Proc-Type: 4,ENCRYPTED` and `DEK-Info: CIPHER,IV-hex`, the key being
 *   EVP_BytesToKey(MD5, passphrase, salt = first 8 bytes of the IV, 1 iteration) — OpenSSL
 *   `PEM_do_header`;
 * - `PRIVATE KEY` (PKCS#8) and `ENCRYPTED PRIVATE KEY` (PKCS#8 + PBES2, pkcs8-encryption.ts);
 * - the same structures as binary DER.
 */
import { md5 } from '@noble/hashes/legacy.js';
import {
  defaultRandomBytes,
  EcdsaPrivateKey,
  type RandomBytes,
  RsaPrivateKey,
  UnsupportedKeyError,
} from '@seashell/transport';
import { isPaddedCbcCipher, PADDED_CBC_CIPHERS, type PaddedCbcCipherName } from './cbc-ciphers.js';
import {
  decodePkcs1RsaPrivateKey,
  decodePkcs8PrivateKey,
  decodeSec1EcPrivateKey,
  encodePkcs1RsaPrivateKey,
  encodePkcs8PrivateKey,
  encodeSec1EcPrivateKey,
} from './der-keys.js';
import { BadPassphraseError, EncryptedKeyError, KeyFileError } from './errors.js';
import type { KeyFileLimits } from './key-limits.js';
import { decodePem, encodePem, type PemBlock, pemHeader } from './pem.js';
import { encryptPkcs8, openEncryptedPkcs8 } from './pkcs8-encryption.js';
import type { OpenSshPrivateKeyType } from './private-key-fields.js';

/** The DER structure inside a PEM private key. */
export type PemKeyFormat = 'pkcs1' | 'sec1' | 'pkcs8';

/** PEM labels of the private keys this module reads. */
export const PEM_PRIVATE_KEY_LABELS = [
  'RSA PRIVATE KEY',
  'EC PRIVATE KEY',
  'PRIVATE KEY',
  'ENCRYPTED PRIVATE KEY',
] as const;

/** A PEM or DER private key read up to the point where a passphrase would be needed. */
export interface PemKeyEnvelope {
  readonly format: PemKeyFormat;
  readonly encrypted: boolean;
  /** The cipher (`AES-128-CBC`, …) when encrypted. */
  readonly cipher?: string;
  /** `EVP_BytesToKey` (legacy PEM) or `pbkdf2-hmacWithSHA256` and the like (PKCS#8). */
  readonly kdf?: string;
  /**
   * Decrypts when needed and decodes the key.
   * @throws EncryptedKeyError without a passphrase for an encrypted key; BadPassphraseError when
   *   the padding or the DER inside says the passphrase is wrong.
   */
  open(passphrase?: string): OpenSshPrivateKeyType;
}

const decoders: Readonly<Record<PemKeyFormat, (der: Uint8Array) => OpenSshPrivateKeyType>> = {
  pkcs1: decodePkcs1RsaPrivateKey,
  sec1: (der) => decodeSec1EcPrivateKey(der),
  pkcs8: decodePkcs8PrivateKey,
};

/** OpenSSL's EVP_BytesToKey with MD5 and one iteration: D_i = MD5(D_{i-1} || pass || salt). */
export function evpBytesToKey(passphrase: Uint8Array, salt: Uint8Array, keyLength: number): Uint8Array {
  const out = new Uint8Array(keyLength);
  let previous = new Uint8Array(0);
  for (let at = 0; at < keyLength; at += 16) {
    const input = new Uint8Array(previous.length + passphrase.length + salt.length);
    input.set(previous);
    input.set(passphrase, previous.length);
    input.set(salt, previous.length + passphrase.length);
    previous = md5(input);
    out.set(previous.subarray(0, Math.min(16, keyLength - at)), at);
  }
  return out;
}

/** A decoder run on decrypted bytes: garbage there means the passphrase was wrong. */
function decodeDecrypted(decode: () => OpenSshPrivateKeyType): OpenSshPrivateKeyType {
  try {
    return decode();
  } catch (e) {
    if (e instanceof KeyFileError) throw new BadPassphraseError();
    throw e;
  }
}

const textEncoder = new TextEncoder();

/**
 * Reads a PEM private key (any label of PEM_PRIVATE_KEY_LABELS) without decrypting it.
 * @throws KeyFileError for bad armour or headers, an unknown DEK cipher, too many PBKDF2
 *   iterations; UnsupportedKeyError for `DSA PRIVATE KEY`.
 */
export function openPemPrivateKey(text: string, limits?: KeyFileLimits): PemKeyEnvelope {
  if (/^-----BEGIN DSA PRIVATE KEY-----/m.test(text)) throw new UnsupportedKeyError('ssh-dss');
  const block = decodePem(text, PEM_PRIVATE_KEY_LABELS);
  if (block.label === 'ENCRYPTED PRIVATE KEY') return encryptedPkcs8(block.body, limits);
  const format: PemKeyFormat =
    block.label === 'RSA PRIVATE KEY' ? 'pkcs1' : block.label === 'EC PRIVATE KEY' ? 'sec1' : 'pkcs8';
  const decode = decoders[format];
  const procType = pemHeader(block, 'Proc-Type');
  if (procType === undefined) {
    if (block.headers.length > 0) throw new KeyFileError('PEM headers on an unencrypted key');
    return { format, encrypted: false, open: () => decode(block.body) };
  }
  return legacyEncrypted(block, format, procType, decode);
}

function legacyEncrypted(
  block: PemBlock,
  format: PemKeyFormat,
  procType: string,
  decode: (der: Uint8Array) => OpenSshPrivateKeyType,
): PemKeyEnvelope {
  if (format === 'pkcs8') throw new KeyFileError('a PKCS#8 key cannot carry PEM encryption headers');
  if (procType.replace(/\s+/g, '') !== '4,ENCRYPTED') throw new KeyFileError('unsupported PEM Proc-Type');
  const dek = /^([A-Z0-9-]+),([0-9A-Fa-f]+)$/.exec((pemHeader(block, 'DEK-Info') ?? '').replace(/\s+/g, ''));
  if (!dek) throw new KeyFileError('encrypted PEM key has no usable DEK-Info header');
  const name = dek[1]!;
  if (!isPaddedCbcCipher(name))
    throw new KeyFileError(`unsupported PEM cipher ${JSON.stringify(name.slice(0, 32))}`);
  const cipher = PADDED_CBC_CIPHERS[name];
  const ivHex = dek[2]!;
  if (ivHex.length !== 2 * cipher.ivLength)
    throw new KeyFileError(`${name} IV is not ${cipher.ivLength} bytes`);
  const iv = Uint8Array.from(ivHex.match(/../g)!, (h) => Number.parseInt(h, 16));
  return {
    format,
    encrypted: true,
    cipher: name,
    kdf: 'EVP_BytesToKey',
    open(passphrase) {
      if (passphrase === undefined) throw new EncryptedKeyError(name, 'EVP_BytesToKey');
      const key = evpBytesToKey(textEncoder.encode(passphrase), iv.subarray(0, 8), cipher.keyLength);
      const der = cipher.decrypt(key, iv, block.body);
      key.fill(0);
      try {
        return decodeDecrypted(() => decode(der));
      } finally {
        der.fill(0);
      }
    },
  };
}

function encryptedPkcs8(der: Uint8Array, limits?: KeyFileLimits): PemKeyEnvelope {
  const file = openEncryptedPkcs8(der, limits);
  return {
    format: 'pkcs8',
    encrypted: true,
    cipher: file.cipher,
    kdf: file.kdf,
    open(passphrase) {
      if (passphrase === undefined) throw new EncryptedKeyError(file.cipher, file.kdf);
      const inner = file.decrypt(passphrase);
      try {
        return decodeDecrypted(() => decodePkcs8PrivateKey(inner));
      } finally {
        inner.fill(0);
      }
    },
  };
}

/**
 * Reads a binary DER private key: PKCS#8 (plain or encrypted), PKCS#1 or SEC1, whichever parses.
 * @throws KeyFileError when none does.
 */
export function openDerPrivateKey(der: Uint8Array, limits?: KeyFileLimits): PemKeyEnvelope {
  const plain = (format: PemKeyFormat): PemKeyEnvelope => {
    const key = decoders[format](der);
    return { format, encrypted: false, open: () => key };
  };
  const attempts = [
    () => plain('pkcs8'),
    () => encryptedPkcs8(der, limits),
    () => plain('pkcs1'),
    () => plain('sec1'),
  ];
  for (const attempt of attempts) {
    try {
      return attempt();
    } catch (e) {
      if (!(e instanceof KeyFileError)) throw e;
    }
  }
  throw new KeyFileError('DER data is not a PKCS#8, PKCS#1 or SEC1 private key');
}

/** Options for writing a PEM private key. */
export interface FormatPemPrivateKeyOptions {
  /**
   * `pkcs1` (RSA only) or `sec1` (ECDSA only), the "traditional" forms of `ssh-keygen -m PEM`;
   * `pkcs8` for any key (the only PEM form of Ed25519). Default: pkcs8.
   */
  readonly format?: PemKeyFormat;
  /** Encrypts: legacy DEK headers for pkcs1/sec1, PBES2 for pkcs8. */
  readonly passphrase?: string;
  /** Cipher: default AES-128-CBC for legacy PEM (as ssh-keygen), AES-256-CBC for PKCS#8. */
  readonly cipher?: PaddedCbcCipherName;
  /** PBKDF2 iterations for PKCS#8 (default 100,000). */
  readonly iterations?: number;
  readonly random?: RandomBytes;
}

/**
 * Writes a PEM private key as OpenSSL would.
 * @throws TypeError for a format that does not hold the key's type.
 * @example
 * formatPemPrivateKey(rsaKey, { format: 'pkcs1', passphrase }); // -----BEGIN RSA PRIVATE KEY----- …
 */
export function formatPemPrivateKey(
  key: OpenSshPrivateKeyType,
  options: FormatPemPrivateKeyOptions = {},
): string {
  const format = options.format ?? 'pkcs8';
  const passphrase = options.passphrase ?? '';
  const random = options.random ?? defaultRandomBytes;
  if (format === 'pkcs8') {
    const der = encodePkcs8PrivateKey(key);
    if (passphrase === '') return encodePem('PRIVATE KEY', der);
    const encrypted = encryptPkcs8(der, passphrase, {
      ...(options.cipher ? { cipher: options.cipher } : {}),
      ...(options.iterations ? { iterations: options.iterations } : {}),
      random,
    });
    der.fill(0);
    return encodePem('ENCRYPTED PRIVATE KEY', encrypted);
  }
  let der: Uint8Array;
  let label: string;
  if (format === 'pkcs1') {
    if (!(key instanceof RsaPrivateKey)) throw new TypeError('PKCS#1 holds only RSA keys');
    der = encodePkcs1RsaPrivateKey(key);
    label = 'RSA PRIVATE KEY';
  } else {
    if (!(key instanceof EcdsaPrivateKey)) throw new TypeError('SEC1 holds only ECDSA keys');
    der = encodeSec1EcPrivateKey(key);
    label = 'EC PRIVATE KEY';
  }
  if (passphrase === '') return encodePem(label, der);
  const name = options.cipher ?? 'AES-128-CBC';
  const cipher = PADDED_CBC_CIPHERS[name];
  const iv = random(cipher.ivLength);
  const k = evpBytesToKey(textEncoder.encode(passphrase), iv.subarray(0, 8), cipher.keyLength);
  const body = cipher.encrypt(k, iv, der);
  k.fill(0);
  der.fill(0);
  const ivHex = Array.from(iv, (b) => b.toString(16).padStart(2, '0').toUpperCase()).join('');
  return encodePem(label, body, {
    headers: [
      ['Proc-Type', '4,ENCRYPTED'],
      ['DEK-Info', `${name},${ivHex}`],
    ],
  });
}
