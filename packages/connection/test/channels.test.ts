/** RFC 4254 §5 channels between two in-memory cores: opening, data and windows, EOF and close. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ChannelData,
  ChannelOpenError,
  ChannelOpenFailureReason,
  ExtendedDataType,
  encodeSessionRequest,
  MAX_SEND_PACKET,
  ConnectionMessageNumber as N,
} from '../src/index.js';
import { drain, only, openSession, pair } from './pair.js';

const bytes = (n: number, seed = 0) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);
const concat = (parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
};

describe('RFC 4254 §5.1 opening a channel', () => {
  it('opens, reports both windows and keeps one entry per side', () => {
    const p = pair();
    const extra = Uint8Array.from([1, 2, 3]);
    const clientId = p.client.openChannel('session', extra, { window: 5000, maxPacket: 1000 });
    p.pump();
    const open = only(p.server, 'channel-open');
    expect(open).toMatchObject({ channelType: 'session', peerWindow: 5000, peerMaxPacket: 1000 });
    expect(open.data).toEqual(extra);
    p.server.acceptChannel(open.channelId, { extra: Uint8Array.from([9]) });
    p.pump();
    const confirmed = only(p.client, 'channel-open-confirmed');
    expect(confirmed).toMatchObject({
      channelId: clientId,
      peerWindow: 2 * 1024 * 1024,
      peerMaxPacket: 32 * 1024,
    });
    expect(confirmed.data).toEqual(Uint8Array.from([9]));
    expect(p.client.sendCapacity(clientId)).toBe(2 * 1024 * 1024);
    expect(p.server.sendCapacity(open.channelId)).toBe(5000);
    expect([p.client.channelCount, p.server.channelCount]).toEqual([1, 1]);
  });

  it('reports a refusal as ChannelOpenError and frees the id on both sides', () => {
    const p = pair();
    const id = p.client.openChannel('session');
    p.pump();
    const open = only(p.server, 'channel-open');
    p.server.rejectChannel(open.channelId, ChannelOpenFailureReason.ADMINISTRATIVELY_PROHIBITED, 'not today');
    p.pump();
    const failed = only(p.client, 'channel-open-failed');
    expect(failed.channelId).toBe(id);
    expect(failed.error).toBeInstanceOf(ChannelOpenError);
    expect(failed.error).toMatchObject({ reason: 1, description: 'not today', code: 'ERR_SSH_CHANNEL_OPEN' });
    expect([p.client.channelCount, p.server.channelCount]).toEqual([0, 0]);
  });

  it('refuses a channel type the role does not expect, without asking the driver', () => {
    const p = pair();
    p.client.openChannel('no-such-type@example.com');
    // A server does not open sessions on a client (one table per role).
    p.server.openChannel('session');
    p.pump();
    expect(drain(p.server).map((e) => e.type)).toEqual(['channel-open-failed']);
    expect(drain(p.client).map((e) => e.type)).toEqual(['channel-open-failed']);
    expect([p.client.channelCount, p.server.channelCount]).toEqual([0, 0]);
  });

  it('accepts the channel types given in the options', () => {
    const p = pair({}, { channelTypes: ['custom@example.com'] });
    p.client.openChannel('custom@example.com');
    p.pump();
    expect(only(p.server, 'channel-open').channelType).toBe('custom@example.com');
  });

  it('bounds the channels a peer may open at once (RESOURCE_SHORTAGE)', () => {
    const p = pair({}, { maxChannels: 2 });
    const ids = [0, 1, 2].map(() => p.client.openChannel('session'));
    p.pump();
    const opens = drain(p.server);
    expect(opens.map((e) => e.type)).toEqual(['channel-open', 'channel-open']);
    const failed = only(p.client, 'channel-open-failed');
    expect(failed.channelId).toBe(ids[2]);
    expect(failed.error.reason).toBe(ChannelOpenFailureReason.RESOURCE_SHORTAGE);
    // Once one is refused by the driver, there is room again.
    const first = opens[0]!;
    if (first.type !== 'channel-open') throw new Error('unreachable');
    p.server.rejectChannel(first.channelId, ChannelOpenFailureReason.CONNECT_FAILED);
    p.client.openChannel('session');
    p.pump();
    expect(drain(p.client).map((e) => e.type)).toEqual(['channel-open-failed']);
    expect(drain(p.server).map((e) => e.type)).toEqual(['channel-open']);
  });

  it('refuses an open whose max packet size is 0', () => {
    const p = pair();
    p.client.openChannel('session', undefined, { maxPacket: 1 });
    // Forge the same open with a max packet of 0.
    const forged = p.client.pollTransmit()!.slice();
    forged.set([0, 0, 0, 0], forged.length - 4);
    p.server.receive(forged);
    expect(drain(p.server)).toEqual([]);
    expect(p.server.pollTransmit()![0]).toBe(N.CHANNEL_OPEN_FAILURE);
  });

  it('leaves no entry behind after 1000 opens that are refused (Go CVE-2026-3982)', () => {
    const p = pair({}, { maxChannels: 4 });
    for (let i = 0; i < 1000; i++) {
      p.client.openChannel('session');
      p.pump();
      p.server.rejectChannel(
        only(p.server, 'channel-open').channelId,
        ChannelOpenFailureReason.CONNECT_FAILED,
      );
      p.pump();
      only(p.client, 'channel-open-failed');
    }
    expect([p.client.channelCount, p.server.channelCount]).toEqual([0, 0]);
  });

  it('leaves no entry behind after 1000 channels opened and closed', () => {
    const p = pair({}, { maxChannels: 4 });
    for (let i = 0; i < 1000; i++) {
      const { clientId } = openSession(p);
      p.client.close(clientId);
      p.pump();
      only(p.server, 'channel-close');
      only(p.client, 'channel-close');
    }
    expect([p.client.channelCount, p.server.channelCount]).toEqual([0, 0]);
  });

  it('hands out fresh ids rather than reusing a just-freed one', () => {
    const p = pair();
    const a = openSession(p);
    p.client.close(a.clientId);
    p.pump();
    drain(p.client);
    drain(p.server);
    const b = openSession(p);
    expect(b.clientId).not.toBe(a.clientId);
    expect(b.serverId).not.toBe(a.serverId);
  });

  it('refuses misuse by the driver with TypeError', () => {
    const p = pair();
    const id = p.client.openChannel('session');
    expect(() => p.client.sendData(id, bytes(1))).toThrow(TypeError);
    expect(() => p.client.acceptChannel(id)).toThrow(TypeError);
    expect(() => p.client.openChannel('session', undefined, { window: 0 })).toThrow(RangeError);
    expect(() => p.client.openChannel('session', undefined, { window: 2 ** 32 })).toThrow(RangeError);
    p.pump();
    const open = only(p.server, 'channel-open');
    expect(() => p.server.close(open.channelId)).toThrow(TypeError);
    expect(() => p.server.answerRequest(open.channelId, true)).toThrow(TypeError);
  });
});

describe('RFC 4254 §5.2 data transfer and windows', () => {
  it('carries data and stderr both ways', () => {
    const p = pair();
    const { clientId, serverId } = openSession(p);
    expect(p.client.sendData(clientId, bytes(10))).toBe(10);
    expect(p.server.sendData(serverId, bytes(5, 1), ExtendedDataType.STDERR)).toBe(5);
    expect(p.server.sendData(serverId, bytes(3, 2))).toBe(3);
    p.pump();
    expect(drain(p.server)).toEqual([{ type: 'channel-data', channelId: serverId, data: bytes(10) }]);
    expect(drain(p.client)).toEqual([
      { type: 'channel-data', channelId: clientId, data: bytes(5, 1), extendedType: 1 },
      { type: 'channel-data', channelId: clientId, data: bytes(3, 2) },
    ]);
  });

  it('stops at the window, splits by max packet, and reports writable once the reader consumes', () => {
    const p = pair();
    const { clientId, serverId } = openSession(p, { window: 1000, maxPacket: 300 });
    const message = bytes(2500);
    let sent = p.client.sendData(clientId, message);
    expect(sent).toBe(1000);
    const traffic = p.pump();
    const lengths = traffic.toServer.map((m) => ChannelData.decode(m).data.length);
    expect(lengths).toEqual([300, 300, 300, 100]);
    expect(p.client.sendCapacity(clientId)).toBe(0);
    expect(p.client.sendData(clientId, message.subarray(sent))).toBe(0);

    const received: Uint8Array[] = [];
    let unread = 0;
    const take = () => {
      for (const e of drain(p.server))
        if (e.type === 'channel-data') {
          received.push(e.data.slice());
          unread += e.data.length;
        }
    };
    take();
    // Below half the window consumed, no adjust goes out.
    p.server.consumed(serverId, 499);
    expect(p.server.pollTransmit()).toBeUndefined();
    p.server.consumed(serverId, 1);
    unread -= 500;
    p.pump();
    expect(drain(p.client)).toEqual([{ type: 'channel-writable', channelId: clientId }]);
    expect(p.client.sendCapacity(clientId)).toBe(500);

    while (sent < message.length) {
      sent += p.client.sendData(clientId, message.subarray(sent));
      p.pump();
      take();
      p.server.consumed(serverId, unread);
      unread = 0;
      p.pump();
      drain(p.client);
    }
    expect(concat(received)).toEqual(message);
  });

  it('never puts more than 32 KiB of data in one packet, whatever the peer allows', () => {
    const p = pair();
    const { clientId } = openSession(p, { maxPacket: 1 << 20 });
    expect(p.client.sendData(clientId, bytes(100_000))).toBe(100_000);
    const traffic = p.pump();
    expect(traffic.toServer.map((m) => ChannelData.decode(m).data.length)).toEqual([
      MAX_SEND_PACKET,
      MAX_SEND_PACKET,
      MAX_SEND_PACKET,
      100_000 - 3 * MAX_SEND_PACKET,
    ]);
  });

  it('lets a slow reader bound what is buffered to one window', () => {
    const p = pair();
    const { clientId, serverId } = openSession(p, { window: 64 * 1024 });
    let buffered = 0;
    for (let i = 0; i < 100; i++) {
      p.client.sendData(clientId, bytes(10_000));
      p.pump();
      for (const e of drain(p.server)) if (e.type === 'channel-data') buffered += e.data.length;
    }
    expect(buffered).toBe(64 * 1024);
    expect(p.client.sendCapacity(clientId)).toBe(0);
    expect(p.server.fatalError).toBeUndefined();
    // The reader catches up: the writer may go on.
    p.server.consumed(serverId, buffered);
    p.pump();
    expect(only(p.client, 'channel-writable').channelId).toBe(clientId);
  });

  it('delivers every byte intact for any window, packet size and reading pace', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5000 }),
        fc.integer({ min: 1, max: 2000 }),
        fc.array(fc.integer({ min: 0, max: 1500 }), { minLength: 1, maxLength: 8 }),
        fc.array(fc.integer({ min: 1, max: 4000 }), { minLength: 1, maxLength: 20 }),
        (window, maxPacket, writes, reads) => {
          const p = pair();
          const { clientId, serverId } = openSession(p, { window, maxPacket });
          const message = concat(writes.map((n, i) => bytes(n, i)));
          const received: Uint8Array[] = [];
          let sent = 0;
          let unread = 0;
          for (let round = 0; round < 100_000 && (sent < message.length || unread > 0); round++) {
            sent += p.client.sendData(clientId, message.subarray(sent));
            p.pump();
            for (const e of drain(p.server)) {
              expect(e.type).toBe('channel-data');
              if (e.type !== 'channel-data') continue;
              expect(e.data.length).toBeLessThanOrEqual(maxPacket);
              received.push(e.data.slice());
              unread += e.data.length;
            }
            expect(unread).toBeLessThanOrEqual(window);
            const n = Math.min(unread, reads[round % reads.length]!);
            p.server.consumed(serverId, n);
            unread -= n;
            p.pump();
            drain(p.client);
          }
          expect(concat(received)).toEqual(message);
          expect(p.client.fatalError ?? p.server.fatalError).toBeUndefined();
        },
      ),
      { seed: 5_2, numRuns: 150 },
    );
  });

  it('counts lengths as safe integers: a write far beyond the window is cut, never wrapped', () => {
    const p = pair();
    const { clientId } = openSession(p, { window: 0xffff_ffff });
    p.client.sendData(clientId, bytes(1));
    p.pump();
    // 4 GiB of data cannot be allocated in a test; the window arithmetic is what Go got wrong.
    expect(p.client.sendCapacity(clientId)).toBe(0xffff_fffe);
  });
});

describe('RFC 4254 §5.3 EOF and close', () => {
  it('keeps sending after the peer closed its side (stdin closed, output continues)', () => {
    const p = pair();
    const { clientId, serverId } = openSession(p);
    p.client.sendData(clientId, bytes(100));
    p.client.sendEof(clientId);
    p.pump();
    expect(drain(p.server).map((e) => e.type)).toEqual(['channel-data', 'channel-eof']);
    // The server still writes all its output after the client's EOF.
    expect(p.server.sendData(serverId, bytes(70_000))).toBe(70_000);
    p.server.sendEof(serverId);
    p.server.sendRequest(
      serverId,
      'exit-status',
      false,
      encodeSessionRequest('exit-status', { exitStatus: 0 }),
    );
    p.server.close(serverId);
    p.pump();
    const events = drain(p.client);
    expect(events.map((e) => e.type)).toEqual([
      'channel-data',
      'channel-data',
      'channel-data',
      'channel-eof',
      'channel-request',
      'channel-close',
    ]);
    const data = concat(events.flatMap((e) => (e.type === 'channel-data' ? [e.data] : [])));
    expect(data).toEqual(bytes(70_000));
    expect(events[4]).toMatchObject({
      requestType: 'exit-status',
      request: { type: 'exit-status', exitStatus: 0 },
    });
    expect(only(p.server, 'channel-close').channelId).toBe(serverId);
    expect([p.client.channelCount, p.server.channelCount]).toEqual([0, 0]);
  });

  it('still receives everything after sending EOF, until the peer closes', () => {
    const p = pair();
    const { clientId, serverId } = openSession(p);
    p.client.sendEof(clientId);
    p.pump();
    only(p.server, 'channel-eof');
    p.server.sendData(serverId, bytes(10));
    p.pump();
    expect(only(p.client, 'channel-data').data).toEqual(bytes(10));
    expect(() => p.client.sendData(clientId, bytes(1))).toThrow(TypeError);
    expect(p.client.sendCapacity(clientId)).toBe(0);
    p.client.sendEof(clientId); // idempotent
    expect(p.client.pollTransmit()).toBeUndefined();
  });

  it('frees a channel only once CLOSE was both sent and received', () => {
    const p = pair();
    const { clientId, serverId } = openSession(p);
    p.client.close(clientId);
    expect(p.client.channelCount).toBe(1);
    const closeMessage = p.client.pollTransmit()!;
    expect(closeMessage[0]).toBe(N.CHANNEL_CLOSE);
    // The server's data crossing our CLOSE is dropped, not an error.
    p.server.sendData(serverId, bytes(5));
    p.server.sendRequest(
      serverId,
      'exit-status',
      true,
      encodeSessionRequest('exit-status', { exitStatus: 1 }),
    );
    p.pump();
    expect(drain(p.client)).toEqual([]);
    expect(p.client.channelCount).toBe(1);
    p.server.receive(closeMessage);
    expect(only(p.server, 'channel-close').channelId).toBe(serverId);
    expect(p.server.channelCount).toBe(0);
    p.pump();
    expect(only(p.client, 'channel-close').channelId).toBe(clientId);
    expect([p.client.channelCount, p.server.channelCount]).toEqual([0, 0]);
    expect(p.client.sendData(clientId, bytes(1))).toBe(0);
    expect(p.client.sendRequest(clientId, 'signal', false)).toBe(false);
  });

  it('handles both sides closing at once', () => {
    const p = pair();
    const { clientId, serverId } = openSession(p);
    p.client.close(clientId);
    p.server.close(serverId);
    const traffic = p.pump();
    expect(traffic.toServer.length + traffic.toClient.length).toBe(2);
    only(p.client, 'channel-close');
    only(p.server, 'channel-close');
    expect([p.client.channelCount, p.server.channelCount]).toEqual([0, 0]);
  });

  it('sends CLOSE for a channel closed while it was opening, once it is confirmed', () => {
    const p = pair();
    const id = p.client.openChannel('session');
    p.client.close(id);
    p.pump();
    p.server.acceptChannel(only(p.server, 'channel-open').channelId);
    p.pump();
    expect(drain(p.client).map((e) => e.type)).toEqual(['channel-open-confirmed', 'channel-close']);
    expect(only(p.server, 'channel-close').type).toBe('channel-close');
    expect([p.client.channelCount, p.server.channelCount]).toEqual([0, 0]);
  });

  it('sends no WINDOW_ADJUST after the peer has sent EOF', () => {
    const p = pair();
    const { clientId, serverId } = openSession(p, { window: 100 });
    p.client.sendData(clientId, bytes(100));
    p.client.sendEof(clientId);
    p.pump();
    drain(p.server);
    p.server.consumed(serverId, 100);
    expect(p.server.pollTransmit()).toBeUndefined();
  });
});
