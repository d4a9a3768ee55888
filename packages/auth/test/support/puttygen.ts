/**
 * Running PuTTY's `puttygen` (Debian `putty-tools`) from tests, guarded as ssh-keygen is: where
 * it is missing the suite is skipped with a loud line, except under `CI=true`, where that is a
 * failure. The PPK fixtures in test/fixtures/ppk cover reading without it.
 */
import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { describe, it } from 'vitest';

function locate(): string | undefined {
  for (const dir of ['/usr/bin', ...(process.env.PATH ?? '').split(delimiter)]) {
    const candidate = join(dir, 'puttygen');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {}
  }
  return undefined;
}

export const PUTTYGEN = locate();

/** A `describe` that needs puttygen: skipped loudly without it, failed under CI=true. */
export function describeWithPuttygen(name: string, body: () => void): void {
  if (PUTTYGEN !== undefined) describe(name, body);
  else if (process.env.CI === 'true') {
    describe(name, () => {
      it('needs puttygen (CI=true)', () => {
        throw new Error(
          'puttygen is not installed (apt-get install putty-tools), and CI=true makes that a failure',
        );
      });
    });
  } else {
    console.warn(`\n!!!!!!!! SKIPPED "${name}": puttygen not found (apt-get install putty-tools) !!!!!!!!\n`);
    describe.skip(name, body);
  }
}

/** Runs puttygen with `args` and returns its stdout. */
export function puttygen(args: readonly string[]): string {
  if (PUTTYGEN === undefined) throw new Error('puttygen is not installed');
  return execFileSync(PUTTYGEN, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}
