/**
 * Every key exchange method OpenSSH 9.2 and Seashell both have, forced alone, in both directions
 * (PROTOCOL-NOTES.md §2.2, "KEX" row): `ssh -o KexAlgorithms=X` against our in-process server, and
 * our client with `algorithms.kex = [X]` against sshd. The SHA-1 methods are enabled explicitly on
 * both sides. Each runs several times (four, as OpenSSH's regress/kextype.sh), because a wrong mpint
 * encoding of K breaks the exchange hash only one time in 2 (top bit) or 256 (leading zero) and so
 * looks flaky; the slow finite-field groups (4096 and 8192 bits in bigint) run twice.
 *
 * mlkem768x25519-sha256 arrived in OpenSSH 9.9: against 9.2 only its clean refusal is checked;
 * its exchanges are covered Seashell <-> Seashell and by known answers in packages/transport.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { parseOpenSshPrivateKey, parsePublicKeyLine } from '@seashell/auth';
import { type Client, connect } from '@seashell/client/node';
import { AlgorithmNegotiationError, type PublicKey, SUPPORTED_KEX } from '@seashell/transport';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  describeOpenSSH,
  makeTempDir,
  opensshVerdictHere,
  requireOpenSSH,
  runSsh,
  type Sshd,
  startSshd,
  type TempDir,
} from './support/openssh.js';
import { makeServerKeys, type SeashellServer, startSeashellServer } from './support/seashell-server.js';

/** What OpenSSH 9.2 lists for `ssh -Q kex` (PROTOCOL-NOTES.md §0), used where ssh is missing. */
const OPENSSH_9_2_KEX = [
  'diffie-hellman-group1-sha1',
  'diffie-hellman-group14-sha1',
  'diffie-hellman-group14-sha256',
  'diffie-hellman-group16-sha512',
  'diffie-hellman-group18-sha512',
  'diffie-hellman-group-exchange-sha1',
  'diffie-hellman-group-exchange-sha256',
  'ecdh-sha2-nistp256',
  'ecdh-sha2-nistp384',
  'ecdh-sha2-nistp521',
  'curve25519-sha256',
  'curve25519-sha256@libssh.org',
  'sntrup761x25519-sha512',
  'sntrup761x25519-sha512@openssh.com',
];

function opensshKex(): string[] {
  if (opensshVerdictHere() !== 'run') return OPENSSH_9_2_KEX;
  return execFileSync(requireOpenSSH().ssh, ['-Q', 'kex'], { encoding: 'utf8' }).split('\n').filter(Boolean);
}

const theirs = opensshKex();
const both = SUPPORTED_KEX.filter((kex) => theirs.includes(kex));
/** 4096 and 8192-bit DH in bigint (0.1–0.3 s of modpow per side) runs twice; the rest four times, as kextype.sh. */
const slow = (kex: string) => /group(16|18)|group-exchange/.test(kex);
const cases = both.flatMap((kex) =>
  Array.from({ length: slow(kex) ? 2 : 4 }, (_, i) => [kex, i + 1] as const),
);
const user = userInfo().username;

/** The debug line ssh and sshd (with " [preauth]") log for the negotiated method, exactly. */
function kexLine(kex: string): RegExp {
  return new RegExp(`kex: algorithm: ${kex.replace(/[.@]/g, '\\$&')}( \\[preauth\\])?\\r?$`, 'gm');
}

describeOpenSSH('key exchange methods against OpenSSH 9.2', () => {
  it('has every method ssh -Q kex lists, except none (mlkem is ours only)', () => {
    expect(theirs.filter((kex) => !SUPPORTED_KEX.includes(kex as never))).toEqual([]);
    expect(SUPPORTED_KEX.filter((kex) => !theirs.includes(kex))).toEqual(
      theirs.includes('mlkem768x25519-sha256') ? [] : ['mlkem768x25519-sha256'],
    );
  });

  describe('OpenSSH ssh -> Seashell server', () => {
    let tmp: TempDir;
    let ours: SeashellServer;
    beforeAll(async () => {
      tmp = await makeTempDir('seashell-kex-o2u-');
      ours = await startSeashellServer(await makeServerKeys(tmp.path), {
        algorithms: { kex: [...SUPPORTED_KEX] },
      });
    });
    afterAll(async () => {
      await ours?.stop();
      await tmp?.remove();
    });

    it.each(cases)('ssh -o KexAlgorithms=%s (run %i)', async (kex) => {
      const r = await runSsh(['echo', 'kex-ok'], {
        ...ours.target,
        flags: ['-o', `KexAlgorithms=${kex}`, '-o', 'HostKeyAlgorithms=ssh-ed25519'],
        timeoutMs: 30_000,
      });
      expect(r.stderr.toString('utf8')).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout.toString('utf8')).toBe('kex-ok\n');
      expect(r.log).toMatch(kexLine(kex));
    });
  });

  describe('Seashell client -> OpenSSH sshd', () => {
    let sshd: Sshd;
    let trusted: PublicKey[];
    beforeAll(async () => {
      sshd = await startSshd({ options: { KexAlgorithms: both.join(',') } });
      trusted = Object.values(sshd.hostKeys).map((k) => parsePublicKeyLine(k.publicKeyLine).key);
    });
    afterAll(async () => {
      await sshd?.stop();
    });

    function dial(kex: string, onKex?: (kex: string) => void): Promise<Client> {
      return connect({
        host: '127.0.0.1',
        port: sshd.port,
        username: user,
        auth: [
          {
            type: 'publickey',
            key: parseOpenSshPrivateKey(readFileSync(sshd.clientKey.privateKey, 'utf8')).privateKey,
          },
        ],
        hostKey: (k) => trusted.some((t) => t.equals(k)),
        algorithms: { kex: [kex] },
        timeoutMs: 30_000,
        ...(onKex ? { onKex: (n) => onKex(n.kex) } : {}),
      });
    }

    it.each(cases)('algorithms.kex = [%s] (run %i)', async (kex) => {
      const logged = () => sshd.log().match(kexLine(kex))?.length ?? 0;
      const before = logged();
      const negotiated: string[] = [];
      const client = await dial(kex, (k) => negotiated.push(k));
      try {
        expect(negotiated).toEqual([kex]);
        const r = await client.exec('echo kex-ok');
        expect(Buffer.from(r.stdout).toString()).toBe('kex-ok\n');
        expect(r.exitStatus).toBe(0);
        expect(logged()).toBe(before + 1);
      } finally {
        await client.close();
      }
    });

    it.skipIf(theirs.includes('mlkem768x25519-sha256'))(
      'offering only mlkem768x25519-sha256 fails cleanly: no common key exchange',
      async () => {
        const error = await dial('mlkem768x25519-sha256').catch((e: unknown) => e);
        expect(error).toBeInstanceOf(AlgorithmNegotiationError);
        expect((error as AlgorithmNegotiationError).kind).toBe('key exchange');
      },
    );
  });
});
