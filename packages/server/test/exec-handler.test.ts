/** The pieces of the exec handler that need no connection: environment, terminal modes, signals. */
import { spawnSync } from 'node:child_process';
import { unrestrictedPermissions } from '@seashell/auth';
import { TerminalMode as M } from '@seashell/connection';
import { matchWildcard } from '@seashell/transport';
import { describe, expect, it } from 'vitest';
import { SIGNAL_NAMES, signalName } from '../src/node/process-signals.js';
import { ptyWrapperScript } from '../src/node/pty-process.js';
import type { Pty, Session, SessionContext } from '../src/node/session.js';
import { DEFAULT_PATH, sessionEnvironment } from '../src/node/session-env.js';
import { sttyArguments } from '../src/node/terminal-modes-stty.js';

const account = { user: 'alice', home: '/home/alice', shell: '/bin/zsh' };
const context = {
  remoteAddress: '10.0.0.9',
  remotePort: 50123,
  localAddress: '10.0.0.1',
  localPort: 2222,
  permissions: unrestrictedPermissions(),
} as SessionContext;

function sessionWith(
  environ: string[],
  pty?: Pty,
  more: Partial<Pick<Session, 'originalCommand' | 'context'>> = {},
): Pick<Session, 'environ' | 'context' | 'pty' | 'originalCommand'> {
  return { environ, context, pty: () => pty, originalCommand: undefined, ...more };
}

describe('sessionEnvironment (sshd do_setup_env)', () => {
  it('starts from a clean base with the SSH_* variables', () => {
    expect(sessionEnvironment(sessionWith([]), account, [])).toEqual({
      HOME: '/home/alice',
      USER: 'alice',
      LOGNAME: 'alice',
      SHELL: '/bin/zsh',
      PATH: DEFAULT_PATH,
      SSH_CLIENT: '10.0.0.9 50123 2222',
      SSH_CONNECTION: '10.0.0.9 50123 10.0.0.1 2222',
    });
  });

  it('takes only the env requests AcceptEnv lets through, and never SSH_* overrides', () => {
    const env = sessionEnvironment(
      sessionWith([
        'LANG=C.UTF-8',
        'LC_ALL=C',
        'SECRET=1',
        'SSHTEST_X=a=b',
        'SSH_CLIENT=forged',
        'BAD-NAME=1',
      ]),
      account,
      ['LANG', 'LC_*', 'SSHTEST_*', 'SSH_*', 'BAD*'],
    );
    expect(env.LANG).toBe('C.UTF-8');
    expect(env.LC_ALL).toBe('C');
    expect(env.SSHTEST_X).toBe('a=b');
    expect(env.SECRET).toBeUndefined();
    expect(env['BAD-NAME']).toBeUndefined();
    expect(env.SSH_CLIENT).toBe('10.0.0.9 50123 2222');
  });

  it("adds authorized_keys environment= over the client's, and SSH_ORIGINAL_COMMAND under a forced command", () => {
    const permissions = {
      ...unrestrictedPermissions(),
      environment: ['LANG=de_DE', 'FROM_KEY=1', 'SSH_CLIENT=x'],
    };
    const env = sessionEnvironment(
      sessionWith(['LANG=C'], undefined, {
        context: { ...context, permissions },
        originalCommand: 'ls -l "a b"',
      }),
      account,
      ['LANG'],
    );
    expect(env.LANG).toBe('de_DE');
    expect(env.FROM_KEY).toBe('1');
    expect(env.SSH_ORIGINAL_COMMAND).toBe('ls -l "a b"');
    expect(env.SSH_CLIENT).toBe('10.0.0.9 50123 2222');
    expect(sessionEnvironment(sessionWith([]), account, []).SSH_ORIGINAL_COMMAND).toBeUndefined();
  });

  it('sets TERM from the pty request (dumb when empty)', () => {
    const pty = (term: string): Pty => ({
      term,
      window: { columns: 80, rows: 24, widthPixels: 0, heightPixels: 0 },
      modes: new Map(),
    });
    expect(sessionEnvironment(sessionWith([], pty('xterm-256color')), account, []).TERM).toBe(
      'xterm-256color',
    );
    expect(sessionEnvironment(sessionWith([], pty('')), account, []).TERM).toBe('dumb');
  });
});

describe('matchWildcard (OpenSSH match_pattern), as AcceptEnv uses it', () => {
  it('knows * and ? and nothing else', () => {
    expect(matchWildcard('LC_ALL', 'LC_*')).toBe(true);
    expect(matchWildcard('LC_', 'LC_*')).toBe(true);
    expect(matchWildcard('XLC_ALL', 'LC_*')).toBe(false);
    expect(matchWildcard('AB', 'A?')).toBe(true);
    expect(matchWildcard('A.B', 'A?B')).toBe(true);
    expect(matchWildcard('AxB', 'A.B')).toBe(false);
    expect(matchWildcard('aes128-gcm@openssh.com', '*-gcm@openssh.com')).toBe(true);
  });
});

describe('RFC 4254 §8 terminal modes as stty arguments', () => {
  it('spells control characters and flags as stty does', () => {
    const modes = new Map([
      [M.VINTR, 3],
      [M.VERASE, 127],
      [M.VEOL, 255],
      [M.VKILL, 0],
      [M.VEOF, 0x41],
      [M.ECHO, 0],
      [M.ICRNL, 1],
      [M.IUTF8, 1],
      [M.CS8, 1],
      [M.CS7, 0],
    ]);
    expect(sttyArguments(modes)).toEqual([
      ...['intr', '^C', 'erase', '^?', 'eol', 'undef', 'kill', 'undef', 'eof', 'A'],
      ...['-echo', 'icrnl', 'iutf8', 'cs8'],
    ]);
  });

  it('leaves out speeds, obsolete and unknown opcodes', () => {
    const modes = new Map([
      [M.TTY_OP_ISPEED, 38400],
      [M.TTY_OP_OSPEED, 38400],
      [M.XCASE, 1],
      [M.VDSUSP, 25],
      [M.VSTATUS, 20],
      [99, 1],
      [M.VINTR, 200],
    ]);
    expect(sttyArguments(modes)).toEqual([]);
  });

  it('runs the wrapper: modes quoted, then exec of the program with its arguments', () => {
    const script = ptyWrapperScript(new Map([[M.VINTR, 39]]));
    expect(script).toContain(`stty 'intr' ''\\''' 2>/dev/null;`);
    // Without a terminal, tty and stty fail quietly and the program still runs.
    const r = spawnSync('/bin/sh', ['-c', script, 'sh', '/bin/sh', '-c', 'echo "$0|$1|$SSH_TTY"', 'a b'], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect(r.stdout).toBe('a b||\n');
    expect(r.status).toBe(0);
  });
});

describe('RFC 4254 §6.10 signal names', () => {
  it('drops SIG and maps numbers', () => {
    expect(signalName('SIGTERM')).toBe('TERM');
    expect(signalName(9)).toBe('KILL');
    expect(signalName(15)).toBe('TERM');
    expect(SIGNAL_NAMES.has('USR1')).toBe(true);
    expect(SIGNAL_NAMES.has('STOP')).toBe(false);
  });
});
