/** seashell-sshd's command line: flags, -o with sshd_config keywords, OpenSSH algorithm lists. */
import { DEFAULT_CIPHERS, DEFAULT_HOST_KEY_ALGORITHMS } from '@seashell/transport';
import { describe, expect, it } from 'vitest';
import { resolveAlgorithmList } from '../src/node/algorithm-list.js';
import { passwordChecker } from '../src/node/credentials.js';
import {
  DEFAULT_ADDRESS,
  DEFAULT_PORT,
  parseRekeyLimit,
  parseSshdArgs,
  parseTimeSpec,
  UsageError,
} from '../src/node/sshd-options.js';

describe('parseSshdArgs', () => {
  it('has the documented defaults', () => {
    const args = parseSshdArgs([]);
    expect(args).toMatchObject({
      port: DEFAULT_PORT,
      address: DEFAULT_ADDRESS,
      hostKeyFiles: [],
      authorizedKeysFile: undefined,
      passwords: [],
      sftpServer: undefined,
      verbose: 0,
      demo: false,
      help: false,
    });
    expect(args.config).toEqual({ acceptEnv: [] });
  });

  it('takes values in the next word or the same one', () => {
    const args = parseSshdArgs([
      '-p2022',
      '-b',
      '0.0.0.0',
      '-h',
      'k1',
      '-hk2',
      '--authorized-keys=ak',
      '--password',
      'alice:pa:ss',
      '--password=bob:x',
      '--sftp-server',
      '/bin/sftp',
      '-vv',
      '-v',
      '--demo',
    ]);
    expect(args).toMatchObject({
      port: 2022,
      address: '0.0.0.0',
      hostKeyFiles: ['k1', 'k2'],
      authorizedKeysFile: 'ak',
      passwords: [
        { user: 'alice', password: 'pa:ss' },
        { user: 'bob', password: 'x' },
      ],
      sftpServer: '/bin/sftp',
      verbose: 3,
      demo: true,
    });
  });

  it.each([
    [['-x'], /unknown flag -x/],
    [['extra'], /unknown argument extra/],
    [['-p'], /-p needs a value/],
    [['-p', '70000'], /bad port/],
    [['-p', '22x'], /bad port/],
    [['--password', 'nopass'], /USER:PASS/],
    [['--password', ':x'], /USER:PASS/],
    [['--password', 'u:'], /USER:PASS/],
    [['--demo=yes'], /--demo takes no value/],
    [['-vx'], /-v takes no value/],
    [['--authorized-keys', 'a', '--authorized-keys', 'b'], /given twice/],
    [['--trusted-user-ca-keys', 'a', '--trusted-user-ca-keys', 'b'], /given twice/],
    [['--host-certificate'], /needs a value/],
    [['-o', 'PermitUserEnvironment=maybe'], /yes or no/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseSshdArgs(argv)).toThrow(UsageError);
    expect(() => parseSshdArgs(argv)).toThrow(message);
  });
});

describe('certificates and key options', () => {
  it('takes CA keys, host certificates (repeatable), PermitUserEnvironment and RevokedKeys', () => {
    const args = parseSshdArgs([
      '--trusted-user-ca-keys',
      'ca.pub',
      '--host-certificate',
      'a-cert.pub',
      '--host-certificate=b-cert.pub',
      '-o',
      'PermitUserEnvironment=yes',
      '-o',
      'RevokedKeys=revoked.krl',
    ]);
    expect(args.trustedUserCaKeysFile).toBe('ca.pub');
    expect(args.hostCertificateFiles).toEqual(['a-cert.pub', 'b-cert.pub']);
    expect(args.config).toMatchObject({ permitUserEnvironment: true, revokedKeysFile: 'revoked.krl' });
    expect(parseSshdArgs(['-o', 'permituserenvironment no']).config.permitUserEnvironment).toBe(false);
    expect(parseSshdArgs(['-o', 'RevokedKeys=none']).config.revokedKeysFile).toBeUndefined();
  });
});

describe('-o Name=Value', () => {
  const config = (...options: string[]) => parseSshdArgs(options.flatMap((o) => ['-o', o])).config;

  it('takes sshd_config keywords in any case, with = or a space', () => {
    expect(
      config(
        'Ciphers=aes256-ctr,aes128-ctr',
        'kexalgorithms curve25519-sha256',
        'MACS=hmac-sha2-256',
        'HostKeyAlgorithms=rsa-sha2-256',
        'PubkeyAcceptedAlgorithms=ssh-ed25519',
        'RekeyLimit=1M',
        'MaxAuthTries=3',
        'LoginGraceTime=1m30s',
        'Banner=/etc/issue',
        'AcceptEnv=SSHTEST_* FOO',
        'AcceptEnv=BAR,BAZ',
      ),
    ).toEqual({
      ciphers: ['aes256-ctr', 'aes128-ctr'],
      kex: ['curve25519-sha256'],
      macs: ['hmac-sha2-256'],
      hostKeyAlgorithms: ['rsa-sha2-256'],
      publicKeyAlgorithms: ['ssh-ed25519'],
      rekeyBytes: 1 << 20,
      maxAuthTries: 3,
      loginGraceTimeMs: 90_000,
      bannerFile: '/etc/issue',
      acceptEnv: ['SSHTEST_*', 'FOO', 'BAR', 'BAZ'],
    });
  });

  it.each([
    ['ClientAliveInterval=5', /unsupported option ClientAliveInterval; -o takes .*Ciphers/],
    ['Ciphers', /Name=Value/],
    ['Ciphers=', /Name=Value|needs a value/],
    ['Ciphers=aes128-cbc', /not supported: aes128-cbc; supported: chacha20-poly1305@openssh.com,/],
    ['MACs=umac-64-etm@openssh.com', /not supported: umac-64-etm@openssh.com/],
    [
      'KexAlgorithms=+sntrup4591761x25519-sha512@tinyssh.org',
      /not supported: sntrup4591761x25519-sha512@tinyssh.org/,
    ],
    ['Ciphers=-*', /leaves no algorithm/],
    ['MaxAuthTries=0', /MaxAuthTries/],
    ['LoginGraceTime=soon', /bad time/],
    ['RekeyLimit=1M 1h', /by time is not supported/],
    ['RekeyLimit=8', /out of range/],
    ['RekeyLimit=1T', /bad size/],
  ])('refuses %s', (option, message) => {
    expect(() => config(option)).toThrow(message);
  });

  it('refuses a keyword given twice, except AcceptEnv', () => {
    expect(() => config('Ciphers=aes128-ctr', 'ciphers=aes256-ctr')).toThrow(/Ciphers given twice/);
  });
});

describe('OpenSSH algorithm lists (kex_assemble_names)', () => {
  const kind = { keyword: 'Ciphers', defaults: ['a', 'b', 'c'], supported: ['a', 'b', 'c', 'd', 'x-1'] };

  it('replaces, appends, removes by pattern and moves to the front', () => {
    expect(resolveAlgorithmList('c,a', kind)).toEqual(['c', 'a']);
    expect(resolveAlgorithmList('+d,a', kind)).toEqual(['a', 'b', 'c', 'd']);
    expect(resolveAlgorithmList('-b', kind)).toEqual(['a', 'c']);
    expect(resolveAlgorithmList('-?,zzz', { ...kind, defaults: ['a', 'x-1'] })).toEqual(['x-1']);
  });

  it('keeps the full lists consistent with the transport defaults', () => {
    const ciphers = { keyword: 'Ciphers', defaults: DEFAULT_CIPHERS, supported: DEFAULT_CIPHERS };
    expect(resolveAlgorithmList('^aes256-ctr', ciphers)).toEqual([
      'aes256-ctr',
      ...DEFAULT_CIPHERS.filter((c) => c !== 'aes256-ctr'),
    ]);
    expect(resolveAlgorithmList('-*-gcm@openssh.com', ciphers)).not.toContain('aes128-gcm@openssh.com');
    expect(parseSshdArgs(['-o', 'HostKeyAlgorithms=+ssh-rsa']).config.hostKeyAlgorithms).toEqual([
      ...DEFAULT_HOST_KEY_ALGORITHMS,
      'ssh-rsa',
    ]);
  });

  it('refuses empty names and unknown names', () => {
    expect(() => resolveAlgorithmList('a,,b', kind)).toThrow(/empty name/);
    expect(() => resolveAlgorithmList('^a,e', kind)).toThrow(/not supported: e/);
  });
});

describe('sizes and times', () => {
  it('reads RekeyLimit sizes and sshd TIME FORMAT', () => {
    expect(parseRekeyLimit('512K')).toBe(512 * 1024);
    expect(parseRekeyLimit('2g none')).toBe(2 * 2 ** 30);
    expect(parseRekeyLimit('default')).toBeUndefined();
    expect(parseRekeyLimit('0')).toBeUndefined();
    expect(parseTimeSpec('T', '0')).toBe(0);
    expect(parseTimeSpec('T', '45')).toBe(45);
    expect(parseTimeSpec('T', '1h2M3s')).toBe(3723);
    expect(parseTimeSpec('T', '1w')).toBe(604800);
  });
});

describe('passwordChecker', () => {
  it('matches user and password; an entry without a user takes any name', () => {
    const check = passwordChecker([
      { user: 'alice', password: 'secret' },
      { user: undefined, password: 'demo-pw' },
    ]);
    expect(check('alice', 'secret')).toBe(true);
    expect(check('bob', 'secret')).toBe(false);
    expect(check('alice', 'secret ')).toBe(false);
    expect(check('alice', '')).toBe(false);
    expect(check('anyone', 'demo-pw')).toBe(true);
    expect(passwordChecker([])('alice', '')).toBe(false);
  });
});
