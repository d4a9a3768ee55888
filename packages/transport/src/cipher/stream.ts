/**
 * Ciphers without integrity of their own (CTR today, CBC later) joined with a MAC into a packet
 * sealer/opener: classic encrypt-and-MAC (RFC 4253 §6.3–6.4) or OpenSSH's encrypt-then-MAC
 * (`*-etm@openssh.com`, PROTOCOL §1.5).
 */
import type { Mac } from '../mac/hmac.js';
import { MacError, type PacketOpener, type PacketSealer, readUint32, tagsEqual } from './types.js';

/** A keystream or block cipher whose state runs across packets. Works in place on whole blocks. */
export interface StreamCipher {
  readonly blockSize: number;
  process(data: Uint8Array): void;
}

/**
 * RFC 4253 §6.4: mac = MAC(key, uint32 seq || unencrypted packet), computed before encryption.
 * With ETM the length stays in clear, the MAC covers seq || length || ciphertext, and is checked
 * before anything is decrypted.
 */
export function cipherWithMac(cipher: StreamCipher, mac: Mac): PacketSealer & PacketOpener {
  const blockSize = Math.max(8, cipher.blockSize);
  if (mac.etm) {
    return {
      blockSize,
      lengthExcluded: true,
      macLength: mac.length,
      headerLength: 4,
      seal(seq, buf) {
        const end = buf.length - mac.length;
        cipher.process(buf.subarray(4, end));
        buf.set(mac.compute(seq, buf.subarray(0, end)), end);
      },
      packetLength: (_seq, buf) => readUint32(buf, 0),
      open(seq, buf) {
        const end = buf.length - mac.length;
        if (!tagsEqual(buf, end, mac.compute(seq, buf.subarray(0, end)), mac.length)) throw new MacError();
        cipher.process(buf.subarray(4, end));
      },
    };
  }
  return {
    blockSize,
    lengthExcluded: false,
    macLength: mac.length,
    headerLength: blockSize,
    seal(seq, buf) {
      const end = buf.length - mac.length;
      const tag = mac.compute(seq, buf.subarray(0, end));
      cipher.process(buf.subarray(0, end));
      buf.set(tag, end);
    },
    packetLength(_seq, buf) {
      // The first block is decrypted here, in place; open() continues after it.
      cipher.process(buf.subarray(0, blockSize));
      return readUint32(buf, 0);
    },
    open(seq, buf) {
      const end = buf.length - mac.length;
      cipher.process(buf.subarray(blockSize, end));
      if (!tagsEqual(buf, end, mac.compute(seq, buf.subarray(0, end)), mac.length)) throw new MacError();
    },
  };
}

/** The `none` cipher and MAC of the first key exchange (RFC 4253 §6.3): block size 8, nothing added. */
export function noProtection(): PacketSealer & PacketOpener {
  return {
    blockSize: 8,
    lengthExcluded: false,
    macLength: 0,
    headerLength: 4,
    seal() {},
    packetLength: (_seq, buf) => readUint32(buf, 0),
    open() {},
  };
}
