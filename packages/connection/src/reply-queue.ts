/**
 * Replies owed to the peer, in the order of its requests (RFC 4254 §4 and §5.4: replies go out in
 * the order the requests came in).
 *
 * Some replies are known at once (an unknown request type, a malformed request, a keepalive) while
 * an earlier one still waits for the driver; those wait behind it. The queue is bounded so that a
 * peer pipelining requests we do not answer cannot grow it without limit.
 */
import { Fifo } from './fifo.js';

/** One reply slot: filled by the driver, or at once by the core. */
interface Slot<T> {
  answer: T | undefined;
}

/** Ordered replies to a peer's requests; `T` is what one reply carries. */
export class ReplyQueue<T> {
  readonly limit: number;
  #slots = new Fifo<Slot<T>>();

  constructor(limit: number) {
    this.limit = limit;
  }

  /** Replies not yet sent (answered or not). */
  get length(): number {
    return this.#slots.length;
  }

  /** Whether another request fits. */
  get full(): boolean {
    return this.#slots.length >= this.limit;
  }

  /** Reserves the next slot; `answer` fills it at once. The caller checks `full` first. */
  push(answer?: T): void {
    this.#slots.push({ answer });
  }

  /**
   * Fills the oldest slot the driver has not answered. Slots are released from the front as soon
   * as they are filled, so that slot is always the first one.
   * @returns false when no request waits for an answer.
   */
  answer(value: T): boolean {
    const first = this.#slots.peek();
    if (first === undefined || first.answer !== undefined) return false;
    first.answer = value;
    return true;
  }

  /** Removes and returns the answers that can go out now, oldest first. */
  takeReady(): T[] {
    const ready: T[] = [];
    for (let slot = this.#slots.peek(); slot?.answer !== undefined; slot = this.#slots.peek()) {
      ready.push(slot.answer);
      this.#slots.shift();
    }
    return ready;
  }
}
