/**
 * Properties over arbitrary and mutated message sequences (DESIGN.md "Testing", PROTOCOL-NOTES
 * §4.2): whatever the peer sends, `receive` never throws, the only fatal events carry an
 * SshProtocolError, and the state stays bounded by the options.
 */
import { type SshError, SshProtocolError } from '@seashell/transport';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbitraryFields } from '../../transport/test/support/arbitraries.js';
import {
  ChannelClose,
  ChannelData,
  ChannelEof,
  ChannelExtendedData,
  ChannelFailure,
  ChannelOpen,
  ChannelOpenConfirmation,
  ChannelOpenFailure,
  ChannelRequest,
  ChannelSuccess,
  ChannelWindowAdjust,
  ConnectionCore,
  encodeSessionRequest,
  GlobalRequest,
  RequestFailure,
  RequestSuccess,
  type Role,
  SESSION_REQUESTS,
  type SessionRequestType,
} from '../src/index.js';
import { pair } from './pair.js';

const LIMITS = { maxChannels: 3, maxPendingRequests: 4, windowSize: 4096, maxPacketSize: 1024 } as const;

/** Mostly the ids the warm-up opens (0–2), sometimes one that does not exist. */
const channelId = fc.oneof(
  { weight: 12, arbitrary: fc.integer({ min: 0, max: 2 }) },
  { weight: 1, arbitrary: fc.integer({ min: 3, max: 4 }) },
);
const size = fc.oneof(
  fc.integer({ min: 0, max: 70_000 }),
  fc.constantFrom(0, 1, 0x7fff_ffff, 0xffff_fffe, 0xffff_ffff),
);
const blob = (maxLength: number) => fc.uint8Array({ maxLength });
const sessionTypes = Object.keys(SESSION_REQUESTS) as SessionRequestType[];

/** A request type with well-formed data for it, or any type with junk. */
const typedRequest = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom(...sessionTypes).chain((type) =>
      arbitraryFields(SESSION_REQUESTS[type].body.fields).map((v) => ({
        requestType: type as string,
        data: encodeSessionRequest(type, v as never),
      })),
    ),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      requestType: fc.constantFrom(...sessionTypes, 'keepalive@openssh.com', 'bogus@example.com'),
      data: blob(24),
    }),
  },
);

/** Plausible connection messages: right layout, ids and sizes near the edges. */
const message: fc.Arbitrary<Uint8Array> = fc.oneof(
  {
    weight: 2,
    arbitrary: fc
      .record({
        requestName: fc.constantFrom(
          'tcpip-forward',
          'keepalive@openssh.com',
          'hostkeys-00@openssh.com',
          'x@y',
        ),
        wantReply: fc.boolean(),
        data: blob(16),
      })
      .map((m) => GlobalRequest.encode(m)),
  },
  { weight: 1, arbitrary: blob(8).map((data) => RequestSuccess.encode({ data })) },
  { weight: 1, arbitrary: fc.constant(RequestFailure.encode({})) },
  {
    weight: 2,
    arbitrary: fc
      .record({
        channelType: fc.constantFrom('session', 'direct-tcpip', 'forwarded-tcpip', 'x11', 'bogus'),
        senderChannel: channelId,
        initialWindowSize: size,
        maximumPacketSize: size,
        data: blob(16),
      })
      .map((m) => ChannelOpen.encode(m)),
  },
  {
    weight: 1,
    arbitrary: fc
      .record({
        recipientChannel: channelId,
        senderChannel: channelId,
        initialWindowSize: size,
        maximumPacketSize: size,
        data: blob(8),
      })
      .map((m) => ChannelOpenConfirmation.encode(m)),
  },
  {
    weight: 1,
    arbitrary: fc
      .record({
        recipientChannel: channelId,
        reasonCode: size,
        description: fc.string(),
        languageTag: fc.string(),
      })
      .map((m) => ChannelOpenFailure.encode(m)),
  },
  {
    weight: 3,
    arbitrary: fc
      .record({ recipientChannel: channelId, bytesToAdd: size })
      .map((m) => ChannelWindowAdjust.encode(m)),
  },
  {
    weight: 4,
    arbitrary: fc.record({ recipientChannel: channelId, data: blob(1100) }).map((m) => ChannelData.encode(m)),
  },
  {
    weight: 3,
    arbitrary: fc
      .record({
        recipientChannel: channelId,
        dataTypeCode: fc.constantFrom(1, 2, 0xffff_ffff),
        data: blob(1100),
      })
      .map((m) => ChannelExtendedData.encode(m)),
  },
  { weight: 2, arbitrary: channelId.map((recipientChannel) => ChannelEof.encode({ recipientChannel })) },
  { weight: 1, arbitrary: channelId.map((recipientChannel) => ChannelClose.encode({ recipientChannel })) },
  {
    weight: 4,
    arbitrary: fc
      .record({
        recipientChannel: channelId,
        request: typedRequest,
        wantReply: fc.boolean(),
      })
      .map(({ request, ...m }) => ChannelRequest.encode({ ...m, ...request })),
  },
  { weight: 1, arbitrary: channelId.map((recipientChannel) => ChannelSuccess.encode({ recipientChannel })) },
  { weight: 1, arbitrary: channelId.map((recipientChannel) => ChannelFailure.encode({ recipientChannel })) },
);

/** A message with its bytes damaged: cut short, a byte changed, or junk appended. */
const mutated = fc
  .tuple(message, fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('truncate', 'flip', 'append'))
  .map(([m, at, byte, how]) => {
    const i = at % Math.max(1, m.length);
    if (how === 'truncate') return m.subarray(0, i);
    if (how === 'append') return Uint8Array.of(...m, byte);
    const copy = m.slice();
    copy[i] = byte;
    return copy;
  });

/** Junk whose first byte is a connection-layer number. */
const junk = fc
  .tuple(fc.integer({ min: 80, max: 127 }), blob(32))
  .map(([n, rest]) => Uint8Array.of(n, ...rest));

type Action =
  | { kind: 'receive'; payload: Uint8Array }
  | { kind: 'open' }
  | { kind: 'send'; id: number; n: number }
  | { kind: 'eof'; id: number }
  | { kind: 'close'; id: number }
  | { kind: 'request'; id: number };

const action: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 10,
    arbitrary: fc
      .oneof(
        { weight: 10, arbitrary: message },
        { weight: 1, arbitrary: mutated },
        { weight: 1, arbitrary: junk },
      )
      .map((payload) => ({ kind: 'receive', payload }) as const),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'open' } as const) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('send' as const), id: channelId, n: fc.nat(10_000) }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('eof' as const), id: channelId }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('close' as const), id: channelId }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('request' as const), id: channelId }) },
);

/** A driver that answers everything; checks the invariants after every step. */
class CheckedDriver {
  readonly core: ConnectionCore;
  localOpens = 0;
  fatal: SshError | undefined;
  #toggle = false;
  #opens = 0;

  constructor(role: Role) {
    this.core = new ConnectionCore({ role, ...LIMITS });
  }

  /** Runs a command the driver may get wrong: only TypeError or RangeError may come out. */
  command(run: () => void): void {
    try {
      run();
    } catch (e) {
      if (!(e instanceof TypeError || e instanceof RangeError)) throw e;
    }
  }

  step(a: Action): void {
    const { core } = this;
    switch (a.kind) {
      case 'receive':
        core.receive(a.payload); // must never throw
        break;
      case 'open':
        this.localOpens++;
        core.openChannel('session');
        break;
      case 'send':
        this.command(() => core.sendData(a.id, new Uint8Array(a.n)));
        break;
      case 'eof':
        this.command(() => core.sendEof(a.id));
        break;
      case 'close':
        this.command(() => core.close(a.id));
        break;
      case 'request':
        this.command(() => core.sendRequest(a.id, 'shell', true));
        break;
    }
    this.#react();
  }

  #react(): void {
    const { core } = this;
    let events = 0;
    for (let e = core.nextEvent(); e; e = core.nextEvent()) {
      events++;
      this.#toggle = !this.#toggle;
      switch (e.type) {
        case 'channel-open':
          // Accept two of three, so that most messages find an open channel.
          if (++this.#opens % 3 !== 0) core.acceptChannel(e.channelId);
          else core.rejectChannel(e.channelId, 1);
          break;
        case 'channel-request':
          if (e.wantReply) core.answerRequest(e.channelId, this.#toggle);
          break;
        case 'global-request':
          if (e.wantReply) core.answerGlobalRequest(this.#toggle);
          break;
        case 'channel-data':
          expect(e.data.length).toBeLessThanOrEqual(LIMITS.maxPacketSize);
          core.consumed(e.channelId, e.data.length);
          break;
        case 'fatal':
          expect(e.error).toBeInstanceOf(SshProtocolError);
          expect(this.fatal).toBeUndefined();
          this.fatal = e.error;
          break;
      }
    }
    // One step yields a bounded number of events and messages.
    expect(events).toBeLessThanOrEqual(3 + LIMITS.maxPendingRequests);
    let sent = 0;
    for (let p = core.pollTransmit(); p; p = core.pollTransmit()) sent++;
    expect(sent).toBeLessThanOrEqual(LIMITS.maxPendingRequests + 16);
    if (this.fatal) expect(sent).toBe(0);
    // The table holds at most what the peer may open plus what we opened.
    expect(core.channelCount).toBeLessThanOrEqual(LIMITS.maxChannels + this.localOpens);
  }
}

describe('Arbitrary input to the connection core', () => {
  it('never throws, fails only with SshProtocolError, and stays bounded', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<Role>('client', 'server'),
        fc.array(action, { maxLength: 80 }),
        (role, actions) => {
          const driver = new CheckedDriver(role);
          // Start with channels in place (ids 0 and 1 opened by the peer, 2 by us) so that most
          // messages reach a channel's state rather than stopping at "unknown channel".
          const channelType = role === 'server' ? 'session' : 'forwarded-tcpip';
          const empty = new Uint8Array();
          for (const senderChannel of [0, 1]) {
            const open = {
              channelType,
              senderChannel,
              initialWindowSize: 4096,
              maximumPacketSize: 1024,
              data: empty,
            };
            driver.step({ kind: 'receive', payload: ChannelOpen.encode(open) });
          }
          driver.step({ kind: 'open' });
          const confirm = {
            recipientChannel: 2,
            senderChannel: 2,
            initialWindowSize: 4096,
            maximumPacketSize: 1024,
            data: empty,
          };
          driver.step({ kind: 'receive', payload: ChannelOpenConfirmation.encode(confirm) });
          expect(driver.core.channelCount).toBe(3);
          for (const a of actions) driver.step(a);
        },
      ),
      { seed: 4254, numRuns: 600 },
    );
  });

  it('survives any mutation of a recorded session transcript', () => {
    // Record what a client sends in a typical session, against a server that says yes.
    const p = pair({}, LIMITS);
    const transcript: Uint8Array[] = [];
    const record = () => {
      for (let moved = true; moved; ) {
        moved = false;
        for (let m = p.client.pollTransmit(); m; m = p.client.pollTransmit(), moved = true) {
          transcript.push(m);
          p.server.receive(m);
        }
        for (let e = p.server.nextEvent(); e; e = p.server.nextEvent()) {
          if (e.type === 'channel-open') p.server.acceptChannel(e.channelId);
          if (e.type === 'channel-request' && e.wantReply) p.server.answerRequest(e.channelId, true);
          if (e.type === 'channel-data') p.server.consumed(e.channelId, e.data.length);
        }
        for (let m = p.server.pollTransmit(); m; m = p.server.pollTransmit(), moved = true)
          p.client.receive(m);
      }
    };
    p.client.sendGlobalRequest('keepalive@openssh.com', true);
    const clientId = p.client.openChannel('session', undefined, { window: 4096, maxPacket: 1024 });
    record();
    p.client.sendRequest(
      clientId,
      'pty-req',
      true,
      encodeSessionRequest('pty-req', {
        term: 'xterm',
        columns: 80,
        rows: 24,
        widthPixels: 0,
        heightPixels: 0,
        modes: new Map([[53, 0]]),
      }),
    );
    p.client.sendRequest(clientId, 'env', false, encodeSessionRequest('env', { name: 'A', value: 'b' }));
    p.client.sendRequest(clientId, 'exec', true, encodeSessionRequest('exec', { command: 'cat' }));
    p.client.sendRequest(
      clientId,
      'window-change',
      false,
      encodeSessionRequest('window-change', { columns: 1, rows: 2, widthPixels: 0, heightPixels: 0 }),
    );
    p.client.sendData(clientId, new Uint8Array(3000));
    p.client.sendEof(clientId);
    p.client.close(clientId);
    record();
    expect(transcript.map((m) => m[0])).toEqual([80, 90, 98, 98, 98, 98, 94, 94, 94, 96, 97]);

    const edit = fc.record({
      at: fc.nat(),
      how: fc.constantFrom('drop', 'duplicate', 'swap', 'flip', 'truncate'),
      byte: fc.integer({ min: 0, max: 255 }),
    });
    fc.assert(
      fc.property(fc.array(edit, { maxLength: 6 }), (edits) => {
        const messages = transcript.map((m) => m.slice());
        for (const { at, how, byte } of edits) {
          if (messages.length === 0) break;
          const i = at % messages.length;
          const m = messages[i]!;
          if (how === 'drop') messages.splice(i, 1);
          else if (how === 'duplicate') messages.splice(i, 0, m.slice());
          else if (how === 'swap' && i + 1 < messages.length) {
            messages[i] = messages[i + 1]!;
            messages[i + 1] = m;
          } else if (how === 'flip' && m.length > 0)
            m[byte % m.length] = m[byte % m.length]! ^ (1 << (byte % 8));
          else if (how === 'truncate') messages[i] = m.subarray(0, byte % (m.length + 1));
        }
        const driver = new CheckedDriver('server');
        for (const payload of messages) driver.step({ kind: 'receive', payload });
        // The untouched transcript is a valid session: the property reaches deep states.
        if (edits.length === 0) expect(driver.fatal).toBeUndefined();
      }),
      { seed: 1997, numRuns: 1500 },
    );
  });
});
