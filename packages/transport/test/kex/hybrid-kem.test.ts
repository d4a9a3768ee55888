/**
 * Hybrid post-quantum key exchange (PROTOCOL-NOTES §1.10): mlkem768x25519-sha256 and
 * sntrup761x25519-sha512, below the transport; ML-KEM-768 against known answers.
 */
import { x25519 } from '@noble/curves/ed25519.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { sha3_256 } from '@noble/hashes/sha3.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import { describe, expect, it } from 'vitest';
import { mlkem768x25519, sntrup761x25519 } from '../../src/kex/hybrid-kem.js';
import type { KexMethod } from '../../src/kex/method.js';
import { sntrup761Encapsulate, sntrup761Keypair } from '../../src/kex/sntrup761.js';
import { KexEcdhInit, KexEcdhReply } from '../../src/messages.js';
import { SshWriter } from '../../src/wire/writer.js';
import { expectKexFailed, kexContext, kexHostKey, runKex } from '../support/kex-session.js';
import { seededRandom } from '../support/pair.js';

/**
 * ML-KEM-768 known answers as OpenSSH's regress/unittests/crypto/test_mlkem.c lists them
 * (key-generation seed d || z, encapsulation seed m; SHA3-256 of the long outputs).
 */
const ML_KEM_768_KATS = [
  {
    seed: '7c9935a0b07694aa0c6d10e4db6b1add2fd81a25ccb148032dcd739936737f2d8626ed79d451140800e03b59b956f8210e556067407d13dc90fa9e8b872bfb8f',
    pk: 'f57262661358cde8d3ebf990e5fd1d5b896c992ccfaadb5256b68bbf5943b132',
    sk: '7deef44965b03d76de543ad6ef9e74a2772fa5a9fa0e761120dac767cf0152ef',
    m: '147c03f7a5bebba406c8fae1874d7f13c80efe79a3a9a874cc09fe76f6997615',
    ct: '6e777e2cf8054659136a971d9e70252f301226930c19c470ee0688163a63c15b',
    ss: 'e7184a0975ee3470878d2d159ec83129c8aec253d4ee17b4810311d198cd0368',
  },
  {
    seed: 'd60b93492a1d8c1c7ba6fc0b733137f3406cee8110a93f170e7a78658af326d9003271531cf27285b8721ed5cb46853043b346a66cba6cf765f1b0eaa40bf672',
    pk: '7b00751eb9b1253231213f8a14f06f0fe1b7a4fdb7d1cfe44c161e577e5e8f0a',
    sk: '3a8c009e8e648ac572d5592e4a92907fae0c1767be41c544b59dc3ffe61f7ded',
    m: 'cde797df8ce67231f6c5d15811843e01eb2ab84c7490931240822adbddd72046',
    ct: 'bce1bf3450f574130b9561ee11565fa41d599d05d2136f10ad2c013eb5d13ca9',
    ss: '5f0c5d9f39d3e724b5a2bd54e69e360f72ffab5d4d6cc5e572fecba80acd4796',
  },
  {
    seed: '4b622de1350119c45a9f2e2ef3dc5df50a759d138cdfbd64c81cc7cc2f513345e82fcc97ca60ccb27bf6938c975658aeb8b4d37cffbde25d97e561f36c219ade',
    pk: '9bda55b63cffa9bf953993918b18cd6595ea6433b479e89b5cd3c9339e4468cb',
    sk: 'd5fc96564df6e53622b2db8295a80a44e3bad7147696e2ad1f728639c98791b1',
    m: 'f43f68fbd694f0a6d307297110ecd4739876489fdf07eb9b03364e2ed0ff96e9',
    ct: '2a8b5d9bdcac1b7ffb6d655368e15148308eee98ae34f4105eaae87f24a008a2',
    ss: '7f3bcc03a35a0030255264914e5d88a0c93611c7ca21f0609678a88ca42ce1c9',
  },
];

describe('ML-KEM-768 (FIPS 203) known answers', () => {
  it.each(ML_KEM_768_KATS.map((v, i) => [i, v] as const))('vector %i', (_i, v) => {
    const { publicKey, secretKey } = ml_kem768.keygen(hexToBytes(v.seed));
    expect(bytesToHex(sha3_256(publicKey))).toBe(v.pk);
    expect(bytesToHex(sha3_256(secretKey))).toBe(v.sk);
    const { cipherText, sharedSecret } = ml_kem768.encapsulate(publicKey, hexToBytes(v.m));
    expect(bytesToHex(sha3_256(cipherText))).toBe(v.ct);
    expect(bytesToHex(sharedSecret)).toBe(v.ss);
    expect(ml_kem768.decapsulate(cipherText, secretKey)).toEqual(sharedSecret);
  });
});

const methods = [
  {
    name: 'mlkem768x25519-sha256',
    method: mlkem768x25519,
    clientShare: 1216,
    serverShare: 1120,
    kemPublic: 1184,
    kemCiphertext: 1088,
    hash: sha256,
  },
  {
    name: 'sntrup761x25519-sha512',
    method: sntrup761x25519,
    clientShare: 1190,
    serverShare: 1071,
    kemPublic: 1158,
    kemCiphertext: 1039,
    hash: sha512,
  },
] as const;

/** The server session's answer to a client share, or the error it throws. */
function serverReceives(method: KexMethod, clientShare: Uint8Array): () => unknown {
  return () =>
    method
      .server(kexContext('server'), kexHostKey())
      .receive(KexEcdhInit.encode({ clientPublic: clientShare }));
}

/** The client session's result for a server share, or the error it throws. */
function clientReceives(method: KexMethod, serverShare: Uint8Array): () => unknown {
  const client = method.client(kexContext('client'));
  client.start();
  return () =>
    client.receive(
      KexEcdhReply.encode({
        hostKey: kexHostKey().blob,
        serverPublic: serverShare,
        signature: new Uint8Array(4),
      }),
    );
}

describe.each(methods)('$name (PROTOCOL-NOTES §1.10)', (m) => {
  it('sends shares of the hybrid lengths and agrees on K', () => {
    const run = runKex(m.method, m.name);
    expect(KexEcdhInit.decode(run.messages[0]!.payload).clientPublic.length).toBe(m.clientShare);
    expect(KexEcdhReply.decode(run.messages[1]!.payload).serverPublic.length).toBe(m.serverShare);
    expect(run.client.sharedSecret).toEqual(run.server.sharedSecret);
    expect(run.client.exchangeHash).toEqual(run.server.exchangeHash);
  });

  it('encodes K as a string of HASH(kem secret || raw X25519 secret), not an mpint', () => {
    // Replays both sides' random sources with the KEM and X25519 called directly: the client draws
    // its KEM key pair then its X25519 key, the server its encapsulation then its X25519 key.
    const clientRandom = seededRandom(`${m.name}:client`);
    const serverRandom = seededRandom(`${m.name}:server`);
    let kemSecret: Uint8Array;
    let clientX: Uint8Array;
    if (m.method === mlkem768x25519) {
      const keys = ml_kem768.keygen(clientRandom(64));
      clientX = clientRandom(32);
      kemSecret = ml_kem768.encapsulate(keys.publicKey, serverRandom(32)).sharedSecret;
    } else {
      const keys = sntrup761Keypair(clientRandom);
      clientX = clientRandom(32);
      kemSecret = sntrup761Encapsulate(keys.publicKey, serverRandom).sharedSecret;
    }
    const serverX = serverRandom(32);
    const ecdh = x25519.getSharedSecret(clientX, x25519.getPublicKey(serverX));
    const expected = new SshWriter().string(m.hash.create().update(kemSecret).update(ecdh).digest()).bytes();

    const run = runKex(m.method, m.name);
    expect(run.client.sharedSecret).toEqual(expected);
    expect(Array.from(expected.subarray(0, 4))).toEqual([0, 0, 0, m.hash.outputLen]);
  });

  it.each([-1, 1])('refuses a client share %i byte(s) off with KEY_EXCHANGE_FAILED', (delta) => {
    expectKexFailed(serverReceives(m.method, new Uint8Array(m.clientShare + delta)));
  });

  it.each([-1, 1, -32])('refuses a server share %i byte(s) off with KEY_EXCHANGE_FAILED', (delta) => {
    expectKexFailed(clientReceives(m.method, new Uint8Array(m.serverShare + delta)));
  });

  it('refuses an all-zero X25519 secret (a low-order X25519 point) on either side', () => {
    const run = runKex(m.method, m.name);
    const clientShare = KexEcdhInit.decode(run.messages[0]!.payload).clientPublic.slice();
    clientShare.fill(0, m.kemPublic);
    expectKexFailed(serverReceives(m.method, clientShare));
    const serverShare = KexEcdhReply.decode(run.messages[1]!.payload).serverPublic.slice();
    serverShare.fill(0, m.kemCiphertext);
    expectKexFailed(clientReceives(m.method, serverShare));
  });

  it('turns a tampered KEM ciphertext into another K, not an error (implicit rejection)', () => {
    const run = runKex(m.method, m.name, {
      tamper: (from, payload) => {
        if (from !== 'server') return payload;
        const reply = KexEcdhReply.decode(payload);
        const share = reply.serverPublic.slice();
        share[10]! ^= 0x01;
        return KexEcdhReply.encode({ ...reply, serverPublic: share });
      },
    });
    expect(run.client.sharedSecret).not.toEqual(run.server.sharedSecret);
    expect(run.client.exchangeHash).not.toEqual(run.server.exchangeHash);
  });
});

describe('mlkem768x25519-sha256 public key checks', () => {
  it('refuses an encapsulation key that fails the FIPS 203 §7.2 modulus check', () => {
    const run = runKex(mlkem768x25519, 'modulus');
    const clientShare = KexEcdhInit.decode(run.messages[0]!.payload).clientPublic.slice();
    // The first 12-bit coefficient becomes 4095 >= q = 3329.
    clientShare[0] = 0xff;
    clientShare[1]! |= 0x0f;
    expectKexFailed(serverReceives(mlkem768x25519, clientShare));
  });
});
