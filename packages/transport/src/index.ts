/**
 * @seashell/transport — RFC 4253: wire codec, version exchange, binary packet protocol,
 * key exchange and rekey, ciphers, MACs, public keys and signatures.
 */
export * from './errors.js';
export * from './keys/ecdsa.js';
export * from './keys/ed25519.js';
export * from './keys/errors.js';
export * from './keys/fingerprint.js';
export * from './keys/generate.js';
export * from './keys/public-key.js';
export * from './keys/rsa.js';
export * from './keys/signature-blob.js';
export * from './keys/types.js';
export * from './messages.js';
export { defaultRandomBytes, type RandomBytes } from './random.js';
export { base64Decode, base64Encode } from './wire/base64.js';
export * from './wire/codec.js';
export { SshReader } from './wire/reader.js';
export { bytesToBigInt, mpintBytes, SshWriter, unsignedBytes } from './wire/writer.js';
