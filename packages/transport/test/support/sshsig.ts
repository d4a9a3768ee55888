/**
 * Test-only SSHSIG (OpenSSH PROTOCOL.sshsig) framing, so that `ssh-keygen -Y sign` gives us real
 * OpenSSH signatures to verify and `ssh-keygen -Y check-novalidate` checks ours.
 */
import { createHash } from 'node:crypto';
import { SshReader } from '../../src/wire/reader.js';
import { SshWriter } from '../../src/wire/writer.js';

const MAGIC = new TextEncoder().encode('SSHSIG');

/** The bytes an SSHSIG signature covers. */
export function sshsigSignedData(namespace: string, message: Uint8Array): Uint8Array {
  const digest = new Uint8Array(createHash('sha512').update(message).digest());
  return new SshWriter()
    .raw(MAGIC)
    .string(namespace)
    .string('')
    .string('sha512')
    .string(digest)
    .bytes()
    .slice();
}

/** Armoured SSHSIG around a signature blob made over `sshsigSignedData`. */
export function sshsigArmor(publicKeyBlob: Uint8Array, namespace: string, signatureBlob: Uint8Array): string {
  const body = new SshWriter()
    .raw(MAGIC)
    .uint32(1)
    .string(publicKeyBlob)
    .string(namespace)
    .string('')
    .string('sha512')
    .string(signatureBlob)
    .bytes();
  const b64 = Buffer.from(body).toString('base64');
  const lines = b64.match(/.{1,70}/g) ?? [];
  return `-----BEGIN SSH SIGNATURE-----\n${lines.join('\n')}\n-----END SSH SIGNATURE-----\n`;
}

/** Reads an armoured SSHSIG: the public key blob and the signature blob. */
export function sshsigParse(armored: string): {
  publicKey: Uint8Array;
  signature: Uint8Array;
  namespace: string;
} {
  const b64 = armored.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');
  const r = new SshReader(new Uint8Array(Buffer.from(b64, 'base64')));
  const magic = new TextDecoder().decode(r.raw(6));
  if (magic !== 'SSHSIG' || r.uint32() !== 1) throw new Error('not an SSHSIG v1');
  const publicKey = r.string();
  const namespace = r.utf8();
  r.string();
  if (r.ascii() !== 'sha512') throw new Error('unexpected SSHSIG hash');
  const signature = r.string();
  r.end();
  return { publicKey, signature, namespace };
}
