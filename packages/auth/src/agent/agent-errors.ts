/** Errors of the ssh-agent protocol (draft-miller-ssh-agent; STYLE.md §5). */
import { SshError } from '@seashell/transport';

/**
 * The other end broke the agent protocol: a frame of length 0 or over the limit, a reply of the
 * wrong type, a reply that does not decode, a signature of another algorithm than asked for.
 * The connection is out of step after one of these and is closed.
 */
export class AgentProtocolError extends SshError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_SSH_AGENT_PROTOCOL', message, options);
  }
}

/** The agent answered SSH_AGENT_FAILURE (or SSH_AGENT_EXTENSION_FAILURE) to a request. */
export class AgentFailureError extends SshError {
  /** What we asked for, e.g. `SSH_AGENTC_SIGN_REQUEST`. */
  readonly request: string;
  constructor(request: string) {
    super('ERR_SSH_AGENT_FAILURE', `the agent refused ${request}`);
    this.request = request;
  }
}
