/**
 * Hashed host names in known_hosts (ssh_config(5) HashKnownHosts; OpenSSH hostfile.c
 * `host_hash`): `|1|base64(salt)|base64(HMAC-SHA1(key = salt, message = name))`, with a 20-byte
 * salt and the name as known_hosts writes it (`host`, or `[host]:port` off port 22).
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha1 } from '@noble/hashes/legacy.js';
import { base64Decode, base64Encode, defaultRandomBytes, type RandomBytes } from '@seashell/transport';

/** The marker of a hashed name (OpenSSH HASH_MAGIC). */
export const HASHED_HOST_MAGIC = '|1|';
const SALT_LENGTH = 20;
const textEncoder = new TextEncoder();

/** Whether a host field is a hashed name. */
export function isHashedHostName(field: string): boolean {
  return field.startsWith(HASHED_HOST_MAGIC);
}

/**
 * `|1|salt|hash` for `name` (already in known_hosts form, e.g. from `knownHostsName`).
 * @example
 * hashHostName('[example.com]:2222'); // '|1|…|…'
 */
export function hashHostName(name: string, random: RandomBytes = defaultRandomBytes): string {
  const salt = random(SALT_LENGTH);
  return formatHashed(salt, hmac(sha1, salt, textEncoder.encode(name)));
}

function formatHashed(salt: Uint8Array, hash: Uint8Array): string {
  return `${HASHED_HOST_MAGIC}${base64Encode(salt)}|${base64Encode(hash)}`;
}

/**
 * Whether the hashed field stands for `name`. A field that is not a well-formed hash (bad
 * base64, a salt not 20 bytes, a hash not 20 bytes) matches nothing.
 */
export function matchHashedHostName(name: string, field: string): boolean {
  if (!isHashedHostName(field)) return false;
  const parts = field.slice(HASHED_HOST_MAGIC.length).split('|');
  if (parts.length !== 2) return false;
  let salt: Uint8Array;
  let hash: Uint8Array;
  try {
    salt = base64Decode(parts[0]!);
    hash = base64Decode(parts[1]!);
  } catch {
    return false;
  }
  if (salt.length !== SALT_LENGTH || hash.length !== 20) return false;
  const ours = hmac(sha1, salt, textEncoder.encode(name));
  let diff = 0;
  for (let i = 0; i < 20; i++) diff |= ours[i]! ^ hash[i]!;
  return diff === 0;
}
