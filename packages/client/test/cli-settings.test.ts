/** From options as written to what the CLI does: defaults, tokens, BatchMode, the environment to send. */
import { DEFAULT_CIPHERS } from '@seashell/transport';
import { describe, expect, it } from 'vitest';
import { type CommandLine, parseCommandLine } from '../src/node/cli-args.js';
import { expandPath, resolveSettings, selectEnv } from '../src/node/cli-settings.js';
import { emptyConfig } from '../src/node/ssh-config.js';
import { applyConfigLine } from '../src/node/ssh-config-keywords.js';

const ctx = { home: '/home/me', localUser: 'me', env: { LANG: 'C', LC_ALL: 'C', SECRET: 'x' } };

function settings(argv: string[]) {
  const action = parseCommandLine(argv);
  if (action.kind !== 'connect') throw new Error('not connect');
  const cl: CommandLine = action.commandLine;
  const c = emptyConfig();
  for (const line of cl.configLines) applyConfigLine(c, line, { name: 'command-line', line: 0 });
  return resolveSettings(c, cl, ctx);
}

describe('settings', () => {
  it('fills in ssh defaults', () => {
    const s = settings(['Example.COM']);
    expect(s).toMatchObject({
      host: 'example.com',
      port: 22,
      user: 'me',
      identityFiles: ['/home/me/.ssh/id_ed25519', '/home/me/.ssh/id_ecdsa', '/home/me/.ssh/id_rsa'],
      identitiesExplicit: false,
      authMethods: ['publickey', 'password'],
      passwordPrompts: 3,
      strictHostKeyChecking: 'ask',
      userKnownHostsFiles: ['/home/me/.ssh/known_hosts', '/home/me/.ssh/known_hosts2'],
      knownHostsHost: 'example.com',
      requestTty: 'auto',
      logLevel: 'INFO',
    });
    expect(s.ciphers).toEqual(DEFAULT_CIPHERS);
    expect(s.hostKeyAlgorithms).toBeUndefined();
  });

  it('BatchMode: no password prompts, and an unknown host is refused instead of asked about', () => {
    const s = settings(['-o', 'BatchMode=yes', 'h']);
    expect(s).toMatchObject({ authMethods: ['publickey'], passwordPrompts: 0, strictHostKeyChecking: 'yes' });
  });

  it('orders methods by PreferredAuthentications and drops disabled ones', () => {
    expect(
      settings(['-o', 'PreferredAuthentications=password,keyboard-interactive,publickey', 'h']).authMethods,
    ).toEqual(['password', 'publickey']);
    expect(settings(['-o', 'PubkeyAuthentication=no', 'h']).authMethods).toEqual(['password']);
  });

  it('explicit identities replace the defaults; none means none', () => {
    expect(
      settings(['-i', '~/k', '-o', 'IdentityFile=%d/%u-%r@%h:%p', '-l', 'root', '-p', '2', 'H']),
    ).toMatchObject({
      identityFiles: ['/home/me/k', '/home/me/me-root@h:2'],
      identitiesExplicit: true,
    });
    expect(settings(['-o', 'IdentityFile=none', 'h']).identityFiles).toEqual([]);
  });

  it('HostKeyAlias names the known_hosts entry, without a port', () => {
    expect(settings(['-p', '2222', '-o', 'HostKeyAlias=box', 'h'])).toMatchObject({
      knownHostsHost: 'box',
      knownHostsPort: 22,
    });
    expect(settings(['-p', '2222', 'h'])).toMatchObject({ knownHostsHost: 'h', knownHostsPort: 2222 });
  });

  it('-t/-T win over RequestTTY; -q/-v over LogLevel', () => {
    expect(settings(['-o', 'RequestTTY=no', '-tt', 'h']).requestTty).toBe('force');
    expect(settings(['-o', 'LogLevel=ERROR', '-vv', 'h']).logLevel).toBe('DEBUG2');
    expect(settings(['-o', 'LogLevel=ERROR', 'h']).logLevel).toBe('ERROR');
  });

  it('sends SendEnv matches and SetEnv values', () => {
    const s = settings(['-o', 'SendEnv=LC_* LANG', '-o', 'SendEnv=-LC_*', '-o', 'SetEnv=FOO=bar', 'h']);
    expect([...s.env]).toEqual([
      ['LANG', 'C'],
      ['FOO', 'bar'],
    ]);
    expect([...selectEnv(['*'], { A: '1', B: undefined })]).toEqual([['A', '1']]);
  });

  it('expands tokens and ~ in paths', () => {
    expect(expandPath('~/.ssh/%h_%%', { h: 'x' }, '/h')).toBe('/h/.ssh/x_%');
    expect(() => expandPath('%Z', {}, '/h')).toThrow(/unknown token %Z/);
  });
});
