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
