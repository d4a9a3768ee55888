/**
 * The whole stack in memory: a sans-IO ClientConnection and ServerConnection wired back to back
 * on a fake clock — key exchange, authentication, a session with exec, data both ways, exit
 * status and close (RFC 4253, 4252, 4254 together).
 */
import { ClientConnection, type ClientConnectionEvent } from '@seashell/client';
import { encodeSessionRequest, parseSessionRequest } from '@seashell/connection';
import {
  DisconnectReason,
  generateEd25519Key,
  type SshDisconnectError,
  SshProtocolError,
  TimeoutError,
  Transport,
} from '@seashell/transport';
import { describe, expect, it } from 'vitest';
import { ServerConnection, type ServerConnectionEvent } from '../src/server-connection.js';

const hostKey = generateEd25519Key(() => new Uint8Array(32).fill(9));

function stack(options: { password?: string; graceMs?: number } = {}) {
  let now = 1_000_000;
  const server = new ServerConnection({
    transport: { hostKeys: [hostKey] },
    auth: { methods: ['password'] },
    loginGraceTimeMs: options.graceMs ?? 120_000,
    now: () => now,
  });
  const client = new ClientConnection({ user: 'alice', methods: [{ type: 'password' }] });
  const serverEvents: ServerConnectionEvent[] = [];
  const clientEvents: ClientConnectionEvent[] = [];
  const pump = () => {
    for (let moved = true, rounds = 0; moved && rounds < 10_000; rounds++) {
      moved = false;
      for (let b = client.pollTransmit(); b; b = client.pollTransmit()) {
        server.receive(b);
        moved = true;
      }
      for (let b = server.pollTransmit(); b; b = server.pollTransmit()) {
        client.receive(b);
        moved = true;
      }
      for (let e = server.nextEvent(); e; e = server.nextEvent()) {
        moved = true;
        serverEvents.push(e);
        if (e.type === 'check') server.answerAuth(e.id, e.method === 'password' && e.password === 'pw');
      }
      for (let e = client.nextEvent(); e; e = client.nextEvent()) {
        moved = true;
        clientEvents.push(e);
        if (e.type === 'host-key') client.acceptHostKey();
        if (e.type === 'password') client.answerPassword(e.id, options.password ?? 'pw');
      }
    }
  };
  return {
    server,
    client,
    serverEvents,
    clientEvents,
    pump,
    advance: (ms: number) => {
      now += ms;
      server.handleTimeout(now);
      pump();
    },
  };
}

describe('the whole stack in memory', () => {
  it('authenticates, runs a session with exec, moves data both ways and reports the exit status', () => {
    const s = stack();
    s.pump();
    expect(s.clientEvents.some((e) => e.type === 'auth-success')).toBe(true);
    const conn = s.client.connection!;
    const id = conn.openChannel('session');
    s.pump();
    const opened = s.serverEvents.find((e) => e.type === 'channel-open');
    expect(opened).toMatchObject({ channelType: 'session' });
    const serverConn = s.server.connection!;
    serverConn.acceptChannel(opened!.type === 'channel-open' ? opened!.channelId : -1);
    s.pump();
    conn.sendRequest(id, 'exec', true, encodeSessionRequest('exec', { command: 'cat' }));
    s.pump();
    const exec = s.serverEvents.find((e) => e.type === 'channel-request');
    expect(exec).toMatchObject({ requestType: 'exec', request: { type: 'exec', command: 'cat' } });
    const serverId = exec!.type === 'channel-request' ? exec!.channelId : -1;
    serverConn.answerRequest(serverId, true);
    s.pump();
    expect(s.clientEvents.find((e) => e.type === 'channel-reply')).toMatchObject({ ok: true });

    // 3 MiB up through the 2 MiB window: the sender waits for adjusts the reader grants.
    const payload = new Uint8Array(3 << 20).map((_, i) => i * 7);
    let sent = 0;
    let received = 0;
    for (let rounds = 0; sent < payload.length && rounds < 1000; rounds++) {
      sent += conn.sendData(id, payload.subarray(sent));
      s.pump();
      for (const e of s.serverEvents.splice(0)) {
        if (e.type === 'channel-data') {
          received += e.data.length;
          serverConn.consumed(serverId, e.data.length);
        }
      }
      s.pump();
    }
    expect(sent).toBe(payload.length);
    expect(received).toBe(payload.length);

    conn.sendEof(id);
    s.pump();
    serverConn.sendData(serverId, new TextEncoder().encode('after eof'));
    serverConn.sendRequest(
      serverId,
      'exit-status',
      false,
      encodeSessionRequest('exit-status', { exitStatus: 3 }),
    );
    serverConn.close(serverId);
    s.pump();
    const data = s.clientEvents.filter((e) => e.type === 'channel-data');
    expect(
      new TextDecoder().decode(data.at(-1)!.type === 'channel-data' ? data.at(-1)!.data : undefined),
    ).toBe('after eof');
    const exit = s.clientEvents.find((e) => e.type === 'channel-request');
    expect(exit?.type === 'channel-request' && parseSessionRequest(exit.requestType, exit.data)).toEqual({
      type: 'exit-status',
      exitStatus: 3,
    });
    expect(s.clientEvents.some((e) => e.type === 'channel-close')).toBe(true);
    expect(conn.channelCount).toBe(0);
  });

  it('takes a connection message that arrives in the same read as USERAUTH_SUCCESS (as from sshd)', () => {
    const s = stack();
    // Run the handshake, but hold the server's bytes once it has said SUCCESS.
    const held: Uint8Array[] = [];
    for (let round = 0; round < 1000 && !s.server.connection; round++) {
      for (let b = s.client.pollTransmit(); b; b = s.client.pollTransmit()) s.server.receive(b);
      for (let e = s.server.nextEvent(); e; e = s.server.nextEvent())
        if (e.type === 'check') s.server.answerAuth(e.id, true);
      for (let b = s.server.pollTransmit(); b; b = s.server.pollTransmit()) {
        if (s.server.connection) held.push(b);
        else s.client.receive(b);
      }
      for (let e = s.client.nextEvent(); e; e = s.client.nextEvent()) {
        if (e.type === 'host-key') s.client.acceptHostKey();
        if (e.type === 'password') s.client.answerPassword(e.id, 'pw');
      }
    }
    s.server.connection!.sendGlobalRequest('hostkeys-00@openssh.com', false);
    for (let b = s.server.pollTransmit(); b; b = s.server.pollTransmit()) held.push(b);
    s.client.receive(Buffer.concat(held));
    const events: ClientConnectionEvent[] = [];
    for (let e = s.client.nextEvent(); e; e = s.client.nextEvent()) events.push(e);
    expect(events.map((e) => e.type)).toContain('auth-success');
    expect(events.find((e) => e.type === 'global-request')).toMatchObject({
      requestType: 'hostkeys-00@openssh.com',
    });
    expect(s.client.transport.closed).toBe(false);
  });

  it('refuses a wrong password and closes with NO_MORE_AUTH_METHODS on the client side', () => {
    const s = stack({ password: 'nope' });
    s.pump();
    const failure = s.clientEvents.find((e) => e.type === 'auth-failure');
    expect(failure).toBeDefined();
    const closed = s.serverEvents.find((e) => e.type === 'closed');
    expect(closed?.type === 'closed' && (closed.error as SshDisconnectError).reason).toBe(
      DisconnectReason.NO_MORE_AUTH_METHODS_AVAILABLE,
    );
  });

  it('ends an unauthenticated connection at the login grace time', () => {
    const s = stack({ graceMs: 5_000 });
    // The client never answers the password prompt.
    const quiet = new ServerConnection({
      transport: { hostKeys: [hostKey] },
      auth: { methods: ['password'] },
      loginGraceTimeMs: 5_000,
      now: () => 0,
    });
    expect(quiet.pollTimeout()).toBe(5_000);
    quiet.handleTimeout(4_999);
    expect(quiet.transport.closed).toBe(false);
    quiet.handleTimeout(5_000);
    const events = [];
    for (let e = quiet.nextEvent(); e; e = quiet.nextEvent()) events.push(e);
    expect(events.find((e) => e.type === 'closed')).toMatchObject({ error: expect.any(TimeoutError) });
    s.pump();
    expect(s.server.pollTimeout()).toBeUndefined();
  });

  it('disconnects on a channel open and exec before authentication (CVE-2025-32433)', () => {
    const server = new ServerConnection({
      transport: { hostKeys: [hostKey] },
      auth: { methods: ['password'] },
      now: () => 0,
    });
    const attacker = new Transport({ role: 'client' });
    const pump = () => {
      for (let moved = true; moved; ) {
        moved = false;
        for (let b = attacker.pollTransmit(); b; b = attacker.pollTransmit()) {
          server.receive(b);
          moved = true;
        }
        for (let b = server.pollTransmit(); b; b = server.pollTransmit()) {
          attacker.receive(b);
          moved = true;
        }
        for (let e = attacker.nextEvent(); e; e = attacker.nextEvent())
          if (e.type === 'host-key') attacker.acceptHostKey();
      }
    };
    pump();
    // CHANNEL_OPEN "session" then CHANNEL_REQUEST "exec", with no authentication at all.
    const enc = new TextEncoder();
    attacker.send(
      new Uint8Array([90, 0, 0, 0, 7, ...enc.encode('session'), 0, 0, 0, 0, 0, 0x20, 0, 0, 0, 0, 0x80, 0]),
    );
    attacker.send(
      new Uint8Array([
        98,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        4,
        ...enc.encode('exec'),
        1,
        0,
        0,
        0,
        4,
        ...enc.encode('true'),
      ]),
    );
    pump();
    const events = [];
    for (let e = server.nextEvent(); e; e = server.nextEvent()) events.push(e);
    expect(events.some((e) => e.type === 'channel-open' || e.type === 'channel-request')).toBe(false);
    const closed = events.find((e) => e.type === 'closed');
    expect(closed?.type === 'closed' && closed.error).toBeInstanceOf(SshProtocolError);
    expect(server.connection).toBeUndefined();
  });
});
