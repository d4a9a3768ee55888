/**
 * A certificate policy in the shape of x/crypto/ssh's `CertChecker`: which CAs may sign users and
 * which may sign hosts, a revocation callback (a KRL is one source), an injected clock, and the
 * checks of `checkCertificate`. The server uses it for user certificates, the client for host
 * certificates.
 *
 * A missing authority callback is an error, never a crash and never "trust all"
 * (x/crypto CVE-2026-39835).
 */
import { type Certificate, isCertificate, type PublicKey } from '@seashell/transport';
import { CertificateRejectedError } from '../errors.js';
import { type Permissions, sourceAddressDenial } from '../permissions.js';
import { checkCertificate } from './certificate-check.js';

type MaybePromise<T> = T | Promise<T>;

export interface CertCheckerOptions {
  /** Now, in milliseconds since the epoch (e.g. `Date.now`). */
  readonly now: () => number;
  /** May `ca` sign user certificates? Absent: every user certificate is refused. */
  readonly isUserAuthority?: (ca: PublicKey) => MaybePromise<boolean>;
  /** May `ca` sign certificates for `host`? Absent: every host certificate is refused. */
  readonly isHostAuthority?: (ca: PublicKey, host: string) => MaybePromise<boolean>;
  /** Is this certificate (or its key, or its CA) revoked? E.g. `(cert) => krl.isRevoked(cert)`. */
  readonly isRevoked?: (cert: Certificate) => MaybePromise<boolean>;
  /** Critical options understood (default: force-command, source-address, verify-required). */
  readonly supportedCriticalOptions?: readonly string[];
  /** CA signature algorithms accepted (default: OpenSSH 9.2's, without SHA-1 `ssh-rsa`). */
  readonly caSignatureAlgorithms?: readonly string[];
}

export class CertChecker {
  readonly #o: CertCheckerOptions;

  constructor(options: CertCheckerOptions) {
    if (typeof options?.now !== 'function') throw new TypeError('CertChecker needs a now() clock');
    this.#o = options;
  }

  /**
   * Checks a user certificate for a login as `user` and returns what it permits. With
   * `remoteAddress`, its `source-address` is enforced here too (ServerAuth enforces it for every
   * method in any case).
   * @throws CertificateRejectedError
   * @example
   * const checker = new CertChecker({ now: Date.now, isUserAuthority: (ca) => ca.equals(userCa) });
   * const permissions = await checker.checkUserCertificate(cert, 'alice', '192.0.2.7');
   */
  async checkUserCertificate(cert: Certificate, user: string, remoteAddress?: string): Promise<Permissions> {
    const isAuthority = this.#o.isUserAuthority;
    if (typeof isAuthority !== 'function')
      throw new CertificateRejectedError('no user certificate authority is configured');
    if ((await isAuthority(cert.signatureKey)) !== true)
      throw new CertificateRejectedError('certificate signed by an unrecognised authority');
    await this.#checkRevoked(cert);
    const permissions = checkCertificate(cert, { certType: 'user', principals: [user], ...this.#limits() });
    if (remoteAddress !== undefined) {
      const denied = sourceAddressDenial(permissions, remoteAddress);
      if (denied) throw new CertificateRejectedError(denied);
    }
    return permissions;
  }

  /**
   * Checks a host certificate presented by `host` (the name the user connected to, without port).
   * @throws CertificateRejectedError
   */
  async checkHostCertificate(cert: Certificate, host: string): Promise<void> {
    const isAuthority = this.#o.isHostAuthority;
    if (typeof isAuthority !== 'function')
      throw new CertificateRejectedError('no host certificate authority is configured');
    if ((await isAuthority(cert.signatureKey, host)) !== true)
      throw new CertificateRejectedError('certificate signed by an unrecognised authority');
    await this.#checkRevoked(cert);
    checkCertificate(cert, { certType: 'host', principals: [host], ...this.#limits() });
  }

  /**
   * A host key check for `connect({ hostKey })`: certificates must pass `checkHostCertificate`,
   * plain keys go to `fallback` (refused without one).
   */
  hostKeyCallback(
    fallback?: (key: PublicKey, host: string) => MaybePromise<boolean>,
  ): (key: PublicKey, info: { readonly host: string }) => Promise<boolean> {
    return async (key, info) => {
      if (!isCertificate(key)) return fallback ? (await fallback(key, info.host)) === true : false;
      try {
        await this.checkHostCertificate(key, info.host);
        return true;
      } catch (e) {
        if (e instanceof CertificateRejectedError) return false;
        throw e;
      }
    };
  }

  async #checkRevoked(cert: Certificate): Promise<void> {
    if (this.#o.isRevoked && (await this.#o.isRevoked(cert)) !== false)
      throw new CertificateRejectedError('certificate is revoked');
  }

  #limits(): {
    now: number;
    supportedCriticalOptions?: readonly string[];
    caSignatureAlgorithms?: readonly string[];
  } {
    const { supportedCriticalOptions, caSignatureAlgorithms } = this.#o;
    return {
      now: this.#o.now(),
      ...(supportedCriticalOptions ? { supportedCriticalOptions } : {}),
      ...(caSignatureAlgorithms ? { caSignatureAlgorithms } : {}),
    };
  }
}
