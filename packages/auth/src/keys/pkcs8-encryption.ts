/**
 * Encrypted PKCS#8 (`BEGIN ENCRYPTED PRIVATE KEY`; RFC 5958 §3 `EncryptedPrivateKeyInfo`) with
 * PBES2 (RFC 8018 §6.2, App. A.4): PBKDF2 (§5.2, App. A.2) with HMAC-SHA-1/224/256/384/512, and
 * AES-128/192/256-CBC (RFC 3565 §4.1 OIDs) or DES-EDE3-CBC (RFC 8018 App. B.2.2).
 *
 * ```
 * EncryptedPrivateKeyInfo ::= SEQUENCE { encryptionAlgorithm AlgorithmIdentifier, encryptedData OCTET STRING }
 * PBES2-params ::= SEQUENCE { keyDerivationFunc AlgorithmIdentifier, encryptionScheme AlgorithmIdentifier }
 * PBKDF2-params ::= SEQUENCE { salt OCTET STRING, iterationCount INTEGER, keyLength INTEGER OPTIONAL,
 *                              prf AlgorithmIdentifier DEFAULT hmacWithSHA1 }
 * ```
 *
 * PBES1 and PKCS#12 PBEs (single DES, RC2, RC4) are not read: nothing current writes them.
 */
import { sha1 } from '@noble/hashes/legacy.js';
import { pbkdf2 } from '@noble/hashes/pbkdf2.js';
import { sha224, sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import { defaultRandomBytes, type RandomBytes } from '@seashell/transport';
import { PADDED_CBC_CIPHERS, type PaddedCbcCipherName } from './cbc-ciphers.js';
import { DER_TAG, derInteger, derNull, derOctetString, derOid, derRoot, derSequence } from './der.js';
import { readAlgorithm } from './der-keys.js';
import { BadPassphraseError, KeyFileError } from './errors.js';
import { type KeyFileLimits, keyLimits } from './key-limits.js';

const OID_PBES2 = '1.2.840.113549.1.5.13';
const OID_PBKDF2 = '1.2.840.113549.1.5.12';

const PRFS = {
  '1.2.840.113549.2.7': { name: 'hmacWithSHA1', hash: sha1 },
  '1.2.840.113549.2.8': { name: 'hmacWithSHA224', hash: sha224 },
  '1.2.840.113549.2.9': { name: 'hmacWithSHA256', hash: sha256 },
  '1.2.840.113549.2.10': { name: 'hmacWithSHA384', hash: sha384 },
  '1.2.840.113549.2.11': { name: 'hmacWithSHA512', hash: sha512 },
} as const;
type PrfOid = keyof typeof PRFS;

const SCHEMES: Readonly<Record<string, PaddedCbcCipherName>> = {
  '2.16.840.1.101.3.4.1.2': 'AES-128-CBC',
  '2.16.840.1.101.3.4.1.22': 'AES-192-CBC',
  '2.16.840.1.101.3.4.1.42': 'AES-256-CBC',
  '1.2.840.113549.3.7': 'DES-EDE3-CBC',
};

const textEncoder = new TextEncoder();

/** An `EncryptedPrivateKeyInfo` whose parameters have been read and checked. */
export interface EncryptedPkcs8 {
  /** e.g. `AES-256-CBC`. */
  readonly cipher: PaddedCbcCipherName;
  /** e.g. `pbkdf2-hmacWithSHA256`. */
  readonly kdf: string;
  readonly iterations: number;
  /**
   * The `PrivateKeyInfo` DER inside.
   * @throws BadPassphraseError when the padding says the passphrase is wrong.
   */
  decrypt(passphrase: string): Uint8Array;
}

/**
 * Reads an `EncryptedPrivateKeyInfo` and checks its algorithms and PBKDF2 cost (against
 * `limits.maxPbkdf2Iterations`) without decrypting anything.
 * @throws KeyFileError for bad DER, an unsupported scheme, or too many iterations.
 */
export function openEncryptedPkcs8(der: Uint8Array, limits?: KeyFileLimits): EncryptedPkcs8 {
  const r = derRoot(der, 'EncryptedPrivateKeyInfo');
  const { oid, params } = readAlgorithm(r, 'encryptionAlgorithm');
  const encrypted = r.octetString('encryptedData');
  r.end('EncryptedPrivateKeyInfo');
  if (oid !== OID_PBES2) throw new KeyFileError(`unsupported PKCS#8 encryption ${oid} (only PBES2 is read)`);
  const pbes2 = params.sequence('PBES2-params');
  params.end('PBES2 AlgorithmIdentifier');
  const kdf = readAlgorithm(pbes2, 'keyDerivationFunc');
  const scheme = readAlgorithm(pbes2, 'encryptionScheme');
  pbes2.end('PBES2-params');
  if (kdf.oid !== OID_PBKDF2)
    throw new KeyFileError(`unsupported PBES2 KDF ${kdf.oid} (only PBKDF2 is read)`);
  const cipherName = SCHEMES[scheme.oid];
  if (cipherName === undefined) throw new KeyFileError(`unsupported PBES2 cipher ${scheme.oid}`);
  const cipher = PADDED_CBC_CIPHERS[cipherName];
  const iv = scheme.params.octetString('IV');
  scheme.params.end('encryptionScheme');
  if (iv.length !== cipher.ivLength)
    throw new KeyFileError(`${cipherName} IV is not ${cipher.ivLength} bytes`);

  const p = kdf.params.sequence('PBKDF2-params');
  kdf.params.end('keyDerivationFunc');
  // RFC 8018 A.2: salt is `specified OCTET STRING` (otherSource was never used).
  const salt = p.octetString('PBKDF2 salt');
  const iterations = p.smallInteger('PBKDF2 iterationCount');
  let keyLength: number | undefined;
  if (p.peekTag() === DER_TAG.INTEGER) keyLength = p.smallInteger('PBKDF2 keyLength');
  let prfOid: PrfOid = '1.2.840.113549.2.7';
  if (!p.done) {
    const prf = readAlgorithm(p, 'PBKDF2 prf');
    if (!Object.hasOwn(PRFS, prf.oid)) throw new KeyFileError(`unsupported PBKDF2 PRF ${prf.oid}`);
    prfOid = prf.oid as PrfOid;
    if (!prf.params.done) prf.params.null('PBKDF2 prf parameters');
    prf.params.end('PBKDF2 prf');
  }
  p.end('PBKDF2-params');
  const max = keyLimits(limits).maxPbkdf2Iterations;
  if (iterations < 1 || iterations > max)
    throw new KeyFileError(`PBKDF2 iterations ${iterations} outside 1..${max}`);
  if (keyLength !== undefined && keyLength !== cipher.keyLength)
    throw new KeyFileError(`PBKDF2 keyLength ${keyLength} does not fit ${cipherName}`);
  const prf = PRFS[prfOid];
  return {
    cipher: cipherName,
    kdf: `pbkdf2-${prf.name}`,
    iterations,
    decrypt(passphrase) {
      if (passphrase === '') throw new BadPassphraseError();
      const key = pbkdf2(prf.hash, textEncoder.encode(passphrase), salt, {
        c: iterations,
        dkLen: cipher.keyLength,
      });
      try {
        return cipher.decrypt(key, iv, encrypted);
      } finally {
        key.fill(0);
      }
    },
  };
}

/** Options for writing an encrypted PKCS#8 key. */
export interface EncryptPkcs8Options {
  /** Default AES-256-CBC, as OpenSSL 3. */
  readonly cipher?: PaddedCbcCipherName;
  /** PBKDF2 iterations; default 100,000 (OpenSSL writes 2048, which is weak today). */
  readonly iterations?: number;
  /** Salt and IV source. */
  readonly random?: RandomBytes;
}

/**
 * Wraps a `PrivateKeyInfo` in an `EncryptedPrivateKeyInfo` with PBES2, PBKDF2-HMAC-SHA-256.
 * @throws RangeError for an empty passphrase or iterations < 1.
 */
export function encryptPkcs8(
  privateKeyInfo: Uint8Array,
  passphrase: string,
  options: EncryptPkcs8Options = {},
): Uint8Array {
  if (passphrase === '') throw new RangeError('an encrypted key needs a non-empty passphrase');
  const iterations = options.iterations ?? 100_000;
  if (!Number.isInteger(iterations) || iterations < 1)
    throw new RangeError('PBKDF2 needs at least 1 iteration');
  const cipherName = options.cipher ?? 'AES-256-CBC';
  const cipher = PADDED_CBC_CIPHERS[cipherName];
  const random = options.random ?? defaultRandomBytes;
  const salt = random(16);
  const iv = random(cipher.ivLength);
  const key = pbkdf2(sha256, textEncoder.encode(passphrase), salt, {
    c: iterations,
    dkLen: cipher.keyLength,
  });
  const encrypted = cipher.encrypt(key, iv, privateKeyInfo);
  key.fill(0);
  const schemeOid = Object.entries(SCHEMES).find(([, name]) => name === cipherName)![0];
  const pbkdf2Params = derSequence([
    derOctetString(salt),
    derInteger(iterations),
    derSequence([derOid('1.2.840.113549.2.9'), derNull()]),
  ]);
  const pbes2Params = derSequence([
    derSequence([derOid(OID_PBKDF2), pbkdf2Params]),
    derSequence([derOid(schemeOid), derOctetString(iv)]),
  ]);
  return derSequence([derSequence([derOid(OID_PBES2), pbes2Params]), derOctetString(encrypted)]);
}
