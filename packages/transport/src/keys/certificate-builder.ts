/**
 * Making OpenSSH certificates, as `ssh-keygen -s CA_KEY` does (PROTOCOL.certkeys; ssh-keygen.c
 * `do_ca_sign`), and pairing a private key with its certificate so that it signs under the
 * certificate's algorithm names (a host key served with `HostCertificate`, a user key offered
 * with its `-cert.pub`).
 */
import type { CryptoProvider } from '../crypto/provider.js';
import { defaultRandomBytes, type RandomBytes } from '../random.js';
import { SshWriter } from '../wire/writer.js';
import {
  type Certificate,
  type CertificateType,
  isCertificate,
  MAX_CERTIFICATE_PRINCIPALS,
  parseCertificate,
  plainSignatureAlgorithm,
} from './certificate.js';
import { InvalidKeyError } from './errors.js';
import type { PrivateKey, PublicKey } from './types.js';

/** An option to put in a certificate: a flag (no value) or a string value. */
export interface CertificateOptionInit {
  readonly name: string;
  /** Absent for a flag (`permit-pty`); a string for `force-command=…`, `source-address=…`. */
  readonly value?: string;
}

/** The extensions `ssh-keygen -s` grants a user certificate unless told otherwise. */
export const DEFAULT_USER_CERTIFICATE_EXTENSIONS: readonly CertificateOptionInit[] = [
  { name: 'permit-X11-forwarding' },
  { name: 'permit-agent-forwarding' },
  { name: 'permit-port-forwarding' },
  { name: 'permit-pty' },
  { name: 'permit-user-rc' },
];

/** What to certify; the defaults are `ssh-keygen -s`'s. */
export interface CertificateTemplate {
  /** The key to certify (a plain key). */
  readonly key: PublicKey;
  readonly certType: CertificateType;
  /** `-I`; default ''. */
  readonly keyId?: string;
  /** `-z`; default 0. */
  readonly serial?: bigint;
  /** `-n`; default none. */
  readonly principals?: readonly string[];
  /** `-V` start, seconds since the epoch; default 0 (always). */
  readonly validAfter?: bigint;
  /** `-V` end, seconds since the epoch (exclusive); default 2^64-1 (forever). */
  readonly validBefore?: bigint;
  /** `-O force-command=…`, `-O source-address=…`, `-O verify-required`. */
  readonly criticalOptions?: readonly CertificateOptionInit[];
  /** Default: `DEFAULT_USER_CERTIFICATE_EXTENSIONS` for user certificates, none for host ones. */
  readonly extensions?: readonly CertificateOptionInit[];
  /** Default: 32 fresh random bytes, as ssh-keygen. */
  readonly nonce?: Uint8Array;
}

/** How the CA signs. */
export interface SignCertificateOptions {
  /** The CA's signature algorithm; default its first (`rsa-sha2-512` for RSA, as ssh-keygen 9.2). */
  readonly algorithm?: string;
  readonly random?: RandomBytes;
}

const MAX_UINT64 = (1n << 64n) - 1n;

/**
 * Certifies `template.key` with the CA key `ca`. Options are written sorted by name.
 * @throws TypeError when the key or the CA is a certificate; RangeError for more than 256
 *   principals, a repeated option name, or validity bounds outside uint64.
 * @example
 * const cert = createCertificate(
 *   { key: userKey.publicKey, certType: 'user', keyId: 'alice', principals: ['alice'],
 *     validBefore: BigInt(Math.floor(Date.now() / 1000) + 3600) },
 *   caKey,
 * );
 * writeFileSync('id_ed25519-cert.pub', `${cert.type} ${base64Encode(cert.blob)}\n`);
 */
export function createCertificate(
  template: CertificateTemplate,
  ca: PrivateKey,
  options: SignCertificateOptions = {},
): Certificate {
  const { key, certType } = template;
  if (isCertificate(key)) throw new TypeError('the key to certify is itself a certificate');
  if (isCertificate(ca.publicKey)) throw new TypeError('a certificate cannot be a CA key');
  const principals = template.principals ?? [];
  if (principals.length > MAX_CERTIFICATE_PRINCIPALS)
    throw new RangeError(`more than ${MAX_CERTIFICATE_PRINCIPALS} principals`);
  const validAfter = template.validAfter ?? 0n;
  const validBefore = template.validBefore ?? MAX_UINT64;
  if (validAfter < 0n || validBefore > MAX_UINT64 || validAfter > MAX_UINT64 || validBefore < 0n)
    throw new RangeError('certificate validity must be uint64 seconds');
  const extensions = template.extensions ?? (certType === 'user' ? DEFAULT_USER_CERTIFICATE_EXTENSIONS : []);
  const random = options.random ?? defaultRandomBytes;
  const plainBlob = key.blob;

  const w = new SshWriter(plainBlob.length + 512);
  w.string(`${key.type}-cert-v01@openssh.com`);
  w.string(template.nonce ?? random(32));
  // The certified key's own fields: its blob without the leading type string.
  w.raw(plainBlob.subarray(4 + new DataView(plainBlob.buffer, plainBlob.byteOffset).getUint32(0)));
  w.uint64(template.serial ?? 0n);
  w.uint32(certType === 'user' ? 1 : 2);
  w.string(template.keyId ?? '');
  const names = new SshWriter();
  for (const p of principals) names.string(p);
  w.string(names.bytes());
  w.uint64(validAfter);
  w.uint64(validBefore);
  w.string(encodeOptions(template.criticalOptions ?? []));
  w.string(encodeOptions(extensions));
  w.string(new Uint8Array(0));
  w.string(ca.publicKey.blob);
  const signed = w.bytes().slice();
  const signature = ca.sign(signed, options.algorithm ?? ca.publicKey.signatureAlgorithms[0]);
  w.string(signature);
  // Parsed back: the result is checked exactly as a certificate from elsewhere would be.
  return parseCertificate(w.bytes());
}

/** Options sorted by name (PROTOCOL.certkeys), each `string name || string data`. */
function encodeOptions(options: readonly CertificateOptionInit[]): Uint8Array {
  const sorted = [...options].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const w = new SshWriter();
  for (let i = 0; i < sorted.length; i++) {
    const { name, value } = sorted[i]!;
    if (i > 0 && sorted[i - 1]!.name === name) throw new RangeError(`certificate option ${name} given twice`);
    w.string(name);
    // A flag's data is empty; a value is itself a string inside the data string.
    w.string(value === undefined ? new Uint8Array(0) : new SshWriter().string(value).bytes());
  }
  return w.bytes();
}

/**
 * A private key and its certificate: `publicKey` is the certificate, and signatures asked for
 * under a certificate algorithm (`ssh-ed25519-cert-v01@openssh.com`) are made with the plain one.
 */
export class CertifiedPrivateKey implements PrivateKey {
  readonly publicKey: Certificate;
  /** The key that signs. */
  readonly privateKey: PrivateKey;

  /** @throws InvalidKeyError when the certificate is for another key. */
  constructor(privateKey: PrivateKey, certificate: Certificate) {
    if (!certificate.key.equals(privateKey.publicKey))
      throw new InvalidKeyError('the certificate is for another key');
    this.privateKey = privateKey;
    this.publicKey = certificate;
  }

  sign(
    data: Uint8Array,
    algorithm: string = this.publicKey.signatureAlgorithms[0]!,
    crypto?: CryptoProvider,
  ): Uint8Array {
    return this.privateKey.sign(data, plainSignatureAlgorithm(algorithm), crypto);
  }
}
