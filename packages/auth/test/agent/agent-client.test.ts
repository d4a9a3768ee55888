/**
 * The agent client (draft-miller-ssh-agent §5) against our keyring through an in-memory
 * transport, and against replies a test makes up: flags from the algorithm, one request at a
 * time, typed errors for refusals and for replies that break the protocol.
 */
import { decodeSignatureBlob, generateKey, SshWriter } from '@seashell/transport';
import { beforeEach, describe, expect, it } from 'vitest';
import { AgentClient, type AgentTransport } from '../../src/agent/agent-client.js';
import { AgentFailureError, AgentProtocolError } from '../../src/agent/agent-errors.js';
import { AgentKeyring } from '../../src/agent/agent-keyring.js';
import * as m from '../../src/agent/agent-messages.js';
import { AgentMessageNumber as N } from '../../src/agent/agent-protocol.js';
import { testRsaKey } from './arbitraries.js';

const fixed = (n: number) => (len: number) => new Uint8Array(len).fill(n);

/** A transport that records requests and answers with `answer`. */
function scripted(answer: (request: Uint8Array) => Uint8Array | Promise<Uint8Array>) {
  const requests: Uint8Array[] = [];
  let closed = false;
  const transport: AgentTransport = {
    request: async (payload) => {
      requests.push(payload.slice());
      return answer(payload);
    },
    close: () => {
      closed = true;
    },
  };
  return { transport, requests, closed: () => closed };
}

let clock: number;
let keyring: AgentKeyring;
let agent: AgentClient;
let requests: Uint8Array[];

beforeEach(() => {
  clock = 0;
  keyring = new AgentKeyring({ now: () => clock });
  const connection = keyring.connection();
  const s = scripted((payload) => connection.handle(payload));
  requests = s.requests;
  agent = new AgentClient(s.transport);
});

describe('AgentClient with our keyring', () => {
  it('adds, lists, signs, removes', async () => {
    const ed = generateKey('ssh-ed25519', fixed(1));
    const ec = generateKey('ecdsa-sha2-nistp256', fixed(2));
    await agent.add(ed, { comment: 'ed' });
    await agent.add(ec, { comment: 'ec', lifetimeSeconds: 30 });
    expect(requests.map((r) => r[0])).toEqual([N.SSH_AGENTC_ADD_IDENTITY, N.SSH_AGENTC_ADD_ID_CONSTRAINED]);
    const listed = await agent.list();
    expect(listed.map((k) => [k.comment, k.publicKey?.type])).toEqual([
      ['ed', 'ssh-ed25519'],
      ['ec', 'ecdsa-sha2-nistp256'],
    ]);
    const data = new Uint8Array([1, 2, 3]);
    for (const key of [ed, ec])
      expect(key.publicKey.verify(data, await agent.sign(key.publicKey, data))).toBe(true);
    await agent.remove(ed.publicKey);
    await expect(agent.remove(ed.publicKey)).rejects.toBeInstanceOf(AgentFailureError);
    clock += 30_000;
    expect(await agent.list()).toEqual([]);
    await agent.removeAll();
  });

  it('asks an RSA key for the hash the algorithm names (flags 4, 2, 0)', async () => {
    const rsa = testRsaKey();
    await agent.add(rsa);
    const data = new Uint8Array([9]);
    for (const [algorithm, flags] of [
      [undefined, 4],
      ['rsa-sha2-512', 4],
      ['rsa-sha2-256', 2],
      ['ssh-rsa', 0],
    ] as const) {
      requests.length = 0;
      const signature = await agent.sign(rsa.publicKey.blob, data, algorithm);
      expect(m.AgentSignRequest.decode(requests[0]!).flags).toBe(flags);
      expect(decodeSignatureBlob(signature).algorithm).toBe(algorithm ?? 'rsa-sha2-512');
      expect(rsa.publicKey.verify(data, signature, [algorithm ?? 'rsa-sha2-512'])).toBe(true);
    }
  });

  it('locks and unlocks; a refused request is an AgentFailureError naming it', async () => {
    await agent.add(generateKey('ssh-ed25519', fixed(1)));
    await agent.lock('pw');
    expect(await agent.list()).toEqual([]);
    const wrong = agent.unlock('nope');
    await expect(wrong).rejects.toThrow(AgentFailureError);
    await expect(wrong).rejects.toThrow(/SSH_AGENTC_UNLOCK/);
    await agent.unlock(new TextEncoder().encode('pw'));
    expect((await agent.list()).length).toBe(1);
  });

  it('refuses constraints the keyring cannot keep', async () => {
    await expect(agent.add(generateKey('ssh-ed25519', fixed(1)), { confirm: true })).rejects.toBeInstanceOf(
      AgentFailureError,
    );
    expect(await agent.list()).toEqual([]);
  });

  it('queries extensions and binds a session', async () => {
    expect(await agent.query()).toEqual(['query', 'session-bind@openssh.com']);
    const host = generateKey('ecdsa-sha2-nistp256', fixed(3));
    const sessionId = new Uint8Array(32).fill(4);
    await agent.sessionBind({
      hostKey: host.publicKey,
      sessionId,
      signature: host.sign(sessionId),
      forwarding: false,
    });
    await expect(
      agent.sessionBind({
        hostKey: host.publicKey,
        sessionId,
        signature: host.sign(sessionId),
        forwarding: false,
      }),
    ).rejects.toBeInstanceOf(AgentFailureError);
    await expect(agent.extension('nothing@example.com')).rejects.toBeInstanceOf(AgentFailureError);
  });

  it('sends one request at a time and matches replies in order', async () => {
    const order: number[] = [];
    let outstanding = 0;
    const s = scripted(async (payload) => {
      outstanding++;
      expect(outstanding).toBe(1);
      await new Promise((r) => setImmediate(r));
      order.push(payload[0]!);
      outstanding--;
      return payload[0] === N.SSH_AGENTC_REQUEST_IDENTITIES
        ? m.AgentIdentitiesAnswer.encode({ identities: [] })
        : m.AgentSuccess.encode({});
    });
    const client = new AgentClient(s.transport);
    await Promise.all([client.list(), client.removeAll(), client.list(), client.lock('x')]);
    expect(order).toEqual([11, 19, 11, 22]);
    await client.close();
    expect(s.closed()).toBe(true);
  });
});

describe('AgentClient against replies that break the protocol', () => {
  const client = (reply: Uint8Array) => new AgentClient(scripted(() => reply).transport);
  const key = generateKey('ssh-ed25519', fixed(1));

  it('a reply of the wrong type or that does not decode is an AgentProtocolError', async () => {
    await expect(client(m.AgentSuccess.encode({})).list()).rejects.toThrow(AgentProtocolError);
    await expect(client(new Uint8Array([12, 0, 0, 0])).list()).rejects.toThrow(AgentProtocolError);
    await expect(client(new Uint8Array([12, 0xff, 0xff, 0xff, 0xff])).list()).rejects.toThrow(
      AgentProtocolError,
    );
    await expect(client(m.AgentIdentitiesAnswer.encode({ identities: [] })).removeAll()).rejects.toThrow(
      AgentProtocolError,
    );
  });

  it('lists keys of types it cannot parse without a publicKey', async () => {
    const cert = new SshWriter().string('ssh-ed25519-cert-v01@openssh.com').string(new Uint8Array(8)).bytes();
    const [entry] = await client(
      m.AgentIdentitiesAnswer.encode({ identities: [{ key: cert, comment: 'c' }] }),
    ).list();
    expect(entry?.publicKey).toBeUndefined();
    expect(entry?.blob).toEqual(cert);
  });

  it('refuses a signature of another algorithm than asked (no silent SHA-1)', async () => {
    const rsa = testRsaKey();
    const sha1 = rsa.sign(new Uint8Array(1), 'ssh-rsa');
    await expect(
      client(m.AgentSignResponse.encode({ signature: sha1 })).sign(rsa.publicKey, new Uint8Array(1)),
    ).rejects.toThrow(/signed with "ssh-rsa", not rsa-sha2-512/);
    await expect(
      client(m.AgentSignResponse.encode({ signature: new Uint8Array([1, 2]) })).sign(
        key.publicKey,
        new Uint8Array(1),
      ),
    ).rejects.toThrow(AgentProtocolError);
  });

  it('accepts the query reply after SSH_AGENT_SUCCESS too (the drafts’ form)', async () => {
    const names = m.AgentQueryReply.encode({ names: ['query', 'x@example.com'] });
    expect(await client(new Uint8Array([N.SSH_AGENT_SUCCESS, ...names])).query()).toEqual([
      'query',
      'x@example.com',
    ]);
    await expect(client(m.AgentFailure.encode({})).query()).rejects.toBeInstanceOf(AgentFailureError);
  });

  it('refuses to send what an agent cannot hold', async () => {
    const c = client(m.AgentSuccess.encode({}));
    await expect(c.add(key, { lifetimeSeconds: -1 })).rejects.toThrow(RangeError);
    await expect(c.add({ publicKey: key.publicKey, sign: () => new Uint8Array() } as never)).rejects.toThrow(
      TypeError,
    );
  });
});
