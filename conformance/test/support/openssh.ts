/**
 * The OpenSSH interop harness, one import for test files: finding OpenSSH (skip or fail), keys,
 * a private sshd, the ssh and sftp clients, child processes and payloads. PROTOCOL-NOTES.md §2.1
 * is the recipe it follows.
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
export {
  describeOpenSSH,
  type OpenSshBinaries,
  opensshAvailable,
  opensshVerdict,
  requireOpenSSH,
  skipOpenSSH,
} from './binaries.js';
export { makeTempDir, randomBytesFile, sha256, type TempDir } from './files.js';
export {
  type KeyFiles,
  type KeyType,
  knownHostsLine,
  readPublicKeyLine,
  sshKeygen,
  writeKnownHosts,
} from './keys.js';
export {
  describeCommand,
  type ProcessResult,
  ProcessTimeoutError,
  type RunOptions,
  runProcess,
  type StdinSource,
  waitForExit,
} from './process.js';
export {
  isolationOptions,
  runSftp,
  runSsh,
  type SpawnedSsh,
  type SshOptions,
  type SshResult,
  type SshTarget,
  spawnSsh,
} from './ssh.js';
export { alive, descendants, freePort, type Sshd, type SshdOptions, startSshd } from './sshd.js';
