/**
 * The in-memory keyring as an agent (draft-miller-ssh-agent §5), on a fake clock: what it holds,
 * signs and forgets, and what it refuses rather than silently ignores (x/crypto CVE-2026-39832/
 * 39833, CVE-2025-47914, CVE-2026-46598; OpenSSH CVE-2023-38408).
 */
import {
  decodeSignatureBlob,
  type Fields,
  generateKey,
  type MessageSpec,
  type PrivateKey,
  SshWriter,
} from '@seashell/transport';
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import type { AgentConstraint } from '../../src/agent/agent-constraints.js';
import { AgentKeyring } from '../../src/agent/agent-keyring.js';
import type { AgentKeyringConnection } from '../../src/agent/agent-keyring-connection.js';
import * as m from '../../src/agent/agent-messages.js';
import { AgentMessageNumber as N } from '../../src/agent/agent-protocol.js';
import { arbitraryAgentFields, testRsaKey } from './arbitraries.js';

const FAILURE = new Uint8Array([N.SSH_AGENT_FAILURE]);
const SUCCESS = new Uint8Array([N.SSH_AGENT_SUCCESS]);
const fixed = (n: number) => (len: number) => new Uint8Array(len).fill(n);

let clock: number;
let keyring: AgentKeyring;
let agent: AgentKeyringConnection;
let log: string[];

beforeEach(() => {
  clock = 1_000_000;
  log = [];
  keyring = new AgentKeyring({ now: () => clock, random: fixed(9), log: (line) => log.push(line) });
  agent = keyring.connection();
});

function listed(): { comment: string; type: string }[] {
  const reply = agent.handle(m.AgentRequestIdentities.encode({}));
  return m.AgentIdentitiesAnswer.decode(reply).identities.map(({ key, comment }) => ({
    comment,
    type: new TextDecoder().decode(
      key.subarray(4, 4 + new DataView(key.buffer, key.byteOffset).getUint32(0)),
    ),
  }));
}

function add(
  key: PrivateKey & Parameters<typeof m.AgentAddIdentity.encode>[0]['key'],
  comment = 'c',
  constraints: AgentConstraint[] = [],
) {
  return agent.handle(
    constraints.length === 0
      ? m.AgentAddIdentity.encode({ key, comment })
      : m.AgentAddIdConstrained.encode({ key, comment, constraints }),
  );
}

function sign(key: PrivateKey, data: Uint8Array, flags = 0): Uint8Array {
  return agent.handle(m.AgentSignRequest.encode({ key: key.publicKey.blob, data, flags }));
}

const ed25519 = () => generateKey('ssh-ed25519', fixed(1));
const ecdsa = () => generateKey('ecdsa-sha2-nistp384', fixed(2));

describe('§5.2, §5.5 adding and listing keys', () => {
  it('lists added keys in the order they came, with their comments', () => {
    expect(listed()).toEqual([]);
    expect(add(ed25519(), 'first')).toEqual(SUCCESS);
    expect(add(ecdsa(), 'second')).toEqual(SUCCESS);
    expect(add(testRsaKey(), 'third')).toEqual(SUCCESS);
    expect(listed()).toEqual([
      { comment: 'first', type: 'ssh-ed25519' },
      { comment: 'second', type: 'ecdsa-sha2-nistp384' },
      { comment: 'third', type: 'ssh-rsa' },
    ]);
  });

  it('adding a key it holds replaces the comment in place', () => {
    add(ed25519(), 'old');
    add(ecdsa(), 'other');
    add(ed25519(), 'new');
    expect(listed().map((k) => k.comment)).toEqual(['new', 'other']);
  });

  it('refuses a truncated ADD_IDENTITY and a short ed25519 key (CVE-2026-46598) without adding', () => {
    const full = m.AgentAddIdentity.encode({ key: ed25519(), comment: 'x' }).slice();
    for (let n = 1; n < full.length; n++) expect(agent.handle(full.subarray(0, n))).toEqual(FAILURE);
    const short = new SshWriter()
      .byte(N.SSH_AGENTC_ADD_IDENTITY)
      .string('ssh-ed25519')
      .string(new Uint8Array(32))
      .string(new Uint8Array(32))
      .string('short')
      .bytes();
    expect(agent.handle(short)).toEqual(FAILURE);
    expect(listed()).toEqual([]);
  });

  it('refuses key types it does not hold (DSA, certificates, security keys)', () => {
    for (const type of ['ssh-dss', 'ssh-ed25519-cert-v01@openssh.com', 'sk-ssh-ed25519@openssh.com']) {
      const bytes = new SshWriter()
        .byte(N.SSH_AGENTC_ADD_IDENTITY)
        .string(type)
        .string(new Uint8Array(32))
        .bytes();
      expect(agent.handle(bytes)).toEqual(FAILURE);
    }
    expect(listed()).toEqual([]);
  });
});

describe('§5.6 signing', () => {
  const data = new TextEncoder().encode('to be signed');

  it('signs with ed25519 and ECDSA keys, and the signature verifies', () => {
    for (const key of [ed25519(), ecdsa()]) {
      add(key);
      const { signature } = m.AgentSignResponse.decode(sign(key, data));
      expect(key.publicKey.verify(data, signature)).toBe(true);
    }
  });

  it('picks the RSA hash from the flags: 0 → ssh-rsa, 2 → rsa-sha2-256, 4 → rsa-sha2-512, 6 → 256', () => {
    const key = testRsaKey();
    add(key);
    for (const [flags, algorithm] of [
      [0, 'ssh-rsa'],
      [2, 'rsa-sha2-256'],
      [4, 'rsa-sha2-512'],
      [6, 'rsa-sha2-256'],
    ] as const) {
      const { signature } = m.AgentSignResponse.decode(sign(key, data, flags));
      expect(decodeSignatureBlob(signature).algorithm).toBe(algorithm);
      expect(key.publicKey.verify(data, signature, [algorithm])).toBe(true);
    }
  });

  it('refuses to sign with a key it does not hold', () => {
    add(ed25519());
    expect(sign(ecdsa(), data)).toEqual(FAILURE);
  });
});

describe('§5.3 removing keys', () => {
  it('removes one key, refuses one it does not hold, removes all', () => {
    add(ed25519());
    add(ecdsa());
    expect(agent.handle(m.AgentRemoveIdentity.encode({ key: ed25519().publicKey.blob }))).toEqual(SUCCESS);
    expect(agent.handle(m.AgentRemoveIdentity.encode({ key: ed25519().publicKey.blob }))).toEqual(FAILURE);
    expect(listed().map((k) => k.type)).toEqual(['ecdsa-sha2-nistp384']);
    expect(agent.handle(m.AgentRemoveAllIdentities.encode({}))).toEqual(SUCCESS);
    expect(listed()).toEqual([]);
  });
});

describe('§5.2.7 key constraints', () => {
  it('forgets a key when its lifetime is over (fake clock)', () => {
    expect(add(ed25519(), 'short-lived', [{ type: 'lifetime', seconds: 60 }])).toEqual(SUCCESS);
    add(ecdsa(), 'forever');
    expect(keyring.msUntilExpiry()).toBe(60_000);
    clock += 59_999;
    expect(listed().map((k) => k.comment)).toEqual(['short-lived', 'forever']);
    expect(keyring.msUntilExpiry()).toBe(1);
    clock += 1;
    expect(listed().map((k) => k.comment)).toEqual(['forever']);
    expect(sign(ed25519(), new Uint8Array([1]))).toEqual(FAILURE);
    expect(keyring.msUntilExpiry()).toBeUndefined();
  });

  it('a lifetime of 0 ends at once; re-adding the key resets it', () => {
    add(ed25519(), 'gone', [{ type: 'lifetime', seconds: 0 }]);
    expect(listed()).toEqual([]);
    add(ed25519(), 'a', [{ type: 'lifetime', seconds: 10 }]);
    clock += 9_000;
    add(ed25519(), 'b', [{ type: 'lifetime', seconds: 10 }]);
    clock += 9_000;
    expect(listed().map((k) => k.comment)).toEqual(['b']);
  });

  it('gives keys added without a lifetime the default one', () => {
    keyring = new AgentKeyring({ now: () => clock, defaultLifetimeSeconds: 5 });
    agent = keyring.connection();
    add(ed25519());
    clock += 5_000;
    expect(listed()).toEqual([]);
  });

  const refused: [string, AgentConstraint[]][] = [
    ['confirm', [{ type: 'confirm' }]],
    ['maxsign', [{ type: 'maxsign', signatures: 10 }]],
    [
      'lifetime twice',
      [
        { type: 'lifetime', seconds: 10 },
        { type: 'lifetime', seconds: 20 },
      ],
    ],
    [
      'sk-provider@openssh.com',
      [
        {
          type: 'extension',
          name: 'sk-provider@openssh.com',
          data: new SshWriter().string('/lib/evil.so').bytes(),
        },
      ],
    ],
    [
      'restrict-destination-v00@openssh.com',
      [
        {
          type: 'extension',
          name: 'restrict-destination-v00@openssh.com',
          data: new SshWriter().string('').bytes(),
        },
      ],
    ],
    [
      'an unknown extension',
      [{ type: 'extension', name: 'unknown@example.com', data: new Uint8Array([1, 2]) }],
    ],
    ['a lifetime with confirm', [{ type: 'lifetime', seconds: 10 }, { type: 'confirm' }]],
  ];
  for (const [name, constraints] of refused) {
    it(`refuses ${name} rather than ignore it (CVE-2026-39832/39833), and adds nothing`, () => {
      expect(add(ed25519(), 'x', constraints)).toEqual(FAILURE);
      expect(listed()).toEqual([]);
      expect(log.at(-1)).toMatch(/SSH_AGENTC_ADD_ID_CONSTRAINED refused/);
    });
  }

  it('refuses malformed constraints (x/crypto CVE-2025-47914) instead of crashing', () => {
    const body = m.AgentAddIdentity.encode({ key: ed25519(), comment: 'x' }).slice(1);
    for (const tail of [
      [1],
      [1, 0, 0],
      [3, 0],
      [7],
      [255],
      [255, 0, 0, 0, 9, 0x61],
      [255, 0, 0, 0, 23, ...'sk-provider@openssh.com'.split('').map((c) => c.charCodeAt(0)), 0, 0],
    ]) {
      const request = new Uint8Array([N.SSH_AGENTC_ADD_ID_CONSTRAINED, ...body, ...tail]);
      expect(agent.handle(request)).toEqual(FAILURE);
    }
    expect(listed()).toEqual([]);
  });
});

describe('smartcard keys (CVE-2023-38408 lesson)', () => {
  it('refuses SSH_AGENTC_ADD_SMARTCARD_KEY(_CONSTRAINED) and REMOVE_SMARTCARD_KEY', () => {
    expect(agent.handle(m.AgentAddSmartcardKey.encode({ provider: '/usr/lib/x.so', pin: '' }))).toEqual(
      FAILURE,
    );
    expect(
      agent.handle(
        m.AgentAddSmartcardKeyConstrained.encode({ provider: '/usr/lib/x.so', pin: '', constraints: [] }),
      ),
    ).toEqual(FAILURE);
    expect(agent.handle(m.AgentRemoveSmartcardKey.encode({ provider: '/usr/lib/x.so', pin: '' }))).toEqual(
      FAILURE,
    );
    expect(log.join('\n')).toMatch(/smartcard keys are not supported/);
  });
});

describe('§5.7 locking', () => {
  const lock = (p: string) => agent.handle(m.AgentLock.encode({ passphrase: new TextEncoder().encode(p) }));
  const unlock = (p: string) =>
    agent.handle(m.AgentUnlock.encode({ passphrase: new TextEncoder().encode(p) }));

  it('a locked agent lists nothing, signs nothing, adds and removes nothing, until unlocked', () => {
    const key = ed25519();
    add(key);
    expect(lock('sesame')).toEqual(SUCCESS);
    expect(keyring.locked).toBe(true);
    expect(listed()).toEqual([]);
    expect(sign(key, new Uint8Array([1]))).toEqual(FAILURE);
    expect(add(ecdsa())).toEqual(FAILURE);
    expect(agent.handle(m.AgentRemoveAllIdentities.encode({}))).toEqual(FAILURE);
    expect(lock('again')).toEqual(FAILURE);
    expect(unlock('wrong')).toEqual(FAILURE);
    expect(keyring.failedUnlocks).toBe(1);
    expect(unlock('sesame')).toEqual(SUCCESS);
    expect(keyring.failedUnlocks).toBe(0);
    expect(listed().map((k) => k.type)).toEqual(['ssh-ed25519']);
    expect(m.AgentSignResponse.decode(sign(key, new Uint8Array([1]))).signature.length).toBeGreaterThan(64);
  });

  it('refuses an empty passphrase and unlocking what is not locked', () => {
    expect(lock('')).toEqual(FAILURE);
    expect(unlock('x')).toEqual(FAILURE);
    expect(keyring.locked).toBe(false);
  });

  it('the direct API obeys the lock too', () => {
    const key = ed25519();
    expect(keyring.add(key)).toBe(true);
    expect(keyring.lock('p')).toBe(true);
    expect(keyring.list()).toEqual([]);
    expect(keyring.sign(key.publicKey, new Uint8Array(1))).toBeUndefined();
    expect(keyring.add(ecdsa())).toBe(false);
    expect(keyring.remove(key.publicKey)).toBe(false);
    expect(keyring.unlock(new TextEncoder().encode('p'))).toBe(true);
    expect(keyring.remove(key.publicKey)).toBe(true);
  });
});

describe('§5.8 extensions', () => {
  it('answers query with the extensions it has', () => {
    const reply = m.AgentExtensionResponse.decode(
      agent.handle(m.AgentExtension.encode({ name: 'query', contents: new Uint8Array(0) })),
    );
    expect(reply.name).toBe('query');
    expect(m.AgentQueryReply.decode(reply.contents).names).toEqual(['query', 'session-bind@openssh.com']);
  });

  it('refuses an extension it does not know', () => {
    expect(
      agent.handle(m.AgentExtension.encode({ name: 'ecdh@joyent.com', contents: new Uint8Array(3) })),
    ).toEqual(FAILURE);
  });

  describe('session-bind@openssh.com (PROTOCOL.agent §1)', () => {
    const host = generateKey('ssh-ed25519', fixed(5));
    const bind = (
      sessionId: Uint8Array,
      forwarding: boolean,
      signature = host.sign(sessionId),
      hostKey = host.publicKey.blob,
    ) =>
      agent.handle(
        m.AgentExtension.encode({
          name: 'session-bind@openssh.com',
          contents: m.AgentSessionBind.encode({ hostKey, sessionId, signature, forwarding }),
        }),
      );

    it('records a binding whose host key signed the session id', () => {
      const sid = new Uint8Array(32).fill(1);
      expect(bind(sid, false)).toEqual(SUCCESS);
      expect(agent.bindings).toEqual([{ hostKey: host.publicKey.blob, sessionId: sid, forwarding: false }]);
      // OpenSSH: a connection bound for authentication takes no second binding.
      expect(bind(new Uint8Array(32).fill(2), false)).toEqual(FAILURE);
    });

    it('refuses a signature that is not the host key’s over that session id', () => {
      const sid = new Uint8Array(32).fill(1);
      expect(bind(sid, false, host.sign(new Uint8Array(32)))).toEqual(FAILURE);
      expect(bind(sid, false, ed25519().sign(sid), host.publicKey.blob)).toEqual(FAILURE);
      expect(agent.bindings).toEqual([]);
    });

    it('takes up to 16 forwarding hops, the same one twice, and no more', () => {
      for (let i = 0; i < 16; i++) expect(bind(new Uint8Array(32).fill(i), true)).toEqual(SUCCESS);
      expect(bind(new Uint8Array(32).fill(3), true)).toEqual(SUCCESS);
      expect(bind(new Uint8Array(32).fill(99), true)).toEqual(FAILURE);
      expect(agent.bindings.length).toBe(16);
    });
  });
});

describe('requests it does not know, and bytes that are not requests', () => {
  it('answers SSH_AGENT_FAILURE to unknown and legacy message numbers', () => {
    for (const type of [1, 2, 7, 9, 24, 30, 99, 255])
      expect(agent.handle(new Uint8Array([type]))).toEqual(FAILURE);
    expect(agent.handle(new Uint8Array(0))).toEqual(FAILURE);
  });

  const replies: Record<number, MessageSpec<Fields>> = {
    [N.SSH_AGENT_FAILURE]: m.AgentFailure,
    [N.SSH_AGENT_SUCCESS]: m.AgentSuccess,
    [N.SSH_AGENT_IDENTITIES_ANSWER]: m.AgentIdentitiesAnswer,
    [N.SSH_AGENT_SIGN_RESPONSE]: m.AgentSignResponse,
    [N.SSH_AGENT_EXTENSION_RESPONSE]: m.AgentExtensionResponse,
  };
  const requests = [
    m.AgentRequestIdentities,
    m.AgentSignRequest,
    m.AgentAddIdentity,
    m.AgentAddIdConstrained,
    m.AgentRemoveIdentity,
    m.AgentRemoveAllIdentities,
    m.AgentLock,
    m.AgentUnlock,
    m.AgentExtension,
    m.AgentAddSmartcardKey,
  ] as MessageSpec<Fields>[];

  it('never throws, and always answers a reply that decodes (arbitrary and mutated requests)', () => {
    add(ed25519());
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 80 }),
          fc
            .tuple(
              fc.constantFrom(...requests),
              fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 3 }),
              fc.nat(),
            )
            .chain(([spec, flips, cut]) =>
              arbitraryAgentFields(spec.fields).map((v) => {
                const bytes = spec.encode(v as never).slice();
                for (const [at, b] of flips) bytes[at % bytes.length] = b;
                return bytes.subarray(0, bytes.length - (cut % 3));
              }),
            ),
        ),
        (request) => {
          const reply = agent.handle(request);
          const spec = replies[reply[0]!];
          expect(spec).toBeDefined();
          spec!.decode(reply);
          if (keyring.locked) keyring.unlock(new Uint8Array([0]));
        },
      ),
      { seed: 47914, numRuns: 300 },
    );
  });
});
