/**
 * Identity files as ssh(1) loads them (sshconnect2.c load_identity_file): any key format, the
 * public half offered before the passphrase is asked for, "Enter passphrase for key 'PATH': ",
 * another try after a wrong passphrase, an empty answer or BatchMode skipping the key.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  formatOpenSshPrivateKey,
  formatPemPrivateKey,
  formatPpkPrivateKey,
  formatPublicKeyFile,
} from '@seashell/auth';
import { generateKey } from '@seashell/transport';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { CliLog } from '../src/node/cli-log.js';
import { loadIdentities } from '../src/node/identities.js';

const dir = mkdtempSync(join(tmpdir(), 'seashell-identities-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const key = generateKey('ecdsa-sha2-nistp256');
const data = Uint8Array.of(1, 2, 3);

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text, { mode: 0o600 });
  return path;
}

function logger() {
  const lines: string[] = [];
  return { lines, log: new CliLog('DEBUG1', (t) => lines.push(t.trimEnd())) };
}

describe('loadIdentities', () => {
  it('reads plain keys of every format without asking', async () => {
    const ask = vi.fn(async () => 'x');
    const paths = [
      file('plain_openssh', formatOpenSshPrivateKey(key)),
      file('plain_sec1', formatPemPrivateKey(key, { format: 'sec1' })),
      file('plain_pkcs8', formatPemPrivateKey(key)),
      file('plain.ppk', formatPpkPrivateKey(key)),
    ];
    const ids = await loadIdentities(paths, true, logger().log, { askPassphrase: ask });
    expect(ids.map((i) => i.path)).toEqual(paths);
    for (const id of ids) expect(id.publicKey.verify(data, (await id.privateKey())!.sign(data))).toBe(true);
    expect(ask).not.toHaveBeenCalled();
  });

  it('offers an encrypted key by its public half and asks only when the key is used, again after a wrong answer', async () => {
    const path = file('enc_openssh', formatOpenSshPrivateKey(key, { passphrase: 'right', rounds: 1 }));
    const answers = ['wrong', 'right'];
    const ask = vi.fn(async () => answers.shift());
    const { lines, log } = logger();
    const [id] = await loadIdentities([path], true, log, { askPassphrase: ask, attempts: 3 });
    expect(id!.publicKey.equals(key.publicKey)).toBe(true);
    expect(ask).not.toHaveBeenCalled();
    const privateKey = await id!.privateKey();
    expect(privateKey!.publicKey.equals(key.publicKey)).toBe(true);
    expect(ask.mock.calls).toEqual([
      [`Enter passphrase for key '${path}': `],
      [`Enter passphrase for key '${path}': `],
    ]);
    expect(lines).toContain('debug1: bad passphrase given, try again...');
    // Unlocked once, then kept.
    await id!.privateKey();
    expect(ask).toHaveBeenCalledTimes(2);
  });

  it('gives up after NumberOfPasswordPrompts wrong answers, or at an empty one', async () => {
    const path = file('enc_give_up', formatOpenSshPrivateKey(key, { passphrase: 'right', rounds: 1 }));
    const wrong = vi.fn(async () => 'wrong');
    const [a] = await loadIdentities([path], true, logger().log, { askPassphrase: wrong, attempts: 2 });
    expect(await a!.privateKey()).toBeUndefined();
    expect(wrong).toHaveBeenCalledTimes(2);
    const empty = vi.fn(async () => '');
    const [b] = await loadIdentities([path], true, logger().log, { askPassphrase: empty, attempts: 3 });
    expect(await b!.privateKey()).toBeUndefined();
    expect(empty).toHaveBeenCalledTimes(1);
  });

  it('under BatchMode (no prompt) an encrypted key is offered but never unlocked', async () => {
    const path = file(
      'enc_batch.ppk',
      formatPpkPrivateKey(key, { passphrase: 'pw', argon2: { memoryKiB: 32, passes: 1 } }),
    );
    const [id] = await loadIdentities([path], true, logger().log, {});
    expect(id!.publicKey.equals(key.publicKey)).toBe(true);
    expect(await id!.privateKey()).toBeUndefined();
  });

  it('an encrypted PEM key takes its public half from KEY.pub, or is unlocked at load without one', async () => {
    const withPub = file('enc_pem', formatPemPrivateKey(key, { format: 'sec1', passphrase: 'pw' }));
    file('enc_pem.pub', formatPublicKeyFile(key.publicKey, 'openssh', 'c'));
    const ask = vi.fn(async () => 'pw');
    const [lazy] = await loadIdentities([withPub], true, logger().log, { askPassphrase: ask });
    expect(ask).not.toHaveBeenCalled();
    expect((await lazy!.privateKey())!.publicKey.equals(key.publicKey)).toBe(true);
    const noPub = file('enc_pkcs8_nopub', formatPemPrivateKey(key, { passphrase: 'pw', iterations: 10 }));
    const ask2 = vi.fn(async () => 'pw');
    const [eager] = await loadIdentities([noPub], true, logger().log, { askPassphrase: ask2 });
    expect(ask2).toHaveBeenCalledTimes(1);
    expect(eager!.publicKey.equals(key.publicKey)).toBe(true);
  });

  it('reports files it cannot read as ssh does, and goes on', async () => {
    const { lines, log } = logger();
    const bad = file('garbage', 'not a key\n');
    const ids = await loadIdentities([bad, join(dir, 'missing')], true, log, {});
    expect(ids).toEqual([]);
    expect(lines[0]).toMatch(new RegExp(`^Load key "${bad}": invalid format`));
    expect(lines[1]).toBe(
      `Warning: Identity file ${join(dir, 'missing')} not accessible: No such file or directory.`,
    );
  });
});
