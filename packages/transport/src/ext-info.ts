/**
 * RFC 8308 extension negotiation: SSH_MSG_EXT_INFO and the server-sig-algs extension.
 */
import { SshDecodeError } from './errors.js';
import { ExtInfo } from './messages.js';
import { SshReader } from './wire/reader.js';
import { SshWriter } from './wire/writer.js';

/** OpenSSH refuses 1024 or more extensions in one message. */
export const MAX_EXTENSIONS = 1024;

/** Decodes EXT_INFO into name → value, bounding the count before looping (libssh2 CVE-2026-55199). */
export function decodeExtInfo(payload: Uint8Array): Map<string, Uint8Array> {
  const r = new SshReader(ExtInfo.decode(payload).extensions);
  const count = r.uint32();
  if (count >= MAX_EXTENSIONS || count * 8 > r.remaining)
    throw new SshDecodeError(`EXT_INFO claims ${count} entries`);
  const out = new Map<string, Uint8Array>();
  for (let i = 0; i < count; i++) {
    const name = r.ascii();
    out.set(name, r.string());
  }
  r.end('EXT_INFO');
  return out;
}

export function encodeExtInfo(extensions: ReadonlyMap<string, Uint8Array | string>): Uint8Array {
  const w = new SshWriter().uint32(extensions.size);
  for (const [name, value] of extensions) w.string(name).string(value);
  return ExtInfo.encode({ extensions: w.bytes() });
}

/** server-sig-algs is a plain comma-separated list (RFC 8308 §3.1); NUL is refused, as OpenSSH does. */
export function parseServerSigAlgs(value: Uint8Array): string[] {
  return new SshReader(new SshWriter().string(value).bytes()).nameList();
}
