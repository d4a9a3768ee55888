/**
 * Scratch directories and test payloads. Directories are private (0700: sshd and ssh refuse keys and
 * configs others can read) and are removed when the test is done, or at the latest when the worker
 * process exits.
 */
import { createHash, randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { chmod, mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A private temporary directory; `await using dir = await makeTempDir()` removes it. */
export interface TempDir extends AsyncDisposable {
  readonly path: string;
  /** Removes the directory and everything in it; safe to call twice. */
  remove(): Promise<void>;
}

const liveDirs = new Set<string>();
process.once('exit', () => {
  for (const path of liveDirs) rmSync(path, { recursive: true, force: true });
});

/**
 * Creates a mode-0700 directory under the system temp dir.
 *
 * @example
 * const dir = await makeTempDir();
 * try { … } finally { await dir.remove(); }
 */
export async function makeTempDir(prefix = 'seashell-'): Promise<TempDir> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  await chmod(path, 0o700);
  liveDirs.add(path);
  const remove = async (): Promise<void> => {
    liveDirs.delete(path);
    await rm(path, { recursive: true, force: true });
  };
  return { path, remove, [Symbol.asyncDispose]: remove };
}

/**
 * SHA-256 of bytes or of everything a stream yields, as lowercase hex.
 *
 * @example
 * expect(await sha256(createReadStream(copy))).toBe(await sha256(original));
 */
export async function sha256(
  data: Uint8Array | string | AsyncIterable<Uint8Array | string>,
): Promise<string> {
  const hash = createHash('sha256');
  if (typeof data === 'string' || data instanceof Uint8Array) hash.update(data);
  else for await (const chunk of data) hash.update(chunk);
  return hash.digest('hex');
}

/** Writes `size` random bytes to `path` (mode 0600) and returns their SHA-256 in hex. */
export async function randomBytesFile(path: string, size: number): Promise<string> {
  const hash = createHash('sha256');
  const file = await open(path, 'w', 0o600);
  try {
    for (let written = 0; written < size; ) {
      const chunk = randomBytes(Math.min(1 << 20, size - written));
      hash.update(chunk);
      // FileHandle.write may write less than asked; writeFile loops until all of it is out.
      await file.writeFile(chunk);
      written += chunk.length;
    }
  } finally {
    await file.close();
  }
  return hash.digest('hex');
}
