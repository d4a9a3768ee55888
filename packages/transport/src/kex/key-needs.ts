/**
 * How much key material the negotiated algorithms need (OpenSSH `kex_choose_conf`): the
 * finite-field DH methods size their secret exponent and their group-exchange request from it.
 */
import { CIPHERS, type CipherSpec, MACS, type MacSpec } from '../algorithms.js';
import type { Negotiated } from './negotiate.js';

/**
 * `keyBytes` is OpenSSH's `we_need` (the largest key, block, IV or MAC key length of either
 * direction), `securityBytes` its `dh_need` (the same with a cipher's security length, which is
 * its key length except for 3des-cbc's 14 bytes).
 */
export function keyMaterialNeeds(negotiated: Negotiated): { keyBytes: number; securityBytes: number } {
  let keyBytes = 0;
  let securityBytes = 0;
  const directions = [
    [negotiated.cipherClientToServer, negotiated.macClientToServer],
    [negotiated.cipherServerToClient, negotiated.macServerToClient],
  ] as const;
  for (const [cipherName, macName] of directions) {
    const cipher: CipherSpec | undefined = (CIPHERS as Record<string, CipherSpec>)[cipherName];
    const mac: MacSpec | undefined = (MACS as Record<string, MacSpec>)[macName];
    if (!cipher) continue;
    // With an AEAD cipher no MAC is negotiated: its key length counts as 0.
    const macKey = cipher.aead ? 0 : (mac?.keyLength ?? 0);
    const common = Math.max(cipher.blockSize, cipher.ivLength, macKey);
    keyBytes = Math.max(keyBytes, cipher.keyLength, common);
    securityBytes = Math.max(securityBytes, cipherName === '3des-cbc' ? 14 : cipher.keyLength, common);
  }
  return { keyBytes, securityBytes };
}
