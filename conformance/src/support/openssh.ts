/**
 * Driving real OpenSSH from Node, for the interop tests and the benchmark: finding OpenSSH, keys,
 * a private sshd, the ssh and sftp clients, child processes and payloads. PROTOCOL-NOTES.md §2.1
 * is the recipe it follows. Tests import it through `test/support/openssh.ts`, which adds
 * `describeOpenSSH`.
 *
 * @example
 * const sshd = await startSshd();
 * try { await runSsh(['true'], sshd.target); } finally { await sshd.stop(); }
 */
export {
  type OpenSshBinaries,
  opensshAvailable,
  opensshVerdict,
  opensshVerdictHere,
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
export { agentBinaries, type SshAgent, sshAdd, startSshAgent } from './ssh-agent.js';
export { alive, descendants, freePort, type Sshd, type SshdOptions, startSshd } from './sshd.js';
