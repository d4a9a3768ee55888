/**
 * Our own server for OpenSSH clients to talk to (PROTOCOL-NOTES.md §2.2, direction O→U): in this
 * process, the `Server` with the exec handler `seashell-sshd` uses, on 127.0.0.1 port 0 with host
 * keys and a client key made by `ssh-keygen`; or the `seashell-sshd` program itself.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { findAuthorizedKey, parseAuthorizedKeys, parseOpenSshPrivateKey } from '@seashell/auth';
import {
  currentAccount,
  execHandler,
  Server,
  type ServerOptions,
  subsystemHandler,
} from '@seashell/server/node';
import {
  type KeyFiles,
  requireOpenSSH,
  type SshTarget,
  sshKeygen,
  waitForExit,
  writeKnownHosts,
} from './openssh.js';

/** Keys for a test file's servers, made once: host keys of three types and a client key. */
export interface ServerKeys {
  readonly dir: string;
  readonly hostKeys: { readonly ed25519: KeyFiles; readonly ecdsa: KeyFiles; readonly rsa: KeyFiles };
  /** Listed in {@link ServerKeys.authorizedKeysFile}. */
  readonly clientKey: KeyFiles;
  /** A key that is not authorized. */
  readonly strangerKey: KeyFiles;
  readonly authorizedKeysFile: string;
}

/** Makes the keys with `ssh-keygen` in `dir` (ECDSA P-256, RSA 3072, as PROTOCOL-NOTES.md §2.1). */
export async function makeServerKeys(dir: string): Promise<ServerKeys> {
  const [ed25519, ecdsa, rsa, clientKey, strangerKey] = await Promise.all([
    sshKeygen(dir, 'ed25519', undefined, 'ssh_host_ed25519_key'),
    sshKeygen(dir, 'ecdsa', 256, 'ssh_host_ecdsa_key'),
    sshKeygen(dir, 'rsa', 3072, 'ssh_host_rsa_key'),
    sshKeygen(dir, 'ed25519', undefined, 'id_ed25519'),
    sshKeygen(dir, 'ed25519', undefined, 'id_stranger'),
  ]);
  const authorizedKeysFile = join(dir, 'authorized_keys');
  await writeFile(authorizedKeysFile, `${clientKey.publicKeyLine}\n`, { mode: 0o600 });
  return { dir, hostKeys: { ed25519, ecdsa, rsa }, clientKey, strangerKey, authorizedKeysFile };
}

/** A running in-process server. */
export interface SeashellServer extends AsyncDisposable {
  readonly server: Server;
  readonly port: number;
  /** The password accepted for any user name. */
  readonly password: string;
  /** known_hosts trusting the three host keys at `[127.0.0.1]:port`. */
  readonly knownHostsFile: string;
  /** What `runSsh` needs to log in with the client key. */
  readonly target: SshTarget;
  stop(): Promise<void>;
}

let servers = 0;

/**
 * Starts `Server` with every host key, publickey against the authorized_keys file, a password, the
 * exec handler (shell /bin/bash, HOME the keys' directory, AcceptEnv SSHTEST_*) and the sftp-server
 * subsystem.
 * `overrides` are laid over those options.
 */
export async function startSeashellServer(
  keys: ServerKeys,
  overrides: Partial<ServerOptions> = {},
): Promise<SeashellServer> {
  const hostKeys = Object.values(keys.hostKeys).map(
    (k) => parseOpenSshPrivateKey(readFileSync(k.privateKey, 'utf8')).privateKey,
  );
  const authorized = parseAuthorizedKeys(readFileSync(keys.authorizedKeysFile, 'utf8')).entries;
  const password = `pw-${process.pid}-${++servers}`;
  // The same shell whatever the user's login shell is here, and a HOME that is not the real ~.
  const account = { ...currentAccount(), home: keys.dir, shell: '/bin/bash' };
  const handlerOptions = { account, acceptEnv: ['SSHTEST_*'] };
  const server = new Server({
    hostKeys,
    publicKeyHandler: (ctx, key) => {
      const match = findAuthorizedKey(authorized, key, {
        user: ctx.user,
        remoteAddress: ctx.remoteAddress,
        now: Date.now(),
      });
      return match.status === 'allowed' ? match.permissions : false;
    },
    passwordHandler: (_ctx, offered) => offered === password,
    handler: execHandler(handlerOptions),
    subsystemHandlers: { sftp: subsystemHandler(requireOpenSSH().sftpServer, handlerOptions) },
    loginGraceTimeMs: 20_000,
    ...overrides,
  });
  const { port } = await server.listen(0, '127.0.0.1');
  const knownHostsFile = join(keys.dir, `known_hosts-${port}`);
  await writeKnownHosts(
    knownHostsFile,
    port,
    Object.values(keys.hostKeys).map((k) => k.publicKeyLine),
  );
  const stop = (): Promise<void> => server.shutdown();
  return {
    server,
    port,
    password,
    knownHostsFile,
    target: { port, dir: keys.dir, identityFile: keys.clientKey.privateKey, knownHostsFile },
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

/** The built `seashell-sshd` program, found through the package's `bin` field. */
export function seashellSshdPath(): string {
  const require = createRequire(import.meta.url);
  const manifest = require.resolve('@seashell/server/package.json');
  const { bin } = JSON.parse(readFileSync(manifest, 'utf8')) as { bin: Record<string, string> };
  return join(dirname(manifest), bin['seashell-sshd']!);
}

/** A `seashell-sshd` process that has printed its listening line. */
export interface SeashellSshdProcess {
  readonly child: ChildProcessWithoutNullStreams;
  readonly port: number;
  stdout(): string;
  stderr(): string;
  /** SIGTERM, then SIGKILL after `timeoutMs`; resolves with how it ended. */
  stop(timeoutMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const liveDaemons = new Set<ChildProcessWithoutNullStreams>();
process.once('exit', () => {
  for (const child of liveDaemons) child.kill('SIGKILL');
});

/**
 * Runs `seashell-sshd ARGS` (give `-p 0`) and waits for "listening on ADDR port N"; rejects with
 * its output if it exits or stays silent for `timeoutMs` first.
 */
export function startSeashellSshd(args: readonly string[], timeoutMs = 10_000): Promise<SeashellSshdProcess> {
  const child = spawn(process.execPath, [seashellSshdPath(), ...args], { stdio: 'pipe' });
  liveDaemons.add(child);
  child.once('exit', () => liveDaemons.delete(child));
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => {
    out += s;
  });
  child.stderr.setEncoding('utf8').on('data', (s: string) => {
    err += s;
  });
  const stop = async (ms = 5000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> => {
    child.kill('SIGTERM');
    return waitForExit(child, ms).catch(() => {
      child.kill('SIGKILL');
      return waitForExit(child, ms);
    });
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`seashell-sshd did not listen within ${timeoutMs} ms\n${out}\n${err}`));
    }, timeoutMs);
    const onData = (): void => {
      const m = /listening on \S+ port (\d+)\n/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      child.stdout.off('data', onData);
      resolve({ child, port: Number(m[1]), stdout: () => out, stderr: () => err, stop });
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`seashell-sshd exited (${code}) before listening\n${out}\n${err}`));
    });
  });
}
