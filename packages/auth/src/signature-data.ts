/**
 * RFC 4252 §7: the data a publickey signature covers.
 */
import { SshWriter } from '@seashell/transport';

export function publicKeySignatureData(
  sessionId: Uint8Array,
  user: string,
  service: string,
  algorithm: string,
  keyBlob: Uint8Array,
): Uint8Array {
  return new SshWriter(256 + keyBlob.length)
    .string(sessionId)
    .byte(50)
    .string(user)
    .string(service)
    .string('publickey')
    .boolean(true)
    .string(algorithm)
    .string(keyBlob)
    .bytes();
}
