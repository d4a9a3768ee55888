/**
 * Every cipher and MAC of the tables, across providers (RFC 4253 §6, OpenSSH PROTOCOL §1.5–1.6,
 * PROTOCOL.chacha20poly1305): the same keys and padding give the same wire bytes under
 * `nobleProvider` and `nodeProvider`, a packet sealed under one opens under the other, and a
 * client on one provider talks to a server on the other.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CIPHERS, type CipherSpec, MACS, type MacSpec } from '../../src/algorithms.js';
import { cipherWithMac } from '../../src/cipher/stream.js';
import type { PacketOpener, PacketSealer } from '../../src/cipher/types.js';
import { nobleProvider } from '../../src/crypto/noble.js';
import type { CryptoProvider } from '../../src/crypto/provider.js';
import { nodeProvider } from '../../src/node/crypto-provider.js';
import { PacketDecoder, PacketEncoder } from '../../src/packet-framer.js';
import { makePair, seededRandom, upperMessage } from '../support/pair.js';

const CIPHER_NAMES = Object.keys(CIPHERS);
const MAC_NAMES = Object.keys(MACS);
/** Every cipher once, and the non-AEAD ones with every MAC. */
const SUITES = CIPHER_NAMES.flatMap((cipher) =>
  (CIPHERS as Record<string, CipherSpec>)[cipher]!.aead
    ? [{ cipher, mac: MAC_NAMES[0]! }]
    : MAC_NAMES.map((mac) => ({ cipher, mac })),
);

function protection(
  cipherName: string,
  macName: string,
  keys: (n: number) => Uint8Array,
  crypto: CryptoProvider,
): PacketSealer & PacketOpener {
  const cipher = (CIPHERS as Record<string, CipherSpec>)[cipherName]!;
  const key = keys(cipher.keyLength);
  const iv = keys(cipher.ivLength);
  if (cipher.aead) return cipher.create(key, iv, crypto);
  const mac = (MACS as Record<string, MacSpec>)[macName]!;
  return cipherWithMac(cipher.create(key, iv, crypto), mac.create(keys(mac.keyLength), crypto));
}

describe.each(SUITES)('$cipher with $mac', ({ cipher, mac }) => {
  it('seals to the same bytes under both providers, and each opens what the other sealed', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 8 }),
        fc.array(fc.uint8Array({ minLength: 1, maxLength: 3000 }), { minLength: 1, maxLength: 6 }),
        (seed, payloads) => {
          const wire = [nobleProvider, nodeProvider].map((crypto) => {
            const encoder = new PacketEncoder(seededRandom(`${seed}:padding`));
            encoder.setSealer(protection(cipher, mac, seededRandom(seed), crypto));
            return payloads.map((p) => encoder.encode(p));
          });
          expect(wire[0]).toEqual(wire[1]);
          for (const [sealedBy, opener] of [
            [0, nodeProvider],
            [1, nobleProvider],
          ] as const) {
            const decoder = new PacketDecoder();
            decoder.setOpener(protection(cipher, mac, seededRandom(seed), opener));
            // One byte at a time for the first packet, the rest in one piece.
            const [first, ...rest] = wire[sealedBy]!.map((w) => w.slice());
            for (const byte of first!) decoder.push(Uint8Array.of(byte));
            for (const w of rest) decoder.push(w);
            const opened: Uint8Array[] = [];
            for (let p = decoder.next(); p; p = decoder.next()) opened.push(p.payload.slice());
            expect(opened).toEqual(payloads);
          }
        },
      ),
      { seed: 0x0c1fe7, numRuns: 15 },
    );
  });

  it.each([
    ['noble', 'node'],
    ['node', 'noble'],
  ] as const)('carries messages between a %s client and a %s server, across a rekey', (c, s) => {
    const providers = { noble: nobleProvider, node: nodeProvider };
    const algorithms = { cipher: [cipher], mac: [mac] };
    const pair = makePair({
      seed: `${cipher}:${mac}`,
      client: { crypto: providers[c], algorithms },
      server: { crypto: providers[s], algorithms },
    });
    pair.pump();
    pair.client.transport.send(upperMessage(94, 5000));
    pair.server.transport.send(upperMessage(94, 7000));
    pair.server.transport.rekey();
    pair.client.transport.send(upperMessage(94, 300));
    pair.pump();
    expect(pair.server.messages.map((m) => m.length - 1)).toEqual([5000, 300]);
    expect(pair.client.messages.map((m) => m.length - 1)).toEqual([7000]);
    const done = pair.client.events.filter((e) => e.type === 'kex-done');
    expect(done).toHaveLength(2);
    expect(done[0]?.type === 'kex-done' && done[0].negotiated.cipherClientToServer).toBe(cipher);
  });
});
