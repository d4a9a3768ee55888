/** ssh_config(5): keywords, first value wins, Host and Match blocks, Include, what is refused. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  emptyConfig,
  parseSize,
  parseTime,
  type SshConfig,
  splitArgs,
} from '../src/node/ssh-config.js';
import { applyConfigFile } from '../src/node/ssh-config-file.js';
import { applyConfigLine } from '../src/node/ssh-config-keywords.js';

const cmd = { name: 'command-line', line: 0 };
function config(...lines: string[]): SshConfig {
  const c = emptyConfig();
  for (const line of lines) applyConfigLine(c, line, cmd);
  return c;
}

describe('ssh_config(5) lines', () => {
  it('takes Name=Value and Name Value, keywords in any case, the first value winning', () => {
    const c = config('port=2222', 'PORT 3333', 'User bob', 'user alice', 'StrictHostKeyChecking accept-new');
    expect(c).toMatchObject({ port: 2222, user: 'bob', strictHostKeyChecking: 'accept-new' });
  });

  it('accumulates IdentityFile and SendEnv; several files in one UserKnownHostsFile', () => {
    const c = config(
      'IdentityFile a',
      'IdentityFile "b c"',
      'SendEnv LANG LC_*',
      'SendEnv -LC_ALL',
      'UserKnownHostsFile /x /dev/null',
    );
    expect(c.identityFiles).toEqual(['a', 'b c']);
    expect(c.sendEnv).toEqual(['LANG', 'LC_*', '-LC_ALL']);
    expect(c.userKnownHostsFiles).toEqual(['/x', '/dev/null']);
  });

  it('reads sizes, times, flags, SetEnv and log levels', () => {
    const c = config(
      'RekeyLimit 1M',
      'ConnectTimeout 1m30s',
      'BatchMode yes',
      'SetEnv A=1 B="x y"',
      'LogLevel debug',
    );
    expect(c).toMatchObject({ rekeyLimit: 1 << 20, connectTimeout: 90, batchMode: true, logLevel: 'DEBUG1' });
    expect([...c.setEnv!]).toEqual([
      ['A', '1'],
      ['B', 'x y'],
    ]);
    expect(parseSize('2G')).toBe(2 ** 31);
    expect(parseSize('1T')).toBeUndefined();
    expect(parseTime('1h')).toBe(3600);
    expect(parseTime('5x')).toBeUndefined();
  });

  it('checks algorithm lists when read', () => {
    expect(config('Ciphers ^aes256-ctr').algorithms.Ciphers).toBe('^aes256-ctr');
    expect(() => config('MACs hmac-md5')).toThrow(
      /command-line line 0: Bad MACs spec 'hmac-md5': seashell does not support hmac-md5/,
    );
  });

  it('says "Bad configuration option" for a keyword OpenSSH does not have', () => {
    expect(() => config('Foo bar')).toThrow(
      new ConfigError('command-line line 0: Bad configuration option: Foo'),
    );
    expect(() => config('IgnoreUnknown Foo*', 'FooBar 1')).not.toThrow();
  });

  it('accepts OpenSSH options that change nothing here, and refuses those it cannot honour', () => {
    const c = config('TCPKeepAlive no', 'ForwardAgent no', 'ControlPath none', 'AddKeysToAgent no');
    expect(c.ignored).toEqual(['TCPKeepAlive', 'ForwardAgent', 'ControlPath', 'AddKeysToAgent']);
    expect(() => config('ForwardAgent yes')).toThrow(/ForwardAgent yes is not supported by seashell yet/);
    expect(() => config('ProxyJump bastion')).toThrow(/not supported/);
    expect(() => config('LocalForward 1 h:2')).toThrow(/LocalForward is not supported/);
    expect(() => config('Match all')).toThrow(/Match directive not supported as a command-line option/);
  });

  it('refuses bad values and missing arguments', () => {
    expect(() => config('Port 0')).toThrow(/Badly formatted port number/);
    expect(() => config('StrictHostKeyChecking maybe')).toThrow(/unsupported option "maybe"/);
    expect(() => config('User')).toThrow(/missing argument/);
    expect(() => config('User a b')).toThrow(/garbage at end of line/);
    expect(() => config('SetEnv NOEQUALS')).toThrow(/Invalid SetEnv/);
    expect(() => config('User "open')).toThrow(/unterminated quote/);
  });

  it('splits words with quotes', () => {
    expect(splitArgs(` a "b c" 'd "e"' "f\\"g"`)).toEqual(['a', 'b c', 'd "e"', 'f"g']);
  });
});

describe('config files', () => {
  const at = (host: string) => ({ host, home: '/nonexistent', localUser: 'me' });
  const FILE = `# comment
User everyone

Host web* !webtest
  HostName %h.example.com
  Port 2200
Host db
  Port 5432
  ForwardAgent yes
Host *
  Port 22
  IdentityFile ~/.ssh/special
`;

  it('applies the blocks whose patterns match the host as typed, first value winning', () => {
    const c = emptyConfig();
    applyConfigFile(c, FILE, 'cfg', at('web1'));
    expect(c).toMatchObject({
      user: 'everyone',
      hostName: '%h.example.com',
      port: 2200,
      identityFiles: ['~/.ssh/special'],
    });
  });

  it('skips a block a negated pattern excludes; checks inactive lines but does not apply them', () => {
    const c = emptyConfig();
    applyConfigFile(c, FILE, 'cfg', at('webtest'));
    expect(c.port).toBe(22);
    expect(c.hostName).toBeUndefined();
    // "ForwardAgent yes" is only an error for the host it applies to.
    expect(() => applyConfigFile(emptyConfig(), FILE, 'cfg', at('db'))).toThrow(
      /cfg line 9: ForwardAgent yes is not supported/,
    );
    expect(() => applyConfigFile(emptyConfig(), 'Host x\n  Bogus 1\n', 'cfg', at('y'))).toThrow(
      'cfg line 2: Bad configuration option: Bogus',
    );
  });

  it('Match: all, host (HostName so far), originalhost, user, localuser, negation', () => {
    const file = [
      'Host alias',
      '  HostName real.example.com',
      'Match host real.example.com !user root',
      '  Port 1001',
      'Match originalhost alias localuser me',
      '  User bob',
      'Match all',
      '  Port 1003',
    ].join('\n');
    const c = emptyConfig();
    applyConfigFile(c, file, 'cfg', at('alias'));
    expect(c).toMatchObject({ hostName: 'real.example.com', port: 1001, user: 'bob' });
    const other = emptyConfig();
    applyConfigFile(other, file, 'cfg', at('other'));
    expect(other).toMatchObject({ port: 1003 });
    expect(other.user).toBeUndefined();
    expect(() => applyConfigFile(emptyConfig(), 'Match exec "true"\n', 'cfg', at('h'))).toThrow(
      'cfg line 1: Match exec is not supported by seashell yet.',
    );
  });

  it('Include: relative to ~/.ssh, globs in lexical order, scoped to the including block', async () => {
    const home = await mkdtemp(join(tmpdir(), 'seashell-config-'));
    try {
      await mkdir(join(home, '.ssh', 'conf.d'), { recursive: true });
      await writeFile(join(home, '.ssh', 'conf.d', 'b.conf'), 'Host web\n  Port 2002\nUser from-b\n');
      await writeFile(join(home, '.ssh', 'conf.d', 'a.conf'), 'Port 2001\n');
      await writeFile(join(home, '.ssh', 'conf.d', 'skip.txt'), 'Bogus line\n');
      await writeFile(join(home, '.ssh', 'other.conf'), 'IdentityFile only-for-db\n');
      const file = 'Include conf.d/*.conf\nHost db\n  Include ~/.ssh/other.conf\n';
      const c = emptyConfig();
      applyConfigFile(c, file, 'cfg', { host: 'web', home, localUser: 'me' });
      // a.conf first; b.conf's "User" is still under its own "Host web" block, which matched.
      expect(c).toMatchObject({ port: 2001, user: 'from-b', identityFiles: [] });
      const db = emptyConfig();
      applyConfigFile(db, file, 'cfg', { host: 'db', home, localUser: 'me' });
      expect(db).toMatchObject({ port: 2001, identityFiles: ['only-for-db'] });
      expect(db.user).toBeUndefined();
      await writeFile(join(home, '.ssh', 'loop.conf'), 'Include loop.conf\n');
      expect(() =>
        applyConfigFile(emptyConfig(), 'Include loop.conf', 'cfg', { host: 'h', home, localUser: 'me' }),
      ).toThrow(/Include nesting too deep/);
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });
});
