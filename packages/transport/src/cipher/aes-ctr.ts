/**
 * aes128-ctr, aes192-ctr, aes256-ctr (RFC 4344 §4): AES in counter mode, the 16-byte counter taken
 * from the derived IV and carried across packets for the life of the keys.
 */
import type { CryptoProvider } from '../crypto/provider.js';
import type { StreamCipher } from './stream.js';

export function aesCtr(key: Uint8Array, iv: Uint8Array, crypto: CryptoProvider): StreamCipher {
  const keystream = crypto.aesCtr(key, iv);
  return { blockSize: 16, process: (data) => keystream.xor(data) };
}
