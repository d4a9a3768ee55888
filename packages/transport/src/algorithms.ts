/**
 * The algorithm registries (STYLE.md §4), keyed by OpenSSH wire name. Each kind has one table of
 * what Seashell implements and a default preference order close to OpenSSH's; users restrict or
 * reorder with the same names `ssh -o Ciphers=…` takes.
 */
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { aesCtr } from './cipher/aes-ctr.js';
import { aesGcm } from './cipher/aes-gcm.js';
import { chacha20Poly1305 } from './cipher/chacha20-poly1305.js';
import type { StreamCipher } from './cipher/stream.js';
import type { PacketOpener, PacketSealer } from './cipher/types.js';
import { curve25519 } from './kex/curve25519.js';
import { dhGroup1Sha1, dhGroup14Sha1, dhGroup14Sha256, dhGroup16Sha512, dhGroup18Sha512 } from './kex/dh.js';
import { dhGexSha1, dhGexSha256 } from './kex/dh-gex.js';
import { ecdhNistp256, ecdhNistp384, ecdhNistp521 } from './kex/ecdh-nist.js';
import { mlkem768x25519, sntrup761x25519 } from './kex/hybrid-kem.js';
import type { KexMethod } from './kex/method.js';
import { type Hash, hmacMac, type Mac } from './mac/hmac.js';

export type CipherSpec =
  | {
      readonly keyLength: number;
      readonly ivLength: number;
      readonly blockSize: number;
      /** Authenticated encryption: the negotiated MAC is ignored (RFC 5647 §5.1, PROTOCOL §1.6). */
      readonly aead: true;
      create(key: Uint8Array, iv: Uint8Array): PacketSealer & PacketOpener;
    }
  | {
      readonly keyLength: number;
      readonly ivLength: number;
      readonly blockSize: number;
      readonly aead: false;
      create(key: Uint8Array, iv: Uint8Array): StreamCipher;
    };

export const CIPHERS = {
  'chacha20-poly1305@openssh.com': {
    keyLength: 64,
    ivLength: 0,
    blockSize: 8,
    aead: true,
    create: chacha20Poly1305,
  },
  'aes128-gcm@openssh.com': { keyLength: 16, ivLength: 12, blockSize: 16, aead: true, create: aesGcm },
  'aes256-gcm@openssh.com': { keyLength: 32, ivLength: 12, blockSize: 16, aead: true, create: aesGcm },
  'aes128-ctr': { keyLength: 16, ivLength: 16, blockSize: 16, aead: false, create: aesCtr },
  'aes192-ctr': { keyLength: 24, ivLength: 16, blockSize: 16, aead: false, create: aesCtr },
  'aes256-ctr': { keyLength: 32, ivLength: 16, blockSize: 16, aead: false, create: aesCtr },
} as const satisfies Record<string, CipherSpec>;
export type CipherName = keyof typeof CIPHERS;

export interface MacSpec {
  readonly keyLength: number;
  readonly etm: boolean;
  create(key: Uint8Array): Mac;
}

function hmacSpec(hash: Hash, etm: boolean): MacSpec {
  return { keyLength: hash.outputLen, etm, create: (key) => hmacMac(hash, key, etm) };
}

export const MACS = {
  'hmac-sha2-256-etm@openssh.com': hmacSpec(sha256, true),
  'hmac-sha2-512-etm@openssh.com': hmacSpec(sha512, true),
  'hmac-sha2-256': hmacSpec(sha256, false),
  'hmac-sha2-512': hmacSpec(sha512, false),
} as const satisfies Record<string, MacSpec>;
export type MacName = keyof typeof MACS;

export const KEX_METHODS = {
  'mlkem768x25519-sha256': mlkem768x25519,
  'sntrup761x25519-sha512': sntrup761x25519,
  'sntrup761x25519-sha512@openssh.com': sntrup761x25519,
  'curve25519-sha256': curve25519,
  'curve25519-sha256@libssh.org': curve25519,
  'ecdh-sha2-nistp256': ecdhNistp256,
  'ecdh-sha2-nistp384': ecdhNistp384,
  'ecdh-sha2-nistp521': ecdhNistp521,
  'diffie-hellman-group-exchange-sha256': dhGexSha256,
  'diffie-hellman-group16-sha512': dhGroup16Sha512,
  'diffie-hellman-group18-sha512': dhGroup18Sha512,
  'diffie-hellman-group14-sha256': dhGroup14Sha256,
  // SHA-1 and a 1024-bit group: opt-in only (INSECURE_KEX).
  'diffie-hellman-group14-sha1': dhGroup14Sha1,
  'diffie-hellman-group1-sha1': dhGroup1Sha1,
  'diffie-hellman-group-exchange-sha1': dhGexSha1,
} as const satisfies Record<string, KexMethod>;
export type KexName = keyof typeof KEX_METHODS;

export const COMPRESSION = { none: {} } as const;
export type CompressionName = keyof typeof COMPRESSION;

export const DEFAULT_KEX: readonly KexName[] = [
  'mlkem768x25519-sha256',
  'sntrup761x25519-sha512',
  'sntrup761x25519-sha512@openssh.com',
  'curve25519-sha256',
  'curve25519-sha256@libssh.org',
  'ecdh-sha2-nistp256',
  'ecdh-sha2-nistp384',
  'ecdh-sha2-nistp521',
  'diffie-hellman-group-exchange-sha256',
  'diffie-hellman-group16-sha512',
  'diffie-hellman-group18-sha512',
  'diffie-hellman-group14-sha256',
];
/** Implemented but never offered unless asked for (OpenSSH 8.8+ has them off too): SHA-1, 1024 bits. */
export const INSECURE_KEX: readonly KexName[] = [
  'diffie-hellman-group14-sha1',
  'diffie-hellman-group1-sha1',
  'diffie-hellman-group-exchange-sha1',
];
/** Every key exchange Seashell implements: the defaults, then the opt-in legacy ones. */
export const SUPPORTED_KEX: readonly KexName[] = [...DEFAULT_KEX, ...INSECURE_KEX];
export const DEFAULT_CIPHERS: readonly CipherName[] = [
  'chacha20-poly1305@openssh.com',
  'aes128-gcm@openssh.com',
  'aes256-gcm@openssh.com',
  'aes128-ctr',
  'aes192-ctr',
  'aes256-ctr',
];
export const DEFAULT_MACS: readonly MacName[] = [
  'hmac-sha2-256-etm@openssh.com',
  'hmac-sha2-512-etm@openssh.com',
  'hmac-sha2-256',
  'hmac-sha2-512',
];
export const DEFAULT_COMPRESSION: readonly CompressionName[] = ['none'];

/** Markers sent in the kex list of the first KEXINIT only (RFC 8308 §2.1, OpenSSH PROTOCOL §1.10). */
export const EXT_INFO_C = 'ext-info-c';
export const EXT_INFO_S = 'ext-info-s';
export const STRICT_KEX_C = 'kex-strict-c-v00@openssh.com';
export const STRICT_KEX_S = 'kex-strict-s-v00@openssh.com';
