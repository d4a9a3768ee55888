/**
 * Finding the OpenSSH programs, and the rule for when they are missing (DESIGN.md "Testing"):
 * interop tests are skipped with one loud line, except under `CI=true`, where that is a failure.
 * No test framework here: the benchmark uses this too; `describeOpenSSH` lives in test/support.
 */
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';

/** Absolute paths of the OpenSSH programs the harness runs. */
export interface OpenSshBinaries {
  /** Absolute, as sshd's re-exec requires. */
  readonly sshd: string;
  readonly ssh: string;
  readonly sshKeygen: string;
  readonly sftp: string;
  readonly sftpServer: string;
}

const CANDIDATES: Record<keyof OpenSshBinaries, readonly string[]> = {
  sshd: ['/usr/sbin/sshd'],
  ssh: ['ssh'],
  sshKeygen: ['ssh-keygen'],
  sftp: ['sftp'],
  sftpServer: ['/usr/lib/openssh/sftp-server', '/usr/lib/sftp-server'],
};

function findExecutable(candidates: readonly string[]): string | undefined {
  const dirs = (process.env.PATH ?? '').split(':').filter((dir) => dir !== '');
  for (const dir of ['/usr/bin', '/usr/sbin']) if (!dirs.includes(dir)) dirs.push(dir);
  for (const name of candidates) {
    const paths = name.startsWith('/') ? [name] : dirs.map((dir) => join(dir, name));
    for (const path of paths) {
      try {
        accessSync(path, constants.X_OK);
        return path;
      } catch {
        // not here; try the next place
      }
    }
  }
  return undefined;
}

function locate(): { binaries?: OpenSshBinaries; missing: string[] } {
  const found: Partial<Record<keyof OpenSshBinaries, string>> = {};
  const missing: string[] = [];
  for (const [key, candidates] of Object.entries(CANDIDATES) as [
    keyof OpenSshBinaries,
    readonly string[],
  ][]) {
    const path = findExecutable(candidates);
    if (path === undefined) missing.push(candidates.join(' or '));
    else found[key] = path;
  }
  return missing.length === 0 ? { binaries: found as OpenSshBinaries, missing } : { missing };
}

const located = locate();

/** True when every OpenSSH program the harness needs is installed. */
export function opensshAvailable(): boolean {
  return located.binaries !== undefined;
}

/** `true` when interop tests must be skipped (OpenSSH missing and not on CI); for `it.skipIf`. */
export const skipOpenSSH: boolean = !opensshAvailable() && process.env.CI !== 'true';

/**
 * What to do about OpenSSH: `'run'`, `'skip'` (after one loud warning), or throw on CI.
 * Exported with its inputs so the rule itself is testable without uninstalling OpenSSH.
 */
export function opensshVerdict(missing: readonly string[], ci: boolean): 'run' | 'skip' {
  if (missing.length === 0) return 'run';
  const what = `OpenSSH interop: missing ${missing.join(', ')} (apt-get install openssh-server openssh-client openssh-sftp-server)`;
  if (ci) throw new Error(`CI=true and ${what}`);
  return 'skip';
}

let warned = false;
/** {@link opensshVerdict} for this machine, warning once when it says skip; throws on CI. */
export function opensshVerdictHere(): 'run' | 'skip' {
  const result = opensshVerdict(located.missing, process.env.CI === 'true');
  if (result === 'skip' && !warned) {
    warned = true;
    console.warn(`SKIPPING OpenSSH interop: missing ${located.missing.join(', ')}`);
  }
  return result;
}

/**
 * The OpenSSH programs, for use inside a test. Missing programs throw on CI; elsewhere they warn and
 * skip the test through `ctx.skip()`.
 *
 * @example
 * it('talks to sshd', async (ctx) => { const { ssh } = requireOpenSSH(ctx); … });
 */
export function requireOpenSSH(ctx?: { skip(note?: string): never }): OpenSshBinaries {
  if (opensshVerdictHere() === 'run' && located.binaries !== undefined) return located.binaries;
  if (ctx !== undefined) ctx.skip('OpenSSH is not installed');
  throw new Error('OpenSSH is not installed');
}
