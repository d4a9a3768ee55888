/**
 * Turns the parsed `seashell-sshd` command line into `ServerOptions`: reads the host keys, the
 * banner and checks the files it was given, picks the sftp-server program, and wires the
 * credentials and logging. Everything that can be wrong is found here, before the server listens.
 */
import { randomInt } from 'node:crypto';
import { accessSync, constants, readFileSync } from 'node:fs';
import { CertChecker, EncryptedKeyError, parsePrivateKeySync, parsePublicKeyLine } from '@seashell/auth';
import {
  CERTIFICATE_HOST_KEY_ALGORITHMS,
  type Certificate,
  DEFAULT_HOST_KEY_ALGORITHMS,
  fingerprintSha256,
  generateEd25519Key,
  isCertificate,
  type PrivateKey,
} from '@seashell/transport';
import {
  authorizedKeysChecker,
  parsePublicKeyList,
  passwordChecker,
  revokedKeysChecker,
  trustedCaChecker,
} from './credentials.js';
import { execHandler, subsystemHandler } from './exec-handler.js';
import type { ServerOptions } from './server.js';
import type { Session } from './session.js';
import { DEFAULT_ACCEPT_ENV, type PasswordEntry, type SshdArgs, UsageError } from './sshd-options.js';

/** Where OpenSSH's sftp-server lives on Debian, Fedora and Arch, in that order. */
export const SFTP_SERVER_CANDIDATES: readonly string[] = [
  '/usr/lib/openssh/sftp-server',
  '/usr/libexec/openssh/sftp-server',
  '/usr/lib/sftp-server',
];

/** Log sink: level 0 always (warnings), 1 with -v (connections, auth), 2 with -vv (sessions). */
export type SshdLog = (level: number, message: string) => void;

/** A host key and where it came from. */
export interface HostKey {
  readonly key: PrivateKey;
  /** The file it was read from; undefined for an ephemeral key. */
  readonly file: string | undefined;
}

/** Everything `seashell-sshd` needs to start, and to print at startup. */
export interface SshdSetup {
  readonly serverOptions: ServerOptions;
  readonly hostKeys: readonly HostKey[];
  /** The host certificates served, with their files. */
  readonly hostCertificates: readonly { readonly certificate: Certificate; readonly file: string }[];
  /** The `--demo` one-time password. */
  readonly demoPassword: string | undefined;
  /** The program run for the sftp subsystem, if any. */
  readonly sftpServer: string | undefined;
}

/**
 * Builds the server's options from the command line.
 * @throws UsageError for a file that cannot be used or a configuration that cannot work.
 */
export function setupSshd(args: SshdArgs, log: SshdLog): SshdSetup {
  const hostKeys = loadHostKeys(args.hostKeyFiles);
  const hostCertificates = args.hostCertificateFiles.map((file) => loadHostCertificate(file, hostKeys));
  const offered = [
    ...(hostCertificates.length > 0 ? CERTIFICATE_HOST_KEY_ALGORITHMS : []),
    ...DEFAULT_HOST_KEY_ALGORITHMS,
  ];
  checkHostKeyAlgorithms(
    hostKeys,
    hostCertificates.map((c) => c.certificate),
    args.config.hostKeyAlgorithms ?? offered,
  );
  const demoPassword = args.demo ? oneTimePassword() : undefined;
  const passwords: PasswordEntry[] = [...args.passwords];
  if (demoPassword !== undefined) passwords.push({ user: undefined, password: demoPassword });
  const keysFile = args.authorizedKeysFile;
  if (keysFile !== undefined) checkReadable(keysFile, '--authorized-keys');
  const caFile = args.trustedUserCaKeysFile;
  if (caFile !== undefined) {
    try {
      parsePublicKeyList(readText(caFile, '--trusted-user-ca-keys'));
    } catch (e) {
      if (e instanceof UsageError) throw e;
      throw new UsageError(`--trusted-user-ca-keys ${caFile}: ${(e as Error).message}`);
    }
  }
  const revokedFile = args.config.revokedKeysFile;
  if (revokedFile !== undefined) checkReadable(revokedFile, 'RevokedKeys');
  if (passwords.length === 0 && keysFile === undefined && caFile === undefined) {
    throw new UsageError(
      'nobody could log in: give --authorized-keys FILE, --trusted-user-ca-keys FILE and/or ' +
        '--password USER:PASS (or --demo)',
    );
  }
  const sftpServer = pickSftpServer(args.sftpServer);
  if (sftpServer === undefined) log(1, 'no sftp-server found: the sftp subsystem is not offered');
  const c = args.config;
  const handlerOptions = {
    acceptEnv: [...DEFAULT_ACCEPT_ENV, ...c.acceptEnv],
    onStart: (session: Session, spec: { file: string; args: readonly string[] }) =>
      log(2, `session for ${printable(session.user)}: ${[spec.file, ...spec.args].map(printable).join(' ')}`),
  };
  const checkPassword = passwordChecker(passwords);
  const checkKey =
    keysFile === undefined
      ? undefined
      : authorizedKeysChecker(keysFile, log, {
          ...(c.permitUserEnvironment ? { permitUserEnvironment: true } : {}),
        });
  const isRevoked = revokedFile === undefined ? undefined : revokedKeysChecker(revokedFile, log);
  // sshd without AuthorizedPrincipalsFile: a user certificate must list the login name.
  const certChecker =
    caFile === undefined
      ? undefined
      : new CertChecker({
          now: Date.now,
          isUserAuthority: trustedCaChecker(caFile, log),
          ...(isRevoked ? { isRevoked } : {}),
        });
  const serverOptions: ServerOptions = {
    hostKeys: hostKeys.map((k) => k.key),
    handler: execHandler(handlerOptions),
    subsystemHandlers: sftpServer === undefined ? {} : { sftp: subsystemHandler(sftpServer, handlerOptions) },
    passwordHandler: passwords.length > 0 ? (ctx, password) => checkPassword(ctx.user, password) : undefined,
    publicKeyHandler: checkKey,
    ...(certChecker ? { certChecker } : {}),
    ...(isRevoked ? { isRevoked } : {}),
    ...(hostCertificates.length > 0 ? { hostCertificates: hostCertificates.map((h) => h.certificate) } : {}),
    algorithms: {
      ...(c.kex ? { kex: c.kex } : {}),
      ...(c.ciphers ? { cipher: c.ciphers } : {}),
      ...(c.macs ? { mac: c.macs } : {}),
      ...(c.hostKeyAlgorithms ? { hostKey: c.hostKeyAlgorithms } : {}),
    },
    ...(c.publicKeyAlgorithms ? { publicKeyAlgorithms: c.publicKeyAlgorithms } : {}),
    ...(c.rekeyBytes !== undefined ? { rekeyBytes: c.rekeyBytes } : {}),
    ...(c.maxAuthTries !== undefined ? { maxAuthTries: c.maxAuthTries } : {}),
    ...(c.loginGraceTimeMs !== undefined ? { loginGraceTimeMs: c.loginGraceTimeMs } : {}),
    ...(c.bannerFile !== undefined ? { banner: readText(c.bannerFile, 'Banner') } : {}),
    connCallback: (_socket, info) => {
      log(1, `connection from ${info.remoteAddress} port ${info.remotePort}`);
      return true;
    },
    connectionFailedCallback: (info, error) =>
      log(1, `connection from ${info.remoteAddress} port ${info.remotePort}: ${printable(error.message)}`),
    authLogCallback: (e) =>
      log(
        // Every OpenSSH client opens with a `none` attempt to learn the methods: not news.
        e.method === 'none' && !e.success ? 2 : 1,
        `${e.success ? 'accepted' : 'failed'} ${e.method} for ${printable(e.user)} from ${e.remoteAddress} ` +
          `port ${e.remotePort}${e.reason ? `: ${printable(e.reason)}` : ''}`,
      ),
  };
  return { serverOptions, hostKeys, hostCertificates, demoPassword, sftpServer };
}

/** sshd HostCertificate: a host certificate for one of the host keys. */
function loadHostCertificate(
  file: string,
  hostKeys: readonly HostKey[],
): { readonly certificate: Certificate; readonly file: string } {
  let certificate: Certificate;
  try {
    const key = parsePublicKeyLine(readText(file, '--host-certificate')).key;
    if (!isCertificate(key)) throw new Error(`a ${key.type} key is not a certificate`);
    certificate = key;
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`--host-certificate ${file}: ${(e as Error).message}`);
  }
  if (certificate.certType !== 'host')
    throw new UsageError(`--host-certificate ${file}: a user certificate, not a host certificate`);
  if (!hostKeys.some((k) => k.key.publicKey.equals(certificate.key)))
    throw new UsageError(
      `--host-certificate ${file}: no host key matches it (${certificate.key.type} ${fingerprintSha256(certificate.key)})`,
    );
  return { certificate, file };
}

function loadHostKeys(files: readonly string[]): HostKey[] {
  if (files.length === 0) return [{ key: generateEd25519Key(), file: undefined }];
  const keys: HostKey[] = [];
  for (const file of files) {
    let key: PrivateKey;
    try {
      // Any unencrypted format (openssh-key-v1, PEM, PKCS#8, PPK); like sshd, never a passphrase.
      key = parsePrivateKeySync(readText(file, 'host key')).privateKey;
    } catch (e) {
      if (e instanceof UsageError) throw e;
      if (e instanceof EncryptedKeyError) {
        throw new UsageError(
          `host key ${file} has a passphrase; seashell-sshd needs an unencrypted key ` +
            `(ssh-keygen -p -N '' -f ${file})`,
        );
      }
      throw new UsageError(`host key ${file}: ${(e as Error).message}`);
    }
    const twin = keys.find((k) => k.key.publicKey.type === key.publicKey.type);
    if (twin)
      throw new UsageError(`host keys ${twin.file} and ${file} are both ${key.publicKey.type}: one per type`);
    keys.push({ key, file });
  }
  return keys;
}

/** The transport would refuse every connection if no host key can sign with an allowed algorithm. */
function checkHostKeyAlgorithms(
  hostKeys: readonly HostKey[],
  certificates: readonly Certificate[],
  allowed: readonly string[],
): void {
  const usable = new Set([
    ...hostKeys.flatMap((k) => k.key.publicKey.signatureAlgorithms),
    ...certificates.flatMap((c) => c.signatureAlgorithms),
  ]);
  if (!allowed.some((a) => usable.has(a))) {
    throw new UsageError(
      `HostKeyAlgorithms ${allowed.join(',')}: no host key signs with them ` +
        `(the host keys sign with ${[...usable].join(',')})`,
    );
  }
}

function pickSftpServer(given: string | undefined): string | undefined {
  if (given !== undefined) {
    if (!isExecutable(given)) throw new UsageError(`--sftp-server ${given}: not an executable file`);
    return given;
  }
  return SFTP_SERVER_CANDIDATES.find(isExecutable);
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function checkReadable(path: string, what: string): void {
  try {
    accessSync(path, constants.R_OK);
  } catch (e) {
    throw new UsageError(`${what} ${path}: ${(e as Error).message}`);
  }
}

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`${what} ${path}: ${(e as Error).message}`);
  }
}

/** 20 characters from an alphabet without look-alikes (no 0/O, 1/l/I): about 116 bits. */
function oneTimePassword(): string {
  const alphabet = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  return Array.from({ length: 20 }, () => alphabet[randomInt(alphabet.length)]).join('');
}

/** Text from a client made safe for a log line: control characters are escaped (STYLE.md §5). */
export function printable(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
  return text.replace(/[\x00-\x1f\x7f-\x9f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** A key's line for the startup banner: type, SHA-256 fingerprint and origin. */
export function describeHostKey(k: HostKey): string {
  return `${k.key.publicKey.type} ${fingerprintSha256(k.key.publicKey)} (${k.file ?? 'ephemeral'})`;
}
