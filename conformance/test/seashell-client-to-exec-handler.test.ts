/**
 * What OpenSSH's ssh cannot ask for, through our own client against the exec handler: `signal`
 * requests (RFC 4254 §6.9) reach the process group, `window-change` (§6.7) resizes the pty, and
 * many sessions share one connection.
 */
import { connect } from '@seashell/client/node';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeOpenSSH, makeTempDir, type TempDir } from './support/openssh.js';
import { makeServerKeys, type SeashellServer, startSeashellServer } from './support/seashell-server.js';

/** Resolves with everything `readable` has produced once it contains `text`. */
function readUntil(readable: NodeJS.ReadableStream, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    readable.on('data', (chunk: Buffer) => {
      seen += chunk.toString('utf8');
      if (seen.includes(text)) resolve(seen);
    });
    readable.once('end', () => reject(new Error(`ended before "${text}": ${seen}`)));
  });
}

// The server's keys come from ssh-keygen, and its sftp subsystem is OpenSSH's sftp-server.
describeOpenSSH('Seashell client -> exec handler', () => {
  let tmp: TempDir;
  let ours: SeashellServer;
  const login = () =>
    connect({
      port: ours.port,
      username: 'tester',
      auth: [{ type: 'password', password: ours.password }],
      hostKey: () => true,
      timeoutMs: 10_000,
    });

  beforeAll(async () => {
    tmp = await makeTempDir('seashell-c2exec-');
    ours = await startSeashellServer(await makeServerKeys(tmp.path));
  });
  afterAll(async () => {
    await ours?.stop();
    await tmp?.remove();
  });

  it('passes a signal request to the process group, and reports the death by signal', async () => {
    await using client = await login();
    const session = await client.session();
    const ready = readUntil(session.stdout, 'ready');
    // The shell waits on a child: TERM must reach the whole group for the shell to die of it.
    await session.exec('echo ready; sleep 30; echo not killed');
    await ready;
    session.signal('TERM');
    expect(await session.wait()).toMatchObject({ exitSignal: { name: 'TERM' } });
  });

  it('ignores signal names outside RFC 4254 §6.10', async () => {
    await using client = await login();
    const session = await client.session();
    const ready = readUntil(session.stdout, 'ready');
    await session.exec('trap "exit 0" INT; echo ready; read line; exit 3');
    await ready;
    session.signal('STOP');
    session.stdin.end('line\n');
    expect(await session.wait()).toEqual({ exitStatus: 3 });
  });

  it('resizes the pty on window-change', async () => {
    await using client = await login();
    const session = await client.session();
    expect(await session.requestPty({ columns: 90, rows: 30 })).toBe(true);
    const first = readUntil(session.stdout, '30 90');
    await session.exec("trap 'stty size; exit 0' WINCH; stty size; while :; do sleep 0.05; done");
    await first;
    const second = readUntil(session.stdout, '50 132');
    session.windowChange(132, 50);
    await second;
    expect(await session.wait()).toEqual({ exitStatus: 0 });
  });

  it('runs 10 sessions at once on one connection', async () => {
    await using client = await login();
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        client.exec(`head -c ${i * 100_000} /dev/zero | wc -c; exit ${i}`),
      ),
    );
    results.forEach((r, i) => {
      expect(new TextDecoder().decode(r.stdout).trim()).toBe(String(i * 100_000));
      expect(r.exitStatus).toBe(i);
    });
  });
});
