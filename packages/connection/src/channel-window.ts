/**
 * Flow control of one channel (RFC 4254 §5.2), in both directions.
 *
 * Only the data bytes of SSH_MSG_CHANNEL_DATA and SSH_MSG_CHANNEL_EXTENDED_DATA count against a
 * window (not the data type code, not EOF, CLOSE or requests). Lengths are plain numbers kept as
 * safe integers; nothing is truncated to 32 bits (Go CVE-2026-39834).
 */

/** RFC 4254 §5.2: a window is a uint32 and may never exceed 2^32-1. */
export const MAX_WINDOW = 0xffff_ffff;

/**
 * The largest data length we put in one packet, whatever the peer allows: RFC 4253 §6.1 makes
 * 32768-byte payloads the size every implementation handles, and larger ones buy no throughput.
 */
export const MAX_SEND_PACKET = 32_768;

/** What the peer may still send us, and how much of it the application has read. */
export class ReceiveWindow {
  /** The window we advertised when the channel opened, the most the peer can ever have. */
  readonly size: number;
  /** The largest data length we accept in one message. */
  readonly maxPacket: number;
  #available: number;
  #unconsumed = 0;
  #credit = 0;

  constructor(size: number, maxPacket: number) {
    this.size = size;
    this.maxPacket = maxPacket;
    this.#available = size;
  }

  /** Bytes the peer may still send before it must wait for a WINDOW_ADJUST. */
  get available(): number {
    return this.#available;
  }

  /** Bytes received and handed to the application but not yet consumed. */
  get unconsumed(): number {
    return this.#unconsumed;
  }

  /**
   * Accounts for `n` data bytes from the peer.
   * @returns why they are refused, or undefined when they fit.
   */
  receive(n: number): 'exceeds-max-packet' | 'exceeds-window' | undefined {
    if (n > this.maxPacket) return 'exceeds-max-packet';
    if (n > this.#available) return 'exceeds-window';
    this.#available -= n;
    this.#unconsumed += n;
    return undefined;
  }

  /** The application has read `n` bytes; they become credit to return to the peer. */
  consume(n: number): void {
    if (!Number.isSafeInteger(n) || n < 0 || n > this.#unconsumed)
      throw new RangeError(`consumed ${n} bytes but only ${this.#unconsumed} are unconsumed`);
    this.#unconsumed -= n;
    this.#credit += n;
  }

  /**
   * The bytes to grant in a WINDOW_ADJUST now, or 0. Like OpenSSH, credit is returned once half
   * the window has been consumed, so a reader that keeps up never stalls the peer and a slow
   * reader bounds what is buffered to one window (STYLE.md §6).
   */
  takeAdjust(): number {
    if (this.#credit === 0 || this.#credit < this.size / 2) return 0;
    const add = this.#credit;
    this.#credit = 0;
    this.#available += add;
    return add;
  }
}

/** What we may still send the peer (its window) and the packet size it accepts. */
export class SendWindow {
  /** The peer's maximum packet size, as it advertised it. */
  readonly maxPacket: number;
  #available: number;

  constructor(initial: number, maxPacket: number) {
    this.#available = initial;
    this.maxPacket = maxPacket;
  }

  /** Bytes we may send now. */
  get available(): number {
    return this.#available;
  }

  /** The data length of each packet we send. */
  get packetSize(): number {
    return Math.min(this.maxPacket, MAX_SEND_PACKET);
  }

  /**
   * Adds a WINDOW_ADJUST grant.
   * @returns false, changing nothing, when the window would exceed 2^32-1.
   */
  add(n: number): boolean {
    if (this.#available + n > MAX_WINDOW) return false;
    this.#available += n;
    return true;
  }

  /** Takes up to `requested` bytes of window; returns how many were granted. */
  take(requested: number): number {
    const granted = Math.min(requested, this.#available);
    this.#available -= granted;
    return granted;
  }
}
