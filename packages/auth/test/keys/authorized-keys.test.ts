/**
 * sshd(8) AUTHORIZED_KEYS FILE FORMAT: entries with their options, bad lines skipped, and the
 * line that authorises a login found as sshd's check_authkeys_file finds it — from=,
 * expiry-time=, cert-authority with principals=, certificates checked and their options merged.
 */
import {
  base64Encode,
  type Certificate,
  type CertificateTemplate,
  createCertificate,
  type PrivateKey,
  SshWriter,
} from '@seashell/transport';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type AuthorizedKeyContext,
  findAuthorizedKey,
  parseAuthorizedKeys,
} from '../../src/keys/authorized-keys.js';
import { formatPublicKeyLine } from '../../src/keys/public-key-file.js';
import { keysOfEveryType } from '../support/keys.js';

let keys: PrivateKey[];
let lines: string[];
let ca: PrivateKey;
beforeAll(() => {
  keys = keysOfEveryType();
  lines = keys.map((k, i) => formatPublicKeyLine(k.publicKey, `key ${i}`));
  ca = keys[1]!;
});

const NOW = Date.UTC(2026, 5, 1);
const ctx: AuthorizedKeyContext = { user: 'alice', remoteAddress: '127.0.0.1', now: NOW };

function cert(template: Partial<CertificateTemplate> = {}, signer = ca): Certificate {
  return createCertificate(
    { key: keys[0]!.publicKey, certType: 'user', principals: ['alice'], ...template },
    signer,
  );
}

describe('parseAuthorizedKeys', () => {
  it('reads keys with comments and line numbers, skipping blank and # lines', () => {
    const text = ['# my keys', '', lines[0], '   ', `  ${lines[1]}  `, '#', lines[4], ''].join('\n');
    const { entries, skipped } = parseAuthorizedKeys(text);
    expect(skipped).toEqual([]);
    expect(entries.map((e) => [e.line, e.comment, e.optionText])).toEqual([
      [3, 'key 0', undefined],
      [5, 'key 1', undefined],
      [7, 'key 4', undefined],
    ]);
    expect(entries[2]!.key.equals(keys[4]!.publicKey)).toBe(true);
  });

  it('parses the options of a line, quotes and escaped quotes included', () => {
    const opts = [
      'no-pty',
      'command="echo hi there",no-agent-forwarding',
      'from="10.0.0.0/8,!10.1.0.0/16"',
      'command="echo \\"quoted words\\" here"',
      'restrict,cert-authority',
    ];
    const text = opts.map((o, i) => `${o} ${lines[i]}`).join('\r\n');
    const { entries, skipped } = parseAuthorizedKeys(text);
    expect(skipped).toEqual([]);
    expect(entries.map((e) => e.optionText)).toEqual(opts);
    expect(entries.map((e) => e.comment)).toEqual(opts.map((_, i) => `key ${i}`));
    expect(entries[0]!.options.capabilities.pty).toBe(false);
    expect(entries[1]!.options.command).toBe('echo hi there');
    expect(entries[3]!.options.command).toBe('echo "quoted words" here');
    expect(entries[4]!.options.certAuthority).toBe(true);
  });

  it('skips unknown key types, bad base64, a type mismatch, bad options, and goes on', () => {
    const dss = base64Encode(new SshWriter().string('ssh-dss').string(new Uint8Array(8)).bytes());
    const text = [
      `ssh-dss ${dss} old`,
      `sk-ssh-ed25519@openssh.com ${dss}`,
      'ssh-ed25519 not-base64',
      `ssh-rsa ${lines[0]!.split(' ')[1]}`,
      `command="unterminated ${lines[0]}`,
      'just garbage',
      `no-such-option ${lines[0]}`,
      `command="a",command="b" ${lines[0]}`,
      lines[1],
    ].join('\n');
    const { entries, skipped } = parseAuthorizedKeys(text);
    expect(entries.map((e) => e.line)).toEqual([9]);
    expect(skipped.map((s) => s.line)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(skipped[6]!.reason).toMatch(/unknown option "no-such-option"/);
    expect(skipped[7]!.reason).toMatch(/multiple "command" clauses/);
  });

  it('never throws on arbitrary or mutated text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        parseAuthorizedKeys(text);
      }),
      { seed: 1, numRuns: 2000 },
    );
    fc.assert(
      fc.property(
        fc.array(fc.record({ at: fc.nat(), text: fc.string({ maxLength: 4 }), cut: fc.nat({ max: 3 }) }), {
          maxLength: 5,
        }),
        (edits) => {
          let text = `no-pty,from="1.2.3.4" ${lines.join('\n')}\n${lines[0]}`;
          for (const e of edits) {
            const i = e.at % (text.length + 1);
            text = text.slice(0, i) + e.text + text.slice(i + e.cut);
          }
          const { entries, skipped } = parseAuthorizedKeys(text);
          expect(entries.length + skipped.length).toBeLessThanOrEqual(text.split('\n').length);
        },
      ),
      { seed: 2, numRuns: 1000 },
    );
  });
});

describe('findAuthorizedKey', () => {
  const find = (text: string, key = keys[0]!.publicKey as Parameters<typeof findAuthorizedKey>[1], c = ctx) =>
    findAuthorizedKey(parseAuthorizedKeys(text).entries, key, c);

  it('allows a listed key with everything permitted, and reports not-found for others', () => {
    const match = find(`${lines[0]}\n${lines[1]}`, keys[1]!.publicKey);
    expect(match).toMatchObject({ status: 'allowed', entry: { line: 2 } });
    expect(match.status === 'allowed' && [...match.permissions.extensions.keys()]).toContain('permit-pty');
    expect(find(lines[0]!, keys[2]!.publicKey)).toEqual({ status: 'not-found', refused: [] });
  });

  it("carries the line's options into the permissions", () => {
    const match = find(`no-pty,command="/bin/date",environment="X=1" ${lines[0]}`, undefined, {
      ...ctx,
      permitUserEnvironment: true,
    });
    if (match.status !== 'allowed') throw new Error('refused');
    expect(match.permissions.extensions.has('permit-pty')).toBe(false);
    expect(match.permissions.criticalOptions.get('force-command')).toBe('/bin/date');
    expect(match.permissions.environment).toEqual(['X=1']);
    const off = find(`environment="X=1" ${lines[0]}`);
    expect(off.status === 'allowed' && off.permissions.environment).toBeUndefined();
  });

  it('passes over a line whose from= or expiry-time= refuses the login, as sshd does', () => {
    const text = [
      `from="10.0.0.0/8" ${lines[0]}`,
      `expiry-time="20200101Z" ${lines[0]}`,
      `from="127.0.0.1",no-pty ${lines[0]}`,
    ].join('\n');
    const match = find(text);
    expect(match).toMatchObject({ status: 'allowed', entry: { line: 3 } });
    const refused = find(text.split('\n').slice(0, 2).join('\n'));
    expect(refused).toEqual({
      status: 'not-found',
      refused: [
        { line: 1, reason: 'from= does not allow 127.0.0.1' },
        { line: 2, reason: 'key expired (expiry-time)' },
      ],
    });
    // Without a client address a from= line can never match.
    expect(find(`from="*" ${lines[0]}`, undefined, { ...ctx, remoteAddress: undefined }).status).toBe(
      'not-found',
    );
    expect(find(`expiry-time="20300101Z" ${lines[0]}`).status).toBe('allowed');
  });

  it("matches a plain key only on plain lines and a certificate only on its CA's cert-authority line", () => {
    const caLine = formatPublicKeyLine(ca.publicKey);
    const c = cert();
    expect(find(`cert-authority ${lines[0]}`).status).toBe('not-found');
    expect(find(caLine, c).status).toBe('not-found');
    expect(find(lines[0]!, c).status).toBe('not-found');
    expect(find(`cert-authority ${formatPublicKeyLine(keys[2]!.publicKey)}`, c).status).toBe('not-found');
    const match = find(`cert-authority ${caLine}`, c);
    expect(match).toMatchObject({ status: 'allowed', entry: { line: 1 } });
  });

  it('checks the certificate: principal (or principals=), validity, type, critical options', () => {
    const line = (opts = '') => `cert-authority${opts} ${formatPublicKeyLine(ca.publicKey)}`;
    const reason = (m: ReturnType<typeof find>) =>
      m.status === 'not-found' ? m.refused[0]?.reason : 'allowed';
    expect(reason(find(line(), cert({ principals: ['bob'] })))).toBe('name is not a listed principal');
    expect(reason(find(line(',principals="bob,carol"'), cert({ principals: ['carol'] })))).toBe('allowed');
    expect(reason(find(line(',principals="bob,dave"'), cert({ principals: ['alice'] })))).toBe(
      'certificate does not contain an authorized principal',
    );
    expect(reason(find(line(), cert({ principals: [] })))).toBe('certificate lacks a principal list');
    expect(reason(find(line(), cert({ validBefore: BigInt(NOW / 1000) })))).toBe('certificate has expired');
    expect(reason(find(line(), cert({ validAfter: BigInt(NOW / 1000 + 1) })))).toBe(
      'certificate is not yet valid',
    );
    expect(reason(find(line(), cert({ certType: 'host' })))).toBe(
      'host certificate used as a user certificate',
    );
    expect(reason(find(line(), cert({ criticalOptions: [{ name: 'frobnicate' }] })))).toMatch(
      /unsupported critical option/,
    );
    expect(reason(find(`principals="alice" ${lines[0]}`))).toBe('principals= without cert-authority');
  });

  it("merges the certificate's options with the line's, most restrictive, and enforces source-address", () => {
    const line = (opts: string) => `cert-authority,${opts} ${formatPublicKeyLine(ca.publicKey)}`;
    const c = cert({
      criticalOptions: [{ name: 'force-command', value: 'id' }],
      extensions: [{ name: 'permit-pty' }, { name: 'permit-port-forwarding' }],
    });
    const m = find(line('no-pty,agent-forwarding'), c);
    if (m.status !== 'allowed') throw new Error(JSON.stringify(m));
    expect([...m.permissions.extensions.keys()]).toEqual(['permit-port-forwarding']);
    expect(m.permissions.criticalOptions.get('force-command')).toBe('id');
    expect(find(line('command="id"'), c).status).toBe('allowed');
    const conflict = find(line('command="other"'), c);
    expect(conflict.status === 'not-found' && conflict.refused[0]!.reason).toBe(
      'forced commands do not match',
    );
    const far = cert({ criticalOptions: [{ name: 'source-address', value: '10.0.0.0/8' }] });
    const denied = find(line('pty'), far);
    expect(denied.status === 'not-found' && denied.refused[0]!.reason).toBe(
      'source-address does not allow 127.0.0.1',
    );
    expect(find(line('pty'), far, { ...ctx, remoteAddress: '10.9.8.7' }).status).toBe('allowed');
  });
});
