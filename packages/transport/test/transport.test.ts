/** The transport state machine, client and server in memory (RFC 4253 §4–§11, strict kex). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CIPHERS, MACS } from '../src/algorithms.js';
import {
  AlgorithmNegotiationError,
  DisconnectReason,
  type SshDisconnectError,
  SshError,
  SshProtocolError,
} from '../src/errors.js';
import { Disconnect, KexEcdhInit, KexInit, MessageNumber } from '../src/messages.js';
import { PacketDecoder, PacketEncoder } from '../src/packet-framer.js';
import { Transport } from '../src/transport.js';
import { makePair, seededRandom, testHostKey, upperMessage } from './support/pair.js';

const enc = new TextEncoder();

function ready(pair: ReturnType<typeof makePair>) {
  pair.pump();
  expect(pair.client.transport.ready).toBe(true);
  expect(pair.server.transport.ready).toBe(true);
}

/** A raw server fed by hand: our bytes in, its packets out (cleartext until NEWKEYS). */
function rawServer() {
  const server = new Transport({ role: 'server', hostKeys: [testHostKey()], random: seededRandom('raw') });
  const decoder = new PacketDecoder();
  const encoder = new PacketEncoder(seededRandom('raw-client'));
  const read = () => {
    for (let b = server.pollTransmit(); b; b = server.pollTransmit()) decoder.push(b);
    const raw = decoder.takeRaw();
    const nl = raw.indexOf(0x0a);
    if (nl >= 0 && raw[0] === 0x53) decoder.consumeRaw(nl + 1);
    const out: Uint8Array[] = [];
    for (let p = decoder.next(); p; p = decoder.next()) out.push(p.payload.slice());
    return out;
  };
  const events = () => {
    const out = [];
    for (let e = server.nextEvent(); e; e = server.nextEvent()) out.push(e);
    return out;
  };
  return { server, read, events, send: (payload: Uint8Array) => server.receive(encoder.encode(payload)) };
}

function clientKexInit(overrides: Partial<ReturnType<typeof KexInit.decode>> = {}) {
  return KexInit.encode({
    cookie: new Uint8Array(16),
    kexAlgorithms: ['curve25519-sha256', 'kex-strict-c-v00@openssh.com'],
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
    ...overrides,
  });
}

describe('RFC 4253 §7 key exchange', () => {
  it('completes with the default algorithms and strict kex, and carries messages both ways', () => {
    const pair = makePair();
    ready(pair);
    const done = pair.client.events.find((e) => e.type === 'kex-done');
    expect(done?.type === 'kex-done' && done.negotiated.cipherClientToServer).toBe(
      'chacha20-poly1305@openssh.com',
    );
    expect(pair.client.transport.sessionId).toEqual(pair.server.transport.sessionId);
    pair.client.transport.send(upperMessage(80, 100));
    pair.server.transport.send(upperMessage(81, 3));
    pair.pump();
    expect(pair.server.messages).toEqual([upperMessage(80, 100)]);
    expect(pair.client.messages).toEqual([upperMessage(81, 3)]);
  });

  const combos: [string, string][] = [];
  for (const [name, spec] of Object.entries(CIPHERS)) {
    if (spec.aead) combos.push([name, 'hmac-sha2-256']);
    else for (const mac of Object.keys(MACS)) combos.push([name, mac]);
  }
  it.each(combos)('moves messages of every size with %s and %s', (cipher, mac) => {
    const pair = makePair({ client: { algorithms: { cipher: [cipher], mac: [mac] } } });
    ready(pair);
    const sizes = [0, 1, 7, 8, 15, 16, 17, 255, 4096, 32_768, 200_000];
    for (const n of sizes) pair.client.transport.send(upperMessage(94, n));
    for (const n of sizes) pair.server.transport.send(upperMessage(94, n));
    pair.pump();
    expect(pair.server.messages.map((m) => m.length)).toEqual(sizes.map((n) => n + 1));
    expect(pair.client.messages.map((m) => m.length)).toEqual(sizes.map((n) => n + 1));
    expect(pair.server.messages.at(-1)).toEqual(upperMessage(94, 200_000));
  });

  it('names the kind and both lists when nothing matches', () => {
    const pair = makePair({
      client: { algorithms: { cipher: ['aes128-ctr'] } },
      server: { algorithms: { cipher: ['aes256-ctr'] } },
    });
    pair.pump();
    const error = pair.closedWith(pair.server);
    expect(error).toBeInstanceOf(AlgorithmNegotiationError);
    expect(error?.message).toMatch(/cipher \(client to server\).*aes256-ctr.*aes128-ctr/);
    // Each side sees both KEXINITs, so each finds the failure itself, with its own list first.
    const clientError = pair.closedWith(pair.client) as AlgorithmNegotiationError;
    expect(clientError.kind).toBe('cipher (client to server)');
    expect(clientError.ours).toEqual(['aes128-ctr']);
    expect(clientError.theirs).toEqual(['aes256-ctr']);
    expect(clientError.reason).toBe(DisconnectReason.KEY_EXCHANGE_FAILED);
  });

  it('replays a handshake byte for byte with fixed randomness', () => {
    const run = () => {
      const pair = makePair({ seed: 'golden' });
      ready(pair);
      pair.client.transport.send(upperMessage(94, 50));
      pair.pump();
      return [pair.client.wire, pair.server.wire];
    };
    expect(run()).toEqual(run());
  });

  it('ends with HOST_KEY_NOT_VERIFIABLE when the host key is rejected', () => {
    const pair = makePair({ acceptHostKey: false });
    pair.pump();
    expect(pair.client.events.some((e) => e.type === 'host-key')).toBe(true);
    pair.client.transport.rejectHostKey();
    pair.pump();
    const error = pair.closedWith(pair.client) as SshProtocolError;
    expect(error.reason).toBe(DisconnectReason.HOST_KEY_NOT_VERIFIABLE);
    expect((pair.closedWith(pair.server) as SshDisconnectError).reason).toBe(
      DisconnectReason.HOST_KEY_NOT_VERIFIABLE,
    );
  });

  it('skips exactly one packet after a wrong first_kex_packet_follows guess (§7)', () => {
    const raw = rawServer();
    raw.server.receive(enc.encode('SSH-2.0-Guesser\r\n'));
    raw.send(
      clientKexInit({
        kexAlgorithms: [
          'sntrup4591761x25519-sha512@tinyssh.org',
          'curve25519-sha256',
          'kex-strict-c-v00@openssh.com',
        ],
        firstKexPacketFollows: true,
      }),
    );
    raw.send(upperMessage(30, 65)); // the wrong guess: silently dropped
    raw.send(KexEcdhInit.encode({ clientPublic: seededRandom('x')(32) }));
    const replies = raw.read();
    expect(replies.map((p) => p[0])).toEqual([MessageNumber.KEXINIT, 31, MessageNumber.NEWKEYS]);
  });

  it('refuses a second KEXINIT during a key exchange', () => {
    const raw = rawServer();
    raw.server.receive(enc.encode('SSH-2.0-Twice\r\n'));
    raw.send(clientKexInit());
    raw.send(clientKexInit());
    const closed = raw.events().find((e) => e.type === 'closed');
    expect(closed?.type === 'closed' && closed.error?.message).toMatch(/multiple KEXINIT/);
    const sent = raw.read();
    expect(Disconnect.decode(sent.at(-1)!).reason).toBe(DisconnectReason.PROTOCOL_ERROR);
  });

  it('refuses a key exchange message outside a key exchange', () => {
    const raw = rawServer();
    raw.server.receive(enc.encode('SSH-2.0-Early\r\n'));
    raw.send(upperMessage(30, 32));
    expect(raw.events().some((e) => e.type === 'closed')).toBe(true);
  });
});

describe('RFC 4253 §9 key re-exchange', () => {
  it.each(['client', 'server'] as const)('rekeys when the %s asks, with data in flight both ways', (who) => {
    const pair = makePair();
    ready(pair);
    for (let i = 0; i < 20; i++) pair.client.transport.send(upperMessage(94, 1000 + i));
    pair[who].transport.rekey();
    for (let i = 0; i < 20; i++) pair.client.transport.send(upperMessage(94, 2000 + i));
    for (let i = 0; i < 20; i++) pair.server.transport.send(upperMessage(94, 3000 + i));
    pair.pump();
    expect(pair.server.messages.map((m) => m.length - 1)).toEqual([
      ...Array.from({ length: 20 }, (_, i) => 1000 + i),
      ...Array.from({ length: 20 }, (_, i) => 2000 + i),
    ]);
    expect(pair.client.messages.map((m) => m.length - 1)).toEqual(
      Array.from({ length: 20 }, (_, i) => 3000 + i),
    );
    for (const side of [pair.client, pair.server]) {
      expect(side.events.filter((e) => e.type === 'kex-done')).toHaveLength(2);
    }
  });

  it('rekeys by volume and loses nothing (strict kex resets sequence numbers at each NEWKEYS)', () => {
    const pair = makePair({ client: { rekeyBytes: 64 * 1024 } });
    ready(pair);
    let sent = 0;
    for (let round = 0; round < 40; round++) {
      for (let i = 0; i < 4; i++) {
        pair.client.transport.send(upperMessage(94, 8000 + round));
        sent++;
      }
      pair.pump();
    }
    expect(pair.server.messages).toHaveLength(sent);
    expect(pair.client.events.filter((e) => e.type === 'kex-done').length).toBeGreaterThan(10);
  });
});

describe('OpenSSH PROTOCOL §1.10 strict kex (Terrapin, CVE-2023-48795)', () => {
  const ignore = new Uint8Array([0, 0, 0, 12, 6, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  it('refuses an IGNORE injected before KEXINIT (T1)', () => {
    let first = true;
    const pair = makePair({
      tamper: (from, bytes) => {
        if (from !== 'server' || !first) return bytes;
        first = false;
        const nl = bytes.indexOf(0x0a) + 1;
        return new Uint8Array([...bytes.subarray(0, nl), ...ignore, ...bytes.subarray(nl)]);
      },
    });
    pair.pump();
    expect(pair.closedWith(pair.client)?.message).toMatch(/KEXINIT was not the first packet/);
  });

  it('refuses an IGNORE injected between KEXINIT and NEWKEYS (T2)', () => {
    let first = true;
    const pair = makePair({
      tamper: (from, bytes) => {
        if (from !== 'server' || !first) return bytes;
        first = false;
        return new Uint8Array([...bytes, ...ignore]);
      },
    });
    pair.pump();
    const error = pair.closedWith(pair.client) as SshProtocolError;
    expect(error.reason).toBe(DisconnectReason.PROTOCOL_ERROR);
    expect(error.message).toMatch(/strict KEX violation: unexpected packet type 2/);
  });

  it('puts its markers in the first KEXINIT only', () => {
    const pair = makePair();
    ready(pair);
    pair.client.transport.rekey();
    const decoder = new PacketDecoder();
    decoder.push(pair.client.wire[0]!);
    decoder.consumeRaw(decoder.takeRaw().indexOf(0x0a) + 1);
    const first = KexInit.decode(decoder.next()!.payload);
    expect(first.kexAlgorithms).toContain('kex-strict-c-v00@openssh.com');
    expect(first.kexAlgorithms).toContain('ext-info-c');
  });
});

describe('RFC 4253 §6 binary packet protocol, hostile input', () => {
  const afterVersion = (bytes: number[]) => {
    const raw = rawServer();
    raw.server.receive(enc.encode('SSH-2.0-Hostile\r\n'));
    raw.server.receive(new Uint8Array(bytes));
    const closed = raw.events().find((e) => e.type === 'closed');
    return { closed: closed?.type === 'closed' ? closed.error : undefined, sent: raw.read() };
  };

  it.each([
    ['0', [0, 0, 0, 0, 0, 0, 0, 0]],
    ['1', [0, 0, 0, 1, 0, 0, 0, 0]],
    ['2^32-1', [0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]],
    ['256 KiB + 1', [0, 4, 0, 1, 0, 0, 0, 0]],
    ['not a block multiple', [0, 0, 0, 13, 4, 20, 0, 0]],
  ])('disconnects on packet_length %s without allocating it', (_name, bytes) => {
    const { closed, sent } = afterVersion(bytes);
    expect((closed as SshProtocolError).reason).toBe(DisconnectReason.PROTOCOL_ERROR);
    expect(Disconnect.decode(sent.at(-1)!).reason).toBe(DisconnectReason.PROTOCOL_ERROR);
  });

  it('disconnects on padding under 4 bytes', () => {
    const { closed } = afterVersion([0, 0, 0, 12, 3, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(closed?.message).toMatch(/padding/);
  });

  it('disconnects on message type 0', () => {
    const { closed } = afterVersion([0, 0, 0, 12, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(closed).toBeInstanceOf(SshProtocolError);
  });

  it('disconnects with MAC_ERROR when a byte is flipped after NEWKEYS', () => {
    let armed = false;
    const pair = makePair({
      tamper: (from, bytes) => {
        if (from === 'client' && armed) {
          const copy = bytes.slice();
          copy[copy.length - 20]! ^= 1;
          armed = false;
          return copy;
        }
        return bytes;
      },
    });
    ready(pair);
    armed = true;
    pair.client.transport.send(upperMessage(94, 100));
    pair.pump();
    expect((pair.closedWith(pair.server) as SshProtocolError).reason).toBe(DisconnectReason.MAC_ERROR);
    expect(pair.server.messages).toHaveLength(0);
  });

  it('ends cleanly, with only typed errors, whatever bytes of the handshake are mutated', () => {
    const base = makePair({ seed: 'fuzz' });
    ready(base);
    base.client.transport.send(upperMessage(94, 64));
    base.pump();
    const transcript = concat(base.client.wire);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(transcript.length - 1), fc.integer({ min: 1, max: 255 })), {
          minLength: 1,
          maxLength: 4,
        }),
        fc.nat(transcript.length),
        (flips, cut) => {
          const bytes = transcript.slice(0, Math.max(cut, 1));
          for (const [at, x] of flips) if (at < bytes.length) bytes[at]! ^= x;
          const server = new Transport({
            role: 'server',
            hostKeys: [testHostKey()],
            random: seededRandom('fuzz:server'),
          });
          server.receive(bytes);
          for (let e = server.nextEvent(); e; e = server.nextEvent()) {
            if (e.type === 'closed' && e.error) expect(e.error).toBeInstanceOf(SshError);
          }
          expect(server.bufferedInput).toBeLessThanOrEqual(bytes.length);
        },
      ),
      { seed: 4253, numRuns: 300 },
    );
  });
});

describe('RFC 4253 §4.2 version exchange', () => {
  it('lets a server send lines before its version, and reports them', () => {
    let first = true;
    const pair = makePair({
      tamper: (from, bytes) => {
        if (from !== 'server' || !first) return bytes;
        first = false;
        return new Uint8Array([...enc.encode('Welcome\r\nto the \x1b[31mhost\r\n'), ...bytes]);
      },
    });
    ready(pair);
    const v = pair.client.events.find((e) => e.type === 'version');
    expect(v?.type === 'version' && v.preamble).toEqual(['Welcome', 'to the \\x1b[31mhost']);
  });

  it.each([
    ['a client line before the version', 'hello\r\nSSH-2.0-x\r\n', /before its version/],
    ['SSH-1.5', 'SSH-1.5-old\r\n', /major versions differ/],
    ['an empty software version', 'SSH-2.0-\r\n', /malformed/],
    ['a NUL', 'SSH-2.0-a\0b\r\n', /NUL/],
    ['a line over 255 bytes', `SSH-2.0-${'x'.repeat(300)}\r\n`, /too long/],
  ])('refuses %s', (_name, text, pattern) => {
    const raw = rawServer();
    raw.server.receive(enc.encode(text));
    const closed = raw.events().find((e) => e.type === 'closed');
    expect(closed?.type === 'closed' && closed.error?.message).toMatch(pattern);
  });

  it('accepts SSH-1.99 and a bare LF', () => {
    const raw = rawServer();
    raw.server.receive(enc.encode('SSH-1.99-compat\n'));
    expect(raw.events().find((e) => e.type === 'version')).toBeDefined();
  });
});

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
