/**
 * The keys the `seashell` CLI offers, found as ssh(1) finds them: the IdentityFile list (`-i`),
 * or, when none was given, the default `~/.ssh/id_*` files that exist. A file that cannot be used
 * is reported and skipped, never fatal: a missing `-i` file, a private key others can read
 * (OpenSSH ignores those too), a passphrase-protected key (not supported yet), a format we do not
 * read. Beside each key file a `KEY-cert.pub` certificate is picked up, and CertificateFile
 * certificates join the identity whose key they certify; a certificate is offered before its
 * plain key. The keys are offered with the signature algorithms PubkeyAcceptedAlgorithms allows.
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
  CertifiedPrivateKey,
  fingerprintSha256,
  isCertificate,
  type PrivateKey,
  type PublicKey,
} from '@seashell/transport';
import type { CliLog } from './cli-log.js';
import type { AuthMethod } from './client.js';

/** The default identities, in the order they are offered. */
export const DEFAULT_IDENTITY_FILES = ['~/.ssh/id_ed25519', '~/.ssh/id_ecdsa', '~/.ssh/id_rsa'] as const;

/** A key ready to offer, with the file it came from. */
export interface Identity {
  readonly path: string;
  readonly key: PrivateKey;
  readonly comment: string;
  /** Certificates of this key (`KEY-cert.pub`, CertificateFile), offered before the plain key. */
  readonly certificates: readonly Certificate[];
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
      report(
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
      // ssh loads KEY-cert.pub beside KEY when it is there.
      const beside = await readCertificate(`${path}-cert.pub`, log, false);
      const certificates = beside && certifies(beside, privateKey, `${path}-cert.pub`, log) ? [beside] : [];
      identities.push({ path, key: privateKey, comment, certificates });
    } catch (e) {
      if (e instanceof EncryptedKeyError)
        report(`Load key "${path}": passphrase-protected keys are not supported by seashell yet; skipped`);
      else report(`Load key "${path}": invalid format (${(e as Error).message})`);
    }
  }
  return identities;
}

/**
 * Adds CertificateFile certificates to the identities whose keys they certify (ssh_config(5):
 * the private key must come from IdentityFile or `-i`); one with no matching key is reported.
 */
export async function attachCertificates(
  identities: readonly Identity[],
  files: readonly string[],
  log: CliLog,
): Promise<Identity[]> {
  const out = identities.map((i) => ({ ...i, certificates: [...i.certificates] }));
  for (const file of files) {
    const cert = await readCertificate(file, log, true);
    if (!cert) continue;
    const owner = out.find((i) => i.key.publicKey.equals(cert.key));
    if (!owner) {
      log.info(`Certificate ${file}: no identity holds the key it certifies; not offered`);
      continue;
    }
    if (!owner.certificates.some((c) => c.equals(cert))) owner.certificates.push(cert);
  }
  return out;
}

async function readCertificate(
  path: string,
  log: CliLog,
  explicit: boolean,
): Promise<Certificate | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if (explicit) log.info(`Certificate ${path} not accessible: ${(e as Error).message}`);
    return undefined;
  }
  try {
    const key = parsePublicKeyLine(text).key;
    if (!isCertificate(key)) throw new Error(`a ${key.type} key, not a certificate`);
    if (key.certType !== 'user') throw new Error('a host certificate');
    log.debug(
      `Will attempt certificate: ${path} ${key.type} ${fingerprintSha256(key)} serial ${key.serial} ID "${key.keyId}"`,
    );
    return key;
  } catch (e) {
    log.info(`Load certificate "${path}": ${(e as Error).message}; not offered`);
    return undefined;
  }
}

function certifies(cert: Certificate, key: PrivateKey, path: string, log: CliLog): boolean {
  if (cert.key.equals(key.publicKey)) return true;
  log.info(`Certificate ${path} does not match its private key; not offered`);
  return false;
}

/**
 * The identity's certificates, then its plain key, as auth methods offering only the signature
 * algorithms `accepted` allows (RSA keys sign with several); those with none allowed are left out.
 */
export function publicKeyMethods(identity: Identity, accepted: readonly string[]): AuthMethod[] {
  const keys: PrivateKey[] = [
    ...identity.certificates.map((c) => new CertifiedPrivateKey(identity.key, c)),
    identity.key,
  ];
  const methods: AuthMethod[] = [];
  for (const key of keys) {
    const algorithms = key.publicKey.signatureAlgorithms.filter((a) => accepted.includes(a));
    if (algorithms.length === 0) continue;
    const publicKey: PublicKey = {
      type: key.publicKey.type,
      blob: key.publicKey.blob,
      signatureAlgorithms: algorithms,
      verify: (data, signature, allowed) => key.publicKey.verify(data, signature, allowed),
      equals: (other) => key.publicKey.equals(other),
    };
    methods.push({ type: 'publickey', publicKey, sign: (data, algorithm) => key.sign(data, algorithm) });
  }
  return methods;
}
