/**
 * OpenSSH certificates (PROTOCOL.certkeys, now draft-miller-ssh-cert; `sshkey.c` `cert_parse`):
 * a public key, its validity and its permissions, signed by a certificate authority.
 *
 * ```
 * string "ssh-ed25519-cert-v01@openssh.com" | string nonce | <the key's own fields> | uint64 serial
 * uint32 type (1 user, 2 host) | string key id | string valid principals | uint64 valid after
 * uint64 valid before | string critical options | string extensions | string reserved
 * string signature key | string signature
 * ```
 *
 * The signature covers every byte from the start of the blob through the signature key. A
 * `Certificate` is only ever built from a blob whose CA signature verified, so holding one means
 * "this CA signed this"; whether the CA is trusted, and for what, is the CertChecker's policy.
 */
import type { CryptoProvider } from '../crypto/provider.js';
import { SshDecodeError } from '../errors.js';
import { equalBytes } from '../wire/bytes.js';
import { SshReader } from '../wire/reader.js';
import { InvalidKeyError } from './errors.js';
import { parsePublicKey, readPublicKeyFields, SIGNATURE_ALGORITHMS } from './public-key.js';
import { decodeSignatureBlob } from './signature-blob.js';
import type { PublicKey } from './types.js';

/** Certificate key types and the plain key type each certifies. */
export const CERTIFICATE_KEY_TYPES = {
  'ssh-ed25519-cert-v01@openssh.com': 'ssh-ed25519',
  'ecdsa-sha2-nistp256-cert-v01@openssh.com': 'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384-cert-v01@openssh.com': 'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521-cert-v01@openssh.com': 'ecdsa-sha2-nistp521',
  'ssh-rsa-cert-v01@openssh.com': 'ssh-rsa',
} as const;
export type CertificateKeyType = keyof typeof CERTIFICATE_KEY_TYPES;

/**
 * Certificate signature algorithms (the names used in KEXINIT and in publickey requests) and the
 * plain algorithm whose signature blob they carry (PROTOCOL.certkeys; RFC 8332 for the RSA ones).
 */
export const CERTIFICATE_SIGNATURE_ALGORITHMS = {
  'ssh-ed25519-cert-v01@openssh.com': 'ssh-ed25519',
  'ecdsa-sha2-nistp256-cert-v01@openssh.com': 'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384-cert-v01@openssh.com': 'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521-cert-v01@openssh.com': 'ecdsa-sha2-nistp521',
  'rsa-sha2-512-cert-v01@openssh.com': 'rsa-sha2-512',
  'rsa-sha2-256-cert-v01@openssh.com': 'rsa-sha2-256',
  'ssh-rsa-cert-v01@openssh.com': 'ssh-rsa',
} as const;
export type CertificateSignatureAlgorithm = keyof typeof CERTIFICATE_SIGNATURE_ALGORITHMS;

/** `user` (type 1) or `host` (type 2). */
export type CertificateType = 'user' | 'host';

/** A critical option or an extension: its name and the bytes of its data field. */
export interface CertificateOption {
  readonly name: string;
  /** The contents of the data string: empty for a flag, `string value` for an option with a value. */
  readonly data: Uint8Array;
}

/** OpenSSH's SSHKEY_CERT_MAX_PRINCIPALS. */
export const MAX_CERTIFICATE_PRINCIPALS = 256;

/** Whether `type` names a certificate key type. */
export function isCertificateKeyType(type: string): type is CertificateKeyType {
  return Object.hasOwn(CERTIFICATE_KEY_TYPES, type);
}

/** Whether `algorithm` is a certificate signature algorithm (`*-cert-v01@openssh.com`). */
export function isCertificateSignatureAlgorithm(
  algorithm: string,
): algorithm is CertificateSignatureAlgorithm {
  return Object.hasOwn(CERTIFICATE_SIGNATURE_ALGORITHMS, algorithm);
}

/**
 * The algorithm that actually signs for `algorithm`: `rsa-sha2-512` for
 * `rsa-sha2-512-cert-v01@openssh.com`, and any plain name unchanged.
 * @example
 * plainSignatureAlgorithm('ssh-ed25519-cert-v01@openssh.com'); // 'ssh-ed25519'
 */
export function plainSignatureAlgorithm(algorithm: string): string {
  return Object.hasOwn(CERTIFICATE_SIGNATURE_ALGORITHMS, algorithm)
    ? CERTIFICATE_SIGNATURE_ALGORITHMS[algorithm as CertificateSignatureAlgorithm]
    : algorithm;
}

/**
 * The value of an option with one (`force-command`, `source-address`): the string inside its data.
 * A flag (empty data) gives ''.
 * @throws SshDecodeError when the data is not exactly one string.
 */
export function certificateOptionValue(option: CertificateOption): string {
  if (option.data.length === 0) return '';
  const r = new SshReader(option.data);
  const value = r.utf8();
  r.end(`certificate option ${option.name}`);
  return value;
}

/** Fields of a certificate, as decoded. */
interface CertificateFields {
  readonly type: CertificateKeyType;
  readonly blob: Uint8Array;
  readonly signedLength: number;
  readonly nonce: Uint8Array;
  readonly key: PublicKey;
  readonly serial: bigint;
  readonly certType: CertificateType;
  readonly keyId: string;
  readonly principals: readonly string[];
  readonly validAfter: bigint;
  readonly validBefore: bigint;
  readonly criticalOptions: readonly CertificateOption[];
  readonly extensions: readonly CertificateOption[];
  readonly reserved: Uint8Array;
  readonly signatureKey: PublicKey;
  readonly signature: Uint8Array;
  readonly signatureAlgorithm: string;
}

/**
 * An OpenSSH certificate whose CA signature verified. As a `PublicKey` it verifies signatures
 * with the certified key, under the certificate algorithm names.
 */
export class Certificate implements PublicKey {
  readonly type: CertificateKeyType;
  readonly blob: Uint8Array;
  /** Certificate algorithms it signs under, most preferred first (`rsa-sha2-512-cert-v01@openssh.com`, …). */
  readonly signatureAlgorithms: readonly string[];
  /** The CA's random nonce (PROTOCOL.certkeys: stops chosen-prefix attacks on the signature hash). */
  readonly nonce: Uint8Array;
  /** The certified (plain) key. */
  readonly key: PublicKey;
  readonly serial: bigint;
  readonly certType: CertificateType;
  readonly keyId: string;
  /** User names or host names the certificate is valid for; empty means none (sshd refuses such user certificates). */
  readonly principals: readonly string[];
  /** Seconds since the epoch: valid from `validAfter` (inclusive) to `validBefore` (exclusive). */
  readonly validAfter: bigint;
  readonly validBefore: bigint;
  /** Sorted by name, names unique. */
  readonly criticalOptions: readonly CertificateOption[];
  /** Sorted by name, names unique. */
  readonly extensions: readonly CertificateOption[];
  readonly reserved: Uint8Array;
  /** The CA key (never itself a certificate). */
  readonly signatureKey: PublicKey;
  /** The CA's signature blob (`string algorithm || string signature`). */
  readonly signature: Uint8Array;
  /** The algorithm of the CA's signature, e.g. `rsa-sha2-512` (CASignatureAlgorithms is policy). */
  readonly signatureAlgorithm: string;
  readonly #signedLength: number;

  private constructor(f: CertificateFields) {
    this.type = f.type;
    this.blob = f.blob;
    this.#signedLength = f.signedLength;
    this.nonce = f.nonce;
    this.key = f.key;
    this.serial = f.serial;
    this.certType = f.certType;
    this.keyId = f.keyId;
    this.principals = f.principals;
    this.validAfter = f.validAfter;
    this.validBefore = f.validBefore;
    this.criticalOptions = f.criticalOptions;
    this.extensions = f.extensions;
    this.reserved = f.reserved;
    this.signatureKey = f.signatureKey;
    this.signature = f.signature;
    this.signatureAlgorithm = f.signatureAlgorithm;
    this.signatureAlgorithms = certificateAlgorithms(f.key);
  }

  /**
   * Reads the fields after the type string and checks the CA signature.
   * @throws SshDecodeError for framing faults and trailing bytes; InvalidKeyError for a bad
   *   certified or CA key, a CA that is a certificate, an unknown certificate type, too many
   *   principals, unsorted or repeated option names, or a CA signature that does not verify.
   */
  static read(type: CertificateKeyType, r: SshReader): Certificate {
    const nonce = r.string().slice();
    const key = readPublicKeyFields(CERTIFICATE_KEY_TYPES[type], r);
    const serial = r.uint64();
    const typeCode = r.uint32();
    // PROTOCOL.certkeys: 1 is SSH_CERT_TYPE_USER, 2 SSH_CERT_TYPE_HOST; nothing else is defined.
    if (typeCode !== 1 && typeCode !== 2) throw new InvalidKeyError(`unknown certificate type ${typeCode}`);
    const keyId = textField(r, 'key id');
    const principals = readPrincipals(r.string());
    const validAfter = r.uint64();
    const validBefore = r.uint64();
    const criticalOptions = readOptions(r.string(), 'critical option');
    const extensions = readOptions(r.string(), 'extension');
    const reserved = r.string().slice();
    const signatureKey = readSignatureKey(r.string());
    const signedLength = r.position;
    const signature = r.string().slice();
    r.end('certificate');
    const blob = r.bytes.slice(0, r.position);
    const signatureAlgorithm = checkSignature(signatureKey, blob.subarray(0, signedLength), signature);
    return new Certificate({
      type,
      blob,
      signedLength,
      nonce,
      key,
      serial,
      certType: typeCode === 1 ? 'user' : 'host',
      keyId,
      principals,
      validAfter,
      validBefore,
      criticalOptions,
      extensions,
      reserved,
      signatureKey,
      signature,
      signatureAlgorithm,
    });
  }

  /** The bytes the CA signed: the blob from its start through the signature key. */
  get signedData(): Uint8Array {
    return this.blob.subarray(0, this.#signedLength);
  }

  /**
   * Checks a signature made with the certified key. `allowed` holds certificate algorithm names
   * (default: `signatureAlgorithms`); the signature blob itself names the plain algorithm.
   */
  verify(
    data: Uint8Array,
    signatureBlob: Uint8Array,
    allowed?: readonly string[],
    crypto?: CryptoProvider,
  ): boolean {
    const plain: string[] = [];
    for (const name of allowed ?? this.signatureAlgorithms) {
      if (Object.hasOwn(CERTIFICATE_SIGNATURE_ALGORITHMS, name)) plain.push(plainSignatureAlgorithm(name));
    }
    return this.key.verify(data, signatureBlob, plain, crypto);
  }

  equals(other: PublicKey): boolean {
    return equalBytes(this.blob, other.blob);
  }
}

/** Whether `key` is a certificate. */
export function isCertificate(key: PublicKey): key is Certificate {
  return key instanceof Certificate;
}

/**
 * Decodes a certificate blob and checks its CA signature.
 * @throws as `parsePublicKey`; also InvalidKeyError when the blob is a plain key.
 * @example
 * const cert = parseCertificate(base64Decode(readFileSync('id_ed25519-cert.pub', 'utf8').split(' ')[1]));
 */
export function parseCertificate(blob: Uint8Array): Certificate {
  const key = parsePublicKey(blob);
  if (!(key instanceof Certificate)) throw new InvalidKeyError(`a ${key.type} key is not a certificate`);
  return key;
}

/** The certificate algorithms a certified key signs under, in the order its plain key prefers. */
function certificateAlgorithms(key: PublicKey): string[] {
  const out: string[] = [];
  for (const [name, plain] of Object.entries(CERTIFICATE_SIGNATURE_ALGORITHMS)) {
    if (key.signatureAlgorithms.includes(plain)) out.push(name);
  }
  out.sort(
    (a, b) =>
      key.signatureAlgorithms.indexOf(plainSignatureAlgorithm(a)) -
      key.signatureAlgorithms.indexOf(plainSignatureAlgorithm(b)),
  );
  return out;
}

/** A UTF-8 string without NUL (OpenSSH reads these fields as C strings). */
function textField(r: SshReader, what: string): string {
  const text = r.utf8();
  if (text.includes('\0')) throw new SshDecodeError(`certificate ${what} holds a NUL`);
  return text;
}

function readPrincipals(field: Uint8Array): string[] {
  const r = new SshReader(field);
  const principals: string[] = [];
  while (r.remaining > 0) {
    // PROTOCOL.certkeys / sshkey.c: at most SSHKEY_CERT_MAX_PRINCIPALS names.
    if (principals.length === MAX_CERTIFICATE_PRINCIPALS)
      throw new InvalidKeyError(`certificate lists more than ${MAX_CERTIFICATE_PRINCIPALS} principals`);
    principals.push(textField(r, 'principal'));
  }
  return principals;
}

function readOptions(field: Uint8Array, what: string): CertificateOption[] {
  const r = new SshReader(field);
  const options: CertificateOption[] = [];
  let previous: string | undefined;
  while (r.remaining > 0) {
    const name = r.ascii();
    const data = r.string().slice();
    // PROTOCOL.certkeys: options are lexically ordered by name and each appears once.
    if (previous !== undefined && !(name > previous))
      throw new InvalidKeyError(
        `certificate ${what}s are not sorted and unique (${JSON.stringify(name.slice(0, 64))})`,
      );
    previous = name;
    options.push({ name, data });
  }
  return options;
}

function readSignatureKey(blob: Uint8Array): PublicKey {
  // Looked at before parsing, so that a nested certificate is refused without recursing into it.
  const type = new SshReader(blob).ascii();
  if (isCertificateKeyType(type)) throw new InvalidKeyError('certificate is signed by a certificate');
  return parsePublicKey(blob);
}

/** Verifies the CA signature with any algorithm the CA key has (SHA-1 too: refusing it is policy). */
function checkSignature(ca: PublicKey, signed: Uint8Array, signature: Uint8Array): string {
  const algorithms = Object.entries(SIGNATURE_ALGORITHMS)
    .filter(([, spec]) => spec.keyType === ca.type)
    .map(([name]) => name);
  if (!ca.verify(signed, signature, algorithms))
    throw new InvalidKeyError('certificate signature does not verify with its CA key');
  return decodeSignatureBlob(signature).algorithm;
}
