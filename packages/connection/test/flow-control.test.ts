/** RFC 4254 §5.2 window accounting and RFC 4254 §4 reply ordering, unit by unit. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_SEND_PACKET, MAX_WINDOW, ReceiveWindow, SendWindow } from '../src/channel-window.js';
import { ReplyQueue } from '../src/reply-queue.js';

describe('RFC 4254 §5.2 send window', () => {
  it('grants at most the window, counting in safe integers (Go CVE-2026-39834)', () => {
    const w = new SendWindow(MAX_WINDOW, 1 << 20);
    // A request beyond 2^32 is cut to the window, not wrapped to a small number.
    expect(w.take(2 ** 32 + 5)).toBe(MAX_WINDOW);
    expect(w.take(1)).toBe(0);
    expect(w.packetSize).toBe(MAX_SEND_PACKET);
  });

  it('refuses an adjust that would pass 2^32-1, leaving the window as it was', () => {
    const w = new SendWindow(10, 100);
    expect(w.add(MAX_WINDOW - 10)).toBe(true);
    expect(w.available).toBe(MAX_WINDOW);
    expect(w.add(1)).toBe(false);
    expect(w.available).toBe(MAX_WINDOW);
  });
});

describe('RFC 4254 §5.2 receive window', () => {
  it('returns credit once half the window is consumed, never more than was received', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100_000 }),
        fc.array(fc.tuple(fc.nat(50_000), fc.nat(50_000)), { maxLength: 50 }),
        (size, steps) => {
          const w = new ReceiveWindow(size, size);
          for (const [incoming, reading] of steps) {
            const n = Math.min(incoming, w.available);
            expect(w.receive(n)).toBeUndefined();
            w.consume(Math.min(reading, w.unconsumed));
            const add = w.takeAdjust();
            if (add > 0) expect(add).toBeGreaterThanOrEqual(size / 2);
            // What the peer may send plus what it sent and we hold never exceeds the window.
            expect(w.available + w.unconsumed).toBeLessThanOrEqual(size);
          }
        },
      ),
      { seed: 52, numRuns: 300 },
    );
  });

  it('names what is wrong with data that does not fit', () => {
    const w = new ReceiveWindow(100, 40);
    expect(w.receive(41)).toBe('exceeds-max-packet');
    expect(w.receive(40)).toBeUndefined();
    expect(w.receive(40)).toBeUndefined();
    expect(w.receive(21)).toBe('exceeds-window');
    expect(w.available).toBe(20);
  });

  it('refuses to consume what was not received, or a length that is not a safe integer', () => {
    const w = new ReceiveWindow(100, 100);
    w.receive(10);
    for (const n of [11, -1, 0.5, Number.NaN, 2 ** 53]) expect(() => w.consume(n)).toThrow(RangeError);
  });
});

describe('RFC 4254 §4 replies in request order', () => {
  it('releases answers only from the front, whatever order they are known in', () => {
    const q = new ReplyQueue<string>(4);
    q.push(); // the driver's
    q.push('auto-1'); // known at once
    q.push(); // the driver's
    expect(q.takeReady()).toEqual([]);
    expect(q.answer('first')).toBe(true);
    expect(q.takeReady()).toEqual(['first', 'auto-1']);
    expect(q.answer('second')).toBe(true);
    expect(q.takeReady()).toEqual(['second']);
    expect(q.answer('none')).toBe(false);
  });

  it('reports when full', () => {
    const q = new ReplyQueue<boolean>(2);
    q.push();
    q.push();
    expect(q.full).toBe(true);
  });
});
