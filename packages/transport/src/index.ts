/**
 * @seashell/transport — RFC 4253: wire codec, version exchange, binary packet protocol,
 * key exchange and rekey, ciphers, MACs, public keys and signatures.
 */
export * from './errors.js';
export * from './messages.js';
export { defaultRandomBytes, type RandomBytes } from './random.js';
export { base64Decode, base64Encode } from './wire/base64.js';
export * from './wire/codec.js';
export { SshReader } from './wire/reader.js';
export { bytesToBigInt, mpintBytes, SshWriter, unsignedBytes } from './wire/writer.js';
