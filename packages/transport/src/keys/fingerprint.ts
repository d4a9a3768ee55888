/**
 * Key fingerprints as `ssh-keygen -l -E sha256|md5` prints them (OpenSSH `sshkey_fingerprint`):
 * a hash of the public key blob (RFC 4253 §6.6), SHA-256 as unpadded base64, MD5 as hex pairs
 * (RFC 4716 §4).
 */
import { md5 } from '@noble/hashes/legacy.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { base64Encode } from '../wire/base64.js';
import type { PublicKey } from './types.js';

/**
 * `SHA256:` and the unpadded base64 of SHA-256(blob).
 * @example
 * fingerprintSha256(key); // 'SHA256:m4Vz…'
 */
export function fingerprintSha256(key: PublicKey): string {
  return `SHA256:${base64Encode(sha256(key.blob), { padding: false })}`;
}

/**
 * `MD5:` and MD5(blob) as lower-case hex pairs joined by colons (RFC 4716 §4).
 * @example
 * fingerprintMd5(key); // 'MD5:3f:2c:…'
 */
export function fingerprintMd5(key: PublicKey): string {
  return `MD5:${Array.from(md5(key.blob), (b) => b.toString(16).padStart(2, '0')).join(':')}`;
}
