/**
 * Hostile input to the connection core (PROTOCOL-NOTES §4.4 #30–#33, §5, §7): every fault of the
 * peer is a fatal SshProtocolError event (PROTOCOL_ERROR), an ignored message, or a FAILURE reply —
 * never an exception, never unbounded state.
 */
import { DisconnectReason, SshDecodeError, SshProtocolError } from '@seashell/transport';
import { describe, expect, it } from 'vitest';
import {
  ChannelClose,
  ChannelData,
  ChannelEof,
  ChannelExtendedData,
  ChannelFailure,
  ChannelOpenConfirmation,
  ChannelOpenFailure,
  ChannelRequest,
  ChannelSuccess,
  ChannelWindowAdjust,
  type ConnectionCore,
  encodeSessionRequest,
  ConnectionMessageNumber as N,
  RequestFailure,
  RequestSuccess,
} from '../src/index.js';
import { drain, only, openSession, pair, transmitted } from './pair.js';

/** Asserts the core stopped on a PROTOCOL_ERROR whose message matches. */
function expectFatal(core: ConnectionCore, message: RegExp): void {
  const events = drain(core);
  const fatal = events.at(-1);
  expect(fatal?.type).toBe('fatal');
  if (fatal?.type !== 'fatal') return;
  expect(fatal.error).toBeInstanceOf(SshProtocolError);
  expect(fatal.error.reason).toBe(DisconnectReason.PROTOCOL_ERROR);
  expect(fatal.error.message).toMatch(message);
  expect(core.fatalError).toBe(fatal.error);
  expect(core.pollTransmit()).toBeUndefined();
}

const data = (recipientChannel: number, n: number) =>
  ChannelData.encode({ recipientChannel, data: new Uint8Array(n) });

describe('RFC 4254 §5.2 window and packet limits (#30, #31)', () => {
  it('treats a WINDOW_ADJUST past 2^32-1 as fatal (russh GHSA-h5rc-j5f5-3gcm)', () => {
    const p = pair();
    const { clientId } = openSession(p);
    const adjust = ChannelWindowAdjust.encode({ recipientChannel: clientId, bytesToAdd: 0xffff_ffff });
    p.client.receive(adjust);
    expectFatal(p.client, /overflows window/);
  });

  it('accepts adjusts that reach 2^32-1 exactly', () => {
    const p = pair();
    const { clientId } = openSession(p, { window: 1 });
    p.client.receive(ChannelWindowAdjust.encode({ recipientChannel: clientId, bytesToAdd: 0xffff_fffe }));
    expect(p.client.sendCapacity(clientId)).toBe(0xffff_ffff);
    p.client.receive(ChannelWindowAdjust.encode({ recipientChannel: clientId, bytesToAdd: 0 }));
    expect(p.client.fatalError).toBeUndefined();
    p.client.receive(ChannelWindowAdjust.encode({ recipientChannel: clientId, bytesToAdd: 1 }));
    expectFatal(p.client, /overflows/);
  });

  it('treats data beyond the window as fatal', () => {
    const p = pair({ windowSize: 100 });
    const { clientId } = openSession(p);
    p.client.receive(data(clientId, 60));
    p.client.receive(data(clientId, 40));
    expect(p.client.fatalError).toBeUndefined();
    p.client.receive(
      ChannelExtendedData.encode({ recipientChannel: clientId, dataTypeCode: 1, data: Uint8Array.of(1) }),
    );
    expectFatal(p.client, /exceed its window/);
  });

  it('treats data larger than our max packet as fatal', () => {
    const p = pair({ maxPacketSize: 1000 });
    const { clientId } = openSession(p);
    p.client.receive(data(clientId, 1000));
    expect(p.client.fatalError).toBeUndefined();
    p.client.receive(data(clientId, 1001));
    expectFatal(p.client, /exceed its max packet/);
  });

  it('treats data after EOF as fatal', () => {
    const p = pair();
    const { clientId } = openSession(p);
    p.client.receive(ChannelEof.encode({ recipientChannel: clientId }));
    p.client.receive(ChannelEof.encode({ recipientChannel: clientId })); // a repeat is harmless
    expect(drain(p.client).map((e) => e.type)).toEqual(['channel-eof']);
    p.client.receive(data(clientId, 1));
    expectFatal(p.client, /data after EOF/);
  });

  it('treats an OPEN_CONFIRMATION with a max packet size of 0 as fatal', () => {
    const p = pair();
    const id = p.client.openChannel('session');
    p.client.receive(
      ChannelOpenConfirmation.encode({
        recipientChannel: id,
        senderChannel: 0,
        initialWindowSize: 10,
        maximumPacketSize: 0,
        data: new Uint8Array(),
      }),
    );
    expectFatal(p.client, /max packet size of 0/);
  });
});

describe('RFC 4254 §5 messages for channels that do not exist or are not open (#32)', () => {
  const forged: [string, (id: number) => Uint8Array][] = [
    ['DATA', (id) => data(id, 1)],
    [
      'EXTENDED_DATA',
      (id) => ChannelExtendedData.encode({ recipientChannel: id, dataTypeCode: 1, data: Uint8Array.of(1) }),
    ],
    ['EOF', (id) => ChannelEof.encode({ recipientChannel: id })],
    ['CLOSE', (id) => ChannelClose.encode({ recipientChannel: id })],
    ['WINDOW_ADJUST', (id) => ChannelWindowAdjust.encode({ recipientChannel: id, bytesToAdd: 1 })],
    [
      'CHANNEL_REQUEST',
      (id) =>
        ChannelRequest.encode({
          recipientChannel: id,
          requestType: 'shell',
          wantReply: true,
          data: new Uint8Array(),
        }),
    ],
  ];

  for (const [name, make] of forged) {
    it(`treats ${name} for an unknown channel as fatal`, () => {
      const p = pair();
      openSession(p);
      p.server.receive(make(77));
      expectFatal(p.server, /unknown channel 77/);
    });

    it(`treats ${name} for a channel the driver has not accepted yet as fatal`, () => {
      const p = pair();
      p.client.openChannel('session');
      p.pump();
      const open = only(p.server, 'channel-open');
      p.server.receive(make(open.channelId));
      expectFatal(p.server, /not open yet/);
    });

    it(`treats ${name} for a channel that was closed as fatal`, () => {
      const p = pair();
      const { clientId, serverId } = openSession(p);
      p.client.close(clientId);
      p.pump();
      drain(p.server);
      p.server.receive(make(serverId));
      expectFatal(p.server, /unknown channel/);
    });
  }

  it('treats a second OPEN_CONFIRMATION or an OPEN_FAILURE for an open channel as fatal', () => {
    const confirmation = (id: number) =>
      ChannelOpenConfirmation.encode({
        recipientChannel: id,
        senderChannel: 9,
        initialWindowSize: 10,
        maximumPacketSize: 10,
        data: new Uint8Array(),
      });
    const p = pair();
    const { clientId } = openSession(p);
    p.client.receive(confirmation(clientId));
    expectFatal(p.client, /not opening/);

    const q = pair();
    const other = openSession(q);
    q.client.receive(
      ChannelOpenFailure.encode({
        recipientChannel: other.clientId,
        reasonCode: 2,
        description: '',
        languageTag: '',
      }),
    );
    expectFatal(q.client, /not opening/);
  });
});

describe('Unsolicited replies (Go CVE-2026-39830)', () => {
  it('drops 10k unsolicited CHANNEL_SUCCESS/FAILURE and REQUEST_SUCCESS/FAILURE without a trace', () => {
    const p = pair();
    const { clientId, serverId } = openSession(p);
    const flood = [
      ChannelSuccess.encode({ recipientChannel: clientId }),
      ChannelFailure.encode({ recipientChannel: clientId }),
      ChannelSuccess.encode({ recipientChannel: 12345 }),
      RequestSuccess.encode({ data: Uint8Array.of(1, 2) }),
      RequestFailure.encode({}),
    ];
    for (let i = 0; i < 10_000; i++) {
      for (const m of flood) expect(p.client.receive(m)).toBe(true);
      expect(p.client.nextEvent()).toBeUndefined();
      expect(p.client.pollTransmit()).toBeUndefined();
    }
    expect(p.client.fatalError).toBeUndefined();
    expect(p.client.channelCount).toBe(1);
    // No stale credit: the next real request gets its own reply, not a flooded one.
    p.client.sendRequest(clientId, 'shell', true);
    p.client.sendGlobalRequest('tcpip-forward', true);
    p.pump();
    drain(p.server);
    p.server.answerRequest(serverId, false);
    p.server.answerGlobalRequest(false);
    p.pump();
    expect(drain(p.client)).toMatchObject([
      { type: 'channel-reply', requestType: 'shell', ok: false },
      { type: 'global-reply', requestType: 'tcpip-forward', ok: false },
    ]);
  });
});

describe('RFC 4254 §6 malformed session requests (#33)', () => {
  const ptyReq = (modes: Uint8Array) => {
    const head = encodeSessionRequest('pty-req', {
      term: 'vt100',
      columns: 80,
      rows: 24,
      widthPixels: 0,
      heightPixels: 0,
      modes: new Map(),
    });
    // Replace the encoded modes (string of one byte, TTY_OP_END) with the given raw modes string.
    const body = head.subarray(0, head.length - 5);
    const out = new Uint8Array(body.length + 4 + modes.length);
    out.set(body);
    new DataView(out.buffer).setUint32(body.length, modes.length);
    out.set(modes, body.length + 4);
    return out;
  };

  const cases: [string, Uint8Array, boolean][] = [
    ['truncated modes', ptyReq(Uint8Array.of(53, 0, 0)), false],
    ['bytes after TTY_OP_END', ptyReq(Uint8Array.of(53, 0, 0, 0, 1, 0, 7)), false],
    [
      'an opcode of 160 or more (parsing stops there)',
      ptyReq(Uint8Array.of(53, 0, 0, 0, 1, 200, 1, 2)),
      true,
    ],
  ];

  for (const [what, requestData, accepted] of cases) {
    it(`${accepted ? 'delivers' : 'refuses'} a pty-req with ${what}`, () => {
      const p = pair();
      const { clientId } = openSession(p);
      p.client.sendRequest(clientId, 'pty-req', true, requestData);
      p.pump();
      const events = drain(p.server);
      if (accepted) {
        expect(events).toMatchObject([{ type: 'channel-request', request: { modes: new Map([[53, 1]]) } }]);
      } else {
        expect(events).toEqual([]);
        expect(only(p.client, 'channel-reply').ok).toBe(false);
      }
      expect(p.server.fatalError).toBeUndefined();
    });
  }

  it('refuses a pty-req with trailing bytes after the modes', () => {
    const p = pair();
    const { clientId } = openSession(p);
    const good = ptyReq(Uint8Array.of(0));
    const padded = new Uint8Array(good.length + 1);
    padded.set(good);
    p.client.sendRequest(clientId, 'pty-req', true, padded);
    p.pump();
    expect(drain(p.server)).toEqual([]);
    expect(only(p.client, 'channel-reply').ok).toBe(false);
  });

  it('ignores exit-status truncated to 0–3 bytes (Go 9beb694), even with want_reply', () => {
    const p = pair();
    const { serverId } = openSession(p);
    for (let n = 0; n < 4; n++) p.server.sendRequest(serverId, 'exit-status', false, new Uint8Array(n));
    p.server.sendRequest(serverId, 'exit-status', true, new Uint8Array(3));
    p.pump();
    expect(drain(p.client)).toEqual([]);
    expect(only(p.server, 'channel-reply').ok).toBe(false);
    expect(p.client.fatalError).toBeUndefined();
  });
});

describe('RFC 4253 §11.4 and §6 framing seen by the connection layer', () => {
  it('returns false for message numbers RFC 4254 does not define, so the transport answers UNIMPLEMENTED', () => {
    const p = pair();
    for (const n of [83, 89, 101, 127, 1, 50]) expect(p.client.receive(Uint8Array.of(n))).toBe(false);
    expect(p.client.fatalError).toBeUndefined();
  });

  it('treats an empty payload as fatal', () => {
    const p = pair();
    p.client.receive(new Uint8Array());
    expectFatal(p.client, /empty message/);
  });

  it('treats a truncated or padded message as fatal, with the decode error as cause', () => {
    const p = pair();
    const { clientId } = openSession(p);
    const m = data(clientId, 4);
    p.client.receive(m.subarray(0, m.length - 1));
    const events = drain(p.client);
    expect(events.at(-1)?.type).toBe('fatal');
    expect(p.client.fatalError?.cause).toBeInstanceOf(SshDecodeError);

    const q = pair();
    const other = openSession(q);
    const eof = ChannelEof.encode({ recipientChannel: other.clientId });
    q.client.receive(Uint8Array.of(...eof, 0));
    expectFatal(q.client, /trailing/);
  });

  it('ignores everything and sends nothing once stopped', () => {
    const p = pair();
    const { clientId } = openSession(p);
    p.client.sendData(clientId, Uint8Array.of(1)); // queued, never sent
    p.client.receive(new Uint8Array());
    drain(p.client);
    expect(transmitted(p.client)).toEqual([]);
    p.client.receive(data(clientId, 1));
    p.client.sendRequest(clientId, 'shell', true);
    expect(drain(p.client)).toEqual([]);
    expect(transmitted(p.client)).toEqual([]);
  });

  it('reports only the first violation', () => {
    const p = pair();
    p.client.receive(Uint8Array.of(N.CHANNEL_EOF, 0, 0, 0, 5));
    p.client.receive(Uint8Array.of(N.CHANNEL_EOF, 0, 0, 0, 6));
    expect(drain(p.client).map((e) => e.type)).toEqual(['fatal']);
  });
});
