/**
 * The checks a certificate must pass once its CA is trusted (OpenSSH `sshkey_cert_check_authority`,
 * `sshkey_check_cert_sigtype`, `cert_option_list` in auth-options.c): the CA signature algorithm,
 * the certificate type, the validity window, the principals and the critical options; and the
 * certificate's options turned into `Permissions`. Pure: the time is a parameter.
 */
import { type Certificate, type CertificateOption, certificateOptionValue } from '@seashell/transport';
import { CertificateRejectedError } from '../errors.js';
import { type Permissions, SUPPORTED_CRITICAL_OPTIONS } from '../permissions.js';

/**
 * CA signature algorithms accepted by default: OpenSSH 9.2's `CASignatureAlgorithms`, which
 * leaves out SHA-1 `ssh-rsa`.
 */
export const DEFAULT_CA_SIGNATURE_ALGORITHMS: readonly string[] = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
];

/** What a certificate is checked against. */
export interface CertificateCheck {
  /** The use: a user certificate to log in, a host certificate as a host key. */
  readonly certType: 'user' | 'host';
  /**
   * Names one of which the certificate must list: the login name for a user certificate (or an
   * authorized_keys `principals=` list), the host name for a host certificate.
   */
  readonly principals: readonly string[];
  /** Now, in milliseconds since the epoch. */
  readonly now: number;
  /** Critical options understood for user certificates (default: force-command, source-address, verify-required). */
  readonly supportedCriticalOptions?: readonly string[];
  /** CA signature algorithms accepted (default `DEFAULT_CA_SIGNATURE_ALGORITHMS`). */
  readonly caSignatureAlgorithms?: readonly string[];
}

/**
 * Checks `cert` for `check` and returns what it permits.
 * @throws CertificateRejectedError with the reason.
 * @example
 * const permissions = checkCertificate(cert, { certType: 'user', principals: ['alice'], now: Date.now() });
 */
export function checkCertificate(cert: Certificate, check: CertificateCheck): Permissions {
  const reject = (reason: string): never => {
    throw new CertificateRejectedError(reason);
  };
  const algorithms = check.caSignatureAlgorithms ?? DEFAULT_CA_SIGNATURE_ALGORITHMS;
  if (!algorithms.includes(cert.signatureAlgorithm))
    reject(`CA signature algorithm ${cert.signatureAlgorithm} is not accepted`);
  if (cert.certType !== check.certType)
    reject(`${cert.certType} certificate used as a ${check.certType} certificate`);
  // PROTOCOL.certkeys: valid_after <= now < valid_before, in seconds.
  const now = BigInt(Math.floor(check.now / 1000));
  if (now < cert.validAfter) reject('certificate is not yet valid');
  if (now >= cert.validBefore) reject('certificate has expired');
  if (cert.principals.length === 0) {
    // sshd refuses a user certificate without principals ("Certificate lacks principal list");
    // ssh accepts a host certificate without them for any host, as x/crypto does.
    if (check.certType === 'user') reject('certificate lacks a principal list');
  } else if (!cert.principals.some((p) => check.principals.includes(p))) {
    // OpenSSH's wording for a login name, and for an authorized_keys principals= list.
    reject(
      check.principals.length === 1
        ? 'name is not a listed principal'
        : 'certificate does not contain an authorized principal',
    );
  }
  const criticalOptions = new Map<string, string>();
  const supported =
    check.certType === 'user' ? (check.supportedCriticalOptions ?? SUPPORTED_CRITICAL_OPTIONS) : [];
  for (const option of cert.criticalOptions) {
    // PROTOCOL.certkeys: an unrecognised critical option must make the certificate unusable.
    if (!supported.includes(option.name))
      reject(`unsupported critical option ${JSON.stringify(option.name.slice(0, 64))}`);
    criticalOptions.set(option.name, optionValue(option, reject));
  }
  const extensions = new Map<string, string>();
  for (const option of cert.extensions) {
    // Unknown extensions are ignored (PROTOCOL.certkeys); one that cannot be read is left out.
    try {
      extensions.set(option.name, certificateOptionValue(option));
    } catch {}
  }
  return { criticalOptions, extensions };
}

function optionValue(option: CertificateOption, reject: (reason: string) => never): string {
  try {
    return certificateOptionValue(option);
  } catch {
    return reject(`critical option ${option.name} is malformed`);
  }
}
