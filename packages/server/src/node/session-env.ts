/**
 * The environment and login of a session's process, as sshd sets them up (`session.c`
 * `do_setup_env`): a clean base rather than the server's own environment, then the variables the
 * client sent with `env` requests that `AcceptEnv` lets through (RFC 4254 §6.4), then the
 * authorized_keys `environment=` values when the server allows them, then SSH_ORIGINAL_COMMAND
 * under a forced command and the SSH_* variables, which a client cannot override.
 */
import { userInfo } from 'node:os';
import { matchWildcard } from '@seashell/transport';
import type { Session } from './session.js';

/** The OS account commands run as. */
export interface LoginAccount {
  readonly user: string;
  readonly home: string;
  /** The login shell: `-c COMMAND` runs a command, `-l` a login shell. */
  readonly shell: string;
}

/** sshd's PATH for a session (Debian's `_PATH_STDPATH` for root; a login shell's profile may change it). */
export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The account this process runs as, with the shell from its passwd entry (else $SHELL, else /bin/sh). */
export function currentAccount(): LoginAccount {
  const info = userInfo();
  return {
    user: info.username,
    home: info.homedir,
    shell: info.shell || process.env.SHELL || '/bin/sh',
  };
}

/** A portable environment variable name; other names from a client are dropped. */
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The environment for `session`'s process.
 * @param acceptEnv - patterns of the names a client may set (sshd_config `AcceptEnv`).
 * @example
 * spawn(account.shell, ['-c', session.rawCommand], { env: sessionEnvironment(session, account, ['LANG', 'LC_*']) });
 */
export function sessionEnvironment(
  session: Pick<Session, 'environ' | 'context' | 'pty' | 'originalCommand'>,
  account: LoginAccount,
  acceptEnv: readonly string[],
): Record<string, string> {
  const env: Record<string, string> = {
    HOME: account.home,
    USER: account.user,
    LOGNAME: account.user,
    SHELL: account.shell,
    PATH: DEFAULT_PATH,
  };
  const pty = session.pty();
  if (pty) env.TERM = pty.term || 'dumb';
  for (const pair of session.environ) {
    const eq = pair.indexOf('=');
    const name = pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    // A NUL cannot be passed to exec(2) and would make spawn throw.
    if (NAME.test(name) && !value.includes('\0') && acceptEnv.some((pattern) => matchWildcard(name, pattern)))
      env[name] = value;
  }
  // authorized_keys environment= (present only when the server allows it, as PermitUserEnvironment).
  for (const pair of session.context.permissions.environment ?? []) {
    const eq = pair.indexOf('=');
    if (eq > 0 && !pair.includes('\0')) env[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  if (session.originalCommand !== undefined && !session.originalCommand.includes('\0'))
    env.SSH_ORIGINAL_COMMAND = session.originalCommand;
  const c = session.context;
  env.SSH_CLIENT = `${c.remoteAddress} ${c.remotePort} ${c.localPort}`;
  env.SSH_CONNECTION = `${c.remoteAddress} ${c.remotePort} ${c.localAddress} ${c.localPort}`;
  return env;
}
