/**
 * The state of one channel (RFC 4254 §5): its ids, its two windows, where it is in its life, and
 * the requests in flight on it. Transitions live in `connection.ts`; this is the record they edit.
 *
 * Life of a channel: `opening` (we sent CHANNEL_OPEN) or `awaiting-accept` (the peer did, the
 * driver has not answered), then `open`. EOF and CLOSE are flags on an open channel, one per
 * direction; the channel leaves the table once CLOSE was both sent and received (RFC 4254 §5.3).
 */
import { type ReceiveWindow, SendWindow } from './channel-window.js';
import { Fifo } from './fifo.js';
import { ReplyQueue } from './reply-queue.js';

/** Where a channel is in its opening handshake. */
export type ChannelState = 'opening' | 'awaiting-accept' | 'open';

/** One entry of the channel table. */
export class Channel {
  /** Our id: the recipient channel of what the peer sends. */
  readonly id: number;
  /** The channel type given in CHANNEL_OPEN ("session", "direct-tcpip" …). */
  readonly type: string;
  /** Who sent CHANNEL_OPEN. */
  readonly openedBy: 'us' | 'peer';
  state: ChannelState;
  /** The peer's id: the recipient channel of what we send. Known once the peer has sent it. */
  remoteId = 0;
  /** What the peer may send us; set when we advertise our window. */
  receiveWindow: ReceiveWindow;
  /** What we may send the peer; set when it advertises its window. */
  sendWindow: SendWindow = new SendWindow(0, 1);
  eofSent = false;
  eofReceived = false;
  closeSent = false;
  /** `close()` was called before the peer confirmed the open: send CLOSE once it does. */
  closeWanted = false;
  /** A `sendData` was cut short by the window: report `channel-writable` when it reopens. */
  writeBlocked = false;
  /** Replies we owe to the peer's requests, in order. */
  readonly replies: ReplyQueue<boolean>;
  /** Types of our requests sent with want_reply, oldest first; replies come in this order. */
  readonly awaitingReplies = new Fifo<string>();

  constructor(
    id: number,
    type: string,
    openedBy: 'us' | 'peer',
    receiveWindow: ReceiveWindow,
    maxPendingRequests: number,
  ) {
    this.id = id;
    this.type = type;
    this.openedBy = openedBy;
    this.state = openedBy === 'us' ? 'opening' : 'awaiting-accept';
    this.receiveWindow = receiveWindow;
    this.replies = new ReplyQueue(maxPendingRequests);
  }
}
