/**
 * draft-miller-ssh-agent §5 message codecs: one generic property over the whole table
 * (STYLE.md §3) — round trip, truncation, mutation — and the decoding rules that CVEs taught.
 */
import {
  Ed25519PrivateKey,
  type Fields,
  InvalidKeyError,
  type MessageSpec,
  SshDecodeError,
  SshError,
  SshWriter,
  type StructSpec,
} from '@seashell/transport';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as messages from '../../src/agent/agent-messages.js';
import { AgentMessageNumber } from '../../src/agent/agent-protocol.js';
import { arbitraryAgentFields, testRsaKey } from './arbitraries.js';

const specs = (Object.entries(messages) as [string, unknown][]).filter(
  (e): e is [string, StructSpec<Fields>] => typeof e[1] === 'object' && e[1] !== null && 'fields' in e[1],
);

/** Decoding must end in a value or an SshError, never another exception. */
function decodesOrTypedError(spec: StructSpec<Fields>, bytes: Uint8Array): void {
  try {
    spec.decode(bytes);
  } catch (e) {
    expect(e).toBeInstanceOf(SshError);
  }
}

describe('§5 the agent message table', () => {
  it('declares every message of the protocol once, by its number', () => {
    const numbers = specs.filter(([, s]) => 'number' in s).map(([, s]) => (s as MessageSpec<Fields>).number);
    expect(new Set(numbers).size).toBe(numbers.length);
    expect(numbers.sort((a, b) => a - b)).toEqual(Object.values(AgentMessageNumber).sort((a, b) => a - b));
  });

  for (const [name, spec] of specs) {
    it(`${name}: decode(encode(m)) equals m and re-encodes to the same bytes`, () => {
      fc.assert(
        fc.property(arbitraryAgentFields(spec.fields), (value) => {
          const encoded = spec.encode(value as never).slice();
          if ('number' in spec) expect(encoded[0]).toBe((spec as MessageSpec<Fields>).number);
          const decoded = spec.decode(encoded);
          expect(decoded).toEqual(value);
          expect(spec.encode(decoded as never)).toEqual(encoded);
        }),
        { seed: 9987, numRuns: 60 },
      );
    });

    it(`${name}: truncated, mutated and arbitrary bytes give a value or an SshError`, () => {
      fc.assert(
        fc.property(
          arbitraryAgentFields(spec.fields),
          fc.nat(),
          fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
          fc.uint8Array({ maxLength: 64 }),
          (value, cut, flips, junk) => {
            const encoded = spec.encode(value as never).slice();
            decodesOrTypedError(spec, encoded.subarray(0, cut % (encoded.length + 1)));
            const mutated = encoded.slice();
            for (const [at, byte] of flips) if (mutated.length > 0) mutated[at % mutated.length] = byte;
            decodesOrTypedError(spec, mutated);
            decodesOrTypedError(spec, junk);
            decodesOrTypedError(spec, new Uint8Array([...encoded, ...junk]));
          },
        ),
        { seed: 38, numRuns: 60 },
      );
    });
  }
});

describe('§5.5 SSH_AGENT_IDENTITIES_ANSWER', () => {
  it('does not believe a count the bytes cannot hold (no allocation from a count)', () => {
    const huge = new SshWriter().byte(12).uint32(0xffffffff).bytes();
    expect(() => messages.AgentIdentitiesAnswer.decode(huge)).toThrow(SshDecodeError);
    const tooMany = new SshWriter().byte(12).uint32(2049);
    for (let i = 0; i < 2049; i++) tooMany.string('').string('');
    expect(() => messages.AgentIdentitiesAnswer.decode(tooMany.bytes())).toThrow(/2049 identities/);
  });

  it('decodes a comment that is not UTF-8 instead of refusing the list', () => {
    const bytes = new SshWriter()
      .byte(12)
      .uint32(1)
      .string('k')
      .string(new Uint8Array([0x66, 0xff]))
      .bytes();
    expect(messages.AgentIdentitiesAnswer.decode(bytes).identities[0]?.comment).toBe('f\ufffd');
  });
});

describe('§5.2 SSH_AGENTC_ADD_IDENTITY key encodings', () => {
  const ed25519 = (pk: Uint8Array, sk: Uint8Array) =>
    new SshWriter().byte(17).string('ssh-ed25519').string(pk).string(sk).string('c').bytes();

  it('refuses an ed25519 key shorter than 32 + 64 bytes (x/crypto CVE-2026-46598)', () => {
    for (const skLength of [0, 1, 31, 32, 63, 65]) {
      expect(() =>
        messages.AgentAddIdentity.decode(ed25519(new Uint8Array(32), new Uint8Array(skLength))),
      ).toThrow(InvalidKeyError);
    }
    expect(() => messages.AgentAddIdentity.decode(ed25519(new Uint8Array(31), new Uint8Array(64)))).toThrow(
      InvalidKeyError,
    );
  });

  it('refuses an ed25519 key whose public half is not its own', () => {
    const key = new Ed25519PrivateKey(new Uint8Array(32).fill(7));
    const other = new Ed25519PrivateKey(new Uint8Array(32).fill(8)).publicKey.key;
    const sk = new Uint8Array([...key.seed(), ...key.publicKey.key]);
    expect(
      messages.AgentAddIdentity.decode(ed25519(key.publicKey.key, sk)).key.publicKey.equals(key.publicKey),
    ).toBe(true);
    expect(() => messages.AgentAddIdentity.decode(ed25519(other, sk))).toThrow(SshError);
    expect(() =>
      messages.AgentAddIdentity.decode(ed25519(key.publicKey.key, new Uint8Array([...key.seed(), ...other]))),
    ).toThrow(SshError);
  });

  it('carries RSA as n, e, d, iqmp, p, q and gets the same key back', () => {
    const key = testRsaKey();
    const bytes = messages.AgentAddIdentity.encode({ key, comment: 'rsa' });
    const c = key.components();
    const expected = new SshWriter()
      .byte(17)
      .string('ssh-rsa')
      .mpint(c.n)
      .mpint(c.e)
      .mpint(c.d)
      .mpint(c.qinv)
      .mpint(c.p)
      .mpint(c.q)
      .string('rsa')
      .bytes();
    expect(bytes).toEqual(expected);
    expect(messages.AgentAddIdentity.decode(bytes).key.publicKey.equals(key.publicKey)).toBe(true);
  });
});
