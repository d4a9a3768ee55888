/** A small KRL writer for tests (PROTOCOL.krl): sections as given, no checks. */
import { SshWriter } from '@seashell/transport';

export type KrlSection =
  | { readonly type: 'certificates'; readonly ca?: Uint8Array; readonly parts: readonly CertPart[] }
  | { readonly type: 'keys'; readonly blobs: readonly Uint8Array[] }
  | { readonly type: 'sha1' | 'sha256'; readonly hashes: readonly Uint8Array[] }
  | { readonly type: 'extension'; readonly name: string; readonly critical: boolean }
  | { readonly type: 'signature' };

export type CertPart =
  | { readonly type: 'serials'; readonly serials: readonly bigint[] }
  | { readonly type: 'range'; readonly lo: bigint; readonly hi: bigint }
  | { readonly type: 'bitmap'; readonly offset: bigint; readonly bits: bigint }
  | { readonly type: 'ids'; readonly ids: readonly string[] };

export function encodeKrl(sections: readonly KrlSection[], comment = ''): Uint8Array {
  const w = new SshWriter();
  w.raw(new TextEncoder().encode('SSHKRL\n\0')).uint32(1).uint64(7n).uint64(1_700_000_000n).uint64(0n);
  w.string(new Uint8Array(0)).string(comment);
  for (const s of sections) {
    if (s.type === 'signature') {
      w.byte(4).string(new Uint8Array(3)).string(new Uint8Array(5));
      continue;
    }
    const body = new SshWriter();
    let type: number;
    switch (s.type) {
      case 'certificates':
        type = 1;
        body.string(s.ca ?? new Uint8Array(0)).string(new Uint8Array(0));
        for (const p of s.parts) {
          const d = new SshWriter();
          if (p.type === 'serials') for (const n of p.serials) d.uint64(n);
          if (p.type === 'range') d.uint64(p.lo).uint64(p.hi);
          if (p.type === 'bitmap') d.uint64(p.offset).mpint(p.bits);
          if (p.type === 'ids') for (const id of p.ids) d.string(id);
          body.byte({ serials: 0x20, range: 0x21, bitmap: 0x22, ids: 0x23 }[p.type]).string(d.bytes());
        }
        break;
      case 'keys':
        type = 2;
        for (const b of s.blobs) body.string(b);
        break;
      case 'sha1':
      case 'sha256':
        type = s.type === 'sha1' ? 3 : 5;
        for (const h of s.hashes) body.string(h);
        break;
      case 'extension':
        type = 255;
        body.string(s.name).boolean(s.critical).string(new Uint8Array(2));
        break;
    }
    w.byte(type).string(body.bytes());
  }
  return w.bytes().slice();
}
