/** sshd(8) AUTHORIZED_KEYS FILE FORMAT options, read by auth-options.c's rules, and the Permissions they grant. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AuthorizedKeyOptions,
  authorizedKeyPermissions,
  parseAuthorizedKeyOptions,
  parseExpiryTime,
} from '../../src/keys/authorized-key-options.js';
import { KeyFileError } from '../../src/keys/errors.js';
import { unrestrictedPermissions } from '../../src/permissions.js';

const allCaps = { pty: true, portForwarding: true, agentForwarding: true, x11Forwarding: true, userRc: true };
const noCaps = {
  pty: false,
  portForwarding: false,
  agentForwarding: false,
  x11Forwarding: false,
  userRc: false,
};

describe('parseAuthorizedKeyOptions', () => {
  it('reads flags, their no- forms and restrict in order, case-insensitively', () => {
    expect(parseAuthorizedKeyOptions('no-pty').capabilities).toEqual({ ...allCaps, pty: false });
    expect(parseAuthorizedKeyOptions('NO-PTY,No-Port-Forwarding').capabilities).toEqual({
      ...allCaps,
      pty: false,
      portForwarding: false,
    });
    expect(parseAuthorizedKeyOptions('restrict').capabilities).toEqual(noCaps);
    expect(parseAuthorizedKeyOptions('restrict,pty,user-rc').capabilities).toEqual({
      ...noCaps,
      pty: true,
      userRc: true,
    });
    // restrict takes away what came before it.
    expect(parseAuthorizedKeyOptions('pty,restrict').capabilities).toEqual(noCaps);
    expect(
      parseAuthorizedKeyOptions('no-agent-forwarding,no-X11-forwarding,no-user-rc,agent-forwarding')
        .capabilities,
    ).toEqual({ ...allCaps, x11Forwarding: false, userRc: false });
    const fido = parseAuthorizedKeyOptions('no-touch-required,verify-required');
    expect([fido.noTouchRequired, fido.verifyRequired]).toEqual([true, true]);
    expect(parseAuthorizedKeyOptions('cert-authority').certAuthority).toBe(true);
    // sshd skips empty options: a stray comma anywhere is harmless.
    expect(parseAuthorizedKeyOptions(',no-pty,,user-rc,').capabilities).toEqual({ ...allCaps, pty: false });
  });

  it('reads quoted values with \\" inside, and commas and blanks inside quotes', () => {
    const o = parseAuthorizedKeyOptions(
      'command="echo \\"hi, there\\"",from="10.0.0.0/8,!10.1.0.0/16",principals="alice,bob",tunnel="0"',
    );
    expect(o.command).toBe('echo "hi, there"');
    expect(o.from).toBe('10.0.0.0/8,!10.1.0.0/16');
    expect(o.principals).toEqual(['alice', 'bob']);
    expect(o.tunnel).toBe('0');
    expect(parseAuthorizedKeyOptions('Command="a\\b"').command).toBe('a\\b');
  });

  it('keeps the first environment= of each name, and every permitopen/permitlisten', () => {
    const o = parseAuthorizedKeyOptions(
      'environment="A=1",environment="B=x=y",environment="A=2",permitopen="host:22",permitopen="[::1]:*",permitlisten="8080",permitlisten="localhost:0"',
    );
    expect(o.environment).toEqual(['A=1', 'B=x=y']);
    expect(o.permitOpen).toEqual(['host:22', '[::1]:*']);
    expect(o.permitListen).toEqual(['*:8080', 'localhost:0']);
  });

  it('takes the earliest expiry-time', () => {
    const o = parseAuthorizedKeyOptions('expiry-time="20300101Z",expiry-time="202001010000Z"');
    expect(o.expiryTime).toBe(BigInt(Date.UTC(2020, 0, 1) / 1000));
    expect(parseExpiryTime('20200229123456Z')).toBe(BigInt(Date.UTC(2020, 1, 29, 12, 34, 56) / 1000));
    expect(parseExpiryTime('20200101')).toBe(BigInt(new Date(2020, 0, 1).getTime() / 1000));
    for (const bad of ['2020', '20230231', '2020010112', '20200101246000', 'x', '20200101 ', '19700101Z'])
      expect(parseExpiryTime(bad), bad).toBeUndefined();
  });

  it('refuses what sshd refuses: unknown options, bad values, repeats, stray text', () => {
    for (const bad of [
      'no-such-option',
      'no-restrict',
      'no-cert-authority',
      'pty=yes',
      'command=unquoted',
      'command="unterminated',
      'command="a",command="b"',
      'from="a",from="b"',
      'principals="a",principals="b"',
      'command="x"y',
      'environment="=x"',
      'environment="NO_EQUALS"',
      'environment="BAD-NAME=1"',
      'permitopen="host"',
      'permitopen="host:0"',
      'permitopen="host:70000"',
      'permitlisten="a:b:c"',
      'expiry-time="tomorrow"',
      'tunnel="tun0"',
    ]) {
      expect(() => parseAuthorizedKeyOptions(bad), bad).toThrow(KeyFileError);
    }
  });

  it('round-trips any list of options written the way sshd reads them (fast-check)', () => {
    const value = fc.string({ maxLength: 12 }).filter((s) => !s.includes('\\') && !s.includes('\n'));
    const option = fc.oneof(
      fc.constantFrom(
        'restrict',
        'cert-authority',
        'pty',
        'no-pty',
        'port-forwarding',
        'no-port-forwarding',
        'no-X11-forwarding',
        'agent-forwarding',
        'no-user-rc',
      ),
      value.map((v) => ['environment', `V_${v.replace(/[^A-Za-z0-9_]/g, '')}=${v}`] as const),
      fc.integer({ min: 1, max: 65535 }).map((p) => ['permitopen', `h.example:${p}`] as const),
    );
    fc.assert(
      fc.property(
        fc.array(option, { maxLength: 8 }),
        fc.option(value, { nil: undefined }),
        (options, command) => {
          const parts = options.map((o) =>
            typeof o === 'string' ? o : `${o[0]}="${o[1].replaceAll('"', '\\"')}"`,
          );
          if (command !== undefined) parts.push(`command="${command.replaceAll('"', '\\"')}"`);
          if (parts.length === 0) return;
          const parsed = parseAuthorizedKeyOptions(parts.join(','));
          expect(parsed.command).toBe(command);
          // The capabilities follow the flags in order, as sshd applies them.
          const caps = { ...allCaps };
          for (const o of options) {
            if (o === 'restrict') for (const k of Object.keys(caps) as (keyof typeof caps)[]) caps[k] = false;
            else if (typeof o === 'string' && o !== 'cert-authority') {
              const neg = o.startsWith('no-');
              const name = (neg ? o.slice(3) : o).toLowerCase();
              const key = {
                pty: 'pty',
                'port-forwarding': 'portForwarding',
                'x11-forwarding': 'x11Forwarding',
                'agent-forwarding': 'agentForwarding',
                'user-rc': 'userRc',
              }[name] as keyof typeof caps;
              caps[key] = !neg;
            }
          }
          expect(parsed.capabilities).toEqual(caps);
          expect(parsed.permitOpen).toEqual(
            options
              .filter((o) => typeof o !== 'string' && o[0] === 'permitopen')
              .map((o) => (o as readonly string[])[1]),
          );
        },
      ),
      { seed: 51, numRuns: 500 },
    );
  });

  it('gives a result or a KeyFileError on arbitrary and mutated text, never anything else (fast-check)', () => {
    const attempt = (text: string) => {
      try {
        parseAuthorizedKeyOptions(text);
      } catch (e) {
        if (!(e instanceof KeyFileError)) throw e;
      }
    };
    fc.assert(fc.property(fc.string({ maxLength: 80 }), attempt), { seed: 52, numRuns: 3000 });
    const base = 'restrict,pty,command="echo \\"x\\"",from="10.0.0.0/8",environment="A=b",permitopen="h:1"';
    fc.assert(
      fc.property(fc.nat(), fc.string({ maxLength: 3 }), fc.nat({ max: 3 }), (at, text, cut) => {
        const i = at % (base.length + 1);
        attempt(base.slice(0, i) + text + base.slice(i + cut));
      }),
      { seed: 53, numRuns: 2000 },
    );
  });
});

describe('authorizedKeyPermissions', () => {
  it('is unrestricted for a line without options', () => {
    expect(authorizedKeyPermissions(parseAuthorizedKeyOptions('cert-authority'))).toEqual(
      unrestrictedPermissions(),
    );
  });

  it('maps the options onto certificate words', () => {
    const options: AuthorizedKeyOptions = parseAuthorizedKeyOptions(
      'restrict,pty,command="uptime",from="127.0.0.1",environment="A=1",permitopen="h:1",permitlisten="2",no-touch-required,verify-required',
    );
    const p = authorizedKeyPermissions(options);
    expect([...p.extensions.keys()]).toEqual(['permit-pty', 'no-touch-required']);
    expect([...p.criticalOptions]).toEqual([
      ['force-command', 'uptime'],
      ['verify-required', ''],
    ]);
    expect(p.from).toBe('127.0.0.1');
    expect(p.environment).toBeUndefined();
    expect(p.permitOpen).toEqual(['h:1']);
    expect(p.permitListen).toEqual(['*:2']);
    expect(authorizedKeyPermissions(options, { permitUserEnvironment: true }).environment).toEqual(['A=1']);
  });
});
