/**
 * Errors of the connection protocol (STYLE.md §5). A peer's protocol violation is an
 * `SshProtocolError` of @seashell/transport; this file adds what RFC 4254 itself can refuse.
 */
import { SshError, sanitizeText } from '@seashell/transport';
import { channelOpenFailureReasonName } from './messages.js';

/** The peer refused a channel we opened (RFC 4254 §5.1 SSH_MSG_CHANNEL_OPEN_FAILURE). */
export class ChannelOpenError extends SshError {
  /** The RFC 4254 §5.1 reason code (see `ChannelOpenFailureReason`); a peer may send others. */
  readonly reason: number;
  /** The peer's description, as sent (sanitise it before printing). */
  readonly description: string;
  constructor(reason: number, description: string) {
    super(
      'ERR_SSH_CHANNEL_OPEN',
      `channel open refused: ${channelOpenFailureReasonName(reason)}${description ? `: ${sanitizeText(description)}` : ''}`,
    );
    this.reason = reason;
    this.description = description;
  }
}
