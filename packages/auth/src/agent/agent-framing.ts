/**
 * Agent message framing (draft-miller-ssh-agent §3): every message is `uint32 length || byte
 * type || contents`, on a stream (a unix socket, an SSH channel). The reader bounds the length
 * before it keeps any byte of the body (x/crypto CVE-2025-47914 lesson; OpenSSH AGENT_MAX_LEN).
 */

import { AgentProtocolError } from './agent-errors.js';
import { AGENT_MAX_MESSAGE_LENGTH } from './agent-protocol.js';

/** `uint32 length || payload`. */
export function frameAgentMessage(payload: Uint8Array): Uint8Array {
  if (payload.length === 0 || payload.length > AGENT_MAX_MESSAGE_LENGTH)
    throw new RangeError(`an agent message is 1..${AGENT_MAX_MESSAGE_LENGTH} bytes, not ${payload.length}`);
  const out = new Uint8Array(4 + payload.length);
  new DataView(out.buffer).setUint32(0, payload.length);
  out.set(payload, 4);
  return out;
}

/**
 * Cuts a byte stream into agent message payloads. Feed it chunks as they arrive; take payloads
 * with `next()` until it returns undefined.
 *
 * @example
 * const reader = new AgentFrameReader();
 * socket.on('data', (chunk) => {
 *   reader.push(chunk);
 *   for (let m = reader.next(); m; m = reader.next()) handle(m);
 * });
 */
export class AgentFrameReader {
  #chunks: Uint8Array[] = [];
  #buffered = 0;

  /** Bytes received and not yet returned as a payload. */
  get buffered(): number {
    return this.#buffered;
  }

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.#chunks.push(chunk.slice());
    this.#buffered += chunk.length;
  }

  /**
   * The next whole payload (a copy), or undefined while it is incomplete.
   * @throws AgentProtocolError for a length of 0 or above AGENT_MAX_MESSAGE_LENGTH: the stream
   *   cannot be resynchronised and must be closed.
   */
  next(): Uint8Array | undefined {
    if (this.#buffered < 4) return undefined;
    const head = this.#peek(4);
    const length = new DataView(head.buffer, head.byteOffset, 4).getUint32(0);
    if (length === 0) throw new AgentProtocolError('agent message of length 0');
    if (length > AGENT_MAX_MESSAGE_LENGTH)
      throw new AgentProtocolError(`agent message of ${length} bytes is over ${AGENT_MAX_MESSAGE_LENGTH}`);
    if (this.#buffered < 4 + length) return undefined;
    const frame = this.#take(4 + length);
    return frame.subarray(4);
  }

  #peek(n: number): Uint8Array {
    const first = this.#chunks[0]!;
    if (first.length >= n) return first.subarray(0, n);
    this.#chunks = [this.#take(this.#buffered)];
    this.#buffered = this.#chunks[0]!.length;
    return this.#chunks[0]!.subarray(0, n);
  }

  #take(n: number): Uint8Array {
    const out = new Uint8Array(n);
    let at = 0;
    while (at < n) {
      const chunk = this.#chunks[0]!;
      const part = Math.min(chunk.length, n - at);
      out.set(chunk.subarray(0, part), at);
      at += part;
      if (part === chunk.length) this.#chunks.shift();
      else this.#chunks[0] = chunk.subarray(part);
    }
    this.#buffered -= n;
    return out;
  }
}
