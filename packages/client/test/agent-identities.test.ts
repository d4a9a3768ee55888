/**
 * The CLI and the agent: which socket IdentityAgent names, and the order ssh offers agent keys
 * and identity files in (sshconnect2.c `pubkey_prepare`), IdentitiesOnly included.
 */
import type { AgentIdentity } from '@seashell/auth';
import { generateKey, type PrivateKey } from '@seashell/transport';
import { describe, expect, it } from 'vitest';
import { type IdentityFileKey, orderKeyOffers } from '../src/node/agent-identities.js';
import { parseCommandLine } from '../src/node/cli-args.js';
import { resolveSettings } from '../src/node/cli-settings.js';
import { ConfigError, emptyConfig } from '../src/node/ssh-config.js';
import { applyConfigLine } from '../src/node/ssh-config-keywords.js';

function settings(argv: string[], env: Record<string, string | undefined>) {
  const action = parseCommandLine(argv);
  if (action.kind !== 'connect') throw new Error('not connect');
  const c = emptyConfig();
  for (const line of action.commandLine.configLines)
    applyConfigLine(c, line, { name: 'command-line', line: 0 });
  return resolveSettings(c, action.commandLine, { home: '/home/me', localUser: 'me', env });
}

describe('IdentityAgent (ssh_config(5))', () => {
  const env = { SSH_AUTH_SOCK: '/run/agent.sock', OTHER: '/tmp/other.sock', DIR: '/var/x' };

  it('defaults to SSH_AUTH_SOCK, and to no agent when that is unset or empty', () => {
    expect(settings(['h'], env).identityAgent).toBe('/run/agent.sock');
    expect(settings(['h'], {}).identityAgent).toBeUndefined();
    expect(settings(['h'], { SSH_AUTH_SOCK: '' }).identityAgent).toBeUndefined();
    expect(settings(['-o', 'IdentityAgent=SSH_AUTH_SOCK', 'h'], env).identityAgent).toBe('/run/agent.sock');
  });

  it('none is no agent; $NAME is a variable; a path gets ~, %-tokens and braced variables', () => {
    expect(settings(['-o', 'IdentityAgent=none', 'h'], env).identityAgent).toBeUndefined();
    expect(settings(['-o', 'IdentityAgent=$OTHER', 'h'], env).identityAgent).toBe('/tmp/other.sock');
    expect(settings(['-o', 'IdentityAgent=$UNSET', 'h'], env).identityAgent).toBeUndefined();
    expect(settings(['-o', 'IdentityAgent=~/.ssh/agent-%h', 'H'], env).identityAgent).toBe(
      '/home/me/.ssh/agent-h',
    );
    expect(settings(['-o', `IdentityAgent=${'$'}{DIR}/s`, 'h'], env).identityAgent).toBe('/var/x/s');
    expect(() => settings(['-o', `IdentityAgent=${'$'}{UNSET}/s`, 'h'], env)).toThrow(ConfigError);
  });

  it('takes the first value given, and IdentitiesOnly defaults to no', () => {
    const s = settings(['-o', 'IdentityAgent=/a', '-o', 'IdentityAgent=/b', 'h'], env);
    expect(s.identityAgent).toBe('/a');
    expect(s.identitiesOnly).toBe(false);
    expect(settings(['-o', 'IdentitiesOnly=yes', 'h'], env).identitiesOnly).toBe(true);
  });
});

describe('the order keys are offered in (pubkey_prepare)', () => {
  const fixed = (n: number) => (len: number) => new Uint8Array(len).fill(n);
  const [a, b, c, d] = [1, 2, 3, 4].map((n) => generateKey('ssh-ed25519', fixed(n)) as PrivateKey) as [
    PrivateKey,
    PrivateKey,
    PrivateKey,
    PrivateKey,
  ];
  const held = (key: PrivateKey, comment: string): AgentIdentity => ({
    blob: key.publicKey.blob,
    comment,
    publicKey: key.publicKey,
  });
  const file = (key: PrivateKey, path: string, loaded = true): IdentityFileKey => ({
    path,
    publicKey: key.publicKey,
    identity: loaded
      ? { path, publicKey: key.publicKey, comment: '', privateKey: async () => key }
      : undefined,
  });
  const names = (offers: ReturnType<typeof orderKeyOffers>) =>
    offers.map((o) =>
      o.kind === 'agent' ? `agent:${o.path ?? o.identity.comment}` : `file:${o.identity.path}`,
    );

  it('agent keys first in the agent’s order, a file the agent holds signed by the agent, then the other files', () => {
    const agent = [held(b, 'B'), held(a, 'A'), held(c, 'C')];
    const files = [file(a, '/k/a'), file(d, '/k/d')];
    expect(names(orderKeyOffers(agent, files, false))).toEqual([
      'agent:B',
      'agent:/k/a',
      'agent:C',
      'file:/k/d',
    ]);
  });

  it('IdentitiesOnly: only agent keys that are identity files’ keys, even when only the .pub was read', () => {
    const agent = [held(b, 'B'), held(a, 'A'), held(c, 'C')];
    const files = [file(c, '/k/c-encrypted', false), file(d, '/k/d')];
    expect(names(orderKeyOffers(agent, files, true))).toEqual(['agent:/k/c-encrypted', 'file:/k/d']);
    expect(names(orderKeyOffers(agent, [], true))).toEqual([]);
  });

  it('without an agent the files keep their order; keys of types we cannot parse are left out', () => {
    const files = [file(d, '/k/d'), file(a, '/k/a'), file(b, '/k/b-unloadable', false)];
    expect(names(orderKeyOffers([], files, false))).toEqual(['file:/k/d', 'file:/k/a']);
    const cert: AgentIdentity = { blob: new Uint8Array(3), comment: 'cert', publicKey: undefined };
    expect(names(orderKeyOffers([cert], [], false))).toEqual([]);
  });
});
