/** draft-miller-ssh-agent §3 framing: `uint32 length || payload`, bounded (PROTOCOL-NOTES §4.4 #38). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AgentProtocolError } from '../../src/agent/agent-errors.js';
import { AgentFrameReader, frameAgentMessage } from '../../src/agent/agent-framing.js';
import { AGENT_MAX_MESSAGE_LENGTH } from '../../src/agent/agent-protocol.js';

function drain(reader: AgentFrameReader): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let m = reader.next(); m; m = reader.next()) out.push(m);
  return out;
}

describe('§3 agent message framing', () => {
  it('gives back the payloads whatever the chunking', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: 1, maxLength: 40 }), { minLength: 1, maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        (payloads, cuts) => {
          const stream = new Uint8Array(payloads.flatMap((p) => [...frameAgentMessage(p)]));
          const points = [...new Set(cuts.map((c) => c % stream.length))].sort((a, b) => a - b);
          const reader = new AgentFrameReader();
          const out: Uint8Array[] = [];
          let at = 0;
          for (const point of [...points, stream.length]) {
            reader.push(stream.subarray(at, point));
            at = point;
            out.push(...drain(reader));
          }
          expect(out).toEqual(payloads);
          expect(reader.buffered).toBe(0);
        },
      ),
      { seed: 3, numRuns: 200 },
    );
  });

  it('holds an incomplete message until the rest arrives, byte by byte', () => {
    const frame = frameAgentMessage(new Uint8Array([11]));
    const reader = new AgentFrameReader();
    for (const byte of frame.subarray(0, -1)) {
      reader.push(new Uint8Array([byte]));
      expect(reader.next()).toBeUndefined();
    }
    reader.push(frame.subarray(-1));
    expect(reader.next()).toEqual(new Uint8Array([11]));
  });

  it('refuses a length of 0', () => {
    const reader = new AgentFrameReader();
    reader.push(new Uint8Array([0, 0, 0, 0, 11]));
    expect(() => reader.next()).toThrow(AgentProtocolError);
  });

  it('refuses a length over 256 KiB as soon as the length is in, before the body', () => {
    const reader = new AgentFrameReader();
    reader.push(new Uint8Array([0xff, 0xff, 0xff, 0xff]));
    expect(() => reader.next()).toThrow(/over 262144/);
    const edge = new AgentFrameReader();
    const header = new Uint8Array(4);
    new DataView(header.buffer).setUint32(0, AGENT_MAX_MESSAGE_LENGTH + 1);
    edge.push(header);
    expect(() => edge.next()).toThrow(AgentProtocolError);
  });

  it('takes a message of exactly 256 KiB', () => {
    const payload = new Uint8Array(AGENT_MAX_MESSAGE_LENGTH).fill(6);
    const reader = new AgentFrameReader();
    reader.push(frameAgentMessage(payload));
    expect(reader.next()?.length).toBe(AGENT_MAX_MESSAGE_LENGTH);
  });

  it('will not frame what the other side must refuse', () => {
    expect(() => frameAgentMessage(new Uint8Array(0))).toThrow(RangeError);
    expect(() => frameAgentMessage(new Uint8Array(AGENT_MAX_MESSAGE_LENGTH + 1))).toThrow(RangeError);
  });
});
