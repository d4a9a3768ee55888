/**
 * Keys made by OpenSSH's own `ssh-keygen`, and known_hosts lines for them (PROTOCOL-NOTES.md §2.1).
 */
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { requireOpenSSH } from './binaries.js';
import { runProcess } from './process.js';

/** Key types `ssh-keygen -t` makes for the harness. */
export type KeyType = 'ed25519' | 'ecdsa' | 'rsa';

/** A key pair on disk. */
export interface KeyFiles {
  /** Private key, openssh-key-v1, no passphrase, mode 0600. */
  readonly privateKey: string;
  readonly publicKey: string;
  /** `type base64` from the `.pub` file, without the comment. */
  readonly publicKeyLine: string;
}

/**
 * Makes a key pair with `ssh-keygen -q -t TYPE [-b BITS] -N ''` in `dir`. The file is named
 * `name` (default `id_TYPE` or `id_TYPE_BITS`); it must not exist yet.
 *
 * @example
 * const { privateKey, publicKeyLine } = await sshKeygen(dir, 'ecdsa', 384);
 */
export async function sshKeygen(dir: string, type: KeyType, bits?: number, name?: string): Promise<KeyFiles> {
  const { sshKeygen: keygen } = requireOpenSSH();
  const privateKey = join(dir, name ?? (bits === undefined ? `id_${type}` : `id_${type}_${bits}`));
  const args = ['-q', '-t', type, ...(bits === undefined ? [] : ['-b', String(bits)])];
  const result = await runProcess(keygen, [
    ...args,
    '-N',
    '',
    '-C',
    `seashell-test-${type}`,
    '-f',
    privateKey,
  ]);
  if (result.code !== 0) {
    throw new Error(
      `ssh-keygen ${args.join(' ')} failed (${result.code}): ${result.stderr.toString('utf8')}`,
    );
  }
  // ssh and sshd ignore a private key others can read ("UNPROTECTED PRIVATE KEY FILE").
  await chmod(privateKey, 0o600);
  const publicKey = `${privateKey}.pub`;
  return { privateKey, publicKey, publicKeyLine: await readPublicKeyLine(publicKey) };
}

/** Reads an OpenSSH `.pub` file and returns `type base64`, dropping the comment. */
export async function readPublicKeyLine(path: string): Promise<string> {
  const text = await readFile(path, 'utf8');
  const [type, blob] = text.trim().split(/\s+/);
  if (type === undefined || blob === undefined) throw new Error(`${path} is not an OpenSSH public key`);
  return `${type} ${blob}`;
}

/**
 * A known_hosts line for `publicKeyLine` at `host:port`: OpenSSH looks up `[host]:port` for a
 * port other than 22 and the bare host for 22.
 */
export function knownHostsLine(port: number, publicKeyLine: string, host = '127.0.0.1'): string {
  return `${port === 22 ? host : `[${host}]:${port}`} ${publicKeyLine}`;
}

/** Writes a known_hosts file (mode 0600) trusting `publicKeyLines` at `host:port`. */
export async function writeKnownHosts(
  path: string,
  port: number,
  publicKeyLines: readonly string[],
  host = '127.0.0.1',
): Promise<void> {
  const lines = publicKeyLines.map((line) => `${knownHostsLine(port, line, host)}\n`);
  await writeFile(path, lines.join(''), { mode: 0o600 });
}
