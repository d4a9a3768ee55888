/**
 * PuTTY private key files, PPK versions 2 and 3 (PuTTY manual Appendix C, "PPK file format"):
 *
 * ```
 * PuTTY-User-Key-File-3: ssh-ed25519
 * Encryption: none | aes256-cbc
 * Comment: text
 * Public-Lines: N            N lines of base64: the public key blob (RFC 4253 §6.6)
 * Key-Derivation: Argon2id   (v3, encrypted only: Argon2-Memory, -Passes, -Parallelism, -Salt)
 * Private-Lines: N           N lines of base64: the private fields, maybe AES-256-CBC encrypted
 * Private-MAC: hex           HMAC over string alg | string enc | string comment | string public | string private
 * ```
 *
 * - v3: Argon2(passphrase, salt, no secret, no AD) gives 80 bytes = AES key || IV || HMAC-SHA-256
 *   key; unencrypted files use an empty MAC key.
 * - v2: AES key = SHA-1(uint32 0 || passphrase) || SHA-1(uint32 1 || passphrase), first 32 bytes;
 *   IV zero; MAC HMAC-SHA-1 keyed with SHA-1("putty-private-key-file-mac-key" || passphrase).
 *
 * Private fields: ssh-rsa `mpint d, p, q, iqmp`; ecdsa `mpint d`; ssh-ed25519 `string seed(32)`
 * (checked against puttygen's output), then padding up to the cipher block.
 */
import { cbc } from '@noble/ciphers/aes.js';
import { argon2d, argon2i, argon2id } from '@noble/hashes/argon2.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha1 } from '@noble/hashes/legacy.js';
import { sha256 } from '@noble/hashes/sha2.js';
import {
  base64Decode,
  base64Encode,
  defaultRandomBytes,
  EcdsaPrivateKey,
  Ed25519PrivateKey,
  isEcdsaKeyType,
  type PublicKey,
  parsePublicKey,
  type RandomBytes,
  RSA_MAX_MODULUS_BITS,
  RsaPrivateKey,
  RsaPublicKey,
  SshDecodeError,
  SshReader,
  SshWriter,
  UnsupportedKeyError,
} from '@seashell/transport';
import { BadPassphraseError, EncryptedKeyError, KeyFileError } from './errors.js';
import { type KeyFileLimits, keyLimits } from './key-limits.js';
import { macsEqual } from './openssh-key-ciphers.js';
import { MAX_KEY_FILE_LENGTH } from './pem.js';
import type { OpenSshPrivateKeyType } from './private-key-fields.js';

const ARGON2 = { Argon2id: argon2id, Argon2i: argon2i, Argon2d: argon2d } as const;
export type Argon2Flavour = keyof typeof ARGON2;

const textEncoder = new TextEncoder();
const MAC_KEY_PREFIX = textEncoder.encode('putty-private-key-file-mac-key');
const LINE_WIDTH = 64;

/** Whether `text` starts like a PPK file. */
export function isPpkPrivateKey(text: string): boolean {
  return /^PuTTY-User-Key-File-\d+:/.test(text.trimStart());
}

/** Argon2 parameters of a v3 file. */
export interface Argon2Parameters {
  readonly flavour: Argon2Flavour;
  readonly memoryKiB: number;
  readonly passes: number;
  readonly parallelism: number;
  readonly salt: Uint8Array;
}

/** A PPK file read up to the passphrase: the public half and comment are in clear. */
export interface PpkEnvelope {
  readonly version: 2 | 3;
  readonly algorithm: string;
  readonly encrypted: boolean;
  readonly comment: string;
  readonly publicKey: PublicKey;
  /** v3 encrypted files only. */
  readonly argon2?: Argon2Parameters;
  /**
   * Checks the MAC, decrypts when needed, and reads the private fields.
   * @throws EncryptedKeyError without a passphrase for an encrypted file; BadPassphraseError when
   *   the MAC of an encrypted file does not verify; KeyFileError when that of a plain one does not.
   */
  open(passphrase?: string): { privateKey: OpenSshPrivateKeyType; comment: string };
}

/** Reads `Name: value` lines and base64 blocks in the fixed order PuTTY writes them. */
class PpkLines {
  readonly #lines: string[];
  #at = 0;

  constructor(text: string) {
    if (text.length > MAX_KEY_FILE_LENGTH) throw new KeyFileError('key file is too large');
    // PuTTY writes LF and reads LF, CRLF and CR.
    this.#lines = text.trimStart().split(/\r\n|\r|\n/);
  }

  header(name: string): string {
    const line = this.#lines[this.#at] ?? '';
    const prefix = `${name}: `;
    if (!line.startsWith(prefix)) throw new KeyFileError(`PPK: expected a ${name} line`);
    this.#at++;
    return line.slice(prefix.length);
  }

  count(name: string): number {
    const value = this.header(name);
    if (!/^\d{1,4}$/.test(value)) throw new KeyFileError(`PPK: bad ${name}`);
    return Number(value);
  }

  base64(name: string): Uint8Array {
    const n = this.count(name);
    if (n === 0 || this.#at + n > this.#lines.length)
      throw new KeyFileError(`PPK: ${name} runs past the end`);
    const text = this.#lines.slice(this.#at, this.#at + n).join('');
    this.#at += n;
    try {
      return base64Decode(text);
    } catch (e) {
      if (e instanceof SshDecodeError) throw new KeyFileError(`PPK: ${name}: ${e.message}`);
      throw e;
    }
  }

  end(): void {
    if (this.#lines.slice(this.#at).some((l) => l.trim() !== ''))
      throw new KeyFileError('PPK: trailing lines');
  }
}

function decimal(value: string, what: string): number {
  if (!/^\d{1,10}$/.test(value)) throw new KeyFileError(`PPK: bad ${what}`);
  return Number(value);
}

function hexBytes(value: string, what: string): Uint8Array {
  if (!/^([0-9a-fA-F]{2})+$/.test(value)) throw new KeyFileError(`PPK: bad ${what}`);
  return Uint8Array.from(value.match(/../g)!, (h) => Number.parseInt(h, 16));
}

/** The MAC preimage (Appendix C.2). */
function macInput(
  alg: string,
  encryption: string,
  comment: string,
  pub: Uint8Array,
  priv: Uint8Array,
): Uint8Array {
  return new SshWriter(pub.length + priv.length + 256)
    .string(alg)
    .string(encryption)
    .string(comment)
    .string(pub)
    .string(priv)
    .bytes();
}

/** Cipher key, IV and MAC key for `version` (Appendix C.4 and C.5.1). */
function deriveKeys(
  version: 2 | 3,
  passphrase: string,
  encrypted: boolean,
  argon: Argon2Parameters | undefined,
): { key: Uint8Array; iv: Uint8Array; macKey: Uint8Array } {
  const pass = textEncoder.encode(passphrase);
  if (version === 2) {
    const seq = (n: number) => sha1(Uint8Array.of(0, 0, 0, n, ...pass));
    const key = new Uint8Array(32);
    key.set(seq(0), 0);
    key.set(seq(1).subarray(0, 12), 20);
    return { key, iv: new Uint8Array(16), macKey: sha1(Uint8Array.of(...MAC_KEY_PREFIX, ...pass)) };
  }
  if (!encrypted || argon === undefined)
    return { key: new Uint8Array(0), iv: new Uint8Array(0), macKey: new Uint8Array(0) };
  const out = ARGON2[argon.flavour](pass, argon.salt, {
    m: argon.memoryKiB,
    t: argon.passes,
    p: argon.parallelism,
    dkLen: 80,
    maxmem: argon.memoryKiB * 1024 + 1024 * 1024,
  });
  return { key: out.slice(0, 32), iv: out.slice(32, 48), macKey: out.slice(48, 80) };
}

/**
 * Reads a PPK v2 or v3 file up to the passphrase, checking the Argon2 cost against `limits`.
 * @throws KeyFileError for anything malformed, an unknown cipher or KDF, or too costly Argon2
 *   parameters; UnsupportedKeyError for key types we do not implement.
 * @example
 * const ppk = openPpkPrivateKey(text);
 * const { privateKey } = ppk.open(ppk.encrypted ? passphrase : undefined);
 */
export function openPpkPrivateKey(text: string, limits?: KeyFileLimits): PpkEnvelope {
  const lines = new PpkLines(text);
  const first = /^PuTTY-User-Key-File-(\d+): (.*)$/.exec(text.trimStart().split(/\r\n|\r|\n/, 1)[0]!);
  if (!first) throw new KeyFileError('not a PuTTY private key file');
  const version = Number(first[1]);
  if (version !== 2 && version !== 3)
    throw new KeyFileError(`PPK version ${first[1]!.slice(0, 8)} is not supported`);
  const algorithm = lines.header(`PuTTY-User-Key-File-${version}`);
  const encryption = lines.header('Encryption');
  if (encryption !== 'none' && encryption !== 'aes256-cbc')
    throw new KeyFileError(`PPK: unsupported encryption ${JSON.stringify(encryption.slice(0, 32))}`);
  const encrypted = encryption === 'aes256-cbc';
  const comment = lines.header('Comment');
  const publicBlob = lines.base64('Public-Lines');
  const publicKey = parsePublicKey(publicBlob);
  if (publicKey.type !== algorithm)
    throw new KeyFileError('PPK: the public key is not of the named algorithm');

  let argon: Argon2Parameters | undefined;
  if (version === 3 && encrypted) {
    const flavour = lines.header('Key-Derivation');
    if (!Object.hasOwn(ARGON2, flavour)) throw new KeyFileError('PPK: unsupported Key-Derivation');
    argon = {
      flavour: flavour as Argon2Flavour,
      memoryKiB: decimal(lines.header('Argon2-Memory'), 'Argon2-Memory'),
      passes: decimal(lines.header('Argon2-Passes'), 'Argon2-Passes'),
      parallelism: decimal(lines.header('Argon2-Parallelism'), 'Argon2-Parallelism'),
      salt: hexBytes(lines.header('Argon2-Salt'), 'Argon2-Salt'),
    };
    checkArgon2(argon, limits);
  }
  const privateBlob = lines.base64('Private-Lines');
  const mac = hexBytes(lines.header('Private-MAC'), 'Private-MAC');
  lines.end();
  if (mac.length !== (version === 2 ? 20 : 32))
    throw new KeyFileError('PPK: Private-MAC has the wrong length');
  if (encrypted && privateBlob.length % 16 !== 0)
    throw new KeyFileError('PPK: private blob is not whole AES blocks');

  return {
    version,
    algorithm,
    encrypted,
    comment,
    publicKey,
    ...(argon ? { argon2: argon } : {}),
    open(passphrase) {
      if (encrypted && passphrase === undefined)
        throw new EncryptedKeyError(encryption, version === 3 ? argon!.flavour : 'sha1');
      const keys = deriveKeys(version, encrypted ? passphrase! : '', encrypted, argon);
      const plain = encrypted
        ? cbc(keys.key, keys.iv, { disablePadding: true }).decrypt(privateBlob.slice())
        : privateBlob;
      const expected = hmac(
        version === 2 ? sha1 : sha256,
        keys.macKey,
        macInput(algorithm, encryption, comment, publicBlob, plain),
      );
      keys.key.fill(0);
      keys.macKey.fill(0);
      if (!macsEqual(expected, mac)) {
        if (encrypted) throw new BadPassphraseError();
        throw new KeyFileError('PPK: Private-MAC does not match (the file is damaged)');
      }
      try {
        return { privateKey: readPrivateFields(publicKey, plain), comment };
      } finally {
        if (encrypted) plain.fill(0);
      }
    },
  };
}

function checkArgon2(a: Argon2Parameters, limits: KeyFileLimits | undefined): void {
  const l = keyLimits(limits);
  // RFC 9106 §3.1: salt 8.., lanes 1.., memory at least 8 blocks per lane, 1.. passes.
  if (a.salt.length < 8 || a.salt.length > 1024)
    throw new KeyFileError('PPK: Argon2-Salt length out of range');
  if (a.parallelism < 1 || a.parallelism > l.maxArgon2Parallelism)
    throw new KeyFileError(`PPK: Argon2-Parallelism ${a.parallelism} outside 1..${l.maxArgon2Parallelism}`);
  if (a.memoryKiB < 8 * a.parallelism || a.memoryKiB > l.maxArgon2MemoryKiB)
    throw new KeyFileError(
      `PPK: Argon2-Memory ${a.memoryKiB} outside ${8 * a.parallelism}..${l.maxArgon2MemoryKiB}`,
    );
  if (a.passes < 1 || a.passes > l.maxArgon2Passes)
    throw new KeyFileError(`PPK: Argon2-Passes ${a.passes} outside 1..${l.maxArgon2Passes}`);
  if (a.memoryKiB * a.passes > l.maxArgon2Work)
    throw new KeyFileError(
      `PPK: Argon2 memory × passes ${a.memoryKiB * a.passes} is over ${l.maxArgon2Work}`,
    );
}

/** Appendix C.3: the private fields after the public key, then padding shorter than a block. */
function readPrivateFields(publicKey: PublicKey, blob: Uint8Array): OpenSshPrivateKeyType {
  const r = new SshReader(blob);
  let key: OpenSshPrivateKeyType;
  if (publicKey instanceof RsaPublicKey) {
    const d = r.positiveMpint(RSA_MAX_MODULUS_BITS);
    const p = r.positiveMpint(RSA_MAX_MODULUS_BITS);
    const q = r.positiveMpint(RSA_MAX_MODULUS_BITS);
    const qinv = r.positiveMpint(RSA_MAX_MODULUS_BITS);
    key = new RsaPrivateKey({ n: publicKey.n, e: publicKey.e, d, p, q, qinv });
  } else if (isEcdsaKeyType(publicKey.type)) {
    key = new EcdsaPrivateKey(publicKey.type, r.positiveMpint(600));
  } else if (publicKey.type === 'ssh-ed25519') {
    const seed = r.string();
    if (seed.length !== 32) throw new KeyFileError('PPK: ed25519 private key is not 32 bytes');
    key = new Ed25519PrivateKey(seed);
  } else {
    throw new UnsupportedKeyError(publicKey.type);
  }
  if (r.remaining >= 16) throw new KeyFileError('PPK: private blob has data after the key');
  if (!key.publicKey.equals(publicKey))
    throw new KeyFileError('PPK: private key does not match the public key');
  return key;
}

/** Options for writing a PPK file. */
export interface FormatPpkOptions {
  /** 3 (default, PuTTY 0.75+) or 2 (PuTTY 0.52–0.74). */
  readonly version?: 2 | 3;
  readonly comment?: string;
  /** Encrypts with AES-256-CBC when non-empty. */
  readonly passphrase?: string;
  /** v3 Argon2 cost (default Argon2id, 8192 KiB, 8 passes, 1 lane; puttygen's memory and lanes). */
  readonly argon2?: Partial<Omit<Argon2Parameters, 'salt'>>;
  /** Salt and padding source. */
  readonly random?: RandomBytes;
}

/**
 * Writes a PPK file as puttygen does.
 * @throws RangeError for a comment with a line break.
 * @example
 * writeFileSync('key.ppk', formatPpkPrivateKey(key, { comment: 'me', passphrase }));
 */
export function formatPpkPrivateKey(key: OpenSshPrivateKeyType, options: FormatPpkOptions = {}): string {
  const version = options.version ?? 3;
  const comment = options.comment ?? '';
  if (/[\r\n]/.test(comment)) throw new RangeError('a PPK comment cannot hold a line break');
  const passphrase = options.passphrase ?? '';
  const encrypted = passphrase !== '';
  const encryption = encrypted ? 'aes256-cbc' : 'none';
  const random = options.random ?? defaultRandomBytes;
  const pub = key.publicKey.blob;
  const w = new SshWriter(4096);
  if (key instanceof RsaPrivateKey) {
    const c = key.components();
    w.mpint(c.d).mpint(c.p).mpint(c.q).mpint(c.qinv);
  } else if (key instanceof EcdsaPrivateKey) {
    w.mpint(key.scalar());
  } else {
    w.string(key.seed());
  }
  if (encrypted) {
    const pad = (16 - (w.length % 16)) % 16;
    w.raw(random(pad));
  }
  const plain = w.bytes().slice();
  let argon: Argon2Parameters | undefined;
  if (version === 3 && encrypted) {
    argon = {
      flavour: options.argon2?.flavour ?? 'Argon2id',
      memoryKiB: options.argon2?.memoryKiB ?? 8192,
      passes: options.argon2?.passes ?? 8,
      parallelism: options.argon2?.parallelism ?? 1,
      salt: random(16),
    };
  }
  const keys = deriveKeys(version, passphrase, encrypted, argon);
  const mac = hmac(
    version === 2 ? sha1 : sha256,
    keys.macKey,
    macInput(key.publicKey.type, encryption, comment, pub, plain),
  );
  const stored = encrypted ? cbc(keys.key, keys.iv, { disablePadding: true }).encrypt(plain) : plain;
  keys.key.fill(0);
  keys.macKey.fill(0);
  const b64Lines = (bytes: Uint8Array) => {
    const b64 = base64Encode(bytes);
    const out: string[] = [];
    for (let at = 0; at < b64.length; at += LINE_WIDTH) out.push(b64.slice(at, at + LINE_WIDTH));
    return out;
  };
  const publicLines = b64Lines(pub);
  const privateLines = b64Lines(stored);
  const lines = [
    `PuTTY-User-Key-File-${version}: ${key.publicKey.type}`,
    `Encryption: ${encryption}`,
    `Comment: ${comment}`,
    `Public-Lines: ${publicLines.length}`,
    ...publicLines,
  ];
  if (argon) {
    lines.push(
      `Key-Derivation: ${argon.flavour}`,
      `Argon2-Memory: ${argon.memoryKiB}`,
      `Argon2-Passes: ${argon.passes}`,
      `Argon2-Parallelism: ${argon.parallelism}`,
      `Argon2-Salt: ${Array.from(argon.salt, (b) => b.toString(16).padStart(2, '0')).join('')}`,
    );
  }
  lines.push(
    `Private-Lines: ${privateLines.length}`,
    ...privateLines,
    `Private-MAC: ${Array.from(mac, (b) => b.toString(16).padStart(2, '0')).join('')}`,
    '',
  );
  plain.fill(0);
  return lines.join('\n');
}
