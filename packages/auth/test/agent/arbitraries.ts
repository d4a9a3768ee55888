/** fast-check arbitraries for the agent's own field kinds, beside the shared ones of transport. */
import {
  ECDSA_CURVES,
  type EcdsaKeyType,
  EcdsaPrivateKey,
  Ed25519PrivateKey,
  type RsaPrivateKey,
} from '@seashell/transport';
import fc from 'fast-check';
import { arbitraryOfKind } from '../../../transport/test/support/arbitraries.js';
import type { AgentConstraint } from '../../src/agent/agent-constraints.js';
import { rsaKey } from '../support/keys.js';

let rsa: RsaPrivateKey | undefined;
/** One 1024-bit RSA key, made once (RSA generation is slow and not what is tested). */
export function testRsaKey(): RsaPrivateKey {
  rsa ??= rsaKey(1024);
  return rsa;
}

const ECDSA_TYPES: EcdsaKeyType[] = ['ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521'];

/** Keys of every type ADD_IDENTITY carries. */
export const arbitraryPrivateKey = fc.oneof(
  fc.uint8Array({ minLength: 32, maxLength: 32 }).map((seed) => new Ed25519PrivateKey(seed)),
  fc
    .tuple(fc.constantFrom(...ECDSA_TYPES), fc.bigInt({ min: 1n, max: (1n << 250n) - 1n }))
    .map(([type, d]) => new EcdsaPrivateKey(type, (d % (ECDSA_CURVES[type].curve.Point.Fn.ORDER - 1n)) + 1n)),
  fc.constant(null).map(() => testRsaKey()),
);

const knownExtension = fc.oneof(
  fc.uint8Array({ maxLength: 24 }).map((b) => ({ name: 'sk-provider@openssh.com', data: withLength(b) })),
  fc
    .uint8Array({ maxLength: 24 })
    .map((b) => ({ name: 'restrict-destination-v00@openssh.com', data: withLength(b) })),
  fc.tuple(fc.integer({ min: 0, max: 255 }), fc.uint8Array({ maxLength: 24 })).map(([flag, b]) => ({
    name: 'associated-certs-v00@openssh.com',
    data: new Uint8Array([flag, ...withLength(b)]),
  })),
);

function withLength(b: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + b.length);
  new DataView(out.buffer).setUint32(0, b.length);
  out.set(b, 4);
  return out;
}

const constraint: fc.Arbitrary<AgentConstraint> = fc.oneof(
  fc.integer({ min: 0, max: 0xffffffff }).map((seconds) => ({ type: 'lifetime' as const, seconds })),
  fc.constant({ type: 'confirm' as const }),
  fc.integer({ min: 0, max: 0xffffffff }).map((signatures) => ({ type: 'maxsign' as const, signatures })),
  knownExtension.map((e) => ({ type: 'extension' as const, ...e })),
);

/** Constraints; an extension of unknown shape only last, since its data runs to the end. */
export const arbitraryConstraints: fc.Arbitrary<AgentConstraint[]> = fc
  .tuple(
    fc.array(constraint, { maxLength: 5 }),
    fc.option(
      fc
        .tuple(fc.stringMatching(/^[a-z0-9.-]{1,12}@example\.com$/), fc.uint8Array({ maxLength: 24 }))
        .map(([name, data]) => ({ type: 'extension' as const, name, data })),
    ),
  )
  .map(([list, last]) => (last ? [...list, last] : list));

/** Values for every field kind an agent message declares. */
export function arbitraryAgentKind(kind: string): fc.Arbitrary<unknown> {
  switch (kind) {
    case 'agent-private-key':
      return arbitraryPrivateKey;
    case 'agent-constraints':
      return arbitraryConstraints;
    case 'agent-identities':
      return fc.array(
        fc.record({ key: fc.uint8Array({ maxLength: 40 }), comment: arbitraryOfKind('utf8') }),
        {
          maxLength: 5,
        },
      );
    case 'agent-names':
      return fc.array(fc.stringMatching(/^[\x20-\x7e]{0,24}$/), { maxLength: 5 });
    default:
      return arbitraryOfKind(kind);
  }
}

/** Records of values for every field of a declaration. */
export function arbitraryAgentFields(
  fields: Readonly<Record<string, { readonly kind: string }>>,
): fc.Arbitrary<Record<string, unknown>> {
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [name, codec] of Object.entries(fields)) model[name] = arbitraryAgentKind(codec.kind);
  return fc.record(model);
}
