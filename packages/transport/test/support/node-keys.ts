/**
 * Test-only bridges between node:crypto (OpenSSL) keys and ours, to cross-check signatures
 * against an independent implementation.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { ECDSA_CURVES, type EcdsaKeyType, EcdsaPrivateKey } from '../../src/keys/ecdsa.js';
import { Ed25519PrivateKey } from '../../src/keys/ed25519.js';
import { RsaPrivateKey } from '../../src/keys/rsa.js';
import { decodeSignatureBlob, encodeSignatureBlob } from '../../src/keys/signature-blob.js';
import { SshReader } from '../../src/wire/reader.js';
import { SshWriter, unsignedBytes } from '../../src/wire/writer.js';

export const b64urlToBytes = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'base64url'));
export const b64urlToBigInt = (s: string): bigint =>
  BigInt(`0x${Buffer.from(s, 'base64url').toString('hex') || '0'}`);

export interface NodePair<K> {
  readonly ours: K;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

export const NODE_CURVE = {
  'ecdsa-sha2-nistp256': { name: 'P-256', hash: 'sha256' },
  'ecdsa-sha2-nistp384': { name: 'P-384', hash: 'sha384' },
  'ecdsa-sha2-nistp521': { name: 'P-521', hash: 'sha512' },
} as const;

export function nodeEd25519(): NodePair<Ed25519PrivateKey> {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const jwk = privateKey.export({ format: 'jwk' });
  return { ours: new Ed25519PrivateKey(b64urlToBytes(jwk.d!)), privateKey, publicKey };
}

export function nodeEcdsa(type: EcdsaKeyType): NodePair<EcdsaPrivateKey> {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: NODE_CURVE[type].name });
  const jwk = privateKey.export({ format: 'jwk' });
  return { ours: new EcdsaPrivateKey(type, b64urlToBigInt(jwk.d!)), privateKey, publicKey };
}

export function nodeRsa(bits: number): NodePair<RsaPrivateKey> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  const jwk = privateKey.export({ format: 'jwk' });
  const ours = new RsaPrivateKey({
    n: b64urlToBigInt(jwk.n!),
    e: b64urlToBigInt(jwk.e!),
    d: b64urlToBigInt(jwk.d!),
    p: b64urlToBigInt(jwk.p!),
    q: b64urlToBigInt(jwk.q!),
    qinv: b64urlToBigInt(jwk.qi!),
  });
  return { ours, privateKey, publicKey };
}

/** Our ECDSA signature blob to IEEE P1363 `r || s` for node:crypto. */
export function ecdsaBlobToP1363(type: EcdsaKeyType, blob: Uint8Array): Uint8Array {
  const { signature } = decodeSignatureBlob(blob);
  const r = new SshReader(signature);
  const size = ECDSA_CURVES[type].curve.Point.Fn.BYTES;
  const out = new Uint8Array(2 * size);
  out.set(unsignedBytes(r.positiveMpint(), size), 0);
  out.set(unsignedBytes(r.positiveMpint(), size), size);
  r.end();
  return out;
}

/** node:crypto's P1363 `r || s` to an SSH ECDSA signature blob. */
export function p1363ToEcdsaBlob(type: EcdsaKeyType, sig: Uint8Array): Uint8Array {
  const half = sig.length / 2;
  const toBig = (b: Uint8Array) => BigInt(`0x${Buffer.from(b).toString('hex')}`);
  const inner = new SshWriter()
    .mpint(toBig(sig.subarray(0, half)))
    .mpint(toBig(sig.subarray(half)))
    .bytes();
  return encodeSignatureBlob(type, inner);
}
