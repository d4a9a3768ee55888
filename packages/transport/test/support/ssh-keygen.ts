/**
 * Running the real `ssh-keygen` from tests (DESIGN.md "Testing"): keys are made in a temp dir at
 * test time. Where it is missing the suite is skipped with a loud line, except under `CI=true`,
 * where that is a failure.
 */
import { execFileSync } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, describe, it } from 'vitest';

function locate(): string | undefined {
  const dirs = ['/usr/bin', ...(process.env.PATH ?? '').split(delimiter)];
  for (const dir of dirs) {
    const candidate = join(dir, 'ssh-keygen');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {}
  }
  return undefined;
}

/** Absolute path of ssh-keygen, or undefined. */
export const SSH_KEYGEN = locate();

/** A `describe` that needs ssh-keygen: skipped loudly without it, failed under CI=true. */
export function describeWithSshKeygen(name: string, body: () => void): void {
  if (SSH_KEYGEN !== undefined) {
    describe(name, body);
  } else if (process.env.CI === 'true') {
    describe(name, () => {
      it('needs ssh-keygen (CI=true)', () => {
        throw new Error('ssh-keygen is not installed, and CI=true makes that a failure');
      });
    });
  } else {
    console.warn(`\n!!!!!!!! SKIPPED "${name}": ssh-keygen not found on PATH or in /usr/bin !!!!!!!!\n`);
    describe.skip(name, body);
  }
}

/** Runs ssh-keygen with `args` and returns its stdout. */
export function sshKeygen(args: readonly string[], input?: string | Uint8Array): string {
  if (SSH_KEYGEN === undefined) throw new Error('ssh-keygen is not installed');
  return execFileSync(SSH_KEYGEN, args, {
    encoding: 'utf8',
    input,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/** A fresh temp dir removed after the file's tests. */
export function tempDirForSuite(prefix = 'seashell-keys-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The ssh-keygen `-t`/`-b` pairs for each key type we implement. */
export const KEYGEN_TYPES = [
  { name: 'ed25519', args: ['-t', 'ed25519'], type: 'ssh-ed25519' },
  { name: 'ecdsa-256', args: ['-t', 'ecdsa', '-b', '256'], type: 'ecdsa-sha2-nistp256' },
  { name: 'ecdsa-384', args: ['-t', 'ecdsa', '-b', '384'], type: 'ecdsa-sha2-nistp384' },
  { name: 'ecdsa-521', args: ['-t', 'ecdsa', '-b', '521'], type: 'ecdsa-sha2-nistp521' },
  { name: 'rsa-2048', args: ['-t', 'rsa', '-b', '2048'], type: 'ssh-rsa' },
  { name: 'rsa-3072', args: ['-t', 'rsa', '-b', '3072'], type: 'ssh-rsa' },
] as const;
