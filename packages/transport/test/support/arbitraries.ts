/**
 * fast-check arbitraries for declared fields: one per wire kind, so one property covers a whole
 * message table (STYLE.md §3). Shared by the message tests of every package.
 */

import fc from 'fast-check';

const MAX_UINT32 = 0xffff_ffff;

/** Values a codec of `kind` must round-trip. */
export function arbitraryOfKind(kind: string): fc.Arbitrary<unknown> {
  switch (kind) {
    case 'byte':
      return fc.integer({ min: 0, max: 255 });
    case 'boolean':
      return fc.boolean();
    case 'uint32':
      return fc.integer({ min: 0, max: MAX_UINT32 });
    case 'uint64':
      return fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
    case 'bytes':
    case 'rest':
      return fc.uint8Array({ maxLength: 48 });
    case 'utf8':
    case 'lenient-text':
      return fc.string({ unit: 'grapheme', maxLength: 24 });
    case 'ascii':
      return fc.stringMatching(/^[\x20-\x7e]{0,24}$/);
    case 'name-list':
      return fc.array(fc.stringMatching(/^[a-z0-9@.-]{1,16}$/), { maxLength: 6 });
    case 'mpint':
      return fc.bigInt({ min: -(1n << 300n), max: 1n << 300n });
    case 'raw16':
      return fc.uint8Array({ minLength: 16, maxLength: 16 });
    case 'terminal-modes':
      return fc
        .array(fc.tuple(fc.integer({ min: 1, max: 159 }), fc.integer({ min: 0, max: MAX_UINT32 })), {
          maxLength: 12,
        })
        .map((pairs) => new Map(pairs));
    default:
      throw new Error(`no arbitrary for field kind ${kind}`);
  }
}

/** Records of values for every field of a declaration. */
export function arbitraryFields(
  fields: Readonly<Record<string, { readonly kind: string }>>,
): fc.Arbitrary<Record<string, unknown>> {
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [name, codec] of Object.entries(fields)) model[name] = arbitraryOfKind(codec.kind);
  return fc.record(model);
}
