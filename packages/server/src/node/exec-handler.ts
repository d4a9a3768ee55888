/**
 * Session handlers that run real programs, as sshd does (`session.c`): `exec` runs
 * `SHELL -c COMMAND`, `shell` runs `SHELL -l`, both as the current OS user in its home directory,
 * on a pty when the client asked for one; a subsystem runs its program on pipes.
 *
 * @example
 * const server = new Server({
 *   hostKeys: [generateEd25519Key()],
 *   passwordHandler: (ctx, pw) => pw === 'secret',
 *   handler: execHandler({ acceptEnv: ['LANG', 'LC_*'] }),
 *   subsystemHandlers: { sftp: subsystemHandler('/usr/lib/openssh/sftp-server') },
 * });
 */
import { stat } from 'node:fs/promises';
import { runOnPipes } from './pipe-process.js';
import type { ProcessSpec } from './process-spec.js';
import { runOnPty } from './pty-process.js';
import type { Session } from './session.js';
import { currentAccount, type LoginAccount, sessionEnvironment } from './session-env.js';

/** Options of {@link execHandler} and {@link subsystemHandler}. */
export interface ExecHandlerOptions {
  /** Whose shell and home to use; default the account this process runs as. */
  readonly account?: LoginAccount;
  /** Names a client may set with `env` requests (sshd_config AcceptEnv patterns); default none. */
  readonly acceptEnv?: readonly string[];
  /** Told of every command started (for logs). */
  readonly onStart?: (session: Session, spec: ProcessSpec) => void;
}

/** A `Server` handler that runs each shell or exec request as a process. */
export function execHandler(options: ExecHandlerOptions = {}): (session: Session) => Promise<void> {
  const account = options.account ?? currentAccount();
  return async (session) => {
    // sshd runs a command through the user's shell, and a shell as a login shell.
    const args = session.rawCommand === '' ? ['-l'] : ['-c', session.rawCommand];
    const spec = await processSpec(session, account, options.acceptEnv ?? [], account.shell, args);
    options.onStart?.(session, spec);
    const pty = session.pty();
    await (pty ? runOnPty(session, pty, spec) : runOnPipes(session, spec));
  };
}

/** A subsystem handler (RFC 4254 §6.5) that runs `program` on pipes, e.g. OpenSSH's sftp-server. */
export function subsystemHandler(
  program: string,
  options: ExecHandlerOptions = {},
): (session: Session) => Promise<void> {
  const account = options.account ?? currentAccount();
  return async (session) => {
    const spec = await processSpec(session, account, options.acceptEnv ?? [], program, []);
    options.onStart?.(session, spec);
    await runOnPipes(session, spec);
  };
}

async function processSpec(
  session: Session,
  account: LoginAccount,
  acceptEnv: readonly string[],
  file: string,
  args: readonly string[],
): Promise<ProcessSpec> {
  const env = sessionEnvironment(session, account, acceptEnv);
  // sshd: "Could not chdir to home directory", then carries on in /.
  const cwd = (await isDirectory(account.home)) ? account.home : '/';
  return { file, args, env, cwd };
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}
