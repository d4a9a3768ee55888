/** ssh(1)'s one-line messages for failed connections. */
import { AuthenticationError } from '@seashell/auth';
import {
  AlgorithmNegotiationError,
  SshConnectionLostError,
  SshDisconnectError,
  SshProtocolError,
} from '@seashell/transport';
import { describe, expect, it } from 'vitest';
import { describeConnectionError, describeSocketError } from '../src/node/cli-errors.js';

const errno = (code: string): NodeJS.ErrnoException => Object.assign(new Error(code), { code });

describe('connection failure messages', () => {
  it('words socket errors as strerror does', () => {
    expect(describeSocketError(errno('ECONNREFUSED'), 'h', 22)).toBe(
      'seashell: connect to host h port 22: Connection refused',
    );
    expect(describeSocketError(errno('EHOSTUNREACH'), 'h', 22)).toMatch(/No route to host$/);
    expect(describeSocketError(errno('ENOTFOUND'), 'nowhere', 22)).toBe(
      'seashell: Could not resolve hostname nowhere: Name or service not known',
    );
  });

  it('names the methods left, the algorithm category, the disconnect reason', () => {
    expect(
      describeConnectionError(new AuthenticationError('x', ['publickey', 'password']), 'u', 'h', 22),
    ).toBe('u@h: Permission denied (publickey,password).');
    expect(
      describeConnectionError(
        new AlgorithmNegotiationError('MAC (client to server)', ['a'], ['b', 'c']),
        'u',
        'h',
        2,
      ),
    ).toBe('Unable to negotiate with h port 2: no matching MAC found. Their offer: b,c');
    expect(describeConnectionError(new SshDisconnectError(11, 'bye'), 'u', 'h', 22)).toBe(
      'Received disconnect from h port 22:11: bye\nDisconnected from h port 22 (BY_APPLICATION)',
    );
    expect(describeConnectionError(new SshConnectionLostError(), 'u', 'h', 22)).toBe(
      'Connection closed by h port 22',
    );
    expect(describeConnectionError(new SshProtocolError(2, 'bad \x1b[2J packet'), 'u', 'h', 22)).toBe(
      'seashell: h port 22: bad \\x1b[2J packet',
    );
  });
});
