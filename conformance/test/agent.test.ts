/**
 * The ssh-agent protocol against OpenSSH 9.2 (PROTOCOL-NOTES §2.2 "Agent"), both ways:
 *
 * - our `AgentClient` ↔ `ssh-agent -D`: keys added by `ssh-add` listed, signatures with flags
 *   0/2/4 verified, keys added (with a lifetime), removed, locked and unlocked from our side and
 *   seen by `ssh-add -l`, session-bind accepted;
 * - OpenSSH's tools ↔ our `AgentKeyring` on a socket: `ssh-add key`, `-l/-L/-d/-D/-t/-T/-x/-X`,
 *   `-c` refused, `ssh-keygen -Y sign -U` then `-Y verify`;
 * - logins through an agent: `ssh -o IdentityAgent=OURS` into sshd (9.2 binds the session
 *   first), `seashell` with a key held by OpenSSH's agent (IdentitiesOnly with only a .pub, and
 *   IdentityAgent=none), and `seashell` with our keyring and an RSA key signing rsa-sha2-256.
 */
import { chmod, copyFile, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import {
  type AgentClient,
  AgentFailureError,
  AgentKeyring,
  formatPublicKeyLine,
  parseOpenSshPrivateKey,
  parsePublicKeyLine,
} from '@seashell/auth';
import { type AgentServer, connectAgent, listenAgent } from '@seashell/auth/node';
import {
  decodeSignatureBlob,
  fingerprintSha256,
  generateKey,
  type PrivateKey,
  type PublicKey,
} from '@seashell/transport';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  describeOpenSSH,
  type KeyFiles,
  makeTempDir,
  requireOpenSSH,
  runProcess,
  runSsh,
  type SshAgent,
  type Sshd,
  sshAdd,
  sshKeygen,
  startSshAgent,
  startSshd,
  type TempDir,
} from './support/openssh.js';

const SEASHELL = resolve(import.meta.dirname, '../../packages/client/dist/bin/seashell.js');
const text = (b: Buffer) => b.toString('utf8');

/** Our keyring, recording the flags of every signature it is asked for. */
class RecordingKeyring extends AgentKeyring {
  readonly flags: number[] = [];
  override sign(key: PublicKey | Uint8Array, data: Uint8Array, flags = 0): Uint8Array | undefined {
    this.flags.push(flags);
    return super.sign(key, data, flags);
  }
}

describeOpenSSH('the ssh-agent protocol against OpenSSH 9.2', () => {
  let dir: TempDir;
  let keys: { ed25519: KeyFiles; ecdsa: KeyFiles; rsa: KeyFiles };
  let openssh: SshAgent;
  let keyring: RecordingKeyring;
  let ours: AgentServer;
  let sshd: Sshd;

  beforeAll(async () => {
    dir = await makeTempDir('seashell-agent-');
    const [ed25519, ecdsa, rsa] = await Promise.all([
      sshKeygen(dir.path, 'ed25519'),
      sshKeygen(dir.path, 'ecdsa', 384),
      sshKeygen(dir.path, 'rsa', 2048),
    ]);
    keys = { ed25519, ecdsa, rsa };
    [openssh, sshd] = await Promise.all([startSshAgent(dir.path), startSshd()]);
    keyring = new RecordingKeyring({ now: Date.now });
    ours = await listenAgent(keyring, { path: join(dir.path, 'seashell-agent.sock') });
  });
  afterAll(async () => {
    await ours?.close();
    await openssh?.stop();
    await sshd?.stop();
    await dir?.remove();
  });

  async function privateKey(files: KeyFiles) {
    return parseOpenSshPrivateKey(await readFile(files.privateKey, 'utf8'));
  }
  async function publicKey(files: KeyFiles): Promise<PublicKey> {
    return parsePublicKeyLine(await readFile(files.publicKey, 'utf8')).key;
  }
  /** `ssh-keygen -l -f KEY.pub`: the line `ssh-add -l` prints for the key. */
  async function fingerprintLine(files: KeyFiles): Promise<string> {
    const r = await runProcess(requireOpenSSH().sshKeygen, ['-l', '-f', files.publicKey]);
    return text(r.stdout).trim();
  }
  /** Waits, with a deadline, until `check` holds. */
  async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 10_000) {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`still not ${what} after ${timeoutMs} ms`);
      await delay(100);
    }
  }

  describe('our AgentClient ↔ ssh-agent -D', () => {
    let agent: AgentClient;
    beforeAll(async () => {
      agent = await connectAgent({ path: openssh.socket });
    });
    afterAll(() => agent?.close());

    it('lists the keys ssh-add put there, with their comments', async () => {
      const added = await sshAdd(openssh.socket, [
        keys.ed25519.privateKey,
        keys.ecdsa.privateKey,
        keys.rsa.privateKey,
      ]);
      expect(added.code).toBe(0);
      const listed = await agent.list();
      expect(listed.map((k) => k.comment)).toEqual([
        'seashell-test-ed25519',
        'seashell-test-ecdsa',
        'seashell-test-rsa',
      ]);
      for (const [i, files] of [keys.ed25519, keys.ecdsa, keys.rsa].entries())
        expect(listed[i]?.publicKey?.equals(await publicKey(files))).toBe(true);
    });

    it('signs with flags 0, 2 and 4 for RSA (ssh-rsa, rsa-sha2-256, rsa-sha2-512), and ed25519 and ECDSA', async () => {
      const data = new TextEncoder().encode('signed by ssh-agent');
      const rsa = await publicKey(keys.rsa);
      for (const algorithm of ['ssh-rsa', 'rsa-sha2-256', 'rsa-sha2-512']) {
        const signature = await agent.sign(rsa, data, algorithm);
        expect(decodeSignatureBlob(signature).algorithm).toBe(algorithm);
        expect(rsa.verify(data, signature, [algorithm])).toBe(true);
      }
      for (const files of [keys.ed25519, keys.ecdsa]) {
        const key = await publicKey(files);
        expect(key.verify(data, await agent.sign(key, data))).toBe(true);
      }
      await expect(agent.sign(generateKey('ssh-ed25519').publicKey, data)).rejects.toBeInstanceOf(
        AgentFailureError,
      );
    });

    it('keys we add, remove and lock are what ssh-add -l shows', async () => {
      await agent.removeAll();
      expect(text((await sshAdd(openssh.socket, ['-l'])).stdout)).toBe('The agent has no identities.\n');
      const rsa = await privateKey(keys.rsa);
      const ed = generateKey('ssh-ed25519');
      await agent.add(rsa.privateKey, { comment: 'rsa from seashell', lifetimeSeconds: 600 });
      await agent.add(ed, { comment: 'ed25519 from seashell' });
      const l = await sshAdd(openssh.socket, ['-l']);
      expect(text(l.stdout)).toBe(
        `${(await fingerprintLine(keys.rsa)).replace('seashell-test-rsa', 'rsa from seashell')}\n` +
          `256 ${fingerprintSha256(ed.publicKey)} ed25519 from seashell (ED25519)\n`,
      );
      expect(text((await sshAdd(openssh.socket, ['-L'])).stdout)).toContain(
        `${formatPublicKeyLine(ed.publicKey, 'ed25519 from seashell')}\n`,
      );

      await agent.remove(rsa.privateKey.publicKey);
      expect(text((await sshAdd(openssh.socket, ['-l'])).stdout)).not.toContain('rsa from seashell');

      await agent.lock('correct horse');
      expect(text((await sshAdd(openssh.socket, ['-l'])).stdout)).toBe('The agent has no identities.\n');
      await expect(agent.unlock('wrong horse')).rejects.toBeInstanceOf(AgentFailureError);
      await agent.unlock('correct horse');
      expect(text((await sshAdd(openssh.socket, ['-l'])).stdout)).toContain('ed25519 from seashell');
      await agent.removeAll();
    });

    it('ssh-agent forgets a key we added with a lifetime when the time is up', async () => {
      const key = generateKey('ecdsa-sha2-nistp256');
      await agent.add(key, { comment: 'short-lived', lifetimeSeconds: 1 });
      expect((await agent.list()).map((k) => k.comment)).toEqual(['short-lived']);
      await eventually(async () => (await agent.list()).length === 0, 'expired');
    });

    it('binds the session (session-bind@openssh.com) and has no query extension in 9.2', async () => {
      const host = generateKey('ssh-ed25519');
      const sessionId = crypto.getRandomValues(new Uint8Array(32));
      await agent.sessionBind({
        hostKey: host.publicKey,
        sessionId,
        signature: host.sign(sessionId),
        forwarding: true,
      });
      const forged = host.sign(new Uint8Array(32));
      await expect(
        agent.sessionBind({
          hostKey: host.publicKey,
          sessionId: new Uint8Array(32).fill(1),
          signature: forged,
          forwarding: true,
        }),
      ).rejects.toBeInstanceOf(AgentFailureError);
      await expect(agent.query()).rejects.toBeInstanceOf(AgentFailureError);
    });
  });

  describe('OpenSSH tools ↔ our AgentKeyring', () => {
    const add = (args: string[], env?: NodeJS.ProcessEnv) => sshAdd(ours.path, args, env ? { env } : {});

    it('ssh-add key, -l, -L show what ssh-keygen shows', async () => {
      const r = await add([keys.ed25519.privateKey, keys.rsa.privateKey]);
      expect([r.code, text(r.stderr)]).toEqual([
        0,
        `Identity added: ${keys.ed25519.privateKey} (seashell-test-ed25519)\nIdentity added: ${keys.rsa.privateKey} (seashell-test-rsa)\n`,
      ]);
      const l = await add(['-l']);
      expect(text(l.stdout)).toBe(
        `${await fingerprintLine(keys.ed25519)}\n${await fingerprintLine(keys.rsa)}\n`,
      );
      const L = await add(['-L']);
      expect(text(L.stdout)).toBe(
        `${(await readFile(keys.ed25519.publicKey, 'utf8')).trim()}\n${(await readFile(keys.rsa.publicKey, 'utf8')).trim()}\n`,
      );
    });

    it('ssh-add -T test-signs with each key', async () => {
      for (const files of [keys.ed25519, keys.rsa]) expect((await add(['-T', files.publicKey])).code).toBe(0);
    });

    it('ssh-keygen -Y sign -U signs through our agent and -Y verify accepts it', async () => {
      const { sshKeygen: keygen } = requireOpenSSH();
      for (const files of [keys.ed25519, keys.rsa]) {
        const data = join(dir.path, `message-${files === keys.rsa ? 'rsa' : 'ed25519'}.txt`);
        await writeFile(data, 'signed through the seashell agent\n');
        const signed = await runProcess(
          keygen,
          ['-Y', 'sign', '-U', '-f', files.publicKey, '-n', 'file', data],
          {
            env: { SSH_AUTH_SOCK: ours.path },
          },
        );
        expect([signed.code, text(signed.stderr)]).toEqual([
          0,
          `Signing file ${data}\nWrite signature to ${data}.sig\n`,
        ]);
        const allowed = join(dir.path, 'allowed_signers');
        await writeFile(allowed, `tester@example.com ${(await readFile(files.publicKey, 'utf8')).trim()}\n`);
        const verified = await runProcess(
          keygen,
          ['-Y', 'verify', '-f', allowed, '-I', 'tester@example.com', '-n', 'file', '-s', `${data}.sig`],
          { stdin: await readFile(data) },
        );
        expect([verified.code, text(verified.stdout)]).toEqual([
          0,
          `Good "file" signature for tester@example.com with ${files === keys.rsa ? 'RSA' : 'ED25519'} key ${fingerprintSha256(await publicKey(files))}\n`,
        ]);
      }
    });

    it('ssh-add -d removes one key, -D all of them', async () => {
      expect((await add(['-d', keys.rsa.privateKey])).code).toBe(0);
      expect(keyring.list().map((k) => k.comment)).toEqual(['seashell-test-ed25519']);
      const D = await add(['-D']);
      expect([D.code, text(D.stderr)]).toEqual([0, 'All identities removed.\n']);
      const l = await add(['-l']);
      expect([l.code, text(l.stdout)]).toEqual([1, 'The agent has no identities.\n']);
    });

    it('ssh-add -t 60 gives the key a lifetime; ssh-add -c is refused, not ignored', async () => {
      const before = Date.now();
      const t = await add(['-t', '60', keys.ecdsa.privateKey]);
      expect([t.code, text(t.stderr)]).toEqual([
        0,
        `Identity added: ${keys.ecdsa.privateKey} (seashell-test-ecdsa)\nLifetime set to 60 seconds\n`,
      ]);
      const [entry] = keyring.list();
      expect(entry?.expiresAt).toBeGreaterThanOrEqual(before + 60_000);
      expect(entry?.expiresAt).toBeLessThanOrEqual(Date.now() + 60_000);

      const c = await add(['-c', keys.ed25519.privateKey]);
      expect(c.code).not.toBe(0);
      expect(text(c.stderr)).toContain(
        `Could not add identity "${keys.ed25519.privateKey}": agent refused operation`,
      );
      expect(keyring.list().map((k) => k.comment)).toEqual(['seashell-test-ecdsa']);
    });

    it('ssh-add -x locks our agent and -X unlocks it (passphrase through SSH_ASKPASS)', async () => {
      const askpass = join(dir.path, 'askpass.sh');
      await writeFile(askpass, '#!/bin/sh\necho lock-passphrase\n');
      await chmod(askpass, 0o700);
      const env = { SSH_ASKPASS: askpass, SSH_ASKPASS_REQUIRE: 'force' };
      const x = await add(['-x'], env);
      expect([x.code, text(x.stderr)]).toEqual([0, 'Agent locked.\n']);
      expect(keyring.locked).toBe(true);
      expect(text((await add(['-l'])).stdout)).toBe('The agent has no identities.\n');
      const X = await add(['-X'], env);
      expect([X.code, text(X.stderr)]).toEqual([0, 'Agent unlocked.\n']);
      expect(text((await add(['-l'])).stdout)).toContain('seashell-test-ecdsa');
      await add(['-D']);
    });
  });

  describe('logging in through an agent', () => {
    let clientKey: PrivateKey;
    beforeAll(async () => {
      clientKey = (await privateKey(sshd.clientKey)).privateKey;
      // The RSA key may log in too, for the rsa-sha2-256 case.
      await writeFile(
        join(sshd.dir, 'authorized_keys'),
        `${sshd.clientKey.publicKeyLine}\n${keys.rsa.publicKeyLine}\n`,
        { mode: 0o600 },
      );
    });

    it('ssh -o IdentityAgent=OURS logs into sshd with a key only our agent holds', async () => {
      keyring.add(clientKey, { comment: 'held by seashell' });
      const r = await runSsh(['echo agent-login'], {
        ...sshd.target,
        identityFile: undefined,
        flags: ['-o', `IdentityAgent=${ours.path}`, '-o', 'IdentitiesOnly=no'],
      });
      expect([r.code, text(r.stdout)]).toEqual([0, 'agent-login\n']);
      // 9.2 binds the agent connection to the session before it signs.
      expect(r.log).toContain('bound agent to hostkey');
      expect(r.log).toMatch(/Server accepts key: held by seashell ED25519 SHA256:\S+ agent/);
      expect(sshd.log()).toContain(`Accepted publickey for `);
      keyring.removeAll();
    });

    /** The seashell CLI against sshd, isolated from ~/.ssh. */
    function seashell(args: readonly string[], env: NodeJS.ProcessEnv) {
      return runProcess(
        process.execPath,
        [
          SEASHELL,
          '-F',
          'none',
          '-p',
          String(sshd.port),
          '-o',
          `UserKnownHostsFile=${sshd.knownHostsFile}`,
          '-o',
          'GlobalKnownHostsFile=/dev/null',
          '-o',
          'BatchMode=yes',
          ...args,
        ],
        { env, timeoutMs: 30_000 },
      );
    }

    it('seashell logs into sshd with a key held in OpenSSH’s ssh-agent (SSH_AUTH_SOCK)', async () => {
      expect((await sshAdd(openssh.socket, [sshd.clientKey.privateKey])).code).toBe(0);
      const env = { SSH_AUTH_SOCK: openssh.socket };
      const r = await seashell(
        ['-v', '-o', 'IdentityFile=none', '127.0.0.1', 'echo from-openssh-agent'],
        env,
      );
      expect([r.code, text(r.stdout)]).toEqual([0, 'from-openssh-agent\n']);
      expect(text(r.stderr)).toContain(
        `Will attempt key: seashell-test-ed25519 ssh-ed25519 ${fingerprintSha256(clientKey.publicKey)} agent`,
      );

      // IdentitiesOnly: the agent key is offered because a .pub names it, though no private file exists.
      const only = join(dir.path, 'only-the-pub');
      await copyFile(sshd.clientKey.publicKey, `${only}.pub`);
      const o = await seashell(['-v', '-o', 'IdentitiesOnly=yes', '-i', only, '127.0.0.1', 'echo only'], env);
      expect([o.code, text(o.stdout)]).toEqual([0, 'only\n']);
      expect(text(o.stderr)).toContain(`Will attempt key: ${only} ssh-ed25519`);
      // ssh warns of a missing identity file only when its .pub is missing too.
      expect(text(o.stderr)).not.toMatch(/^Warning: Identity file/m);

      // IdentitiesOnly with another identity file: the agent's key is not offered.
      const other = await seashell(
        ['-o', 'IdentitiesOnly=yes', '-i', keys.ecdsa.privateKey, '127.0.0.1', 'true'],
        env,
      );
      expect(other.code).toBe(255);
      expect(text(other.stderr)).toContain('Permission denied (publickey');

      // IdentityAgent=none: no agent, no key.
      const none = await seashell(
        ['-o', 'IdentityAgent=none', '-o', 'IdentityFile=none', '127.0.0.1', 'true'],
        env,
      );
      expect(none.code).toBe(255);
      await sshAdd(openssh.socket, ['-D']);
    });

    it('seashell -o IdentityAgent=OURS signs rsa-sha2-256 when that is the accepted algorithm', async () => {
      keyring.add((await privateKey(keys.rsa)).privateKey, { comment: 'rsa in seashell' });
      keyring.flags.length = 0;
      const r = await seashell(
        [
          '-o',
          `IdentityAgent=${ours.path}`,
          '-o',
          'PubkeyAcceptedAlgorithms=rsa-sha2-256',
          '127.0.0.1',
          'echo rsa',
        ],
        {},
      );
      expect([r.code, text(r.stdout)]).toEqual([0, 'rsa\n']);
      expect(keyring.flags).toEqual([2]);
      expect(sshd.log()).toMatch(/Accepted publickey for \S+ from 127\.0\.0\.1 port \d+ ssh2: RSA SHA256/);
      keyring.removeAll();
    });
  });
});
