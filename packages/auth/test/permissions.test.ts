/**
 * Permissions through ServerAuth: what a verdict grants reaches the success event, merged over
 * the factors of a multi-factor login, and source-address / from= are enforced for every method
 * (x/crypto CVE-2026-46595, CVE-2026-56854, CVE-2026-39828); certificates offered by ClientAuth.
 */
import {
  CertifiedPrivateKey,
  createCertificate,
  generateEd25519Key,
  type PrivateKey,
} from '@seashell/transport';
import { describe, expect, it } from 'vitest';
import { ClientAuth, type ClientAuthMethod } from '../src/client-auth.js';
import {
  mergePermissions,
  type Permissions,
  PermissionsConflictError,
  unrestrictedPermissions,
} from '../src/permissions.js';
import {
  type AuthVerdict,
  ServerAuth,
  type ServerAuthConfig,
  type ServerAuthEvent,
} from '../src/server-auth.js';
import { rsaKey } from './support/keys.js';

const sessionId = new Uint8Array(32).fill(7);
const alice = generateEd25519Key(() => new Uint8Array(32).fill(1));
const ca = generateEd25519Key(() => new Uint8Array(32).fill(9));

const perms = (
  critical: Record<string, string> = {},
  extensions = ['permit-pty'],
  extra: Partial<Permissions> = {},
): Permissions => ({
  criticalOptions: new Map(Object.entries(critical)),
  extensions: new Map(extensions.map((e) => [e, ''])),
  ...extra,
});

/** A client and a server machine run against each other; `verdict` answers every check. */
function run(
  methods: ClientAuthMethod[],
  verdict: (e: Extract<ServerAuthEvent, { type: 'check' }>) => AuthVerdict,
  options: { keys?: PrivateKey[]; server?: Partial<ServerAuthConfig>; serverSigAlgs?: string } = {},
) {
  const server = new ServerAuth({ methods: ['publickey', 'password'], sessionId, ...options.server });
  const client = new ClientAuth({ user: 'alice', methods, sessionId });
  if (options.serverSigAlgs) client.setServerSigAlgs(new TextEncoder().encode(options.serverSigAlgs));
  const events: ServerAuthEvent[] = [];
  const offered: string[] = [];
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
      events.push(e);
      if (e.type === 'check') server.answer(e.id, verdict(e));
    }
    for (let e = client.nextEvent(); e; e = client.nextEvent()) {
      moved = true;
      if (e.type === 'password') client.answerPassword(e.id, 'pw');
      if (e.type === 'sign') {
        offered.push(e.algorithm);
        const key = options.keys?.find((k) => k.publicKey.equals(e.publicKey));
        client.answerSignature(e.id, key?.sign(e.data, e.algorithm));
      }
    }
  }
  const success = events.find((e) => e.type === 'success');
  const failures = events
    .filter((e) => e.type === 'failure')
    .map((e) => (e.type === 'failure' ? e.reason : ''));
  return { client, success: success?.type === 'success' ? success : undefined, failures, offered };
}

describe('permissions from a verdict', () => {
  it('reaches the success event; true means unrestricted', () => {
    const p = perms({ 'force-command': 'id' });
    const r = run([{ type: 'password' }], () => ({ permissions: p }), {
      server: { remoteAddress: '127.0.0.1' },
    });
    expect(r.success?.permissions).toBe(p);
    const plain = run([{ type: 'password' }], () => true);
    expect(plain.success?.permissions).toEqual(unrestrictedPermissions());
  });

  it('enforces source-address for password logins too, and denies without a client address', () => {
    const far = () => ({ permissions: perms({ 'source-address': '10.0.0.0/8' }) });
    const local = run([{ type: 'password', attempts: 1 }], far, { server: { remoteAddress: '127.0.0.1' } });
    expect(local.client.authenticated).toBe(false);
    expect(local.failures).toContain('source-address does not allow 127.0.0.1');
    const inside = run([{ type: 'password' }], far, { server: { remoteAddress: '10.1.2.3' } });
    expect(inside.client.authenticated).toBe(true);
    const unknown = run([{ type: 'password', attempts: 1 }], far);
    expect(unknown.client.authenticated).toBe(false);
    expect(unknown.failures).toContain('source-address cannot be evaluated for this client');
    const empty = run(
      [{ type: 'password', attempts: 1 }],
      () => ({ permissions: perms({ 'source-address': '' }) }),
      {
        server: { remoteAddress: '127.0.0.1' },
      },
    );
    expect(empty.client.authenticated).toBe(false);
  });

  it('enforces from= and source-address for publickey, before PK_OK', () => {
    const r = run(
      [{ type: 'publickey', publicKey: alice.publicKey }],
      () => ({ permissions: perms({}, [], { from: '192.168.*' }) }),
      { keys: [alice], server: { remoteAddress: '127.0.0.1' } },
    );
    expect(r.client.authenticated).toBe(false);
    // Refused at the query: the client was never asked to sign.
    expect(r.offered).toEqual([]);
    expect(r.failures).toEqual(['none is not allowed', 'from= does not allow 127.0.0.1']);
  });

  it('enforces source-address on an open server (none)', () => {
    const server = new ServerAuth({ methods: [], sessionId, allowNone: true, remoteAddress: 'garbage' });
    const client = new ClientAuth({ user: 'u', methods: [], sessionId });
    for (let p = client.pollTransmit(); p; p = client.pollTransmit()) server.receive(p);
    for (let p = server.pollTransmit(); p; p = server.pollTransmit()) client.receive(p);
    for (let p = client.pollTransmit(); p; p = client.pollTransmit()) server.receive(p);
    const events: ServerAuthEvent[] = [];
    for (let e = server.nextEvent(); e; e = server.nextEvent()) events.push(e);
    // Nothing restricts an anonymous login, so an odd address does not matter.
    expect(events.map((e) => e.type)).toEqual(['success']);
  });

  it('merges the factors of a multi-factor login, most restrictive; conflicting forced commands refuse', () => {
    const factors = (second: Permissions) =>
      run(
        [{ type: 'publickey', publicKey: alice.publicKey }, { type: 'password' }],
        (e) =>
          e.method === 'publickey'
            ? {
                partial: ['password'],
                permissions: perms({ 'force-command': 'id' }, ['permit-pty', 'permit-user-rc']),
              }
            : { permissions: second },
        { keys: [alice], server: { remoteAddress: '127.0.0.1' } },
      );
    const ok = factors(perms({ 'source-address': '127.0.0.1' }, ['permit-pty', 'permit-port-forwarding']));
    expect(ok.success?.method).toBe('password');
    expect([...ok.success!.permissions.extensions.keys()]).toEqual(['permit-pty']);
    expect([...ok.success!.permissions.criticalOptions]).toEqual([
      ['force-command', 'id'],
      ['source-address', '127.0.0.1'],
    ]);
    const conflict = factors(perms({ 'force-command': 'other' }));
    expect(conflict.client.authenticated).toBe(false);
    expect(conflict.failures).toContain('forced commands do not match');
    // A first factor from the wrong address never becomes a partial success.
    const far = run(
      [{ type: 'password', attempts: 1 }],
      () => ({ partial: ['publickey'], permissions: perms({ 'source-address': '10.0.0.0/8' }) }),
      { server: { remoteAddress: '127.0.0.1' } },
    );
    expect(far.failures).toContain('source-address does not allow 127.0.0.1');
  });

  it('mergePermissions keeps what both grant and adds up environment', () => {
    const a = perms({}, ['permit-pty', 'permit-agent-forwarding'], {
      environment: ['A=1'],
      permitOpen: ['h:1', 'h:2'],
    });
    const b = perms({ 'verify-required': '' }, ['permit-pty'], {
      environment: ['B=2'],
      permitOpen: ['h:2'],
      from: '1.2.3.4',
    });
    const m = mergePermissions(a, b);
    expect([...m.extensions.keys()]).toEqual(['permit-pty']);
    expect(m.environment).toEqual(['A=1', 'B=2']);
    expect(m.permitOpen).toEqual(['h:2']);
    expect(m.from).toBe('1.2.3.4');
    expect(m.criticalOptions.get('verify-required')).toBe('');
    expect(() => mergePermissions(perms({ 'force-command': 'a' }), perms({ 'force-command': 'b' }))).toThrow(
      PermissionsConflictError,
    );
  });
});

describe('certificates in publickey authentication', () => {
  it('offers a certificate under its algorithm, accepted by default, even when server-sig-algs lists only plain names', () => {
    for (const key of [alice, rsaKey(1024)]) {
      const cert = createCertificate({ key: key.publicKey, certType: 'user', principals: ['alice'] }, ca);
      const certified = new CertifiedPrivateKey(key, cert);
      const seen: string[] = [];
      const r = run(
        [{ type: 'publickey', publicKey: cert }],
        (e) => {
          if (e.method === 'publickey') seen.push(e.publicKey.type);
          return e.method === 'publickey' && e.publicKey.equals(cert);
        },
        { keys: [certified], serverSigAlgs: 'ssh-ed25519,rsa-sha2-256,rsa-sha2-512' },
      );
      expect(r.client.authenticated).toBe(true);
      expect(r.offered).toEqual([cert.signatureAlgorithms[0]]);
      expect(seen).toEqual([cert.type, cert.type]);
      expect(r.success?.publicKey?.equals(cert)).toBe(true);
    }
  });

  it('picks rsa-sha2-256-cert when the server lists only rsa-sha2-256', () => {
    const key = rsaKey(1024);
    const cert = createCertificate({ key: key.publicKey, certType: 'user' }, ca);
    const r = run([{ type: 'publickey', publicKey: cert }], () => true, {
      keys: [new CertifiedPrivateKey(key, cert)],
      serverSigAlgs: 'rsa-sha2-256',
    });
    expect(r.offered).toEqual(['rsa-sha2-256-cert-v01@openssh.com']);
  });

  it('refuses a certificate algorithm the server was told not to accept', () => {
    const cert = createCertificate({ key: alice.publicKey, certType: 'user' }, ca);
    const r = run([{ type: 'publickey', publicKey: cert }], () => true, {
      keys: [new CertifiedPrivateKey(alice, cert)],
      server: { publicKeyAlgorithms: ['ssh-ed25519'] },
    });
    expect(r.client.authenticated).toBe(false);
    expect(r.failures.at(-1)).toMatch(/algorithm ssh-ed25519-cert-v01@openssh.com not accepted/);
  });
});
