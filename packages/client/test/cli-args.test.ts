/** ssh(1) SYNOPSIS: `[options] destination [options] [command [argument …]]`. */
import { describe, expect, it } from 'vitest';
import { type CommandLine, parseCommandLine, parseDestination, UsageError } from '../src/node/cli-args.js';

function connect(argv: string[]): CommandLine {
  const action = parseCommandLine(argv);
  if (action.kind !== 'connect') throw new Error(`expected connect, got ${action.kind}`);
  return action.commandLine;
}

describe('ssh(1) command line', () => {
  it('turns flags into config lines in command-line order', () => {
    const cl = connect(['-p', '2222', '-l', 'bob', '-i', 'k1', '-ik2', '-o', 'Ciphers=aes128-ctr', 'host']);
    expect(cl.host).toBe('host');
    expect(cl.configLines).toEqual([
      'Port 2222',
      'User bob',
      'IdentityFile k1',
      'IdentityFile k2',
      'Ciphers=aes128-ctr',
    ]);
    expect(cl.command).toBe('');
  });

  it('joins the command words with spaces, and reads options right after the destination', () => {
    const cl = connect(['alice@example.com', '-p22', '-t', 'ls', '-l', '/tmp']);
    expect(cl.configLines).toEqual(['User alice', 'Port 22']);
    expect(cl.command).toBe('ls -l /tmp');
    expect(cl.tty).toBe(1);
  });

  it('clusters flags; -tt forces a tty, -T after them turns it off; -v counts up to 3', () => {
    expect(connect(['-tt', 'h']).tty).toBe(2);
    expect(connect(['-t', '-t', 'h']).tty).toBe(2);
    expect(connect(['-tt', '-T', 'h']).tty).toBe(0);
    expect(connect(['-vvvv', 'h']).verbosity).toBe(3);
    expect(connect(['-v', '-q', 'h']).verbosity).toBe('quiet');
    expect(connect(['-qtv', 'h'])).toMatchObject({ verbosity: 1, tty: 1 });
  });

  it('-- ends the options; -s marks a subsystem; -F names a config file', () => {
    const cl = connect(['-s', '-F', '/dev/null', '--', 'h', 'sftp']);
    expect(cl).toMatchObject({ host: 'h', command: 'sftp', subsystem: true, configFile: '/dev/null' });
    expect(connect(['h', '--', '-x']).command).toBe('-x');
  });

  it('takes sftp -S style options with a space inside (-oForwardX11 no)', () => {
    const cl = connect(['-oForwardX11 no', '-oRequestTTY=no', '-l', 'u', '-s', '--', 'h', 'sftp']);
    expect(cl.configLines).toEqual(['ForwardX11 no', 'RequestTTY=no', 'User u']);
  });

  it('quotes values with spaces so the config line keeps them whole', () => {
    expect(connect(['-i', '/a b/key', 'h']).configLines).toEqual(['IdentityFile "/a b/key"']);
  });

  it('-V and -Q are answered without a destination', () => {
    expect(parseCommandLine(['-V'])).toEqual({ kind: 'version' });
    expect(parseCommandLine(['-Q', 'cipher'])).toEqual({ kind: 'query', what: 'cipher' });
  });

  it('refuses unknown flags, missing arguments, a missing destination, and features we lack', () => {
    expect(() => parseCommandLine(['-z', 'h'])).toThrow(new UsageError('unknown option -- z'));
    expect(() => parseCommandLine(['h', '-p'])).toThrow('option requires an argument -- p');
    expect(() => parseCommandLine(['-v'])).toThrow('no destination given');
    expect(() => parseCommandLine(['-L', '1:h:2', 'h'])).toThrow(/local port forwarding .* not supported/);
    expect(() => parseCommandLine(['-N', 'h'])).toThrow(/not supported/);
    expect(() => parseCommandLine(['-C', 'h'])).toThrow(/compression/);
    expect(() => parseCommandLine(['-s', 'h'])).toThrow(/subsystem name/);
  });
});

describe('destinations', () => {
  it('splits user@host at the last @', () => {
    expect(parseDestination('a@b@host')).toEqual({ user: 'a@b', host: 'host' });
    expect(parseDestination('host')).toEqual({ host: 'host' });
  });

  it('reads ssh:// URIs with a user and port', () => {
    expect(parseDestination('ssh://me@example.com:2222')).toEqual({
      user: 'me',
      host: 'example.com',
      port: 2222,
    });
    expect(parseDestination('ssh://[::1]')).toEqual({ host: '::1' });
    expect(() => parseDestination('ssh://h:99999')).toThrow(UsageError);
    expect(() => parseDestination('me@')).toThrow(UsageError);
  });
});
