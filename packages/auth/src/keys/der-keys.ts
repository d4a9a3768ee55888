/**
 * The ASN.1 key structures of PEM and PKCS#8 files, for the key types SSH uses:
 *
 * - PKCS#1 `RSAPrivateKey` and `RSAPublicKey` (RFC 8017 App. A.1), two-prime only;
 * - SEC1 `ECPrivateKey` (RFC 5915 §3) on the named curves P-256, P-384, P-521 (RFC 5480 §2.1.1.1);
 * - PKCS#8 `PrivateKeyInfo` / `OneAsymmetricKey` (RFC 5208 §5, RFC 5958 §2) holding any of the
 *   above or an Ed25519 `CurvePrivateKey` (RFC 8410 §7);
 * - `SubjectPublicKeyInfo` (RFC 5280 §4.1.2.7; RFC 8017, RFC 5480, RFC 8410 for the contents).
 *
 * Decoders check that every stored public part matches the private one.
 */
import {
  ECDSA_CURVES,
  type EcdsaKeyType,
  EcdsaPrivateKey,
  EcdsaPublicKey,
  Ed25519PrivateKey,
  Ed25519PublicKey,
  type PublicKey,
  RSA_MAX_MODULUS_BITS,
  RsaPrivateKey,
  RsaPublicKey,
  UnsupportedKeyError,
} from '@seashell/transport';
import {
  contextTag,
  DerReader,
  derBitString,
  derInteger,
  derNull,
  derOctetString,
  derOid,
  derRoot,
  derSequence,
} from './der.js';
import { KeyFileError } from './errors.js';
import type { OpenSshPrivateKeyType } from './private-key-fields.js';

/** Object identifiers for key algorithms and curves. */
export const KEY_OIDS = {
  rsaEncryption: '1.2.840.113549.1.1.1',
  idEcPublicKey: '1.2.840.10045.2.1',
  idEd25519: '1.3.101.112',
  idEd448: '1.3.101.113',
  idDsa: '1.2.840.10040.4.1',
} as const;

/** RFC 5480 §2.1.1.1 named curves, by SSH key type. */
const CURVE_OIDS: Readonly<Record<EcdsaKeyType, string>> = {
  'ecdsa-sha2-nistp256': '1.2.840.10045.3.1.7',
  'ecdsa-sha2-nistp384': '1.3.132.0.34',
  'ecdsa-sha2-nistp521': '1.3.132.0.35',
};

function curveOfOid(oid: string): EcdsaKeyType {
  for (const [type, o] of Object.entries(CURVE_OIDS)) if (o === oid) return type as EcdsaKeyType;
  throw new UnsupportedKeyError(`EC curve ${oid}`);
}

const MAX_BITS = RSA_MAX_MODULUS_BITS;

// --- PKCS#1 -------------------------------------------------------------------------------

/**
 * Decodes a PKCS#1 `RSAPrivateKey` (version 0, two primes).
 * @throws KeyFileError for bad DER, multi-prime keys, or CRT values that do not match;
 *   InvalidKeyError when the parts do not make an RSA key.
 */
export function decodePkcs1RsaPrivateKey(der: Uint8Array): RsaPrivateKey {
  const r = derRoot(der, 'RSAPrivateKey');
  const version = r.smallInteger('RSAPrivateKey version');
  // RFC 8017 A.1.2: version 1 is multi-prime, which SSH keys never are.
  if (version !== 0)
    throw new KeyFileError(`RSAPrivateKey version ${version} (multi-prime) is not supported`);
  const [n, e, d, p, q, dp, dq, qinv] = [
    'modulus',
    'publicExponent',
    'privateExponent',
    'prime1',
    'prime2',
    'exponent1',
    'exponent2',
    'coefficient',
  ].map((what) => r.positiveInteger(what, MAX_BITS)) as [
    bigint,
    bigint,
    bigint,
    bigint,
    bigint,
    bigint,
    bigint,
    bigint,
  ];
  r.end('RSAPrivateKey');
  const key = new RsaPrivateKey({ n, e, d, p, q, qinv });
  const c = key.components();
  if (c.dp !== dp || c.dq !== dq) throw new KeyFileError('RSAPrivateKey CRT exponents do not match d');
  return key;
}

/** Encodes a PKCS#1 `RSAPrivateKey`. */
export function encodePkcs1RsaPrivateKey(key: RsaPrivateKey): Uint8Array {
  const c = key.components();
  return derSequence([0n, c.n, c.e, c.d, c.p, c.q, c.dp, c.dq, c.qinv].map(derInteger));
}

/** Decodes a PKCS#1 `RSAPublicKey` (`BEGIN RSA PUBLIC KEY`, and inside an RSA SPKI). */
export function decodeRsaPublicKey(der: Uint8Array): RsaPublicKey {
  const r = derRoot(der, 'RSAPublicKey');
  const n = r.positiveInteger('modulus', MAX_BITS);
  const e = r.positiveInteger('publicExponent', MAX_BITS);
  r.end('RSAPublicKey');
  return new RsaPublicKey(e, n);
}

/** Encodes a PKCS#1 `RSAPublicKey`. */
export function encodeRsaPublicKey(key: RsaPublicKey): Uint8Array {
  return derSequence([derInteger(key.n), derInteger(key.e)]);
}

// --- SEC1 ---------------------------------------------------------------------------------

/**
 * Decodes a SEC1 `ECPrivateKey`. The curve comes from its `[0]` parameters or, inside PKCS#8,
 * from the outer AlgorithmIdentifier (`outerCurve`); when both are present they must agree.
 */
export function decodeSec1EcPrivateKey(der: Uint8Array, outerCurve?: EcdsaKeyType): EcdsaPrivateKey {
  const r = derRoot(der, 'ECPrivateKey');
  // RFC 5915 §3: ecPrivkeyVer1 = 1.
  if (r.smallInteger('ECPrivateKey version') !== 1) throw new KeyFileError('ECPrivateKey version is not 1');
  const secret = r.octetString('ECPrivateKey privateKey');
  const params = r.optional(contextTag(0, true));
  let type = outerCurve;
  if (params !== undefined) {
    const named = curveOfOid(params.oid('namedCurve'));
    params.end('ECParameters');
    if (type !== undefined && type !== named)
      throw new KeyFileError('ECPrivateKey curve differs from its algorithm');
    type = named;
  }
  if (type === undefined) throw new KeyFileError('ECPrivateKey names no curve');
  const publicKey = r.optional(contextTag(1, true));
  r.end('ECPrivateKey');
  const size = ECDSA_CURVES[type].curve.Point.Fn.BYTES;
  // RFC 5915 §3: the octet string is ceiling(log2(n)/8) long; some writers drop leading zeros.
  if (secret.length === 0 || secret.length > size)
    throw new KeyFileError('ECPrivateKey privateKey has a bad length');
  let d = 0n;
  for (const b of secret) d = (d << 8n) | BigInt(b);
  const key = new EcdsaPrivateKey(type, d);
  if (publicKey !== undefined) {
    const point = publicKey.bitString('ECPrivateKey publicKey');
    publicKey.end('ECPrivateKey publicKey');
    if (!key.publicKey.equals(new EcdsaPublicKey(type, uncompressed(type, point))))
      throw new KeyFileError('ECPrivateKey public key does not match its private key');
  }
  return key;
}

/** Encodes a SEC1 `ECPrivateKey` with its curve and public key, as OpenSSL writes it. */
export function encodeSec1EcPrivateKey(key: EcdsaPrivateKey, withCurve = true): Uint8Array {
  const type = key.publicKey.type;
  const size = ECDSA_CURVES[type].curve.Point.Fn.BYTES;
  const d = key.scalar();
  const secret = new Uint8Array(size);
  for (let i = size - 1, v = d; i >= 0; i--, v >>= 8n) secret[i] = Number(v & 0xffn);
  const parts = [derInteger(1), derOctetString(secret)];
  if (withCurve) parts.push(derSequence([derOid(CURVE_OIDS[type])], contextTag(0, true)));
  parts.push(derSequence([derBitString(key.publicKey.point)], contextTag(1, true)));
  return derSequence(parts);
}

/** SEC1 2.3.4: a compressed point (02/03 || X) decompressed; an uncompressed one as is. */
function uncompressed(type: EcdsaKeyType, point: Uint8Array): Uint8Array {
  if (point[0] !== 0x02 && point[0] !== 0x03) return point;
  try {
    return ECDSA_CURVES[type].curve.Point.fromBytes(point).toBytes(false);
  } catch {
    throw new KeyFileError('EC point does not decompress');
  }
}

// --- PKCS#8 -------------------------------------------------------------------------------

/** Reads an AlgorithmIdentifier: the OID and a reader of the parameters (maybe empty). */
export function readAlgorithm(r: DerReader, what: string): { oid: string; params: DerReader } {
  const alg = r.sequence(what);
  const oid = alg.oid(`${what} algorithm`);
  return { oid, params: alg };
}

/** `parameters` of an AlgorithmIdentifier that must be NULL, or (leniently) absent. */
function nullOrAbsent(params: DerReader, what: string): void {
  if (!params.done) params.null(`${what} parameters`);
  params.end(what);
}

/**
 * Decodes a PKCS#8 `PrivateKeyInfo` (v1) or `OneAsymmetricKey` (v2, with its public key checked).
 * @throws KeyFileError for bad DER; UnsupportedKeyError for DSA, Ed448 and other algorithms.
 */
export function decodePkcs8PrivateKey(der: Uint8Array): OpenSshPrivateKeyType {
  const r = derRoot(der, 'PrivateKeyInfo');
  const version = r.smallInteger('PrivateKeyInfo version');
  if (version !== 0 && version !== 1) throw new KeyFileError(`PrivateKeyInfo version ${version}`);
  const { oid, params } = readAlgorithm(r, 'privateKeyAlgorithm');
  const inner = r.octetString('privateKey');
  // [0] attributes are allowed and ignored (RFC 5208 §5).
  r.optional(contextTag(0, true));
  // RFC 5958 §2: v2 may carry the public key as [1] IMPLICIT BIT STRING.
  const publicKey =
    version === 1 && r.peekTag() === contextTag(1, false)
      ? r.element(contextTag(1, false)).content
      : undefined;
  r.end('PrivateKeyInfo');
  let key: OpenSshPrivateKeyType;
  if (oid === KEY_OIDS.rsaEncryption) {
    nullOrAbsent(params, 'rsaEncryption');
    key = decodePkcs1RsaPrivateKey(inner);
  } else if (oid === KEY_OIDS.idEcPublicKey) {
    const curve = curveOfOid(params.oid('namedCurve'));
    params.end('id-ecPublicKey');
    key = decodeSec1EcPrivateKey(inner, curve);
  } else if (oid === KEY_OIDS.idEd25519) {
    // RFC 8410 §3: the parameters MUST be absent.
    params.end('id-Ed25519');
    const seed = new DerReader(inner).octetString('CurvePrivateKey');
    if (inner.length !== 34 || seed.length !== 32)
      throw new KeyFileError('Ed25519 private key is not 32 bytes');
    key = new Ed25519PrivateKey(seed);
  } else if (oid === KEY_OIDS.idDsa) {
    throw new UnsupportedKeyError('ssh-dss');
  } else {
    throw new UnsupportedKeyError(oid === KEY_OIDS.idEd448 ? 'ssh-ed448' : `PKCS#8 algorithm ${oid}`);
  }
  if (publicKey !== undefined) {
    if (publicKey[0] !== 0) throw new KeyFileError('DER: publicKey has unused bits');
    const given = publicKey.subarray(1);
    const mine = publicKeyBits(key.publicKey);
    const same =
      key instanceof EcdsaPrivateKey
        ? key.publicKey.equals(
            new EcdsaPublicKey(key.publicKey.type, uncompressed(key.publicKey.type, given)),
          )
        : given.length === mine.length && given.every((b, i) => b === mine[i]);
    if (!same) throw new KeyFileError('PKCS#8 public key does not match its private key');
  }
  return key;
}

/** Encodes a PKCS#8 `PrivateKeyInfo` (v1, no attributes), as OpenSSL writes it. */
export function encodePkcs8PrivateKey(key: OpenSshPrivateKeyType): Uint8Array {
  let algorithm: Uint8Array;
  let inner: Uint8Array;
  if (key instanceof RsaPrivateKey) {
    algorithm = derSequence([derOid(KEY_OIDS.rsaEncryption), derNull()]);
    inner = encodePkcs1RsaPrivateKey(key);
  } else if (key instanceof EcdsaPrivateKey) {
    algorithm = derSequence([derOid(KEY_OIDS.idEcPublicKey), derOid(CURVE_OIDS[key.publicKey.type])]);
    inner = encodeSec1EcPrivateKey(key, false);
  } else {
    algorithm = derSequence([derOid(KEY_OIDS.idEd25519)]);
    inner = derOctetString(key.seed());
  }
  return derSequence([derInteger(0), algorithm, derOctetString(inner)]);
}

// --- SubjectPublicKeyInfo -----------------------------------------------------------------

/**
 * Decodes a `SubjectPublicKeyInfo` (`BEGIN PUBLIC KEY`).
 * @throws KeyFileError for bad DER; UnsupportedKeyError for other algorithms; InvalidKeyError
 *   for bad key values.
 */
export function decodeSubjectPublicKeyInfo(der: Uint8Array): PublicKey {
  const r = derRoot(der, 'SubjectPublicKeyInfo');
  const { oid, params } = readAlgorithm(r, 'algorithm');
  const bits = r.bitString('subjectPublicKey');
  r.end('SubjectPublicKeyInfo');
  if (oid === KEY_OIDS.rsaEncryption) {
    nullOrAbsent(params, 'rsaEncryption');
    return decodeRsaPublicKey(bits);
  }
  if (oid === KEY_OIDS.idEcPublicKey) {
    const type = curveOfOid(params.oid('namedCurve'));
    params.end('id-ecPublicKey');
    return new EcdsaPublicKey(type, uncompressed(type, bits));
  }
  if (oid === KEY_OIDS.idEd25519) {
    params.end('id-Ed25519');
    return new Ed25519PublicKey(bits);
  }
  if (oid === KEY_OIDS.idDsa) throw new UnsupportedKeyError('ssh-dss');
  throw new UnsupportedKeyError(oid === KEY_OIDS.idEd448 ? 'ssh-ed448' : `SPKI algorithm ${oid}`);
}

/**
 * Encodes a `SubjectPublicKeyInfo`.
 * @throws UnsupportedKeyError for a key type with no SPKI form here.
 */
export function encodeSubjectPublicKeyInfo(key: PublicKey): Uint8Array {
  const algorithm =
    key instanceof RsaPublicKey
      ? [derOid(KEY_OIDS.rsaEncryption), derNull()]
      : key instanceof EcdsaPublicKey
        ? [derOid(KEY_OIDS.idEcPublicKey), derOid(CURVE_OIDS[key.type])]
        : [derOid(KEY_OIDS.idEd25519)];
  return derSequence([derSequence(algorithm), derBitString(publicKeyBits(key))]);
}

/** The `subjectPublicKey` bits of a key (RFC 8017 RSAPublicKey, SEC1 point, RFC 8410 key). */
function publicKeyBits(key: PublicKey): Uint8Array {
  if (key instanceof RsaPublicKey) return encodeRsaPublicKey(key);
  if (key instanceof EcdsaPublicKey) return key.point;
  if (key instanceof Ed25519PublicKey) return key.key;
  throw new UnsupportedKeyError(key.type);
}
