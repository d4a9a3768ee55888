/**
 * The unix-socket adapters: `listenAgent` serving a keyring (mode 0600, bounded frames) and
 * `connectAgent` talking to it, with a deadline on each request.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer, connect as netConnect, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKey, SshConnectionLostError, TimeoutError } from '@seashell/transport';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AgentProtocolError } from '../../src/agent/agent-errors.js';
import { AgentKeyring } from '../../src/agent/agent-keyring.js';
import { AgentAddIdentity, AgentIdentitiesAnswer } from '../../src/agent/agent-messages.js';
import { type AgentServer, listenAgent } from '../../src/node/agent-server.js';
import { AgentNotPresentError, agentSocketPath, connectAgent } from '../../src/node/agent-socket.js';

let dir: string;
let n = 0;
const sock = () => join(dir, `agent-${++n}.sock`);
const cleanups: (() => unknown)[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'seashell-agent-'));
});
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A server a test scripts; its connections are destroyed at cleanup so that close() returns. */
async function fake(path: string, onConnection: (s: import('node:net').Socket) => void): Promise<Server> {
  const sockets = new Set<import('node:net').Socket>();
  const server = createServer((s) => {
    sockets.add(s);
    onConnection(s);
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  cleanups.push(() => {
    for (const s of sockets) s.destroy();
    return new Promise((resolve) => server.close(resolve));
  });
  return server;
}

async function serve(keyring = new AgentKeyring({ now: Date.now })): Promise<AgentServer> {
  const server = await listenAgent(keyring, { path: sock() });
  cleanups.push(() => server.close());
  return server;
}

/** A raw client: writes bytes, collects what comes back until the server closes. */
function raw(path: string, bytes: Uint8Array): Promise<{ data: Buffer; closed: boolean }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const s = netConnect({ path }, () => s.write(bytes));
    s.on('data', (c) => chunks.push(c));
    s.on('error', () => {});
    s.on('close', () => resolve({ data: Buffer.concat(chunks), closed: true }));
  });
}

describe('listenAgent and connectAgent', () => {
  it('serves the keyring on a socket of mode 0600, and removes it on close', async () => {
    const server = await serve();
    expect(statSync(server.path).mode & 0o777).toBe(0o600);
    const agent = await connectAgent({ path: server.path });
    await agent.add(generateKey('ssh-ed25519'), { comment: 'over a socket' });
    expect((await agent.list()).map((k) => k.comment)).toEqual(['over a socket']);
    await agent.close();
    await server.close();
    expect(() => statSync(server.path)).toThrow();
  });

  it('finds the socket through SSH_AUTH_SOCK, and says when there is none', async () => {
    const server = await serve();
    const agent = await connectAgent({ env: { SSH_AUTH_SOCK: server.path } });
    expect(await agent.list()).toEqual([]);
    await agent.close();
    expect(agentSocketPath({ SSH_AUTH_SOCK: '' })).toBeUndefined();
    await expect(connectAgent({ env: {} })).rejects.toBeInstanceOf(AgentNotPresentError);
    await expect(connectAgent({ path: join(dir, 'nothing-here') })).rejects.toBeInstanceOf(
      AgentNotPresentError,
    );
  });

  it('answers requests sent back to back in one write, in order', async () => {
    const server = await serve();
    const add = AgentAddIdentity.encode({ key: generateKey('ssh-ed25519'), comment: 'k' });
    const frame = (p: Uint8Array) => {
      const out = Buffer.alloc(4 + p.length);
      out.writeUInt32BE(p.length);
      out.set(p, 4);
      return out;
    };
    const s = netConnect({ path: server.path });
    const replies: Buffer[] = [];
    const done = new Promise<void>((resolve) =>
      s.on('data', (c) => {
        replies.push(c);
        if (Buffer.concat(replies).length >= 5 + 4 + 9 + 51) resolve();
      }),
    );
    s.write(Buffer.concat([frame(add), frame(new Uint8Array([11]))]));
    await done;
    const all = Buffer.concat(replies);
    expect([...all.subarray(0, 5)]).toEqual([0, 0, 0, 1, 6]);
    expect(AgentIdentitiesAnswer.decode(all.subarray(9)).identities.length).toBe(1);
    s.destroy();
  });

  it('closes a client that sends a length of 0 or over 256 KiB (PROTOCOL-NOTES §4.4 #38)', async () => {
    const server = await serve();
    for (const header of [
      [0, 0, 0, 0, 11],
      [0, 4, 0, 1, 11],
      [0xff, 0xff, 0xff, 0xff],
    ]) {
      const r = await raw(server.path, new Uint8Array(header));
      expect(r).toEqual({ data: Buffer.alloc(0), closed: true });
    }
    // The server is still there for the next client.
    const agent = await connectAgent({ path: server.path });
    expect(await agent.list()).toEqual([]);
    await agent.close();
  });

  it('a request the agent never answers times out, and the connection is then closed', async () => {
    const path = sock();
    await fake(path, () => {});
    const agent = await connectAgent({ path, timeoutMs: 50 });
    await expect(agent.list()).rejects.toBeInstanceOf(TimeoutError);
    await expect(agent.list()).rejects.toBeInstanceOf(TimeoutError);
  });

  it('a frame over the limit or a reply nobody asked for from the agent ends the connection', async () => {
    const path = sock();
    await fake(path, (s) => s.end(Buffer.from([0, 0, 0, 1, 6, 0, 0, 0, 1, 6])));
    const agent = await connectAgent({ path });
    // The first SUCCESS may answer our first request; the second is never asked for.
    const outcomes = await Promise.allSettled([agent.removeAll(), agent.removeAll()]);
    const failure = outcomes.find((o) => o.status === 'rejected')?.reason;
    expect(failure instanceof AgentProtocolError || failure instanceof SshConnectionLostError).toBe(true);
    await expect(agent.list()).rejects.toBeInstanceOf(Error);

    const huge = sock();
    await fake(huge, (s) => s.once('data', () => s.write(Buffer.from([0, 4, 0, 1, 6]))));
    const second = await connectAgent({ path: huge });
    await expect(second.list()).rejects.toThrow(/over 262144/);
  });
});
