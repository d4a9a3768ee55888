/**
 * Tools for tests that play one side of a key exchange by hand or rewrite the other side's kex
 * messages on the wire: everything before NEWKEYS is cleartext, so packets can be read and
 * re-framed freely.
 */
import { KexInit } from '../../src/messages.js';
import { PacketDecoder, PacketEncoder } from '../../src/packet-framer.js';
import { Transport, type TransportConfig, type TransportEvent } from '../../src/transport.js';
import { seededRandom, testHostKey } from './pair.js';

const enc = new TextEncoder();

/**
 * A `tamper` for `makePair` that hands each key exchange method message (numbers 30–49) of the
 * initial exchange to `mutate` and re-frames what it returns (any length; undefined drops it).
 */
export function kexMessageTamper(
  mutate: (from: 'client' | 'server', index: number, payload: Uint8Array) => Uint8Array | undefined,
): (from: 'client' | 'server', bytes: Uint8Array) => Uint8Array {
  const done = { client: false, server: false };
  const encoder = new PacketEncoder(seededRandom('reframe'));
  let index = 0;
  return (from, bytes) => {
    if (done[from]) return bytes;
    let at = 0;
    const out: Uint8Array[] = [];
    if (bytes[0] === 0x53 && bytes[1] === 0x53 && bytes[2] === 0x48) {
      const nl = bytes.indexOf(0x0a);
      out.push(bytes.subarray(0, nl + 1));
      at = nl + 1;
    }
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    while (at < bytes.length) {
      if (done[from]) {
        out.push(bytes.subarray(at));
        break;
      }
      const length = view.getUint32(at);
      const padding = bytes[at + 4]!;
      const packet = bytes.subarray(at, at + 4 + length);
      const payload = bytes.subarray(at + 5, at + 4 + length - padding);
      at += 4 + length;
      const type = payload[0]!;
      if (type === 21) done[from] = true;
      if (type < 30 || type > 49) {
        out.push(packet);
        continue;
      }
      const changed = mutate(from, index++, payload.slice());
      if (changed) out.push(encoder.encode(changed));
    }
    const total = out.reduce((n, b) => n + b.length, 0);
    const joined = new Uint8Array(total);
    let w = 0;
    for (const b of out) {
      joined.set(b, w);
      w += b.length;
    }
    return joined;
  };
}

/**
 * A real transport of `role` whose peer the test plays by hand: `send` frames a payload to it,
 * `read` returns the payloads it sent (cleartext, before NEWKEYS), `events` what it reported.
 */
export function handPlayedPeer(role: 'client' | 'server', config: Partial<TransportConfig> = {}) {
  const transport = new Transport({
    role,
    ...(role === 'server' ? { hostKeys: [testHostKey()] } : {}),
    random: seededRandom(`hand-played:${role}`),
    ...config,
  });
  const decoder = new PacketDecoder();
  const encoder = new PacketEncoder(seededRandom('hand'));
  let versionSeen = false;
  const read = (): Uint8Array[] => {
    for (let b = transport.pollTransmit(); b; b = transport.pollTransmit()) decoder.push(b);
    if (!versionSeen) {
      const raw = decoder.takeRaw();
      const nl = raw.indexOf(0x0a);
      if (nl < 0) return [];
      decoder.consumeRaw(nl + 1);
      versionSeen = true;
    }
    const out: Uint8Array[] = [];
    for (let p = decoder.next(); p; p = decoder.next()) out.push(p.payload.slice());
    return out;
  };
  const events = (): TransportEvent[] => {
    const out: TransportEvent[] = [];
    for (let e = transport.nextEvent(); e; e = transport.nextEvent()) out.push(e);
    return out;
  };
  return {
    transport,
    read,
    events,
    version: (line = 'SSH-2.0-HandPlayed') => transport.receive(enc.encode(`${line}\r\n`)),
    send: (payload: Uint8Array) => transport.receive(encoder.encode(payload)),
  };
}

/** A KEXINIT offering exactly one kex (with the strict-kex marker of `role`) and plain algorithms. */
export function kexInitFor(role: 'client' | 'server', kex: string): Uint8Array {
  return KexInit.encode({
    cookie: new Uint8Array(16),
    kexAlgorithms: [kex, role === 'client' ? 'kex-strict-c-v00@openssh.com' : 'kex-strict-s-v00@openssh.com'],
    serverHostKeyAlgorithms: ['ssh-ed25519'],
    encryptionClientToServer: ['aes128-ctr'],
    encryptionServerToClient: ['aes128-ctr'],
    macClientToServer: ['hmac-sha2-256'],
    macServerToClient: ['hmac-sha2-256'],
    compressionClientToServer: ['none'],
    compressionServerToClient: ['none'],
    languagesClientToServer: [],
    languagesServerToClient: [],
    firstKexPacketFollows: false,
    reserved: 0,
  });
}
