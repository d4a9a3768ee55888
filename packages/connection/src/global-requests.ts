/**
 * RFC 4254 §4 global requests: those the peer sends us, whose replies we owe in order, and ours,
 * whose replies come back in order. Replies carry no request name, so order is all that ties a
 * reply to its request.
 */
import type { MessageType } from '@seashell/transport';
import { Fifo } from './fifo.js';
import { type GlobalRequest, RequestFailure, RequestSuccess } from './messages.js';
import type { Outbox, Violation } from './outbox.js';
import { ReplyQueue } from './reply-queue.js';

const EMPTY = new Uint8Array(0);

/** A reply we owe to a global request. */
interface GlobalReply {
  readonly ok: boolean;
  readonly data: Uint8Array;
}

/** Global requests in both directions. */
export class GlobalRequests {
  readonly #accepted: ReadonlySet<string>;
  readonly #out: Outbox;
  readonly #owed: ReplyQueue<GlobalReply>;
  readonly #awaited = new Fifo<string>();

  /**
   * @param accepted the request names delivered to the driver; others are refused by us.
   * @param limit how many replies we may owe at once before the peer is at fault.
   */
  constructor(accepted: ReadonlySet<string>, limit: number, out: Outbox) {
    this.#accepted = accepted;
    this.#owed = new ReplyQueue(limit);
    this.#out = out;
  }

  /** A GLOBAL_REQUEST from the peer. */
  receive(m: MessageType<typeof GlobalRequest>): Violation {
    if (!this.#accepted.has(m.requestName)) {
      // RFC 4254 §4: a request the recipient does not recognise is answered REQUEST_FAILURE.
      // That is also the reply OpenSSH's ServerAliveInterval probe (keepalive@openssh.com) expects.
      return m.wantReply ? this.#owe({ ok: false, data: EMPTY }) : undefined;
    }
    if (m.wantReply) {
      const full = this.#owe(undefined);
      if (full) return full;
    }
    this.#out.emit({
      type: 'global-request',
      requestType: m.requestName,
      wantReply: m.wantReply,
      data: m.data,
    });
    return undefined;
  }

  /** REQUEST_SUCCESS or REQUEST_FAILURE from the peer. */
  receiveReply(ok: boolean, data: Uint8Array): Violation {
    // A reply nobody asked for is dropped without a trace (Go CVE-2026-39830).
    const requestType = this.#awaited.shift();
    if (requestType !== undefined) this.#out.emit({ type: 'global-reply', requestType, ok, data });
    return undefined;
  }

  /** Records a request of ours that was sent with want_reply. */
  awaitReply(requestName: string): void {
    this.#awaited.push(requestName);
  }

  /**
   * The driver's answer to the oldest unanswered request.
   * @throws TypeError when no request waits for an answer.
   */
  answer(ok: boolean, data: Uint8Array): void {
    if (!this.#owed.answer({ ok, data: ok ? data : EMPTY }))
      throw new TypeError('no global request waits for an answer');
    this.#flush();
  }

  #owe(answer: GlobalReply | undefined): Violation {
    if (this.#owed.full) return `more than ${this.#owed.limit} unanswered global requests`;
    this.#owed.push(answer);
    this.#flush();
    return undefined;
  }

  #flush(): void {
    // RFC 4254 §4: replies to global requests MUST be sent in the order of the requests.
    for (const reply of this.#owed.takeReady())
      this.#out.send(reply.ok ? RequestSuccess.encode({ data: reply.data }) : RequestFailure.encode({}));
  }
}
