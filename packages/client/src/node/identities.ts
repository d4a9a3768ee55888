/**
 * The keys the `seashell` CLI offers, found as ssh(1) finds them: the IdentityFile list (`-i`),
 * or, when none was given, the default `~/.ssh/id_*` files that exist. A file that cannot be used
 * is reported and skipped, never fatal: a missing `-i` file, a private key others can read
 * (OpenSSH ignores those too), a passphrase-protected key (not supported yet), a format we do not
 * read. The keys are offered with the signature algorithms PubkeyAcceptedAlgorithms allows.
 *
 * Certificates: ssh loads `KEY-cert.pub` beside each identity file and the CertificateFile list;
 * a certificate is offered just before the key it certifies (from a file or the agent), signed by
 * the same key.
 */
import { readFile, stat } from 'node:fs/promises';
import {
  EncryptedKeyError,
  isOpenSshPrivateKey,
  parseOpenSshPrivateKey,
  parsePublicKeyLine,
} from '@seashell/auth';
import {
  type Certificate,
  fingerprintSha256,
  isCertificate,
  type PrivateKey,
  type PublicKey,
  plainSignatureAlgorithm,
} from '@seashell/transport';
import { offeringAlgorithms } from './agent-auth.js';
import type { CliLog } from './cli-log.js';
import type { AuthMethod } from './client.js';

/** The default identities, in the order they are offered. */
export const DEFAULT_IDENTITY_FILES = ['~/.ssh/id_ed25519', '~/.ssh/id_ecdsa', '~/.ssh/id_rsa'] as const;

/** A key ready to offer, with the file it came from. */
export interface Identity {
  readonly path: string;
  readonly key: PrivateKey;
  readonly comment: string;
}

/**
 * Loads the identity files. `explicit` files (named by the user) are reported at the default log
 * level when unusable; default ones only at -v, since most people have only some of them.
 */
export async function loadIdentities(
  paths: readonly string[],
  explicit: boolean,
  log: CliLog,
  uid = process.getuid?.(),
): Promise<Identity[]> {
  const identities: Identity[] = [];
  const report = (message: string) => (explicit ? log.info(message) : log.debug(message));
  for (const path of paths) {
    let text: string;
    try {
      const info = await stat(path);
      // OpenSSH refuses a private key of ours that others may read ("UNPROTECTED PRIVATE KEY FILE").
      if (uid !== undefined && info.uid === uid && (info.mode & 0o077) !== 0) {
        log.info(
          `Permissions 0${(info.mode & 0o777).toString(8)} for '${path}' are too open; the key is ignored (it must not be readable by others).`,
        );
        continue;
      }
      text = await readFile(path, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // ssh warns only when the .pub is missing too: the .pub alone names a key an agent may hold.
      const quiet = code === 'ENOENT' && (await exists(`${path}.pub`));
      (quiet ? log.debug.bind(log) : report)(
        `Warning: Identity file ${path} not accessible: ${code === 'ENOENT' ? 'No such file or directory' : (e as Error).message}.`,
      );
      continue;
    }
    if (!isOpenSshPrivateKey(text)) {
      report(
        `Load key "${path}": not an OpenSSH private key (seashell reads only the openssh-key-v1 format yet)`,
      );
      continue;
    }
    try {
      const { privateKey, comment } = parseOpenSshPrivateKey(text);
      log.debug(
        `Will attempt key: ${path} ${privateKey.publicKey.type} ${fingerprintSha256(privateKey.publicKey)}`,
      );
      identities.push({ path, key: privateKey, comment });
    } catch (e) {
      if (e instanceof EncryptedKeyError)
        report(`Load key "${path}": passphrase-protected keys are not supported by seashell yet; skipped`);
      else report(`Load key "${path}": invalid format (${(e as Error).message})`);
    }
  }
  return identities;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * The identity as an auth method offering only the signature algorithms `accepted` allows (RSA
 * keys sign with several); undefined when none is allowed.
 */
export function publicKeyMethod(identity: Identity, accepted: readonly string[]): AuthMethod | undefined {
  const key = identity.key;
  const publicKey = offeringAlgorithms(key.publicKey, accepted);
  if (publicKey === undefined) return undefined;
  return { type: 'publickey', publicKey, sign: (data, algorithm) => key.sign(data, algorithm) };
}

/** A certificate file to load: explicit ones (CertificateFile) are reported when unusable. */
export interface CertificateFileSpec {
  readonly path: string;
  readonly explicit: boolean;
}

/** A loaded user certificate and its file. */
export interface LoadedCertificate {
  readonly path: string;
  readonly certificate: Certificate;
}

/**
 * The certificate files to look at: `KEY-cert.pub` beside each identity file (quietly: most keys
 * have none), then CertificateFile.
 */
export function certificateFileSpecs(
  identityFiles: readonly string[],
  certificateFiles: readonly string[],
): CertificateFileSpec[] {
  return [
    ...identityFiles.map((path) => ({ path: `${path}-cert.pub`, explicit: false })),
    ...certificateFiles.map((path) => ({ path, explicit: true })),
  ];
}

/** Loads user certificates; one that cannot be read or is no user certificate is reported and skipped. */
export async function loadCertificates(
  specs: readonly CertificateFileSpec[],
  log: CliLog,
): Promise<LoadedCertificate[]> {
  const out: LoadedCertificate[] = [];
  for (const { path, explicit } of specs) {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (e) {
      if (explicit) log.info(`Certificate ${path} not accessible: ${(e as Error).message}`);
      continue;
    }
    try {
      const key = parsePublicKeyLine(text).key;
      if (!isCertificate(key)) throw new Error(`a ${key.type} key, not a certificate`);
      if (key.certType !== 'user') throw new Error('a host certificate');
      if (out.some((c) => c.certificate.equals(key))) continue;
      log.debug(
        `Will attempt certificate: ${path} ${key.type} ${fingerprintSha256(key)} serial ${key.serial} ID "${key.keyId}"`,
      );
      out.push({ path, certificate: key });
    } catch (e) {
      log.info(`Load certificate "${path}": ${(e as Error).message}; not offered`);
    }
  }
  return out;
}

/**
 * The auth methods for `key`'s certificates, each signed by `sign` with the plain algorithm
 * (`rsa-sha2-512` for `rsa-sha2-512-cert-v01@openssh.com`), as ssh signs for a certificate.
 */
export function certificateMethods(
  certificates: readonly LoadedCertificate[],
  key: PublicKey,
  accepted: readonly string[],
  sign: (data: Uint8Array, algorithm: string) => Uint8Array | Promise<Uint8Array>,
): AuthMethod[] {
  const methods: AuthMethod[] = [];
  for (const { certificate } of certificates) {
    if (!certificate.key.equals(key)) continue;
    const publicKey = offeringAlgorithms(certificate, accepted);
    if (publicKey)
      methods.push({
        type: 'publickey',
        publicKey,
        sign: (data, alg) => sign(data, plainSignatureAlgorithm(alg)),
      });
  }
  return methods;
}
