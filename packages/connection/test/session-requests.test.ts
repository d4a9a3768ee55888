/** RFC 4254 §6 / §8 session requests and terminal modes: round-trips, wire examples, hostile data. */
import { SshDecodeError } from '@seashell/transport';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbitraryFields } from '../../transport/test/support/arbitraries.js';
import {
  encodeSessionRequest,
  encodeTerminalModes,
  parseSessionRequest,
  parseTerminalModes,
  SESSION_REQUESTS,
  type SessionRequestType,
  TerminalMode,
} from '../src/index.js';

const fromHex = (h: string) => new Uint8Array(Buffer.from(h.replace(/\s+/g, ''), 'hex'));
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const types = Object.keys(SESSION_REQUESTS) as SessionRequestType[];

describe('RFC 4254 §6 session request codecs', () => {
  for (const type of types) {
    it(`${type} round-trips`, () => {
      fc.assert(
        fc.property(arbitraryFields(SESSION_REQUESTS[type].body.fields), (value) => {
          const data = encodeSessionRequest(type, value as never);
          expect(parseSessionRequest(type, data)).toEqual({ type, ...value });
        }),
        { seed: 6 + types.indexOf(type), numRuns: 200 },
      );
    });

    it(`${type} refuses truncated data and trailing bytes with SshDecodeError`, () => {
      fc.assert(
        fc.property(arbitraryFields(SESSION_REQUESTS[type].body.fields), (value) => {
          const data = encodeSessionRequest(type, value as never);
          for (let n = 0; n < data.length; n++) {
            // A pty-req cut just after a complete mode (before TTY_OP_END) is still short by its
            // string length, so every proper prefix fails.
            expect(() => parseSessionRequest(type, data.subarray(0, n))).toThrow(SshDecodeError);
          }
          const longer = new Uint8Array(data.length + 1);
          longer.set(data);
          expect(() => parseSessionRequest(type, longer)).toThrow(SshDecodeError);
        }),
        { seed: 60 + types.indexOf(type), numRuns: 30 },
      );
    });

    it(`${type} gives only SshDecodeError on arbitrary bytes`, () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
          try {
            parseSessionRequest(type, bytes);
          } catch (e) {
            expect(e).toBeInstanceOf(SshDecodeError);
          }
        }),
        { seed: 600 + types.indexOf(type), numRuns: 300 },
      );
    });
  }

  it('returns undefined for a request type it does not know', () => {
    expect(parseSessionRequest('auth-agent-req@openssh.com', new Uint8Array())).toBeUndefined();
    expect(parseSessionRequest('__proto__', new Uint8Array())).toBeUndefined();
  });
});

describe('RFC 4254 §6.2 pty-req and §8 terminal modes', () => {
  // PROTOCOL-NOTES §1.13: VINTR ^C, VERASE DEL, ECHO off, IUTF8, OSPEED/ISPEED 38400, end.
  const modes = fromHex('01 00000003 03 0000007f 35 00000000 2a 00000001 81 00009600 80 00009600 00');

  it('parses the OpenSSH example', () => {
    const parsed = parseTerminalModes(modes);
    expect(parsed.get(TerminalMode.VINTR)).toBe(3);
    expect(parsed.get(TerminalMode.VERASE)).toBe(0x7f);
    expect(parsed.get(TerminalMode.ECHO)).toBe(0);
    expect(parsed.get(TerminalMode.IUTF8)).toBe(1);
    expect(parsed.get(TerminalMode.TTY_OP_OSPEED)).toBe(38400);
    expect(parsed.get(TerminalMode.TTY_OP_ISPEED)).toBe(38400);
    expect([...parsed.keys()]).toEqual([1, 3, 53, 42, 129, 128]);
    expect(hex(encodeTerminalModes(parsed))).toBe(hex(modes));
  });

  it('lays out a pty-req as RFC 4254 §6.2 does', () => {
    const data = encodeSessionRequest('pty-req', {
      term: 'xterm',
      columns: 80,
      rows: 24,
      widthPixels: 0,
      heightPixels: 0,
      modes: new Map([[TerminalMode.ECHO, 1]]),
    });
    expect(hex(data)).toBe(
      `00000005${hex(new TextEncoder().encode('xterm'))}00000050000000180000000000000000 00000006 3500000001 00`.replace(
        /\s+/g,
        '',
      ),
    );
  });

  it('accepts an empty modes string and modes without TTY_OP_END', () => {
    expect(parseTerminalModes(new Uint8Array())).toEqual(new Map());
    expect(parseTerminalModes(fromHex('35 00000001'))).toEqual(new Map([[53, 1]]));
  });

  it('keeps opcodes below 160 it has no name for', () => {
    expect(parseTerminalModes(fromHex('63 00000009 00'))).toEqual(new Map([[99, 9]]));
  });

  it('stops parsing at an opcode of 160 or more', () => {
    for (const opcode of [160, 200, 255]) {
      const bytes = fromHex(`35 00000001 ${opcode.toString(16)} 0102 ff ff 00 99`);
      expect(parseTerminalModes(bytes)).toEqual(new Map([[53, 1]]));
    }
  });

  it('refuses a truncated argument and bytes after TTY_OP_END', () => {
    expect(() => parseTerminalModes(fromHex('35 000000'))).toThrow(SshDecodeError);
    expect(() => parseTerminalModes(fromHex('35'))).toThrow(SshDecodeError);
    expect(() => parseTerminalModes(fromHex('35 00000001 00 00'))).toThrow(SshDecodeError);
  });

  it('refuses to encode an opcode outside 1–159', () => {
    for (const opcode of [0, 160, 256, 1.5])
      expect(() => encodeTerminalModes(new Map([[opcode, 1]]))).toThrow(RangeError);
  });
});

describe('RFC 4254 §6.10 exit-status and exit-signal', () => {
  it('lays out exit-status as a uint32 and exit-signal without "SIG"', () => {
    expect(hex(encodeSessionRequest('exit-status', { exitStatus: 3 }))).toBe('00000003');
    const data = encodeSessionRequest('exit-signal', {
      signal: 'TERM',
      coreDumped: false,
      message: '',
      language: '',
    });
    expect(hex(data)).toBe(
      `00000004${hex(new TextEncoder().encode('TERM'))}00 00000000 00000000`.replace(/\s+/g, ''),
    );
  });

  it('refuses a truncated exit-status (Go 9beb694)', () => {
    for (const n of [0, 1, 2, 3])
      expect(() => parseSessionRequest('exit-status', new Uint8Array(n))).toThrow(SshDecodeError);
  });

  it('keeps an exit-signal whose message is not valid UTF-8', () => {
    const data = fromHex('00000004 4b494c4c 01 00000001 ff 00000000');
    expect(parseSessionRequest('exit-signal', data)).toEqual({
      type: 'exit-signal',
      signal: 'KILL',
      coreDumped: true,
      message: '\ufffd',
      language: '',
    });
  });
});

describe('RFC 4335 break', () => {
  it('carries the break length in milliseconds', () => {
    expect(hex(encodeSessionRequest('break', { breakLength: 500 }))).toBe('000001f4');
  });
});
