/** RFC 4254 §4 global requests and §5.4 / §6 channel requests between two in-memory cores. */
import { describe, expect, it } from 'vitest';
import {
  ChannelRequest,
  encodeSessionRequest,
  GlobalRequest,
  ConnectionMessageNumber as N,
  TerminalMode,
} from '../src/index.js';
import { drain, only, openSession, pair, transmitted } from './pair.js';

const EMPTY = new Uint8Array(0);
const u32 = (n: number) => Uint8Array.from([n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);

const ptyReq = () =>
  encodeSessionRequest('pty-req', {
    term: 'xterm-256color',
    columns: 80,
    rows: 24,
    widthPixels: 640,
    heightPixels: 480,
    modes: new Map([
      [TerminalMode.ECHO, 1],
      [TerminalMode.TTY_OP_OSPEED, 38400],
    ]),
  });

describe('RFC 4254 §5.4 channel requests', () => {
  it('delivers parsed session requests and returns the answers in order', () => {
    const p = pair();
    const { clientId, serverId } = openSession(p);
    p.client.sendRequest(clientId, 'pty-req', true, ptyReq());
    p.client.sendRequest(
      clientId,
      'env',
      false,
      encodeSessionRequest('env', { name: 'LANG', value: 'C.UTF-8' }),
    );
    p.client.sendRequest(clientId, 'exec', true, encodeSessionRequest('exec', { command: 'uname -a' }));
    p.pump();
    const events = drain(p.server);
    expect(events).toMatchObject([
      {
        type: 'channel-request',
        channelId: serverId,
        requestType: 'pty-req',
        wantReply: true,
        request: { type: 'pty-req', term: 'xterm-256color', columns: 80, rows: 24 },
      },
      { requestType: 'env', wantReply: false, request: { type: 'env', name: 'LANG', value: 'C.UTF-8' } },
      { requestType: 'exec', wantReply: true, request: { type: 'exec', command: 'uname -a' } },
    ]);
    const pty = events[0];
    if (pty?.type !== 'channel-request' || pty.request?.type !== 'pty-req') throw new Error('unreachable');
    expect(pty.request.modes.get(TerminalMode.TTY_OP_OSPEED)).toBe(38400);
    p.server.answerRequest(serverId, false);
    p.server.answerRequest(serverId, true);
    expect(() => p.server.answerRequest(serverId, true)).toThrow(TypeError);
    p.pump();
    expect(drain(p.client)).toEqual([
      { type: 'channel-reply', channelId: clientId, requestType: 'pty-req', ok: false },
      { type: 'channel-reply', channelId: clientId, requestType: 'exec', ok: true },
    ]);
  });

  it('holds a reply the core knows at once behind an earlier one the driver has not given', () => {
    const p = pair();
    const { clientId, serverId } = openSession(p);
    p.client.sendRequest(clientId, 'pty-req', true, ptyReq());
    p.client.sendRequest(clientId, 'auth-agent-req@openssh.com', true); // not handled: FAILURE
    p.client.sendRequest(clientId, 'shell', true);
    const traffic = p.pump();
    expect(traffic.toClient).toEqual([]);
    expect(drain(p.server).map((e) => (e.type === 'channel-request' ? e.requestType : e.type))).toEqual([
      'pty-req',
      'shell',
    ]);
    p.server.answerRequest(serverId, true);
    const replies = transmitted(p.server);
    expect(replies.map((m) => m[0])).toEqual([N.CHANNEL_SUCCESS, N.CHANNEL_FAILURE]);
    for (const m of replies) p.client.receive(m);
    p.server.answerRequest(serverId, true);
    p.pump();
    expect(drain(p.client).map((e) => (e.type === 'channel-reply' ? [e.requestType, e.ok] : e.type))).toEqual(
      [
        ['pty-req', true],
        ['auth-agent-req@openssh.com', false],
        ['shell', true],
      ],
    );
  });

  it('answers a request type nobody handles with FAILURE, and drops it without want_reply', () => {
    const p = pair();
    const { clientId } = openSession(p);
    p.client.sendRequest(clientId, 'no-such-request@example.com', true);
    p.client.sendRequest(clientId, 'no-such-request@example.com', false);
    p.pump();
    expect(drain(p.server)).toEqual([]);
    expect(drain(p.client)).toMatchObject([{ type: 'channel-reply', ok: false }]);
  });

  it('delivers a request type added in the options, unparsed', () => {
    const p = pair({}, { channelRequestTypes: ['auth-agent-req@openssh.com'] });
    const { clientId } = openSession(p);
    p.client.sendRequest(clientId, 'auth-agent-req@openssh.com', false, Uint8Array.from([1]));
    p.pump();
    const e = only(p.server, 'channel-request');
    expect(e.request).toBeUndefined();
    expect(e.data).toEqual(Uint8Array.from([1]));
  });

  it('parses session requests only on session channels', () => {
    const p = pair({}, { channelRequestTypes: ['exec'] });
    const { clientId } = openSession(p, {}, 'direct-tcpip');
    p.client.sendRequest(clientId, 'exec', false, Uint8Array.from([0xff]));
    p.pump();
    const e = only(p.server, 'channel-request');
    expect(e.request).toBeUndefined();
  });

  it('answers keepalive@openssh.com with FAILURE, as OpenSSH sshd expects from a client', () => {
    const p = pair();
    const { serverId } = openSession(p);
    p.server.sendRequest(serverId, 'keepalive@openssh.com', true);
    p.pump();
    expect(drain(p.client)).toEqual([]);
    expect(only(p.server, 'channel-reply')).toMatchObject({
      requestType: 'keepalive@openssh.com',
      ok: false,
    });
  });

  it('refuses a request the role does not receive: a server cannot make a client exec', () => {
    const p = pair();
    const { serverId } = openSession(p);
    p.server.sendRequest(serverId, 'exec', true, encodeSessionRequest('exec', { command: 'touch pwned' }));
    p.pump();
    expect(drain(p.client)).toEqual([]);
    expect(only(p.server, 'channel-reply').ok).toBe(false);
  });

  it('refuses a request to a channel that is closing, without a reply after CLOSE', () => {
    const p = pair();
    const { clientId, serverId } = openSession(p);
    p.client.sendRequest(clientId, 'shell', true);
    p.pump();
    only(p.server, 'channel-request');
    p.server.close(serverId);
    p.server.answerRequest(serverId, true);
    expect(transmitted(p.server).map((m) => m[0])).toEqual([N.CHANNEL_CLOSE]);
  });

  it('bounds the replies it may owe on one channel', () => {
    const p = pair({}, { maxPendingRequests: 3 });
    const { clientId } = openSession(p);
    for (let i = 0; i < 3; i++) p.client.sendRequest(clientId, 'shell', true);
    p.pump();
    expect(p.server.fatalError).toBeUndefined();
    p.client.sendRequest(clientId, 'shell', true);
    p.pump();
    expect(p.server.fatalError?.message).toMatch(/unanswered requests/);
  });
});

describe('RFC 4254 §6 session life: exit-status then close', () => {
  it('reports exit-status and exit-signal to the client before the close', () => {
    const p = pair();
    const { clientId, serverId } = openSession(p);
    p.server.sendEof(serverId);
    p.server.sendRequest(
      serverId,
      'exit-status',
      false,
      encodeSessionRequest('exit-status', { exitStatus: 42 }),
    );
    p.server.sendRequest(
      serverId,
      'exit-signal',
      false,
      encodeSessionRequest('exit-signal', {
        signal: 'TERM',
        coreDumped: false,
        message: 'bye',
        language: 'en',
      }),
    );
    p.server.close(serverId);
    p.pump();
    expect(drain(p.client)).toMatchObject([
      { type: 'channel-eof', channelId: clientId },
      { type: 'channel-request', request: { type: 'exit-status', exitStatus: 42 } },
      { type: 'channel-request', request: { type: 'exit-signal', signal: 'TERM', message: 'bye' } },
      { type: 'channel-close', channelId: clientId },
    ]);
  });

  it('ignores a truncated exit-status (Go 9beb694) and keeps the connection', () => {
    const p = pair();
    const { clientId, serverId } = openSession(p);
    p.server.sendRequest(serverId, 'exit-status', false, Uint8Array.from([0, 0]));
    p.server.sendData(serverId, Uint8Array.from([7]));
    p.pump();
    expect(drain(p.client)).toEqual([
      { type: 'channel-data', channelId: clientId, data: Uint8Array.from([7]) },
    ]);
    expect(p.client.fatalError).toBeUndefined();
  });
});

describe('RFC 4254 §4 global requests', () => {
  it('delivers a global request and returns the answer with its data', () => {
    const p = pair();
    p.client.sendGlobalRequest('tcpip-forward', true, Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0]));
    p.pump();
    const e = only(p.server, 'global-request');
    expect(e).toMatchObject({ requestType: 'tcpip-forward', wantReply: true });
    p.server.answerGlobalRequest(true, u32(40000));
    p.pump();
    expect(only(p.client, 'global-reply')).toEqual({
      type: 'global-reply',
      requestType: 'tcpip-forward',
      ok: true,
      data: u32(40000),
    });
  });

  it('answers an unknown global request (keepalive@openssh.com) with REQUEST_FAILURE', () => {
    const p = pair();
    p.client.sendGlobalRequest('keepalive@openssh.com', true);
    p.client.sendGlobalRequest('keepalive@openssh.com', false);
    const traffic = p.pump();
    expect(traffic.toClient.map((m) => m[0])).toEqual([N.REQUEST_FAILURE]);
    expect(drain(p.server)).toEqual([]);
    expect(only(p.client, 'global-reply')).toMatchObject({ ok: false, data: EMPTY });
  });

  it('keeps replies in request order when the core answers some itself', () => {
    const p = pair();
    p.client.sendGlobalRequest('tcpip-forward', true);
    p.client.sendGlobalRequest('keepalive@openssh.com', true);
    p.client.sendGlobalRequest('cancel-tcpip-forward', true);
    expect(p.pump().toClient).toEqual([]);
    expect(drain(p.server).length).toBe(2);
    p.server.answerGlobalRequest(true);
    p.server.answerGlobalRequest(false, u32(1)); // data is dropped on failure
    expect(() => p.server.answerGlobalRequest(true)).toThrow(TypeError);
    p.pump();
    expect(
      drain(p.client).map((e) => (e.type === 'global-reply' ? [e.requestType, e.ok, e.data.length] : e)),
    ).toEqual([
      ['tcpip-forward', true, 0],
      ['keepalive@openssh.com', false, 0],
      ['cancel-tcpip-forward', false, 0],
    ]);
  });

  it('lets a client receive hostkeys-00@openssh.com, and a server not', () => {
    const p = pair();
    p.server.sendGlobalRequest('hostkeys-00@openssh.com', false, Uint8Array.from([1]));
    p.client.sendGlobalRequest('hostkeys-00@openssh.com', true);
    p.pump();
    expect(drain(p.client)).toMatchObject([
      { type: 'global-request', requestType: 'hostkeys-00@openssh.com', wantReply: false },
      { type: 'global-reply', requestType: 'hostkeys-00@openssh.com', ok: false },
    ]);
    expect(drain(p.server)).toEqual([]);
  });

  it('encodes a global request as RFC 4254 §4 lays it out', () => {
    const m = GlobalRequest.encode({ requestName: 'x', wantReply: true, data: Uint8Array.from([5]) });
    expect([...m]).toEqual([80, 0, 0, 0, 1, 0x78, 1, 5]);
    const r = ChannelRequest.encode({
      recipientChannel: 2,
      requestType: 'shell',
      wantReply: false,
      data: EMPTY,
    });
    expect(ChannelRequest.decode(r)).toEqual({
      recipientChannel: 2,
      requestType: 'shell',
      wantReply: false,
      data: EMPTY,
    });
  });
});
