/**
 * The OpenSSH interop harness, one import for test files: finding OpenSSH (skip or fail), keys,
 * a private sshd, the ssh and sftp clients, child processes and payloads. PROTOCOL-NOTES.md §2.1
 * is the recipe it follows. Everything but the vitest glue lives in `src/support/`, which the
 * benchmark (`pnpm bench`) uses too.
 *
 * @example
 * describeOpenSSH('exec against sshd 9.2', () => {
 *   let sshd: Sshd;
 *   beforeAll(async () => { sshd = await startSshd(); });
 *   afterAll(() => sshd?.stop());
 *   it('runs a command', async () => {
 *     expect((await runSsh(['exit 3'], sshd.target)).code).toBe(3);
 *   });
 * });
 */
import { describe, it } from 'vitest';
import { opensshVerdictHere } from '../../src/support/binaries.js';

export * from '../../src/support/openssh.js';

/**
 * `describe` for a block of interop tests: skipped with a loud line when OpenSSH is missing, and a
 * failing test named after the problem when that happens on CI.
 */
export function describeOpenSSH(name: string, body: () => void): void {
  let skip: boolean;
  try {
    skip = opensshVerdictHere() === 'skip';
  } catch (error) {
    describe(name, () => {
      it('finds OpenSSH', () => {
        throw error;
      });
    });
    return;
  }
  describe.skipIf(skip)(name, body);
}
