/**
 * Base64 (RFC 4648 §4) without `Buffer` or `atob`, for key lines, fingerprints and PEM bodies.
 *
 * Decoding is strict in the way OpenSSH's `b64_pton` is: only the standard alphabet, padding
 * required and only at the end, and the unused low bits of the last character must be zero (else
 * they would be a subliminal channel and two texts would decode to one key).
 */
import { SshDecodeError } from '../errors.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DECODE = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DECODE[ALPHABET.charCodeAt(i)] = i;

/**
 * Encodes bytes as standard base64.
 * @param options.padding - append `=` to a multiple of 4 characters (default true); `ssh-keygen`
 *   prints SHA256 fingerprints without it.
 * @example
 * base64Encode(new TextEncoder().encode('hi')); // 'aGk='
 */
export function base64Encode(bytes: Uint8Array, options: { padding?: boolean } = {}): string {
  const padding = options.padding ?? true;
  let out = '';
  let i = 0;
  for (; i + 3 <= bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]! + ALPHABET[n & 63]!;
  }
  const left = bytes.length - i;
  if (left === 1) {
    const n = bytes[i]! << 16;
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + (padding ? '==' : '');
  } else if (left === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]! + (padding ? '=' : '');
  }
  return out;
}

/**
 * Decodes padded standard base64, rejecting anything but the one canonical text for the bytes.
 * Whitespace is not skipped: callers split lines first.
 * @throws SshDecodeError on a character outside the alphabet, a bad length or padding, or
 *   non-zero trailing bits.
 * @example
 * base64Decode('aGk='); // Uint8Array [0x68, 0x69]
 */
export function base64Decode(text: string): Uint8Array {
  if (text.length % 4 !== 0) throw new SshDecodeError('base64 length is not a multiple of 4');
  let pad = 0;
  if (text.endsWith('==')) pad = 2;
  else if (text.endsWith('=')) pad = 1;
  const out = new Uint8Array((text.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    const last = i + 4 === text.length;
    const c0 = sextet(text, i);
    const c1 = sextet(text, i + 1);
    const c2 = last && pad === 2 ? 0 : sextet(text, i + 2);
    const c3 = last && pad >= 1 ? 0 : sextet(text, i + 3);
    const n = (c0 << 18) | (c1 << 12) | (c2 << 6) | c3;
    out[o++] = n >> 16;
    if (last && pad === 2) {
      if (c1 & 0x0f) throw new SshDecodeError('base64 has non-zero trailing bits');
      break;
    }
    out[o++] = (n >> 8) & 0xff;
    if (last && pad === 1) {
      if (c2 & 0x03) throw new SshDecodeError('base64 has non-zero trailing bits');
      break;
    }
    out[o++] = n & 0xff;
  }
  return out;
}

function sextet(text: string, i: number): number {
  const c = text.charCodeAt(i);
  const v = c < 128 ? DECODE[c]! : -1;
  if (v < 0) throw new SshDecodeError(`base64 has an invalid character at offset ${i}`);
  return v;
}
