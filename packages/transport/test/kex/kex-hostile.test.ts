/**
 * Hostile key exchange values (PROTOCOL-NOTES §4.4 #18–#22, §7 `dc7f3af`/`4d39909`): each ends the
 * exchange with KEY_EXCHANGE_FAILED (or PROTOCOL_ERROR for what does not even parse), in the
 * session below the transport and as a DISCONNECT on the wire.
 */
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { describe, expect, it } from 'vitest';
import { KEX_METHODS } from '../../src/algorithms.js';
import { DisconnectReason, SshDecodeError, SshProtocolError } from '../../src/errors.js';
import { MODP_GROUP_2, MODP_GROUP_14, MODP_GROUP_16 } from '../../src/kex/dh-groups.js';
import {
  KexDhGexGroup,
  KexDhGexInit,
  KexDhGexReply,
  KexDhGexRequest,
  KexDhInit,
  KexDhReply,
} from '../../src/kex/dh-messages.js';
import type { KexMethod, KexSession } from '../../src/kex/method.js';
import { Disconnect, KexEcdhInit, KexEcdhReply, MessageNumber } from '../../src/messages.js';
import { SshWriter } from '../../src/wire/writer.js';
import { expectKexFailed, kexContext, kexHostKey } from '../support/kex-session.js';
import { handPlayedPeer, kexInitFor } from '../support/kex-wire.js';
import { seededRandom } from '../support/pair.js';

const hostKeyBlob = () => kexHostKey().blob;
const signature = new Uint8Array(8);

function serverSession(method: KexMethod): KexSession {
  return method.server(kexContext('hostile-server'), kexHostKey());
}

function clientSession(method: KexMethod): KexSession {
  const client = method.client(kexContext('hostile-client'));
  client.start();
  return client;
}

describe('#18 curve25519: a share of the wrong length or of low order', () => {
  const method = KEX_METHODS['curve25519-sha256'];
  const shares: [string, Uint8Array][] = [
    ['31 bytes', new Uint8Array(31).fill(9)],
    ['33 bytes', new Uint8Array(33).fill(9)],
    ['the all-zero point (K = 0)', new Uint8Array(32)],
    ['the point u = 1 (order 1)', Uint8Array.from({ length: 32 }, (_, i) => (i === 0 ? 1 : 0))],
  ];
  it.each(shares)('server refuses Q_C of %s', (_name, share) => {
    expectKexFailed(() => serverSession(method).receive(KexEcdhInit.encode({ clientPublic: share })));
  });
  it.each(shares)('client refuses Q_S of %s', (_name, share) => {
    const client = clientSession(method);
    expectKexFailed(() =>
      client.receive(KexEcdhReply.encode({ hostKey: hostKeyBlob(), serverPublic: share, signature })),
    );
  });
});

describe.each([
  ['ecdh-sha2-nistp256', p256],
  ['ecdh-sha2-nistp384', p384],
  ['ecdh-sha2-nistp521', p521],
] as const)('#19 %s: points that are not valid uncompressed points', (name, curve) => {
  const method = KEX_METHODS[name];
  const secret = curve.utils.randomSecretKey(seededRandom(name)(curve.lengths.seed!));
  const valid = curve.getPublicKey(secret, false);
  const offCurve = valid.slice();
  offCurve[offCurve.length - 1]! ^= 1;
  const longer = new Uint8Array(valid.length + 1);
  longer.set(valid);
  const zeros = new Uint8Array(valid.length);
  zeros[0] = 4;
  const points: [string, Uint8Array][] = [
    ['compressed (02/03 prefix)', curve.getPublicKey(secret, true)],
    ['the point at infinity (00)', Uint8Array.of(0)],
    ['off the curve', offCurve],
    ['04 with x = y = 0', zeros],
    ['one byte too long', longer],
    ['one byte too short', valid.subarray(0, valid.length - 1)],
    ['empty', new Uint8Array(0)],
  ];
  it('accepts the valid point it is derived from', () => {
    expect(() => serverSession(method).receive(KexEcdhInit.encode({ clientPublic: valid }))).not.toThrow();
  });
  it.each(points)('server refuses Q_C %s', (_what, point) => {
    expectKexFailed(() => serverSession(method).receive(KexEcdhInit.encode({ clientPublic: point })));
  });
  it.each(points)('client refuses Q_S %s', (_what, point) => {
    const client = clientSession(method);
    expectKexFailed(() =>
      client.receive(KexEcdhReply.encode({ hostKey: hostKeyBlob(), serverPublic: point, signature })),
    );
  });
});

const p = MODP_GROUP_14.p;
const badValues: [string, bigint][] = [
  ['0', 0n],
  ['1', 1n],
  ['p - 1', p - 1n],
  ['p', p],
  ['p + 1', p + 1n],
  ['2^4096', 1n << 4096n],
  ['-1', -1n],
  ['2^1000 (one bit set: a trivial discrete log)', 1n << 1000n],
];

describe('#20 finite-field DH: e and f outside [2, p-2]', () => {
  const method = KEX_METHODS['diffie-hellman-group14-sha256'];
  it.each(badValues)('server refuses e = %s', (_what, e) => {
    expectKexFailed(() => serverSession(method).receive(KexDhInit.encode({ e })));
  });
  it.each(badValues)('client refuses f = %s', (_what, f) => {
    const client = clientSession(method);
    expectKexFailed(() => client.receive(KexDhReply.encode({ hostKey: hostKeyBlob(), f, signature })));
  });
});

describe('#20 group exchange: the group the server sends', () => {
  const method = KEX_METHODS['diffie-hellman-group-exchange-sha256'];
  const groups: [string, bigint, bigint][] = [
    ['g = 0', p, 0n],
    ['g = 1', p, 1n],
    ['g = p - 1', p, p - 1n],
    ['g = p', p, p],
    ['g = -2', p, -2n],
    ['an even p', p + 1n, 2n],
    ['a 1024-bit p (below min 2048)', MODP_GROUP_2.p, 2n],
    ['an 8200-bit p (above max 8192)', (1n << 8199n) + 1n, 2n],
    ['p = 0', 0n, 2n],
    ['a negative p', -p, 2n],
  ];
  it.each(groups)('client refuses a group with %s', (_what, gp, gg) => {
    const client = clientSession(method);
    expectKexFailed(() => client.receive(KexDhGexGroup.encode({ p: gp, g: gg })));
  });

  it.each(badValues)('client refuses f = %s in the group it accepted', (_what, f) => {
    const client = clientSession(method);
    const init = client.receive(KexDhGexGroup.encode({ p, g: 2n }));
    expect(init.send?.[0]).toBe(32);
    expectKexFailed(() => client.receive(KexDhGexReply.encode({ hostKey: hostKeyBlob(), f, signature })));
  });
});

describe('#20 group exchange: the request and e the client sends', () => {
  const method = KEX_METHODS['diffie-hellman-group-exchange-sha256'];
  it.each([
    ['n below min', { min: 4096, n: 2048, max: 8192 }],
    ['max below min', { min: 8192, n: 8192, max: 4096 }],
    ['max below 2048', { min: 1024, n: 1024, max: 1536 }],
    ['no group in [min, max]', { min: 3000, n: 3000, max: 4000 }],
  ])('server refuses a request with %s', (_what, request) => {
    expectKexFailed(() => serverSession(method).receive(KexDhGexRequest.encode(request)));
  });

  it.each(badValues)('server refuses e = %s', (_what, e) => {
    const server = method.server(
      kexContext('gex-server', { dh: { keyBytes: 32, securityBytes: 32, moduli: [MODP_GROUP_14] } }),
      kexHostKey(),
    );
    server.receive(KexDhGexRequest.encode({ min: 2048, n: 2048, max: 8192 }));
    expectKexFailed(() => server.receive(KexDhGexInit.encode({ e })));
  });
});

describe('#22 mpints that do not parse', () => {
  it('refuses a DH value over 16384 bits before any arithmetic (SshDecodeError)', () => {
    const huge = new SshWriter().byte(30).string(new Uint8Array(2100).fill(0x11)).bytes();
    expect(() => serverSession(KEX_METHODS['diffie-hellman-group14-sha256']).receive(huge)).toThrow(
      SshDecodeError,
    );
  });
});

describe('on the wire: a DISCONNECT with the reason, then closed', () => {
  function lastDisconnect(payloads: Uint8Array[]): number {
    const last = payloads.at(-1)!;
    expect(last[0]).toBe(MessageNumber.DISCONNECT);
    return Disconnect.decode(last).reason;
  }

  it.each([
    ['diffie-hellman-group14-sha256', KexDhInit.encode({ e: 1n }), DisconnectReason.KEY_EXCHANGE_FAILED],
    [
      'diffie-hellman-group16-sha512',
      KexDhInit.encode({ e: MODP_GROUP_16.p - 1n }),
      DisconnectReason.KEY_EXCHANGE_FAILED,
    ],
    [
      'ecdh-sha2-nistp256',
      KexEcdhInit.encode({
        clientPublic: p256.getPublicKey(p256.utils.randomSecretKey(new Uint8Array(48).fill(1))),
      }),
      DisconnectReason.KEY_EXCHANGE_FAILED,
    ],
    [
      'mlkem768x25519-sha256',
      KexEcdhInit.encode({ clientPublic: new Uint8Array(1215) }),
      DisconnectReason.KEY_EXCHANGE_FAILED,
    ],
    [
      'sntrup761x25519-sha512',
      KexEcdhInit.encode({ clientPublic: new Uint8Array(1191) }),
      DisconnectReason.KEY_EXCHANGE_FAILED,
    ],
    [
      'curve25519-sha256',
      KexEcdhInit.encode({ clientPublic: new Uint8Array(32) }),
      DisconnectReason.KEY_EXCHANGE_FAILED,
    ],
    [
      'diffie-hellman-group14-sha256',
      new SshWriter().byte(30).string(new Uint8Array(2100).fill(0x11)).bytes(),
      DisconnectReason.PROTOCOL_ERROR,
    ],
  ] as const)('server running %s', (kex, message, reason) => {
    const peer = handPlayedPeer('server', { algorithms: { kex: [kex] } });
    peer.version();
    peer.send(kexInitFor('client', kex));
    peer.send(message);
    expect(lastDisconnect(peer.read())).toBe(reason);
    const closed = peer.events().find((e) => e.type === 'closed');
    expect(closed?.type === 'closed' && closed.error).toBeInstanceOf(SshProtocolError);
  });

  it('client running diffie-hellman-group-exchange-sha256, sent g = 1', () => {
    const kex = 'diffie-hellman-group-exchange-sha256';
    const peer = handPlayedPeer('client', { algorithms: { kex: [kex] } });
    peer.version();
    peer.send(kexInitFor('server', kex));
    expect(peer.read().map((m) => m[0])).toEqual([MessageNumber.KEXINIT, 34]);
    peer.send(KexDhGexGroup.encode({ p, g: 1n }));
    expect(lastDisconnect(peer.read())).toBe(DisconnectReason.KEY_EXCHANGE_FAILED);
  });

  it('client running curve25519-sha256, sent a low-order Q_S', () => {
    const kex = 'curve25519-sha256';
    const peer = handPlayedPeer('client', { algorithms: { kex: [kex] } });
    peer.version();
    peer.send(kexInitFor('server', kex));
    expect(peer.read().map((m) => m[0])).toEqual([MessageNumber.KEXINIT, 30]);
    peer.send(KexEcdhReply.encode({ hostKey: hostKeyBlob(), serverPublic: new Uint8Array(32), signature }));
    expect(lastDisconnect(peer.read())).toBe(DisconnectReason.KEY_EXCHANGE_FAILED);
  });
});
