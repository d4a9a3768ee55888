/** RFC 4252 user authentication: the client and server machines against each other and against hostile input. */
import {
  DisconnectReason,
  generateEd25519Key,
  type PrivateKey,
  ServiceAccept,
  ServiceRequest,
  SshProtocolError,
  SshWriter,
} from '@seashell/transport';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ClientAuth, type ClientAuthEvent, type ClientAuthMethod } from '../src/client-auth.js';
import { UserauthBanner, UserauthFailure, UserauthPkOk, UserauthRequest } from '../src/messages.js';
import {
  type AuthVerdict,
  ServerAuth,
  type ServerAuthConfig,
  type ServerAuthEvent,
} from '../src/server-auth.js';
import { publicKeySignatureData } from '../src/signature-data.js';

const sessionId = new Uint8Array(32).fill(7);
const alice = generateEd25519Key(() => new Uint8Array(32).fill(1));
const mallory = generateEd25519Key(() => new Uint8Array(32).fill(2));

interface Policy {
  password?: (user: string, password: string) => AuthVerdict;
  publicKey?: (user: string, key: PrivateKey['publicKey'], query: boolean) => AuthVerdict;
}

/** Runs a client and a server machine against each other until neither moves. */
function run(
  clientMethods: ClientAuthMethod[],
  policy: Policy,
  options: { keys?: PrivateKey[]; passwords?: string[]; server?: Partial<ServerAuthConfig> } = {},
) {
  const server = new ServerAuth({
    methods: ['publickey', 'password'],
    sessionId,
    ...options.server,
  });
  const client = new ClientAuth({ user: 'alice', methods: clientMethods, sessionId });
  const serverEvents: ServerAuthEvent[] = [];
  const clientEvents: ClientAuthEvent[] = [];
  const passwords = [...(options.passwords ?? [])];
  for (let moved = true, rounds = 0; moved && rounds < 1000; rounds++) {
    moved = false;
    for (let p = client.pollTransmit(); p; p = client.pollTransmit()) {
      server.receive(p);
      moved = true;
    }
    for (let p = server.pollTransmit(); p; p = server.pollTransmit()) {
      client.receive(p);
      moved = true;
    }
    for (let e = server.nextEvent(); e; e = server.nextEvent()) {
      moved = true;
      serverEvents.push(e);
      if (e.type !== 'check') continue;
      const verdict =
        e.method === 'password'
          ? (policy.password?.(e.user, e.password) ?? false)
          : (policy.publicKey?.(e.user, e.publicKey, e.query) ?? false);
      server.answer(e.id, verdict);
    }
    for (let e = client.nextEvent(); e; e = client.nextEvent()) {
      moved = true;
      clientEvents.push(e);
      if (e.type === 'password') client.answerPassword(e.id, passwords.shift());
      if (e.type === 'sign') {
        const key = options.keys?.find((k) => k.publicKey.equals(e.publicKey));
        client.answerSignature(e.id, key?.sign(e.data, e.algorithm));
      }
    }
  }
  return { server, client, serverEvents, clientEvents };
}

describe('RFC 4252 §7 publickey', () => {
  it('queries first, then signs, and the server reports the key that signed', () => {
    const r = run(
      [{ type: 'publickey', publicKey: alice.publicKey }],
      { publicKey: (_u, k) => k.equals(alice.publicKey) },
      { keys: [alice] },
    );
    expect(r.client.authenticated).toBe(true);
    const checks = r.serverEvents.filter((e) => e.type === 'check');
    expect(checks.map((c) => c.type === 'check' && c.method === 'publickey' && c.query)).toEqual([
      true,
      false,
    ]);
    const success = r.serverEvents.find((e) => e.type === 'success');
    expect(success?.type === 'success' && success.publicKey?.equals(alice.publicKey)).toBe(true);
  });

  it('reports the key whose signature verified, not the last one queried (x/crypto CVE-2024-45337)', () => {
    const r = run(
      [
        { type: 'publickey', publicKey: mallory.publicKey },
        { type: 'publickey', publicKey: alice.publicKey },
      ],
      // Mallory's key passes the query but the client cannot sign with it.
      { publicKey: (_u, k, query) => query || k.equals(alice.publicKey) },
      { keys: [alice] },
    );
    const success = r.serverEvents.find((e) => e.type === 'success');
    expect(success?.type === 'success' && success.publicKey?.equals(alice.publicKey)).toBe(true);
  });

  it('refuses a signature over another session id', () => {
    const server = new ServerAuth({ methods: ['publickey'], sessionId });
    server.receive(ServiceRequest.encode({ service: 'ssh-userauth' }));
    const alg = 'ssh-ed25519';
    const forged = alice.sign(
      publicKeySignatureData(new Uint8Array(32), 'alice', 'ssh-connection', alg, alice.publicKey.blob),
      alg,
    );
    server.receive(
      UserauthRequest.encode({
        user: 'alice',
        service: 'ssh-connection',
        method: 'publickey',
        methodData: new SshWriter()
          .boolean(true)
          .string(alg)
          .string(alice.publicKey.blob)
          .string(forged)
          .bytes(),
      }),
    );
    const events = drain(server);
    expect(events.some((e) => e.type === 'check')).toBe(false);
    expect(events.find((e) => e.type === 'failure')).toMatchObject({ reason: 'bad signature' });
  });

  it('refuses an algorithm that does not belong to the key', () => {
    const server = new ServerAuth({ methods: ['publickey'], sessionId });
    server.receive(ServiceRequest.encode({ service: 'ssh-userauth' }));
    server.receive(
      UserauthRequest.encode({
        user: 'alice',
        service: 'ssh-connection',
        method: 'publickey',
        methodData: new SshWriter()
          .boolean(false)
          .string('rsa-sha2-256')
          .string(alice.publicKey.blob)
          .bytes(),
      }),
    );
    expect(drain(server).find((e) => e.type === 'failure')).toMatchObject({
      reason: 'algorithm does not match the key',
    });
  });

  it('echoes the requested algorithm in PK_OK', () => {
    const server = new ServerAuth({ methods: ['publickey'], sessionId });
    server.receive(ServiceRequest.encode({ service: 'ssh-userauth' }));
    server.receive(
      UserauthRequest.encode({
        user: 'alice',
        service: 'ssh-connection',
        method: 'publickey',
        methodData: new SshWriter().boolean(false).string('ssh-ed25519').string(alice.publicKey.blob).bytes(),
      }),
    );
    const check = drain(server).find((e) => e.type === 'check');
    server.answer(check!.type === 'check' ? check!.id : 0, true);
    const sent = [...transmitted(server)];
    expect(UserauthPkOk.decode(sent.at(-1)!)).toEqual({
      algorithm: 'ssh-ed25519',
      key: alice.publicKey.blob,
    });
  });
});

describe('RFC 4252 §8 password and §5.1 partial success', () => {
  it('logs in with the right password and gives up after the attempts allowed', () => {
    const ok = run(
      [{ type: 'password' }],
      { password: (_u, p) => p === 'right' },
      { passwords: ['wrong', 'right'] },
    );
    expect(ok.client.authenticated).toBe(true);
    const bad = run(
      [{ type: 'password', attempts: 2 }],
      { password: () => false },
      { passwords: ['a', 'b', 'c'] },
    );
    expect(bad.client.authenticated).toBe(false);
    const failure = bad.clientEvents.find((e) => e.type === 'failure');
    expect(failure?.type === 'failure' && failure.error.methodsLeft).toEqual(['publickey', 'password']);
  });

  it('supports two factors: publickey, then password', () => {
    const r = run(
      [{ type: 'publickey', publicKey: alice.publicKey }, { type: 'password' }],
      {
        publicKey: (_u, _k, query) => (query ? true : { partial: ['password'] }),
        password: (_u, p) => p === 'second',
      },
      { keys: [alice], passwords: ['second'] },
    );
    expect(r.client.authenticated).toBe(true);
    expect(r.serverEvents.find((e) => e.type === 'success')).toMatchObject({ method: 'password' });
  });

  it('treats an unknown user exactly as a wrong password', () => {
    const replies = (user: string) => {
      const server = new ServerAuth({ methods: ['password'], sessionId });
      server.receive(ServiceRequest.encode({ service: 'ssh-userauth' }));
      server.receive(
        UserauthRequest.encode({
          user,
          service: 'ssh-connection',
          method: 'password',
          methodData: new SshWriter().boolean(false).string('guess').bytes(),
        }),
      );
      const check = drain(server).find((e) => e.type === 'check');
      server.answer(check?.type === 'check' ? check.id : -1, false);
      return [...transmitted(server)];
    };
    expect(replies('nobody')).toEqual(replies('alice'));
  });
});

describe('server policy: banner, MaxAuthTries, order', () => {
  it('sends the banner once, before the first reply', () => {
    const r = run(
      [{ type: 'password' }],
      { password: () => true },
      { passwords: ['x'], server: { banner: 'Hello\n' } },
    );
    expect(r.clientEvents.filter((e) => e.type === 'banner')).toEqual([
      { type: 'banner', message: 'Hello\n' },
    ]);
  });

  it('disconnects with NO_MORE_AUTH_METHODS after MaxAuthTries failures', () => {
    const r = run(
      [{ type: 'password', attempts: 10 }],
      { password: () => false },
      { passwords: Array(10).fill('no'), server: { maxAuthTries: 3 } },
    );
    const fatal = r.serverEvents.find((e) => e.type === 'fatal');
    expect(fatal?.type === 'fatal' && fatal.error.reason).toBe(
      DisconnectReason.NO_MORE_AUTH_METHODS_AVAILABLE,
    );
    expect(r.serverEvents.filter((e) => e.type === 'check')).toHaveLength(3);
  });

  it('answers requests sent ahead of its replies in order (RFC 4252 §5)', () => {
    const server = new ServerAuth({ methods: ['password'], sessionId });
    server.receive(ServiceRequest.encode({ service: 'ssh-userauth' }));
    transmitted(server).next();
    for (const pw of ['a', 'b']) {
      server.receive(
        UserauthRequest.encode({
          user: 'alice',
          service: 'ssh-connection',
          method: 'password',
          methodData: new SshWriter().boolean(false).string(pw).bytes(),
        }),
      );
    }
    const first = drain(server).filter((e) => e.type === 'check');
    expect(first.map((c) => c.type === 'check' && c.method === 'password' && c.password)).toEqual(['a']);
    server.answer(first[0]!.type === 'check' ? first[0]!.id : 0, false);
    const second = drain(server).filter((e) => e.type === 'check');
    expect(second.map((c) => c.type === 'check' && c.method === 'password' && c.password)).toEqual(['b']);
  });
});

describe('hostile clients (libssh CVE-2018-10933, RFC 4253 §10)', () => {
  it.each([
    ['USERAUTH_SUCCESS from a client', [52]],
    [
      'USERAUTH_FAILURE from a client',
      [...UserauthFailure.encode({ methods: ['password'], partialSuccess: false })],
    ],
    [
      'PK_OK from a client',
      [...UserauthPkOk.encode({ algorithm: 'ssh-ed25519', key: alice.publicKey.blob })],
    ],
  ])('disconnects on %s', (_name, bytes) => {
    const server = new ServerAuth({ methods: ['password'], sessionId });
    server.receive(ServiceRequest.encode({ service: 'ssh-userauth' }));
    server.receive(new Uint8Array(bytes));
    const fatal = drain(server).find((e) => e.type === 'fatal');
    expect(fatal?.type === 'fatal' && fatal.error).toBeInstanceOf(SshProtocolError);
    expect(server.authenticated).toBe(false);
  });

  it('refuses USERAUTH_REQUEST before the ssh-userauth service', () => {
    const server = new ServerAuth({ methods: ['password'], sessionId });
    server.receive(
      UserauthRequest.encode({
        user: 'a',
        service: 'ssh-connection',
        method: 'none',
        methodData: new Uint8Array(0),
      }),
    );
    expect(drain(server).some((e) => e.type === 'fatal')).toBe(true);
  });

  it('refuses another service with SERVICE_NOT_AVAILABLE', () => {
    const server = new ServerAuth({ methods: ['password'], sessionId });
    server.receive(ServiceRequest.encode({ service: 'ssh-connection' }));
    const fatal = drain(server).find((e) => e.type === 'fatal');
    expect(fatal?.type === 'fatal' && fatal.error.reason).toBe(DisconnectReason.SERVICE_NOT_AVAILABLE);
  });

  it('never authenticates or throws on arbitrary and mutated requests', () => {
    const valid = UserauthRequest.encode({
      user: 'alice',
      service: 'ssh-connection',
      method: 'publickey',
      methodData: new SshWriter()
        .boolean(true)
        .string('ssh-ed25519')
        .string(alice.publicKey.blob)
        .string(
          alice.sign(
            publicKeySignatureData(sessionId, 'alice', 'ssh-connection', 'ssh-ed25519', alice.publicKey.blob),
            'ssh-ed25519',
          ),
        )
        .bytes(),
    });
    const message = fc.oneof(
      fc.uint8Array({ minLength: 1, maxLength: 200 }),
      fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 1, max: 255 })).map(([at, x]) => {
        const copy = valid.slice();
        copy[at]! ^= x;
        return at === 0 ? copy.subarray(0, 1) : copy;
      }),
    );
    fc.assert(
      fc.property(fc.array(message, { maxLength: 12 }), (messages) => {
        const server = new ServerAuth({ methods: ['publickey', 'password'], sessionId });
        server.receive(ServiceRequest.encode({ service: 'ssh-userauth' }));
        for (const m of messages) server.receive(m);
        for (let e = server.nextEvent(); e; e = server.nextEvent()) {
          // Any credential that reaches policy is answered no: nothing may succeed without it.
          if (e.type === 'check') server.answer(e.id, false);
          expect(e.type).not.toBe('success');
        }
        expect(server.authenticated).toBe(false);
      }),
      { seed: 4252, numRuns: 500 },
    );
  });
});

describe('hostile servers', () => {
  it('disconnects on PK_OK for a key it did not offer, and on unexpected messages', () => {
    const client = new ClientAuth({
      user: 'a',
      methods: [{ type: 'publickey', publicKey: alice.publicKey }],
      sessionId,
    });
    client.receive(ServiceAccept.encode({ service: 'ssh-userauth' }));
    client.receive(UserauthFailure.encode({ methods: ['publickey'], partialSuccess: false }));
    client.receive(UserauthPkOk.encode({ algorithm: 'ssh-ed25519', key: mallory.publicKey.blob }));
    const events = [];
    for (let e = client.nextEvent(); e; e = client.nextEvent()) events.push(e);
    expect(events.find((e) => e.type === 'fatal')).toBeDefined();
  });

  it('passes a banner through as text for the driver to sanitise', () => {
    const client = new ClientAuth({ user: 'a', methods: [], sessionId });
    client.receive(UserauthBanner.encode({ message: '\x1b[2Jhi', language: new Uint8Array(0) }));
    expect(client.nextEvent()).toEqual({ type: 'banner', message: '\x1b[2Jhi' });
  });
});

function drain(server: ServerAuth): ServerAuthEvent[] {
  const out: ServerAuthEvent[] = [];
  for (let e = server.nextEvent(); e; e = server.nextEvent()) out.push(e);
  return out;
}

function* transmitted(server: ServerAuth): Generator<Uint8Array> {
  for (let p = server.pollTransmit(); p; p = server.pollTransmit()) yield p;
}
