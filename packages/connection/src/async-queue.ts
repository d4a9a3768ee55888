/**
 * A bounded queue read as an async iterable: how incoming things (channels, signals, window
 * changes) reach the user (STYLE.md §6). Pushing past the bound drops the oldest item, so a user
 * who never reads cannot make the connection hold more than `limit` items.
 */
export class AsyncQueue<T> implements AsyncIterable<T> {
  readonly #items: T[] = [];
  readonly #waiters: ((r: IteratorResult<T>) => void)[] = [];
  readonly #limit: number;
  #ended = false;

  constructor(limit = 128) {
    this.#limit = limit;
  }

  push(item: T): void {
    if (this.#ended) return;
    const waiter = this.#waiters.shift();
    if (waiter) return waiter({ value: item, done: false });
    if (this.#items.length >= this.#limit) this.#items.shift();
    this.#items.push(item);
  }

  /** No more items; readers finish once the queue is empty. */
  end(): void {
    this.#ended = true;
    for (const w of this.#waiters.splice(0)) w({ value: undefined, done: true });
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** Resolves with the next item, or undefined once ended and empty. */
  next(): Promise<T | undefined> {
    const item = this.#items.shift();
    if (item !== undefined || this.#items.length > 0) return Promise.resolve(item);
    if (this.#ended) return Promise.resolve(undefined);
    return new Promise((resolve) => this.#waiters.push((r) => resolve(r.done ? undefined : r.value)));
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (;;) {
      const item = await this.next();
      if (item === undefined) return;
      yield item;
    }
  }
}
