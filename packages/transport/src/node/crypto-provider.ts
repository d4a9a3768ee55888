/**
 * The Node crypto provider: the same primitives as `nobleProvider`, through node:crypto (OpenSSL),
 * which on these machines is 10–60 times faster for AES, ChaCha20, HMAC and the curves. Poly1305
 * is not here: node:crypto has no standalone Poly1305, so chacha20-poly1305@openssh.com takes its
 * ChaCha20 from here and its Poly1305 from noble.
 *
 * Keys reach OpenSSL as KeyObjects imported from raw bytes as JWK (RFC 7517/8037), which Node turns
 * into keys without OpenSSL 3.0's slow DER decoders. Buffers coming back are re-viewed as plain
 * `Uint8Array`s (a Buffer's `slice` shares memory, which code written for Uint8Array does not expect).
 */
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  createSecretKey,
  diffieHellman,
  type JsonWebKey,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto';
import type { CryptoProvider, EcdsaCurveName, RsaPrivateParts, RsaPublicParts } from '../crypto/provider.js';
import { unsignedBytes } from '../wire/writer.js';

/** A plain Uint8Array view of a Buffer's bytes (no copy). */
function plain(b: Uint8Array): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

function bytes(hex: string): Uint8Array {
  return Uint8Array.from(hex.match(/../g)!, (h) => Number.parseInt(h, 16));
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

const b64url = (b: Uint8Array): string =>
  Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64url');
const bigB64url = (v: bigint): string => b64url(unsignedBytes(v));

/** The curves of RFC 8037 (OKP keys) we use, with the PKCS#8 DER prefix of a raw private key (RFC 8410 §7). */
const OKP = {
  X25519: bytes('302e020100300506032b656e04220420'),
  Ed25519: bytes('302e020100300506032b657004220420'),
} as const;
type OkpCurve = keyof typeof OKP;

/**
 * A private key from its raw 32 bytes. Through JWK, because OpenSSL 3.0's DER decoders take about
 * ten times as long: Node builds the key from `d` alone and derives the public half itself (`x`
 * must be a string but is not read for a private key, as of Node 20). Should a later Node insist on
 * a matching `x`, the PKCS#8 DER form still works.
 */
function okpPrivate(crv: OkpCurve, raw: Uint8Array): KeyObject {
  if (raw.length !== 32) throw new RangeError(`${crv} private key must be 32 bytes`);
  try {
    return createPrivateKey({ key: { kty: 'OKP', crv, d: b64url(raw), x: '' }, format: 'jwk' });
  } catch {
    return createPrivateKey({ key: Buffer.from(concat(OKP[crv], raw)), format: 'der', type: 'pkcs8' });
  }
}

function okpPublic(crv: OkpCurve, raw: Uint8Array): KeyObject {
  if (raw.length !== 32) throw new RangeError(`${crv} public key must be 32 bytes`);
  return createPublicKey({ key: { kty: 'OKP', crv, x: b64url(raw) }, format: 'jwk' });
}

/** The raw 32 bytes of an X25519 / Ed25519 key's public half. */
function rawPublicOf(key: KeyObject): Uint8Array {
  return plain(Buffer.from(key.export({ format: 'jwk' }).x!, 'base64url'));
}

const JWK_CURVES: Readonly<Record<EcdsaCurveName, { crv: string; bytes: number }>> = {
  nistp256: { crv: 'P-256', bytes: 32 },
  nistp384: { crv: 'P-384', bytes: 48 },
  nistp521: { crv: 'P-521', bytes: 66 },
};

/** The JWK of an uncompressed point `04 || X || Y` (and the scalar, for a private key). */
function ecJwk(curve: EcdsaCurveName, point: Uint8Array, scalar?: Uint8Array): JsonWebKey {
  const { crv, bytes: n } = JWK_CURVES[curve];
  if (point.length !== 1 + 2 * n || point[0] !== 0x04)
    throw new RangeError(`not an uncompressed ${crv} point`);
  const jwk: JsonWebKey = {
    kty: 'EC',
    crv,
    x: b64url(point.subarray(1, 1 + n)),
    y: b64url(point.subarray(1 + n)),
  };
  if (scalar) jwk.d = b64url(scalar);
  return jwk;
}

function rsaPublicJwk(key: RsaPublicParts): JsonWebKey {
  return { kty: 'RSA', n: bigB64url(key.n), e: bigB64url(key.e) };
}

function rsaPrivateJwk(key: RsaPrivateParts): JsonWebKey {
  return {
    ...rsaPublicJwk(key),
    d: bigB64url(key.d),
    p: bigB64url(key.p),
    q: bigB64url(key.q),
    dp: bigB64url(key.dp),
    dq: bigB64url(key.dq),
    qi: bigB64url(key.qinv),
  };
}

const AES_CTR = { 16: 'aes-128-ctr', 24: 'aes-192-ctr', 32: 'aes-256-ctr' } as const;
const AES_GCM = { 16: 'aes-128-gcm', 32: 'aes-256-gcm' } as const;

/**
 * node:crypto (OpenSSL) for every primitive of the provider; the default of the Node `Server` and
 * `connect()`.
 * @example
 * setDefaultCryptoProvider(nodeProvider); // key operations outside a connection use OpenSSL too
 */
export const nodeProvider: CryptoProvider = {
  name: 'node',

  aesCtr(key, iv) {
    const algorithm = AES_CTR[key.length as keyof typeof AES_CTR];
    if (!algorithm) throw new RangeError(`no AES-CTR with a ${key.length}-byte key`);
    if (iv.length !== 16) throw new RangeError('AES-CTR needs a 16-byte IV');
    // OpenSSL's CTR context keeps the counter and the unused keystream between updates.
    const cipher = createCipheriv(algorithm, key, iv);
    return {
      xor(data) {
        if (data.length % 16 !== 0) throw new RangeError('AES-CTR here works on whole 16-byte blocks');
        data.set(cipher.update(data));
      },
    };
  },

  aesGcm(key) {
    const algorithm = AES_GCM[key.length as keyof typeof AES_GCM];
    if (!algorithm) throw new RangeError(`no AES-GCM with a ${key.length}-byte key`);
    const secret = createSecretKey(key);
    return {
      seal(iv, aad, data, tag) {
        const cipher = createCipheriv(algorithm, secret, iv, { authTagLength: 16 });
        cipher.setAAD(aad);
        const out = cipher.update(data);
        cipher.final();
        data.set(out);
        tag.set(cipher.getAuthTag());
      },
      open(iv, aad, data, tag) {
        const decipher = createDecipheriv(algorithm, secret, iv, { authTagLength: 16 });
        decipher.setAuthTag(tag);
        decipher.setAAD(aad);
        const out = decipher.update(data);
        try {
          decipher.final();
        } catch {
          return false;
        }
        // Only released once the tag matched.
        data.set(out);
        return true;
      },
    };
  },

  chacha20(key) {
    if (key.length !== 32) throw new RangeError('ChaCha20 needs a 32-byte key');
    const secret = createSecretKey(key);
    const iv = new Uint8Array(16);
    return {
      xor(nonce, counter, data) {
        if (nonce.length !== 8) throw new RangeError('ChaCha20 (original) needs an 8-byte nonce');
        // OpenSSL's 16-byte ChaCha20 IV is the state's words 12–15: with the original cipher's
        // 64-bit little-endian block counter first, then its 64-bit nonce, the two variants agree.
        iv[0] = counter;
        iv[1] = counter >>> 8;
        iv[2] = counter >>> 16;
        iv[3] = counter >>> 24;
        iv.set(nonce, 8);
        data.set(createCipheriv('chacha20', secret, iv).update(data));
      },
    };
  },

  hmac(hash, key) {
    const secret = createSecretKey(key);
    const length = createHash(hash).digest().length;
    return {
      length,
      compute(...parts) {
        const h = createHmac(hash, secret);
        for (const part of parts) h.update(part);
        return plain(h.digest());
      },
    };
  },

  hash: (hash, data) => plain(createHash(hash).update(data).digest()),

  x25519: {
    publicKey: (secret) => rawPublicOf(okpPrivate('X25519', secret)),
    sharedSecret(secret, peerPublic) {
      // OpenSSL refuses an all-zero result (a low-order point) with an error, as RFC 7748 §6.1 allows.
      return plain(
        diffieHellman({
          privateKey: okpPrivate('X25519', secret),
          publicKey: okpPublic('X25519', peerPublic),
        }),
      );
    },
  },

  ed25519: {
    publicKey: (seed) => rawPublicOf(okpPrivate('Ed25519', seed)),
    sign: (seed, data) => plain(sign(null, data, okpPrivate('Ed25519', seed))),
    verify(publicKey, data, signature) {
      if (signature.length !== 64) return false;
      try {
        return verify(null, data, okpPublic('Ed25519', publicKey), signature);
      } catch {
        return false;
      }
    },
  },

  ecdsa: {
    sign(curve, hash, scalar, point, data) {
      const key = createPrivateKey({ key: ecJwk(curve, point, scalar), format: 'jwk' });
      // OpenSSL picks k from the key, the digest and fresh randomness (BN_generate_dsa_nonce),
      // so a weak generator alone does not leak the key.
      return plain(sign(hash, data, { key, dsaEncoding: 'ieee-p1363' }));
    },
    verify(curve, hash, point, data, signature) {
      if (signature.length !== 2 * JWK_CURVES[curve].bytes) return false;
      try {
        const key = createPublicKey({ key: ecJwk(curve, point), format: 'jwk' });
        return verify(hash, data, { key, dsaEncoding: 'ieee-p1363' }, signature);
      } catch {
        return false;
      }
    },
  },

  rsa: {
    sign(hash, key, data) {
      const privateKey = createPrivateKey({ key: rsaPrivateJwk(key), format: 'jwk' });
      // OpenSSL blinds the private operation and checks its CRT result before release.
      return plain(sign(hash, data, privateKey));
    },
    verify(hash, key, data, signature) {
      try {
        return verify(hash, data, createPublicKey({ key: rsaPublicJwk(key), format: 'jwk' }), signature);
      } catch {
        return false;
      }
    },
  },
};
