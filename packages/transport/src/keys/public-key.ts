/**
 * Parsing any public key blob (RFC 4253 §6.6) and the registry of signature algorithms
 * (RFC 4253 §6.6, RFC 5656 §6.2, RFC 8332 §3, RFC 8709 §4), keyed by wire name.
 */
import { SshReader } from '../wire/reader.js';
import { Certificate, isCertificateKeyType } from './certificate.js';
import { EcdsaPublicKey, isEcdsaKeyType } from './ecdsa.js';
import { ED25519, Ed25519PublicKey } from './ed25519.js';
import { UnsupportedKeyError } from './errors.js';
import { RSA, RsaPublicKey } from './rsa.js';
import type { PublicKey } from './types.js';

/** What a signature algorithm needs. */
export interface SignatureAlgorithmSpec {
  /** The public key type (the blob's first string) this algorithm signs with. */
  readonly keyType: string;
  /** Off by default; a user opts in by naming it (OpenSSH 8.8+ behaviour for SHA-1 `ssh-rsa`). */
  readonly legacy: boolean;
}

/** Every signature algorithm we implement, by wire name. */
export const SIGNATURE_ALGORITHMS = {
  'ssh-ed25519': { keyType: 'ssh-ed25519', legacy: false },
  'ecdsa-sha2-nistp256': { keyType: 'ecdsa-sha2-nistp256', legacy: false },
  'ecdsa-sha2-nistp384': { keyType: 'ecdsa-sha2-nistp384', legacy: false },
  'ecdsa-sha2-nistp521': { keyType: 'ecdsa-sha2-nistp521', legacy: false },
  'rsa-sha2-512': { keyType: 'ssh-rsa', legacy: false },
  'rsa-sha2-256': { keyType: 'ssh-rsa', legacy: false },
  'ssh-rsa': { keyType: 'ssh-rsa', legacy: true },
  // PROTOCOL.certkeys: a certificate signs under its own names; the signature blob names the plain algorithm.
  'ssh-ed25519-cert-v01@openssh.com': { keyType: 'ssh-ed25519-cert-v01@openssh.com', legacy: false },
  'ecdsa-sha2-nistp256-cert-v01@openssh.com': {
    keyType: 'ecdsa-sha2-nistp256-cert-v01@openssh.com',
    legacy: false,
  },
  'ecdsa-sha2-nistp384-cert-v01@openssh.com': {
    keyType: 'ecdsa-sha2-nistp384-cert-v01@openssh.com',
    legacy: false,
  },
  'ecdsa-sha2-nistp521-cert-v01@openssh.com': {
    keyType: 'ecdsa-sha2-nistp521-cert-v01@openssh.com',
    legacy: false,
  },
  'rsa-sha2-512-cert-v01@openssh.com': { keyType: 'ssh-rsa-cert-v01@openssh.com', legacy: false },
  'rsa-sha2-256-cert-v01@openssh.com': { keyType: 'ssh-rsa-cert-v01@openssh.com', legacy: false },
  'ssh-rsa-cert-v01@openssh.com': { keyType: 'ssh-rsa-cert-v01@openssh.com', legacy: true },
} as const satisfies Record<string, SignatureAlgorithmSpec>;

export type SignatureAlgorithm = keyof typeof SIGNATURE_ALGORITHMS;

/** Host key / public key algorithms in preference order, as OpenSSH orders its defaults. */
export const DEFAULT_HOST_KEY_ALGORITHMS = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
] as const satisfies readonly SignatureAlgorithm[];

/**
 * The certificate forms, in OpenSSH's order. Not in `DEFAULT_HOST_KEY_ALGORITHMS`: a client asks
 * for them when it knows a CA for the host, a server offers them when it has a host certificate
 * (OpenSSH then lists them first).
 */
export const CERTIFICATE_HOST_KEY_ALGORITHMS = [
  'ssh-ed25519-cert-v01@openssh.com',
  'ecdsa-sha2-nistp256-cert-v01@openssh.com',
  'ecdsa-sha2-nistp384-cert-v01@openssh.com',
  'ecdsa-sha2-nistp521-cert-v01@openssh.com',
  'rsa-sha2-512-cert-v01@openssh.com',
  'rsa-sha2-256-cert-v01@openssh.com',
] as const satisfies readonly SignatureAlgorithm[];

/** Public key algorithms accepted for user authentication by default: certificates first, as OpenSSH's PubkeyAcceptedAlgorithms. */
export const DEFAULT_PUBLIC_KEY_ALGORITHMS: readonly SignatureAlgorithm[] = [
  ...CERTIFICATE_HOST_KEY_ALGORITHMS,
  ...DEFAULT_HOST_KEY_ALGORITHMS,
];

/** Implemented but not offered unless asked for by name. */
export const INSECURE_SIGNATURE_ALGORITHMS = [
  'ssh-rsa',
  'ssh-rsa-cert-v01@openssh.com',
] as const satisfies readonly SignatureAlgorithm[];

/** Everything implemented: the defaults, the certificate forms, then the legacy entries. */
export const SUPPORTED_SIGNATURE_ALGORITHMS: readonly SignatureAlgorithm[] = [
  ...DEFAULT_HOST_KEY_ALGORITHMS,
  ...CERTIFICATE_HOST_KEY_ALGORITHMS,
  ...INSECURE_SIGNATURE_ALGORITHMS,
];

/** Whether `name` is a signature algorithm we implement. */
export function isSignatureAlgorithm(name: string): name is SignatureAlgorithm {
  return Object.hasOwn(SIGNATURE_ALGORITHMS, name);
}

/**
 * The algorithms of `preference` that can sign with `key`, in that order.
 * @param preference - defaults to `DEFAULT_HOST_KEY_ALGORITHMS` (so SHA-1 `ssh-rsa` only when named).
 * @example
 * signatureAlgorithmsFor(rsaKey); // ['rsa-sha2-512', 'rsa-sha2-256']
 */
export function signatureAlgorithmsFor(
  key: PublicKey,
  preference: readonly string[] = DEFAULT_HOST_KEY_ALGORITHMS,
): string[] {
  return preference.filter(
    (name) => isSignatureAlgorithm(name) && SIGNATURE_ALGORITHMS[name].keyType === key.type,
  );
}

const READERS: Readonly<Record<string, (type: string, r: SshReader) => PublicKey>> = {
  [ED25519]: (_type, r) => Ed25519PublicKey.read(r),
  [RSA]: (_type, r) => RsaPublicKey.read(r),
  'ecdsa-sha2-nistp256': readEcdsa,
  'ecdsa-sha2-nistp384': readEcdsa,
  'ecdsa-sha2-nistp521': readEcdsa,
};

function readEcdsa(type: string, r: SshReader): PublicKey {
  if (!isEcdsaKeyType(type)) throw new UnsupportedKeyError(type);
  return EcdsaPublicKey.read(type, r);
}

/** Plain public key types `parsePublicKey` understands (it reads their certificates too). */
export const SUPPORTED_KEY_TYPES: readonly string[] = Object.keys(READERS);

/**
 * Reads the fields after the type string of a plain key of `type` (a certificate embeds them).
 * @throws UnsupportedKeyError for a type we do not implement; as `parsePublicKey` otherwise.
 */
export function readPublicKeyFields(type: string, r: SshReader): PublicKey {
  const read = Object.hasOwn(READERS, type) ? READERS[type] : undefined;
  if (read === undefined) throw new UnsupportedKeyError(type);
  return read(type, r);
}

/**
 * Decodes a public key blob (RFC 4253 §6.6), or an OpenSSH certificate (whose CA signature is
 * checked here: see `Certificate`). The key keeps its own copy of the bytes.
 * @throws SshDecodeError when the framing is broken or bytes trail the key,
 *   UnsupportedKeyError for a type we do not implement,
 *   InvalidKeyError for values the type forbids (wrong lengths, bad points, RSA bounds, a
 *   certificate that breaks PROTOCOL.certkeys or whose CA signature does not verify).
 * @example
 * const key = parsePublicKey(blob);
 * key.verify(data, signatureBlob);
 */
export function parsePublicKey(blob: Uint8Array): PublicKey {
  const r = new SshReader(blob);
  const type = r.ascii();
  const key = isCertificateKeyType(type) ? Certificate.read(type, r) : readPublicKeyFields(type, r);
  r.end('public key blob');
  return key;
}
