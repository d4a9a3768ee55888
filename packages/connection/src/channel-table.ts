/**
 * The channels of one connection by our local id (RFC 4254 §5.1: each side picks its own channel
 * numbers), with the count of those the peer opened, which `maxChannels` bounds.
 */
import type { Channel } from './channel.js';

const MAX_UINT32 = 0xffff_ffff;

/** Channel table: ids, lookup, and the peer-opened count. */
export class ChannelTable {
  readonly #channels = new Map<number, Channel>();
  #nextId = 0;
  #openedByPeer = 0;

  /** Channels in the table, in any state. */
  get size(): number {
    return this.#channels.size;
  }

  /** Channels in the table that the peer opened. */
  get openedByPeer(): number {
    return this.#openedByPeer;
  }

  get(id: number): Channel | undefined {
    return this.#channels.get(id);
  }

  /**
   * A free id. Ids count up rather than reuse the lowest free one, so that a late command for a
   * closed channel does not land on its successor.
   */
  freeId(): number {
    for (;;) {
      const id = this.#nextId;
      this.#nextId = id === MAX_UINT32 ? 0 : id + 1;
      if (!this.#channels.has(id)) return id;
    }
  }

  add(ch: Channel): void {
    this.#channels.set(ch.id, ch);
    if (ch.openedBy === 'peer') this.#openedByPeer++;
  }

  /** Removes a channel for good: refused, or CLOSE both sent and received (Go CVE-2026-3982). */
  remove(ch: Channel): void {
    if (this.#channels.delete(ch.id) && ch.openedBy === 'peer') this.#openedByPeer--;
  }
}
