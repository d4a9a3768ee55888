/**
 * Fresh ed25519 (RFC 8032 §5.1.5) and ECDSA (FIPS 186-5 A.2.1 via noble) key pairs from an injected
 * random source. RSA generation is not implemented.
 */
import { bytesToNumberBE } from '@noble/curves/utils.js';
import { defaultRandomBytes, type RandomBytes } from '../random.js';
import { ECDSA_CURVES, type EcdsaKeyType, EcdsaPrivateKey } from './ecdsa.js';
import { Ed25519PrivateKey } from './ed25519.js';

/**
 * A new Ed25519 key from 32 random bytes.
 * @example
 * const hostKey = generateEd25519Key();
 */
export function generateEd25519Key(random: RandomBytes = defaultRandomBytes): Ed25519PrivateKey {
  return new Ed25519PrivateKey(random(32));
}

/**
 * A new ECDSA key. The scalar is reduced from a seed 64 bits longer than the order, so its bias
 * is negligible (FIPS 186-5 A.2.1).
 * @example
 * const key = generateEcdsaKey('ecdsa-sha2-nistp256');
 */
export function generateEcdsaKey(
  type: EcdsaKeyType,
  random: RandomBytes = defaultRandomBytes,
): EcdsaPrivateKey {
  const { curve } = ECDSA_CURVES[type];
  const seedLength = curve.lengths.seed ?? curve.Point.Fn.BYTES + 16;
  const secret = curve.utils.randomSecretKey(random(seedLength));
  return new EcdsaPrivateKey(type, bytesToNumberBE(secret));
}

/** Key types `generateKey` makes. */
export type GeneratableKeyType = 'ssh-ed25519' | EcdsaKeyType;

/**
 * A new key of the named type.
 * @example
 * const key = generateKey('ssh-ed25519');
 */
export function generateKey(
  type: GeneratableKeyType,
  random: RandomBytes = defaultRandomBytes,
): Ed25519PrivateKey | EcdsaPrivateKey {
  return type === 'ssh-ed25519' ? generateEd25519Key(random) : generateEcdsaKey(type, random);
}
