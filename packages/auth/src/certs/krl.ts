/**
 * OpenSSH key revocation lists, as `ssh-keygen -k` writes them and sshd's `RevokedKeys` reads them
 * (PROTOCOL.krl; krl.c): certificates revoked by serial (lists, ranges, bitmaps) or key id per CA
 * (or for any CA), plain keys revoked explicitly or by SHA-1 / SHA-256 hash of their blob.
 *
 * A key is revoked when its plain key is (a certificate's certified key counts), when it is a
 * certificate revoked for its CA or for any CA, or when its CA key is revoked (`ssh_krl_check_key`).
 * KRL signature sections are skipped, not verified (OpenSSH 9.4+ refuses them altogether);
 * a KRL is trusted as the file it comes from.
 */
import { sha1 } from '@noble/hashes/legacy.js';
import { sha256 } from '@noble/hashes/sha2.js';
import {
  type Certificate,
  equalBytes,
  isCertificate,
  isCertificateKeyType,
  type PublicKey,
  SshDecodeError,
  SshReader,
} from '@seashell/transport';

const MAGIC = 0x5353484b524c0a00n; // "SSHKRL\n\0"
const FORMAT_VERSION = 1;
const Section = {
  CERTIFICATES: 1,
  EXPLICIT_KEY: 2,
  FINGERPRINT_SHA1: 3,
  SIGNATURE: 4,
  FINGERPRINT_SHA256: 5,
  EXTENSION: 255,
} as const;
const CertSection = {
  SERIAL_LIST: 0x20,
  SERIAL_RANGE: 0x21,
  SERIAL_BITMAP: 0x22,
  KEY_ID: 0x23,
  EXTENSION: 0x39,
} as const;

/** Certificates revoked for one CA, or for every CA (`ca` undefined). */
interface RevokedCertificates {
  /** The CA key's blob (keys of types we do not implement are kept: they just never match). */
  readonly ca: Uint8Array | undefined;
  readonly serials: Set<bigint>;
  readonly ranges: [bigint, bigint][];
  readonly bitmaps: { readonly offset: bigint; readonly bits: Uint8Array }[];
  readonly keyIds: Set<string>;
}

/** A parsed KRL. */
export class KeyRevocationList {
  /** `krl_version`: grows each time the list is changed. */
  readonly version: bigint;
  /** Seconds since the epoch. */
  readonly generatedDate: bigint;
  readonly comment: string;
  readonly #certs: readonly RevokedCertificates[];
  readonly #keys: ReadonlySet<string>;
  readonly #sha1: ReadonlySet<string>;
  readonly #sha256: ReadonlySet<string>;

  /** @internal Use `parseKrl`. */
  constructor(
    header: { version: bigint; generatedDate: bigint; comment: string },
    certs: readonly RevokedCertificates[],
    keys: ReadonlySet<string>,
    sha1s: ReadonlySet<string>,
    sha256s: ReadonlySet<string>,
  ) {
    this.version = header.version;
    this.generatedDate = header.generatedDate;
    this.comment = header.comment;
    this.#certs = certs;
    this.#keys = keys;
    this.#sha1 = sha1s;
    this.#sha256 = sha256s;
  }

  /**
   * Whether `key` is revoked: the key (the certified key of a certificate), the certificate by
   * serial or key id, or its CA.
   * @example
   * const checker = new CertChecker({ now: Date.now, isUserAuthority, isRevoked: (c) => krl.isRevoked(c) });
   */
  isRevoked(key: PublicKey): boolean {
    if (this.#plainRevoked(key)) return true;
    if (!isCertificate(key)) return false;
    if (this.#plainRevoked(key.signatureKey)) return true;
    return this.#certs.some((section) => certRevoked(section, key));
  }

  #plainRevoked(key: PublicKey): boolean {
    const blob = isCertificate(key) ? key.key.blob : key.blob;
    return (
      this.#keys.has(hex(blob)) || this.#sha1.has(hex(sha1(blob))) || this.#sha256.has(hex(sha256(blob)))
    );
  }
}

function certRevoked(section: RevokedCertificates, cert: Certificate): boolean {
  if (section.ca !== undefined && !equalBytes(section.ca, cert.signatureKey.blob)) return false;
  if (section.keyIds.has(cert.keyId)) return true;
  // krl.c: serial 0 is what a CA writes when it sets none; it is never revoked by serial.
  const serial = cert.serial;
  if (serial === 0n) return false;
  if (section.serials.has(serial)) return true;
  if (section.ranges.some(([lo, hi]) => lo <= serial && serial <= hi)) return true;
  return section.bitmaps.some(({ offset, bits }) => {
    if (serial < offset) return false;
    const n = serial - offset;
    // Big-endian bitmap: bit N counts from the least significant end.
    const byte = BigInt(bits.length) - 1n - n / 8n;
    return byte >= 0n && ((bits[Number(byte)]! >> Number(n % 8n)) & 1) === 1;
  });
}

/**
 * Parses a binary KRL.
 * @throws SshDecodeError for anything that is not a well-formed KRL: bad magic or version,
 *   truncated or trailing data, an unknown section, a critical extension we do not know, a
 *   signature section followed by anything but another, a certificate where a key belongs.
 * @example
 * const krl = parseKrl(readFileSync('/etc/ssh/revoked_keys'));
 * krl.isRevoked(cert); // true or false
 */
export function parseKrl(bytes: Uint8Array): KeyRevocationList {
  const r = new SshReader(bytes);
  if (r.uint64() !== MAGIC) throw new SshDecodeError('not a KRL (bad magic)');
  const format = r.uint32();
  if (format !== FORMAT_VERSION) throw new SshDecodeError(`unsupported KRL format version ${format}`);
  const version = r.uint64();
  const generatedDate = r.uint64();
  r.uint64(); // flags: none defined
  r.string(); // reserved
  const comment = r.utf8();
  const certs: RevokedCertificates[] = [];
  const keys = new Set<string>();
  const sha1s = new Set<string>();
  const sha256s = new Set<string>();
  let signed = false;
  while (r.remaining > 0) {
    const type = r.byte();
    // PROTOCOL.krl §6: signature sections come last, `string key || string signature` each.
    if (type === Section.SIGNATURE) {
      signed = true;
      r.string();
      r.string();
      continue;
    }
    if (signed) throw new SshDecodeError('KRL section after a signature');
    const data = new SshReader(r.string());
    switch (type) {
      case Section.CERTIFICATES:
        certs.push(readCertificates(data));
        break;
      case Section.EXPLICIT_KEY:
        for (const blob of strings(data)) keys.add(hex(plainKeyBlob(blob)));
        break;
      case Section.FINGERPRINT_SHA1:
        for (const hash of strings(data)) sha1s.add(hashOf(hash, 20));
        break;
      case Section.FINGERPRINT_SHA256:
        for (const hash of strings(data)) sha256s.add(hashOf(hash, 32));
        break;
      case Section.EXTENSION:
        readExtension(data);
        break;
      default:
        throw new SshDecodeError(`unknown KRL section type ${type}`);
    }
  }
  return new KeyRevocationList({ version, generatedDate, comment }, certs, keys, sha1s, sha256s);
}

function readCertificates(r: SshReader): RevokedCertificates {
  const caBlob = r.string();
  r.string(); // reserved
  // PROTOCOL.krl §2: an empty CA key means the section applies to every CA.
  const ca = caBlob.length === 0 ? undefined : plainKeyBlob(caBlob).slice();
  const section: RevokedCertificates = { ca, serials: new Set(), ranges: [], bitmaps: [], keyIds: new Set() };
  while (r.remaining > 0) {
    const type = r.byte();
    const data = new SshReader(r.string());
    switch (type) {
      case CertSection.SERIAL_LIST:
        while (data.remaining > 0) section.serials.add(data.uint64());
        break;
      case CertSection.SERIAL_RANGE: {
        const lo = data.uint64();
        const hi = data.uint64();
        data.end('KRL serial range');
        if (lo > hi) throw new SshDecodeError('KRL serial range is reversed');
        section.ranges.push([lo, hi]);
        break;
      }
      case CertSection.SERIAL_BITMAP: {
        const offset = data.uint64();
        const bits = data.string().slice();
        data.end('KRL serial bitmap');
        if (bits.length > 0 && bits[0]! & 0x80) throw new SshDecodeError('KRL serial bitmap is negative');
        section.bitmaps.push({ offset, bits });
        break;
      }
      case CertSection.KEY_ID:
        for (const id of strings(data))
          section.keyIds.add(new TextDecoder('utf-8', { fatal: false }).decode(id));
        break;
      case CertSection.EXTENSION:
        readExtension(data);
        break;
      default:
        throw new SshDecodeError(`unknown KRL certificate section type ${type}`);
    }
  }
  return section;
}

/** PROTOCOL.krl §2.5 / §5: a critical extension we do not know makes the KRL unusable. */
function readExtension(r: SshReader): void {
  const name = r.ascii();
  const critical = r.boolean();
  r.string();
  r.end('KRL extension');
  if (critical)
    throw new SshDecodeError(`unsupported critical KRL extension ${JSON.stringify(name.slice(0, 64))}`);
}

/** Every `string` in a section body, at least one. */
function strings(r: SshReader): Uint8Array[] {
  const out: Uint8Array[] = [];
  while (r.remaining > 0) out.push(r.string());
  if (out.length === 0) throw new SshDecodeError('empty KRL section');
  return out;
}

function hashOf(hash: Uint8Array, length: number): string {
  if (hash.length !== length) throw new SshDecodeError(`KRL hash of ${hash.length} bytes, not ${length}`);
  return hex(hash);
}

/**
 * PROTOCOL.krl §3: keys are raw keys, never certificates. The blob is compared as bytes, so a key
 * type we do not implement is kept (it cannot match anything) rather than failing the whole list.
 */
function plainKeyBlob(blob: Uint8Array): Uint8Array {
  const type = new SshReader(blob).ascii();
  if (isCertificateKeyType(type)) throw new SshDecodeError('KRL lists a certificate where a key belongs');
  return blob;
}

function hex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}
