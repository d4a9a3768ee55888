/**
 * @seashell/transport — RFC 4253: wire codec, version exchange, binary packet protocol,
 * key exchange and rekey, ciphers, MACs, public keys and signatures.
 */
export * from './algorithm-list.js';
export * from './algorithms.js';
export { type BlockCipher64, cbc64, des, tripleDes } from './cipher/des.js';
export type { PacketOpener, PacketSealer } from './cipher/types.js';
export { defaultCryptoProvider, setDefaultCryptoProvider } from './crypto/default.js';
export { nobleProvider } from './crypto/noble.js';
export * from './crypto/provider.js';
export * from './errors.js';
export { decodeExtInfo, encodeExtInfo, parseServerSigAlgs } from './ext-info.js';
export type { DhGroup, GroupExchangeBits } from './kex/dh-groups.js';
export { chooseGroup, parseModuli } from './kex/moduli.js';
export type { Negotiated } from './kex/negotiate.js';
export * from './keys/certificate.js';
export * from './keys/certificate-builder.js';
export * from './keys/ecdsa.js';
export * from './keys/ed25519.js';
export * from './keys/errors.js';
export * from './keys/fingerprint.js';
export * from './keys/generate.js';
export * from './keys/public-key.js';
export * from './keys/rsa.js';
export * from './keys/rsa-generate.js';
export * from './keys/signature-blob.js';
export * from './keys/types.js';
export * from './messages.js';
export { MAX_PACKET_LENGTH } from './packet-framer.js';
export { defaultRandomBytes, type RandomBytes } from './random.js';
export * from './transport.js';
export { formatVersionLine } from './version-exchange.js';
export { matchWildcard } from './wildcard.js';
export { base64Decode, base64Encode } from './wire/base64.js';
export * from './wire/bytes.js';
export * from './wire/codec.js';
export { SshReader } from './wire/reader.js';
export { bytesToBigInt, mpintBytes, SshWriter, unsignedBytes } from './wire/writer.js';
