/**
 * The RFC 4254 connection protocol as a sans-IO state machine (STYLE.md §1), for either role:
 * global requests (§4), the channel table, flow control and channel requests (§5), and the
 * session requests of §6 parsed on "session" channels.
 *
 * The driver feeds it decrypted payloads of messages 80–127 (only after authentication), sends what
 * `pollTransmit()` returns, and answers the events `nextEvent()` returns. A peer's fault never
 * throws: it becomes a `fatal` event carrying the SshProtocolError to DISCONNECT with, after which
 * the core ignores input and sends nothing. The driver's own misuse throws TypeError or RangeError.
 */
import {
  DisconnectReason,
  type MessageType,
  SshDecodeError,
  SshProtocolError,
  SshWriter,
} from '@seashell/transport';
import { Channel } from './channel.js';
import { ChannelTable } from './channel-table.js';
import { MAX_WINDOW, ReceiveWindow, SendWindow } from './channel-window.js';
import { ChannelOpenError } from './errors.js';
import type { ConnectionEvent } from './events.js';
import { Fifo } from './fifo.js';
import { GlobalRequests } from './global-requests.js';
import {
  ChannelClose,
  ChannelData,
  ChannelEof,
  ChannelExtendedData,
  ChannelFailure,
  ChannelOpen,
  ChannelOpenConfirmation,
  ChannelOpenFailure,
  ChannelOpenFailureReason,
  ChannelRequest,
  ChannelSuccess,
  ChannelWindowAdjust,
  GlobalRequest,
  ConnectionMessageNumber as N,
  RequestFailure,
  RequestSuccess,
} from './messages.js';
import {
  type AcceptChannelOptions,
  type ChannelOptions,
  type ConnectionOptions,
  checkInteger,
  type ResolvedOptions,
  type Role,
  resolveOptions,
} from './options.js';
import type { Outbox, Violation } from './outbox.js';
import { isSessionRequestType, parseSessionRequest, type SessionRequest } from './session-requests.js';

const EMPTY = new Uint8Array(0);
const MAX_UINT32 = 0xffff_ffff;
const KEEPALIVE = 'keepalive@openssh.com';
/** The message numbers this core handles (RFC 4254 §4, §5). */
const RECEIVABLE: ReadonlySet<number> = new Set(Object.values(N));

/**
 * The connection protocol of one SSH connection, both roles.
 *
 * @example
 * const core = new ConnectionCore({ role: 'server' });
 * core.receive(payload); // a decrypted message 80–127 from the transport
 * for (let e = core.nextEvent(); e; e = core.nextEvent()) {
 *   if (e.type === 'channel-open') core.acceptChannel(e.channelId);
 *   else if (e.type === 'channel-request' && e.wantReply) core.answerRequest(e.channelId, e.request?.type === 'exec');
 *   else if (e.type === 'fatal') transport.disconnect(e.error.reason, e.error.message);
 * }
 * for (let p = core.pollTransmit(); p; p = core.pollTransmit()) transport.send(p);
 */
export class ConnectionCore {
  /** Which end of the connection we are. */
  readonly role: Role;
  readonly #options: ResolvedOptions;
  readonly #channels = new ChannelTable();
  readonly #transmit = new Fifo<Uint8Array>();
  readonly #events = new Fifo<ConnectionEvent>();
  readonly #out: Outbox = {
    send: (payload) => this.#send(payload),
    emit: (event) => this.#events.push(event),
  };
  readonly #global: GlobalRequests;
  #fatal: SshProtocolError | undefined;

  constructor(options: ConnectionOptions) {
    this.#options = resolveOptions(options);
    this.role = this.#options.role;
    this.#global = new GlobalRequests(
      this.#options.globalRequestTypes,
      this.#options.maxPendingRequests,
      this.#out,
    );
  }

  /** Channels in the table, in any state (opening, open, closing). */
  get channelCount(): number {
    return this.#channels.size;
  }

  /** The protocol error that stopped the core, if one did. */
  get fatalError(): SshProtocolError | undefined {
    return this.#fatal;
  }

  // ---------------------------------------------------------------------------------------------
  // Input. Each handler returns why the message breaks the protocol, or undefined when it does not.

  /**
   * Feeds one decrypted message payload from the transport. The core keeps views into `payload`
   * (in events): the caller hands it over and must not reuse its memory.
   * @returns false when the message number is not one of RFC 4254 (the transport then answers
   * SSH_MSG_UNIMPLEMENTED, RFC 4253 §11.4); true otherwise, whatever happened.
   */
  receive(payload: Uint8Array): boolean {
    if (this.#fatal) return true;
    const number = payload[0];
    if (number === undefined) {
      this.#violation('empty message');
      return true;
    }
    if (!RECEIVABLE.has(number)) return false;
    let violation: Violation;
    try {
      violation = this.#dispatch(number, payload);
    } catch (e) {
      if (!(e instanceof SshDecodeError)) throw e;
      this.#violation(`malformed message ${number}: ${e.message}`, e);
      return true;
    }
    if (violation !== undefined) this.#violation(violation);
    return true;
  }

  #dispatch(number: number, payload: Uint8Array): Violation {
    switch (number) {
      case N.GLOBAL_REQUEST:
        return this.#global.receive(GlobalRequest.decode(payload));
      case N.REQUEST_SUCCESS:
        return this.#global.receiveReply(true, RequestSuccess.decode(payload).data);
      case N.REQUEST_FAILURE:
        RequestFailure.decode(payload);
        return this.#global.receiveReply(false, EMPTY);
      case N.CHANNEL_OPEN:
        return this.#onOpen(ChannelOpen.decode(payload));
      case N.CHANNEL_OPEN_CONFIRMATION:
        return this.#onOpenConfirmation(ChannelOpenConfirmation.decode(payload));
      case N.CHANNEL_OPEN_FAILURE:
        return this.#onOpenFailure(ChannelOpenFailure.decode(payload));
      case N.CHANNEL_WINDOW_ADJUST:
        return this.#onWindowAdjust(ChannelWindowAdjust.decode(payload));
      case N.CHANNEL_DATA: {
        const m = ChannelData.decode(payload);
        return this.#onData(m.recipientChannel, m.data, undefined);
      }
      case N.CHANNEL_EXTENDED_DATA: {
        const m = ChannelExtendedData.decode(payload);
        return this.#onData(m.recipientChannel, m.data, m.dataTypeCode);
      }
      case N.CHANNEL_EOF:
        return this.#onEof(ChannelEof.decode(payload).recipientChannel);
      case N.CHANNEL_CLOSE:
        return this.#onClose(ChannelClose.decode(payload).recipientChannel);
      case N.CHANNEL_REQUEST:
        return this.#onRequest(ChannelRequest.decode(payload));
      case N.CHANNEL_SUCCESS:
        return this.#onRequestReply(ChannelSuccess.decode(payload).recipientChannel, true);
      default:
        return this.#onRequestReply(ChannelFailure.decode(payload).recipientChannel, false);
    }
  }

  #onOpen(m: MessageType<typeof ChannelOpen>): Violation {
    const refusal = this.#openRefusal(m);
    if (refusal) {
      const [reasonCode, description] = refusal;
      this.#send(
        ChannelOpenFailure.encode({
          recipientChannel: m.senderChannel,
          reasonCode,
          description,
          languageTag: '',
        }),
      );
      return undefined;
    }
    const placeholder = new ReceiveWindow(0, 0);
    const ch = new Channel(
      this.#channels.freeId(),
      m.channelType,
      'peer',
      placeholder,
      this.#options.maxPendingRequests,
    );
    ch.remoteId = m.senderChannel;
    ch.sendWindow = new SendWindow(m.initialWindowSize, m.maximumPacketSize);
    this.#channels.add(ch);
    this.#events.push({
      type: 'channel-open',
      channelId: ch.id,
      channelType: m.channelType,
      data: m.data,
      peerWindow: m.initialWindowSize,
      peerMaxPacket: m.maximumPacketSize,
    });
    return undefined;
  }

  /** Why the core itself refuses a channel the peer opens, before the driver sees it. */
  #openRefusal(m: MessageType<typeof ChannelOpen>): [ChannelOpenFailureReason, string] | undefined {
    if (!this.#options.channelTypes.has(m.channelType))
      return [ChannelOpenFailureReason.UNKNOWN_CHANNEL_TYPE, 'unknown channel type'];
    if (this.#channels.openedByPeer >= this.#options.maxChannels)
      return [ChannelOpenFailureReason.RESOURCE_SHORTAGE, 'too many channels'];
    // A max packet of 0 would leave nothing we could ever send on the channel.
    if (m.maximumPacketSize === 0)
      return [ChannelOpenFailureReason.CONNECT_FAILED, 'invalid max packet size'];
    return undefined;
  }

  #onOpenConfirmation(m: MessageType<typeof ChannelOpenConfirmation>): Violation {
    const ch = this.#channels.get(m.recipientChannel);
    if (ch?.state !== 'opening')
      return `OPEN_CONFIRMATION for channel ${m.recipientChannel}, which is not opening`;
    if (m.maximumPacketSize === 0) return 'OPEN_CONFIRMATION with a max packet size of 0';
    ch.state = 'open';
    ch.remoteId = m.senderChannel;
    ch.sendWindow = new SendWindow(m.initialWindowSize, m.maximumPacketSize);
    this.#events.push({
      type: 'channel-open-confirmed',
      channelId: ch.id,
      data: m.data,
      peerWindow: m.initialWindowSize,
      peerMaxPacket: m.maximumPacketSize,
    });
    if (ch.closeWanted) this.#sendClose(ch);
    return undefined;
  }

  #onOpenFailure(m: MessageType<typeof ChannelOpenFailure>): Violation {
    const ch = this.#channels.get(m.recipientChannel);
    if (ch?.state !== 'opening')
      return `OPEN_FAILURE for channel ${m.recipientChannel}, which is not opening`;
    // A refused channel leaves the table at once (Go CVE-2026-3982).
    this.#channels.remove(ch);
    this.#events.push({
      type: 'channel-open-failed',
      channelId: ch.id,
      error: new ChannelOpenError(m.reasonCode, m.description),
    });
    return undefined;
  }

  #onWindowAdjust(m: MessageType<typeof ChannelWindowAdjust>): Violation {
    const ch = this.#addressed(m.recipientChannel, 'WINDOW_ADJUST');
    if (typeof ch === 'string') return ch;
    if (ch.closeSent) return undefined;
    // RFC 4254 §5.2: the window MUST NOT be increased above 2^32 - 1 bytes.
    if (!ch.sendWindow.add(m.bytesToAdd))
      return `WINDOW_ADJUST of ${m.bytesToAdd} overflows window ${ch.sendWindow.available} of channel ${ch.id}`;
    if (ch.writeBlocked && ch.sendWindow.available > 0 && !ch.eofSent) {
      ch.writeBlocked = false;
      this.#events.push({ type: 'channel-writable', channelId: ch.id });
    }
    return undefined;
  }

  #onData(recipient: number, data: Uint8Array, extendedType: number | undefined): Violation {
    const ch = this.#addressed(recipient, extendedType === undefined ? 'DATA' : 'EXTENDED_DATA');
    if (typeof ch === 'string') return ch;
    // Data the peer sent before it saw our CLOSE is dropped.
    if (ch.closeSent) return undefined;
    // RFC 4254 §5.3: after EOF the peer sends no more data on the channel.
    if (ch.eofReceived) return `data after EOF on channel ${ch.id}`;
    // RFC 4254 §5.2: the peer may send no more than the window allows, in packets no larger than
    // our max packet. OpenSSH 9.2 drops such data, OpenSSH 10 and Go disconnect: silently losing
    // bytes in the middle of a stream is worse than ending the connection, so we disconnect.
    const refused = ch.receiveWindow.receive(data.length);
    if (refused === 'exceeds-max-packet')
      return `${data.length} bytes of data on channel ${ch.id} exceed its max packet ${ch.receiveWindow.maxPacket}`;
    if (refused === 'exceeds-window')
      return `${data.length} bytes of data on channel ${ch.id} exceed its window ${ch.receiveWindow.available}`;
    if (data.length > 0)
      this.#events.push(
        extendedType === undefined
          ? { type: 'channel-data', channelId: ch.id, data }
          : { type: 'channel-data', channelId: ch.id, data, extendedType },
      );
    return undefined;
  }

  #onEof(recipient: number): Violation {
    const ch = this.#addressed(recipient, 'EOF');
    if (typeof ch === 'string') return ch;
    if (ch.closeSent || ch.eofReceived) return undefined;
    ch.eofReceived = true;
    this.#events.push({ type: 'channel-eof', channelId: ch.id });
    return undefined;
  }

  #onClose(recipient: number): Violation {
    const ch = this.#addressed(recipient, 'CLOSE');
    if (typeof ch === 'string') return ch;
    // RFC 4254 §5.3: on CLOSE a party MUST send back CLOSE unless it has already sent it.
    if (!ch.closeSent) this.#sendClose(ch);
    this.#channels.remove(ch);
    this.#events.push({ type: 'channel-close', channelId: ch.id });
    return undefined;
  }

  #onRequest(m: MessageType<typeof ChannelRequest>): Violation {
    const ch = this.#addressed(m.recipientChannel, 'CHANNEL_REQUEST');
    if (typeof ch === 'string') return ch;
    // After our CLOSE nothing more is sent on the channel, answers included — except to a keepalive:
    // sshd holds its CLOSE until the session's process exits and meanwhile probes that channel
    // (ClientAliveInterval); it takes any reply as a sign of life and drops a silent peer.
    if (ch.closeSent) {
      if (m.requestType === KEEPALIVE && m.wantReply)
        this.#send(ChannelFailure.encode({ recipientChannel: ch.remoteId }));
      return undefined;
    }
    // RFC 4254 §5.4: a request that is not recognised or not supported is answered FAILURE.
    // OpenSSH's ClientAliveInterval probe (keepalive@openssh.com) expects exactly that.
    if (m.requestType === KEEPALIVE || !this.#options.channelRequestTypes.has(m.requestType))
      return m.wantReply ? this.#oweReply(ch, false) : undefined;
    let request: SessionRequest | undefined;
    if (ch.type === 'session' && isSessionRequestType(m.requestType)) {
      try {
        request = parseSessionRequest(m.requestType, m.data);
      } catch (e) {
        if (!(e instanceof SshDecodeError)) throw e;
        // A malformed request is refused, or without want_reply ignored: a truncated
        // exit-status must not take the connection down (Go 9beb694).
        return m.wantReply ? this.#oweReply(ch, false) : undefined;
      }
    }
    if (m.wantReply) {
      const full = this.#oweReply(ch, undefined);
      if (full) return full;
    }
    this.#events.push({
      type: 'channel-request',
      channelId: ch.id,
      requestType: m.requestType,
      wantReply: m.wantReply,
      data: m.data,
      ...(request && { request }),
    });
    return undefined;
  }

  #onRequestReply(recipient: number, ok: boolean): Violation {
    // Replies to nothing (unknown channel, no request in flight) are dropped (Go CVE-2026-39830).
    const ch = this.#channels.get(recipient);
    const requestType = ch?.state === 'open' ? ch.awaitingReplies.shift() : undefined;
    if (ch !== undefined && requestType !== undefined)
      this.#events.push({ type: 'channel-reply', channelId: ch.id, requestType, ok });
    return undefined;
  }

  /** The open channel a message is addressed to, or why the message breaks the protocol. */
  #addressed(recipient: number, what: string): Channel | string {
    const ch = this.#channels.get(recipient);
    if (ch === undefined) return `${what} for unknown channel ${recipient}`;
    if (ch.state !== 'open') return `${what} for channel ${recipient}, which is not open yet`;
    return ch;
  }

  // ---------------------------------------------------------------------------------------------
  // Output

  /** The next payload for the transport to send, or undefined when there is none. */
  pollTransmit(): Uint8Array | undefined {
    return this.#transmit.shift();
  }

  /** The next event for the driver, or undefined when there is none. */
  nextEvent(): ConnectionEvent | undefined {
    return this.#events.shift();
  }

  // ---------------------------------------------------------------------------------------------
  // Commands

  /**
   * Opens a channel (RFC 4254 §5.1). Wait for `channel-open-confirmed` or `channel-open-failed`.
   * @param extra the channel-type-specific data (e.g. RFC 4254 §7.2 for "direct-tcpip").
   * @returns the local channel id.
   */
  openChannel(channelType: string, extra: Uint8Array = EMPTY, options: ChannelOptions = {}): number {
    if (channelType.length === 0) throw new RangeError('channel type must not be empty');
    const window = this.#receiveWindow(options);
    const ch = new Channel(
      this.#channels.freeId(),
      channelType,
      'us',
      window,
      this.#options.maxPendingRequests,
    );
    this.#channels.add(ch);
    this.#send(
      ChannelOpen.encode({
        channelType,
        senderChannel: ch.id,
        initialWindowSize: window.size,
        maximumPacketSize: window.maxPacket,
        data: extra,
      }),
    );
    return ch.id;
  }

  /** Accepts a channel the peer opened (a `channel-open` event), advertising our window. */
  acceptChannel(channelId: number, options: AcceptChannelOptions = {}): void {
    const ch = this.#awaitingAccept(channelId);
    ch.receiveWindow = this.#receiveWindow(options);
    ch.state = 'open';
    this.#send(
      ChannelOpenConfirmation.encode({
        recipientChannel: ch.remoteId,
        senderChannel: ch.id,
        initialWindowSize: ch.receiveWindow.size,
        maximumPacketSize: ch.receiveWindow.maxPacket,
        data: options.extra ?? EMPTY,
      }),
    );
  }

  /** Refuses a channel the peer opened (a `channel-open` event); the id is freed at once. */
  rejectChannel(channelId: number, reason: ChannelOpenFailureReason, description = ''): void {
    const ch = this.#awaitingAccept(channelId);
    checkInteger('reason', reason, 0, MAX_UINT32);
    this.#channels.remove(ch);
    this.#send(
      ChannelOpenFailure.encode({
        recipientChannel: ch.remoteId,
        reasonCode: reason,
        description,
        languageTag: '',
      }),
    );
  }

  /**
   * Sends as much of `data` as the peer's window allows now, split into packets no larger than
   * its max packet; never blocks. Each byte is copied once, into its packet.
   * @param extendedType send as EXTENDED_DATA of this type (1 = stderr, RFC 4254 §5.2).
   * @returns the bytes accepted; write the rest after a `channel-writable` event. 0 when the
   * channel is gone (its `channel-close` event is on the way).
   */
  sendData(channelId: number, data: Uint8Array, extendedType?: number): number {
    const ch = this.#channels.get(channelId);
    if (ch === undefined) return 0;
    this.#checkCanSend(ch, 'data');
    if (ch.eofSent) throw new TypeError(`channel ${channelId}: data after EOF`);
    if (extendedType !== undefined) checkInteger('extendedType', extendedType, 0, MAX_UINT32);
    const granted = ch.sendWindow.take(data.length);
    if (granted < data.length) ch.writeBlocked = true;
    const packetSize = ch.sendWindow.packetSize;
    for (let offset = 0; offset < granted; offset += packetSize) {
      const chunk = data.subarray(offset, Math.min(offset + packetSize, granted));
      const w = new SshWriter(chunk.length + 16);
      if (extendedType === undefined)
        ChannelData.writeMessage(w, { recipientChannel: ch.remoteId, data: chunk });
      else
        ChannelExtendedData.writeMessage(w, {
          recipientChannel: ch.remoteId,
          dataTypeCode: extendedType,
          data: chunk,
        });
      this.#send(w.bytes());
    }
    return granted;
  }

  /** How many bytes `sendData` would accept on the channel now. */
  sendCapacity(channelId: number): number {
    const ch = this.#channels.get(channelId);
    if (ch?.state !== 'open' || ch.eofSent || ch.closeSent) return 0;
    return ch.sendWindow.available;
  }

  /**
   * The application has read `n` bytes of the channel's data. Once half the window is consumed,
   * a WINDOW_ADJUST returns it to the peer. A no-op for a channel that is gone.
   */
  consumed(channelId: number, n: number): void {
    const ch = this.#channels.get(channelId);
    if (ch === undefined) return;
    ch.receiveWindow.consume(n);
    // After the peer's EOF or our CLOSE more window would be of no use to it.
    if (ch.eofReceived || ch.closeSent) return;
    const bytesToAdd = ch.receiveWindow.takeAdjust();
    if (bytesToAdd > 0) this.#send(ChannelWindowAdjust.encode({ recipientChannel: ch.remoteId, bytesToAdd }));
  }

  /** Sends EOF (RFC 4254 §5.3): we send no more data, but still receive. Idempotent. */
  sendEof(channelId: number): void {
    const ch = this.#channels.get(channelId);
    if (ch === undefined || ch.closeSent || ch.eofSent) return;
    this.#checkCanSend(ch, 'EOF');
    ch.eofSent = true;
    this.#send(ChannelEof.encode({ recipientChannel: ch.remoteId }));
  }

  /**
   * Sends CLOSE (RFC 4254 §5.3); the channel is freed when the peer's CLOSE arrives (the
   * `channel-close` event). On a channel still opening, CLOSE goes out once it is confirmed.
   * Idempotent; a no-op for a channel that is gone.
   */
  close(channelId: number): void {
    const ch = this.#channels.get(channelId);
    if (ch === undefined || ch.closeSent) return;
    if (ch.state === 'awaiting-accept')
      throw new TypeError(`channel ${channelId}: reject it rather than close it`);
    if (ch.state === 'opening') ch.closeWanted = true;
    else this.#sendClose(ch);
  }

  /**
   * Sends a channel request (RFC 4254 §5.4); with `wantReply` its answer is a `channel-reply`
   * event. For session requests, build `data` with `encodeSessionRequest`.
   * @returns false when the channel is gone or closing, so nothing was sent.
   */
  sendRequest(channelId: number, requestType: string, wantReply: boolean, data: Uint8Array = EMPTY): boolean {
    const ch = this.#channels.get(channelId);
    if (ch === undefined || ch.closeSent) return false;
    this.#checkCanSend(ch, 'a request');
    this.#send(ChannelRequest.encode({ recipientChannel: ch.remoteId, requestType, wantReply, data }));
    if (wantReply) ch.awaitingReplies.push(requestType);
    return true;
  }

  /**
   * Answers the oldest unanswered `channel-request` (with want_reply) of the channel. A no-op for
   * a channel that is gone.
   */
  answerRequest(channelId: number, ok: boolean): void {
    const ch = this.#channels.get(channelId);
    if (ch === undefined) return;
    if (!ch.replies.answer(ok)) throw new TypeError(`channel ${channelId}: no request waits for an answer`);
    this.#flushReplies(ch);
  }

  /** Sends a global request (RFC 4254 §4); with `wantReply` its answer is a `global-reply` event. */
  sendGlobalRequest(requestName: string, wantReply: boolean, data: Uint8Array = EMPTY): void {
    this.#send(GlobalRequest.encode({ requestName, wantReply, data }));
    if (wantReply) this.#global.awaitReply(requestName);
  }

  /**
   * Answers the oldest unanswered `global-request` (with want_reply). `data` is the
   * response-specific data of REQUEST_SUCCESS (REQUEST_FAILURE carries none).
   */
  answerGlobalRequest(ok: boolean, data: Uint8Array = EMPTY): void {
    this.#global.answer(ok, data);
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers

  #send(payload: Uint8Array): void {
    if (!this.#fatal) this.#transmit.push(payload);
  }

  #violation(message: string, cause?: unknown): void {
    if (this.#fatal) return;
    this.#fatal = new SshProtocolError(DisconnectReason.PROTOCOL_ERROR, message, { cause });
    this.#transmit.clear();
    this.#events.push({ type: 'fatal', error: this.#fatal });
  }

  #receiveWindow(options: ChannelOptions): ReceiveWindow {
    return new ReceiveWindow(
      checkInteger('window', options.window ?? this.#options.windowSize, 1, MAX_WINDOW),
      checkInteger('maxPacket', options.maxPacket ?? this.#options.maxPacketSize, 1, MAX_WINDOW),
    );
  }

  #awaitingAccept(channelId: number): Channel {
    const ch = this.#channels.get(channelId);
    if (ch?.state !== 'awaiting-accept')
      throw new TypeError(`channel ${channelId} is not awaiting an answer`);
    return ch;
  }

  #checkCanSend(ch: Channel, what: string): void {
    if (ch.state !== 'open') throw new TypeError(`channel ${ch.id}: ${what} before the channel is open`);
    if (ch.closeSent) throw new TypeError(`channel ${ch.id}: ${what} after CLOSE`);
  }

  #sendClose(ch: Channel): void {
    ch.closeSent = true;
    this.#send(ChannelClose.encode({ recipientChannel: ch.remoteId }));
  }

  /** Reserves a reply to the peer's request, or says that too many are owed already. */
  #oweReply(ch: Channel, answer: boolean | undefined): Violation {
    if (ch.replies.full) return `more than ${ch.replies.limit} unanswered requests on channel ${ch.id}`;
    ch.replies.push(answer);
    this.#flushReplies(ch);
    return undefined;
  }

  #flushReplies(ch: Channel): void {
    // RFC 4254 §4: replies to requests on one channel MUST be sent in the order of the requests.
    for (const ok of ch.replies.takeReady()) {
      if (ch.closeSent) continue;
      const reply = ok ? ChannelSuccess : ChannelFailure;
      this.#send(reply.encode({ recipientChannel: ch.remoteId }));
    }
  }
}
