/**
 * Certificates and permissions through the Node `Server` and our own `connect()`: user
 * certificates (trustedUserCAKeys, certChecker), the permissions a session carries and the server
 * honours (pty refused without permit-pty, forced command with SSH_ORIGINAL_COMMAND), source-address
 * for every method, RevokedKeys, and host certificates served and checked.
 */
import { CertChecker, type Permissions, unrestrictedPermissions } from '@seashell/auth';
import { type ConnectOptions, connect } from '@seashell/client/node';
import {
  type CertificateTemplate,
  createCertificate,
  generateKey,
  type PrivateKey,
  type PublicKey,
} from '@seashell/transport';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Server, type ServerOptions } from '../src/node/server.js';
import type { Session } from '../src/node/session.js';

const fixed = (n: number) => (len: number) => new Uint8Array(len).fill(n);
let hostKey: PrivateKey;
let userCa: PrivateKey;
let hostCa: PrivateKey;
let alice: PrivateKey;
beforeAll(() => {
  hostKey = generateKey('ssh-ed25519', fixed(1));
  userCa = generateKey('ssh-ed25519', fixed(2));
  hostCa = generateKey('ecdsa-sha2-nistp256', fixed(3));
  alice = generateKey('ssh-ed25519', fixed(4));
});

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.shutdown()));
});

interface Seen {
  permissions?: Permissions;
  command?: string;
  original?: string | undefined;
  pty?: boolean;
}

/** A server whose handler reports what it saw and echoes the command it was given. */
async function start(options: Partial<ServerOptions>, seen: Seen = {}): Promise<number> {
  const server = new Server({
    hostKeys: [hostKey],
    handler: async (session: Session) => {
      seen.permissions = session.permissions;
      seen.command = session.rawCommand;
      seen.original = session.originalCommand;
      seen.pty = session.pty() !== undefined;
      session.stdout.write(`ran: ${session.rawCommand}\n`);
      await session.exit(0);
    },
    ...options,
  } as ServerOptions);
  servers.push(server);
  return (await server.listen(0, '127.0.0.1')).port;
}

const userCert = (t: Partial<CertificateTemplate> = {}) =>
  createCertificate({ key: alice.publicKey, certType: 'user', principals: ['alice'], ...t }, userCa);

function login(port: number, extra: Partial<ConnectOptions> = {}) {
  return connect({
    port,
    username: 'alice',
    hostKey: (key: PublicKey) => key.equals(hostKey.publicKey),
    timeoutMs: 10_000,
    ...extra,
  });
}

describe('user certificates on the Node server', () => {
  it('logs in with a certificate of a trusted CA; its extensions become the session permissions', async () => {
    const seen: Seen = {};
    const port = await start({ trustedUserCAKeys: [userCa.publicKey] }, seen);
    const cert = userCert({ extensions: [{ name: 'permit-pty' }, { name: 'permit-port-forwarding' }] });
    await using client = await login(port, { auth: [{ type: 'publickey', key: alice, certificate: cert }] });
    const r = await client.exec('echo hi');
    expect(new TextDecoder().decode(r.stdout)).toBe('ran: echo hi\n');
    expect([...seen.permissions!.extensions.keys()]).toEqual(['permit-port-forwarding', 'permit-pty']);
  });

  it('refuses a wrong principal, an expired certificate, another CA, and a plain key without a handler', async () => {
    const port = await start({ trustedUserCAKeys: [userCa.publicKey] });
    const now = BigInt(Math.floor(Date.now() / 1000));
    for (const certificate of [
      userCert({ principals: ['bob'] }),
      userCert({ validBefore: now - 10n }),
      userCert({ validAfter: now + 3600n }),
      createCertificate({ key: alice.publicKey, certType: 'user', principals: ['alice'] }, hostCa),
    ]) {
      await expect(login(port, { auth: [{ type: 'publickey', key: alice, certificate }] })).rejects.toThrow(
        /authentication failed/,
      );
    }
    await expect(login(port, { auth: [{ type: 'publickey', key: alice }] })).rejects.toThrow(
      /authentication failed/,
    );
  });

  it('runs the forced command with the original one kept, and refuses a pty without permit-pty', async () => {
    const seen: Seen = {};
    const port = await start({ trustedUserCAKeys: [userCa.publicKey] }, seen);
    const cert = userCert({
      criticalOptions: [{ name: 'force-command', value: 'echo forced' }],
      extensions: [],
    });
    await using client = await login(port, { auth: [{ type: 'publickey', key: alice, certificate: cert }] });
    const session = await client.session();
    expect(await session.requestPty()).toBe(false);
    await session.exec('rm -rf /');
    const info = await session.wait();
    expect(info.exitStatus).toBe(0);
    expect(seen).toMatchObject({ command: 'echo forced', original: 'rm -rf /', pty: false });
  });

  it("enforces source-address from a certificate (certChecker) and from a password handler's permissions", async () => {
    const checker = new CertChecker({ now: Date.now, isUserAuthority: (ca) => ca.equals(userCa.publicKey) });
    const far: Permissions = {
      ...unrestrictedPermissions(),
      criticalOptions: new Map([['source-address', '10.0.0.0/8']]),
    };
    const near: Permissions = {
      ...unrestrictedPermissions(),
      criticalOptions: new Map([['source-address', '127.0.0.0/8']]),
    };
    const port = await start({
      certChecker: checker,
      passwordHandler: (_ctx, password) => (password === 'far' ? far : password === 'near' ? near : false),
    });
    const cert = userCert({ criticalOptions: [{ name: 'source-address', value: '10.0.0.0/8' }] });
    await expect(
      login(port, { auth: [{ type: 'publickey', key: alice, certificate: cert }] }),
    ).rejects.toThrow(/authentication failed/);
    await expect(login(port, { auth: [{ type: 'password', password: 'far' }] })).rejects.toThrow(
      /authentication failed/,
    );
    await using ok = await login(port, { auth: [{ type: 'password', password: 'near' }] });
    expect(ok.closed).toBe(false);
  });

  it('asks isRevoked about every key, certificates included', async () => {
    const revoked = new Set<string>();
    const port = await start({
      trustedUserCAKeys: [userCa.publicKey],
      publicKeyHandler: () => true,
      isRevoked: (key) => revoked.has(key.type),
    });
    const cert = userCert();
    await (await login(port, { auth: [{ type: 'publickey', key: alice, certificate: cert }] })).close();
    revoked.add(cert.type);
    await expect(
      login(port, { auth: [{ type: 'publickey', key: alice, certificate: cert }] }),
    ).rejects.toThrow(/authentication failed/);
    await (await login(port, { auth: [{ type: 'publickey', key: alice }] })).close();
  });
});

describe('host certificates on the Node server', () => {
  const hostCert = (principals = ['127.0.0.1']) =>
    createCertificate({ key: hostKey.publicKey, certType: 'host', principals }, hostCa);

  it('serves the certificate to a client that asks for it, and the plain key to one that does not', async () => {
    const port = await start({ hostCertificates: [hostCert()], passwordHandler: () => true });
    const checker = new CertChecker({
      now: Date.now,
      isHostAuthority: (ca, host) => ca.equals(hostCa.publicKey) && host === '127.0.0.1',
    });
    let algorithm = '';
    await using certified = await login(port, {
      auth: [{ type: 'password', password: 'x' }],
      algorithms: { hostKey: ['ssh-ed25519-cert-v01@openssh.com', 'ssh-ed25519'] },
      hostKey: (key, info) => {
        algorithm = info.algorithm;
        return checker.hostKeyCallback()(key, info);
      },
    });
    expect(algorithm).toBe('ssh-ed25519-cert-v01@openssh.com');
    expect(certified.hostKey?.type).toBe('ssh-ed25519-cert-v01@openssh.com');
    await using plain = await login(port, { auth: [{ type: 'password', password: 'x' }] });
    expect(plain.hostKey?.equals(hostKey.publicKey)).toBe(true);
    // A certificate that does not name the host is refused by the checker.
    const strict = new CertChecker({ now: Date.now, isHostAuthority: () => true });
    await expect(
      login(port, {
        host: 'localhost',
        auth: [{ type: 'password', password: 'x' }],
        algorithms: { hostKey: ['ssh-ed25519-cert-v01@openssh.com'] },
        hostKey: strict.hostKeyCallback(),
      }),
    ).rejects.toThrow();
  });

  it('refuses a host certificate for no host key, or a user certificate', () => {
    const other = generateKey('ssh-ed25519', fixed(8));
    const stray = createCertificate({ key: other.publicKey, certType: 'host' }, hostCa);
    expect(
      () => new Server({ hostKeys: [hostKey], hostCertificates: [stray], allowAnonymous: true }),
    ).toThrow(/no host key for the ssh-ed25519 host certificate/);
    const user = createCertificate({ key: hostKey.publicKey, certType: 'user' }, hostCa);
    expect(() => new Server({ hostKeys: [hostKey], hostCertificates: [user], allowAnonymous: true })).toThrow(
      /is a user certificate/,
    );
  });
});
