/**
 * The keys the `seashell` CLI offers, found as ssh(1) finds them: the IdentityFile list (`-i`),
 * or, when none was given, the default `~/.ssh/id_*` files that exist. Any private key format
 * @seashell/auth reads is accepted (openssh-key-v1, PEM, PKCS#8, PuTTY PPK).
 *
 * A passphrase-protected key is handled as ssh(1) does (sshconnect2.c `load_identity_file`): its
 * public half (in clear in openssh-key-v1 and PPK files, else from `KEY.pub`) is offered first,
 * and the passphrase is asked for — "Enter passphrase for key 'PATH': " — only when the server
 * says it would accept the key; an empty answer skips the key, a wrong one asks again, up to
 * NumberOfPasswordPrompts times; BatchMode never asks. An encrypted key with no public half
 * anywhere is unlocked when it is loaded.
 *
 * A file that cannot be used is reported and skipped, never fatal: a missing `-i` file, a private
 * key others can read (OpenSSH ignores those too), a format we do not read.
 *
 * Certificates: ssh loads `KEY-cert.pub` beside each identity file and the CertificateFile list;
 * a certificate is offered just before the key it certifies (from a file or the agent), signed by
 * the same key.
 */
import { readFile, stat } from 'node:fs/promises';
import {
  BadPassphraseError,
  type PrivateKeyFile,
  parsePublicKeyFile,
  readPrivateKeyFile,
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
  readonly publicKey: PublicKey;
  readonly comment: string;
  /**
   * The private key: at hand for a plain file; for an encrypted one, decrypted on first use after
   * asking for the passphrase. Undefined when no passphrase opened it (the key is then skipped).
   */
  privateKey(): Promise<PrivateKey | undefined>;
}

/** Asks for a passphrase with `prompt`; undefined for no answer (cancelled, empty, no terminal). */
export type PassphrasePrompt = (prompt: string) => Promise<string | undefined>;

/** How identities get their passphrases. */
export interface IdentityOptions {
  /** Asks the user; absent under BatchMode (encrypted keys are then offered but never unlocked). */
  readonly askPassphrase?: PassphrasePrompt;
  /** NumberOfPasswordPrompts: how many times a wrong passphrase is asked again (ssh: 3). */
  readonly attempts?: number;
  /** The user id whose files must not be readable by others (default: this process's). */
  readonly uid?: number | undefined;
}

/**
 * Loads the identity files. `explicit` files (named by the user) are reported at the default log
 * level when unusable; default ones only at -v, since most people have only some of them.
 */
export async function loadIdentities(
  paths: readonly string[],
  explicit: boolean,
  log: CliLog,
  options: IdentityOptions = {},
): Promise<Identity[]> {
  const uid = 'uid' in options ? options.uid : process.getuid?.();
  const identities: Identity[] = [];
  const report = (message: string) => (explicit ? log.info(message) : log.debug(message));
  for (const path of paths) {
    let bytes: Uint8Array;
    try {
      const info = await stat(path);
      // OpenSSH refuses a private key of ours that others may read ("UNPROTECTED PRIVATE KEY FILE").
      if (uid !== undefined && info.uid === uid && (info.mode & 0o077) !== 0) {
        log.info(
          `Permissions 0${(info.mode & 0o777).toString(8)} for '${path}' are too open; the key is ignored (it must not be readable by others).`,
        );
        continue;
      }
      bytes = new Uint8Array(await readFile(path));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // ssh warns only when the .pub is missing too: the .pub alone names a key an agent may hold.
      const quiet = code === 'ENOENT' && (await exists(`${path}.pub`));
      (quiet ? log.debug.bind(log) : report)(
        `Warning: Identity file ${path} not accessible: ${code === 'ENOENT' ? 'No such file or directory' : (e as Error).message}.`,
      );
      continue;
    }
    try {
      const identity = await openIdentity(path, readPrivateKeyFile(bytes), log, options);
      if (identity === undefined) continue;
      log.debug(
        `Will attempt key: ${path} ${identity.publicKey.type} ${fingerprintSha256(identity.publicKey)}`,
      );
      identities.push(identity);
    } catch (e) {
      report(`Load key "${path}": invalid format (${(e as Error).message})`);
    }
  }
  return identities;
}

async function openIdentity(
  path: string,
  file: PrivateKeyFile,
  log: CliLog,
  options: IdentityOptions,
): Promise<Identity | undefined> {
  if (!file.encrypted) {
    const { privateKey, comment } = file.decrypt();
    return { path, publicKey: privateKey.publicKey, comment, privateKey: async () => privateKey };
  }
  const publicKey = file.publicKey ?? (await publicKeyBeside(path));
  let unlocked: Promise<{ key: PrivateKey; comment: string } | undefined> | undefined;
  const unlock = () => {
    unlocked ??= unlockKey(path, file, log, options);
    return unlocked;
  };
  if (publicKey !== undefined) {
    return {
      path,
      publicKey,
      comment: '',
      privateKey: async () => {
        const got = await unlock();
        if (got !== undefined && !got.key.publicKey.equals(publicKey)) {
          log.error(`Load key "${path}": the private key does not match its public key`);
          return undefined;
        }
        return got?.key;
      },
    };
  }
  // No public half anywhere (encrypted PEM or PKCS#8 without KEY.pub): unlock it now.
  const got = await unlock();
  if (got === undefined) return undefined;
  return { path, publicKey: got.key.publicKey, comment: got.comment, privateKey: async () => got.key };
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** The public key in `PATH.pub`, as ssh(1) reads it for keys whose file does not show one. */
async function publicKeyBeside(path: string): Promise<PublicKey | undefined> {
  try {
    return parsePublicKeyFile(await readFile(`${path}.pub`, 'utf8')).key;
  } catch {
    return undefined;
  }
}

/** sshconnect2.c load_identity_file: ask, try, ask again on a wrong passphrase. */
async function unlockKey(
  path: string,
  file: PrivateKeyFile,
  log: CliLog,
  options: IdentityOptions,
): Promise<{ key: PrivateKey; comment: string } | undefined> {
  const ask = options.askPassphrase;
  if (ask === undefined) {
    log.debug(`Skipping ${path}: it needs a passphrase and prompting is off`);
    return undefined;
  }
  const attempts = options.attempts ?? 3;
  for (let i = 0; i < attempts; i++) {
    const passphrase = await ask(`Enter passphrase for key '${path}': `);
    if (passphrase === undefined || passphrase === '') {
      log.debug('no passphrase given, try next key');
      return undefined;
    }
    try {
      const { privateKey, comment } = file.decrypt(passphrase);
      return { key: privateKey, comment };
    } catch (e) {
      if (!(e instanceof BadPassphraseError)) {
        log.info(`Load key "${path}": ${(e as Error).message}`);
        return undefined;
      }
      log.debug('bad passphrase given, try again...');
    }
  }
  return undefined;
}

/**
 * The identity as an auth method offering only the signature algorithms `accepted` allows (RSA
 * keys sign with several); undefined when none is allowed. Signing unlocks an encrypted key; one
 * that stays locked makes the signature fail, and the key is skipped.
 */
export function publicKeyMethod(identity: Identity, accepted: readonly string[]): AuthMethod | undefined {
  const publicKey = offeringAlgorithms(identity.publicKey, accepted);
  if (publicKey === undefined) return undefined;
  return {
    type: 'publickey',
    publicKey,
    sign: async (data, algorithm) => {
      const privateKey = await identity.privateKey();
      if (privateKey === undefined) throw new Error(`${identity.path} is locked`);
      return privateKey.sign(data, algorithm);
    },
  };
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
      const key = parsePublicKeyFile(text).key;
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
