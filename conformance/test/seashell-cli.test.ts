/**
 * The `seashell` program against peers a test controls: Seashell's own server, whose password
 * handler sees every attempt (so no system account has to be set up for sshd), and raw sockets
 * that stay silent or misbehave. Password authentication (RFC 4252 §8) as ssh(1) drives it
 * (SSH_ASKPASS, NumberOfPasswordPrompts, BatchMode), ConnectTimeout, and what is printed of
 * peer-supplied text (banners, DISCONNECT descriptions): sanitised, and hidden by -q.
 */
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server as NetServer, type Socket } from 'node:net';
import { join, resolve } from 'node:path';
import { formatPublicKeyLine } from '@seashell/auth';
import { Server } from '@seashell/server/node';
import { generateEd25519Key, SshWriter } from '@seashell/transport';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, runProcess, type TempDir } from './support/openssh.js';

/** How the server's banner (with a screen clear and a title change in it) must reach stderr. */
const BANNER_SHOWN = 'Welcome \\x1b[2J\\x1b]0;pwned\\x07 to the test server\n';
const SEASHELL = resolve(import.meta.dirname, '../../packages/client/dist/bin/seashell.js');

describe('the seashell program against peers a test controls', () => {
  let dir: TempDir;
  let server: Server;
  let port: number;
  let knownHosts: string;
  const attempts: string[] = [];

  beforeAll(async () => {
    dir = await makeTempDir('seashell-cli-password-');
    const hostKey = generateEd25519Key();
    server = new Server({
      hostKeys: [hostKey],
      banner: 'Welcome \x1b[2J\x1b]0;pwned\x07 to the test server\r\n',
      passwordHandler: (ctx, password) => {
        attempts.push(`${ctx.user}:${password}`);
        return ctx.user === 'alice' && password === 'right horse';
      },
      handler: async (session) => {
        session.stdout.write(`hello ${session.user}: ${session.command.join(' ')}\n`);
        await session.exit(0);
      },
    });
    port = (await server.listen(0, '127.0.0.1')).port;
    knownHosts = join(dir.path, 'known_hosts');
    await writeFile(knownHosts, `[127.0.0.1]:${port} ${formatPublicKeyLine(hostKey.publicKey)}\n`);
  });
  afterAll(async () => {
    await server?.close();
    await dir?.remove();
  });

  /** An askpass program that answers `answers` in turn and logs each prompt it was given. */
  async function askpass(
    name: string,
    answers: readonly string[],
  ): Promise<{ path: string; prompts: string }> {
    const path = join(dir.path, name);
    const prompts = `${path}.prompts`;
    const counter = `${path}.count`;
    const cases = answers.map((a, i) => `  ${i}) printf '%s\\n' '${a}' ;;`).join('\n');
    await writeFile(
      path,
      `#!/bin/sh\nprintf '%s\\n' "$1" >> '${prompts}'\nn=$(cat '${counter}' 2>/dev/null || echo 0)\necho $((n + 1)) > '${counter}'\ncase $n in\n${cases}\n  *) exit 1 ;;\nesac\n`,
    );
    await chmod(path, 0o700);
    return { path, prompts };
  }

  function seashell(args: readonly string[], env: NodeJS.ProcessEnv = {}, serverPort = port) {
    return runProcess(
      process.execPath,
      [
        SEASHELL,
        '-F',
        'none',
        '-p',
        String(serverPort),
        '-o',
        `UserKnownHostsFile=${knownHosts}`,
        '-o',
        'GlobalKnownHostsFile=/dev/null',
        '-o',
        'IdentityFile=none',
        ...args,
      ],
      { env: { SSH_ASKPASS_REQUIRE: 'force', DISPLAY: '', ...env }, timeoutMs: 30_000 },
    );
  }

  it("asks SSH_ASKPASS with ssh's prompt and logs in with the answer", async () => {
    const program = await askpass('askpass-right', ['right horse']);
    attempts.length = 0;
    const r = await seashell(['alice@127.0.0.1', 'echo', 'hi'], { SSH_ASKPASS: program.path });
    expect([r.code, r.stdout.toString()]).toEqual([0, 'hello alice: echo hi\n']);
    expect(attempts).toEqual(['alice:right horse']);
    expect(await readFile(program.prompts, 'utf8')).toBe("alice@127.0.0.1's password: \n");
  });

  it('tries NumberOfPasswordPrompts times, then Permission denied and 255', async () => {
    const program = await askpass('askpass-wrong', ['wrong 1', 'wrong 2', 'wrong 3']);
    attempts.length = 0;
    const r = await seashell(['-o', 'NumberOfPasswordPrompts=2', 'alice@127.0.0.1', 'true'], {
      SSH_ASKPASS: program.path,
    });
    expect([r.code, r.stderr.toString()]).toEqual([
      255,
      `${BANNER_SHOWN}Permission denied, please try again.\nalice@127.0.0.1: Permission denied (password).\n`,
    ]);
    expect(attempts).toEqual(['alice:wrong 1', 'alice:wrong 2']);
  });

  it('a cancelled askpass (non-zero exit) gives up on the password', async () => {
    const program = await askpass('askpass-cancel', []);
    attempts.length = 0;
    const r = await seashell(['alice@127.0.0.1', 'true'], { SSH_ASKPASS: program.path });
    expect(r.code).toBe(255);
    expect(attempts).toEqual([]);
  });

  it('BatchMode=yes never asks', async () => {
    const program = await askpass('askpass-batch', ['right horse']);
    attempts.length = 0;
    const r = await seashell(['-o', 'BatchMode=yes', 'alice@127.0.0.1', 'true'], {
      SSH_ASKPASS: program.path,
    });
    expect([r.code, r.stderr.toString()]).toEqual([
      255,
      `${BANNER_SHOWN}alice@127.0.0.1: Permission denied (password).\n`,
    ]);
    expect(attempts).toEqual([]);
    await expect(readFile(program.prompts, 'utf8')).rejects.toThrow(/ENOENT/);
  });

  it('prints the banner with its control characters escaped, and not at all with -q', async () => {
    const program = await askpass('askpass-banner', ['right horse', 'right horse']);
    const r = await seashell(['alice@127.0.0.1', 'true'], { SSH_ASKPASS: program.path });
    expect(r.code).toBe(0);
    expect(r.stderr.toString()).toBe(BANNER_SHOWN);
    const quiet = await seashell(['-q', 'alice@127.0.0.1', 'true'], { SSH_ASKPASS: program.path });
    expect([quiet.code, quiet.stderr.toString()]).toEqual([0, '']);
  });

  it('ConnectTimeout: a server that accepts and never speaks is given up on', async () => {
    await withRawServer(
      () => {},
      async (silentPort) => {
        const started = Date.now();
        const r = await seashell(['-o', 'ConnectTimeout=1', 'alice@127.0.0.1', 'true'], {}, silentPort);
        expect([r.code, r.stderr.toString()]).toEqual([
          255,
          `seashell: connect to host 127.0.0.1 port ${silentPort}: Connection timed out during the SSH handshake\n`,
        ]);
        expect(Date.now() - started).toBeLessThan(10_000);
      },
    );
  });

  it('a DISCONNECT is reported in one line with the description sanitised', async () => {
    await withRawServer(
      (socket) => {
        socket.write('SSH-2.0-Hostile_1.0\r\n');
        const payload = new SshWriter().byte(1).uint32(2).string('go away \x1b[2J now').string('').bytes();
        socket.end(plainPacket(payload));
      },
      async (hostilePort) => {
        const r = await seashell(['alice@127.0.0.1', 'true'], {}, hostilePort);
        expect(r.code).toBe(255);
        expect(r.stderr.toString()).toBe(
          `Received disconnect from 127.0.0.1 port ${hostilePort}:2: go away \\x1b[2J now\nDisconnected from 127.0.0.1 port ${hostilePort} (PROTOCOL_ERROR)\n`,
        );
      },
    );
  });

  it('a server that hangs up at once: "Connection closed by", exit 255', async () => {
    await withRawServer(
      (socket) => socket.end(),
      async (rudePort) => {
        const r = await seashell(['alice@127.0.0.1', 'true'], {}, rudePort);
        expect([r.code, r.stderr.toString()]).toEqual([
          255,
          `Connection closed by 127.0.0.1 port ${rudePort}\n`,
        ]);
      },
    );
  });
});

/** A TCP server on 127.0.0.1 whose connections `onConnection` handles, for the length of `body`. */
async function withRawServer(
  onConnection: (socket: Socket) => void,
  body: (port: number) => Promise<void>,
): Promise<void> {
  const sockets = new Set<Socket>();
  const server: NetServer = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    onConnection(socket);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  try {
    await body(address.port);
  } finally {
    for (const socket of sockets) socket.destroy();
    await new Promise((done) => server.close(done));
  }
}

/** An unencrypted binary packet (RFC 4253 §6): length, padding length, payload, 4+ bytes of padding. */
function plainPacket(payload: Uint8Array): Uint8Array {
  let padding = 8 - ((5 + payload.length) % 8);
  if (padding < 4) padding += 8;
  return new SshWriter()
    .uint32(1 + payload.length + padding)
    .byte(padding)
    .raw(payload)
    .raw(new Uint8Array(padding))
    .bytes();
}
