/** RFC 4254 message codecs: one generic property over the table, and hostile bytes. */
import { type Fields, type MessageSpec, SshDecodeError } from '@seashell/transport';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbitraryFields } from '../../transport/test/support/arbitraries.js';
import {
  ChannelData,
  ChannelExtendedData,
  ChannelOpenFailure,
  ChannelOpenFailureReason,
  CONNECTION_MESSAGES,
  ConnectionMessageNumber,
  ExtendedDataType,
} from '../src/index.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const messages: readonly MessageSpec<Fields>[] = CONNECTION_MESSAGES;

describe('RFC 4250 §4.1.2 message numbers', () => {
  it('declares each of 80–82 and 90–100 exactly once, under its RFC name', () => {
    const numbers = messages.map((m) => m.number);
    expect(numbers).toEqual([80, 81, 82, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 100]);
    expect(Object.values(ConnectionMessageNumber)).toEqual(numbers);
    for (const m of messages) expect(m.name).toMatch(/^SSH_MSG_[A-Z_]+$/);
  });
});

describe('RFC 4254 §4 and §5 message codecs', () => {
  for (const spec of messages) {
    it(`${spec.name} round-trips`, () => {
      fc.assert(
        fc.property(arbitraryFields(spec.fields), (value) => {
          const encoded = spec.encode(value as never);
          expect(encoded[0]).toBe(spec.number);
          expect(spec.decode(encoded)).toEqual(value);
        }),
        { seed: 4254 + spec.number, numRuns: 200 },
      );
    });

    it(`${spec.name} refuses every truncation with SshDecodeError`, () => {
      fc.assert(
        fc.property(arbitraryFields(spec.fields), (value) => {
          const encoded = spec.encode(value as never);
          const hasRest = Object.values(spec.fields).some((c) => c.kind === 'rest');
          for (let n = 0; n < encoded.length; n++) {
            const prefix = encoded.subarray(0, n);
            // A message ending in `rest` may legitimately be cut inside that tail.
            if (hasRest) {
              try {
                spec.decode(prefix);
              } catch (e) {
                expect(e).toBeInstanceOf(SshDecodeError);
              }
            } else expect(() => spec.decode(prefix)).toThrow(SshDecodeError);
          }
        }),
        { seed: 1 + spec.number, numRuns: 30 },
      );
    });
  }

  it('refuses trailing bytes after a fixed layout', () => {
    for (const spec of messages) {
      if (Object.values(spec.fields).some((c) => c.kind === 'rest')) continue;
      const value = fc.sample(arbitraryFields(spec.fields), { seed: 9, numRuns: 1 })[0]!;
      const encoded = spec.encode(value as never);
      const longer = new Uint8Array(encoded.length + 1);
      longer.set(encoded);
      expect(() => spec.decode(longer), spec.name).toThrow(SshDecodeError);
    }
  });

  it('encodes SSH_MSG_CHANNEL_DATA and EXTENDED_DATA (stderr) as the RFC lays them out', () => {
    const data = new TextEncoder().encode('hi');
    expect(hex(ChannelData.encode({ recipientChannel: 7, data }))).toBe('5e00000007000000026869');
    expect(
      hex(ChannelExtendedData.encode({ recipientChannel: 7, dataTypeCode: ExtendedDataType.STDERR, data })),
    ).toBe('5f0000000700000001000000026869');
  });
});

describe('RFC 4254 §5.1 open failure reasons', () => {
  it('has the four RFC reason codes', () => {
    expect(ChannelOpenFailureReason).toEqual({
      ADMINISTRATIVELY_PROHIBITED: 1,
      CONNECT_FAILED: 2,
      UNKNOWN_CHANNEL_TYPE: 3,
      RESOURCE_SHORTAGE: 4,
    });
  });

  it('decodes a description that is not valid UTF-8 without failing the message', () => {
    const payload = Uint8Array.from([92, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 2, 0x41, 0xff, 0, 0, 0, 0]);
    const m = ChannelOpenFailure.decode(payload);
    expect(m).toEqual({ recipientChannel: 1, reasonCode: 2, description: 'A\ufffd', languageTag: '' });
  });
});
