/** Authentication errors (STYLE.md §5). */
import { SshError } from '@seashell/transport';

/** The server refused every method we could try. */
export class AuthenticationError extends SshError {
  /** Methods the server said could continue, at the last failure. */
  readonly methodsLeft: readonly string[];
  readonly partialSuccess: boolean;
  constructor(message: string, methodsLeft: readonly string[] = [], partialSuccess = false) {
    super('ERR_SSH_AUTHENTICATION', message);
    this.methodsLeft = methodsLeft;
    this.partialSuccess = partialSuccess;
  }
}

/**
 * A certificate that must not be accepted: no trusted authority, revoked, outside its validity,
 * the wrong type, a principal not listed, an unknown critical option. `reason` is OpenSSH-like
 * wording for logs; it names nothing secret.
 */
export class CertificateRejectedError extends SshError {
  readonly reason: string;
  constructor(reason: string) {
    super('ERR_SSH_CERTIFICATE_REJECTED', `certificate rejected: ${reason}`);
    this.reason = reason;
  }
}
