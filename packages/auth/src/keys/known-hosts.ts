/**
 * known_hosts files (sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT"): `[marker] hostpatterns keytype
 * base64 [comment]`, host patterns comma-separated, `[host]:port` for ports other than 22, hashed
 * names (`|1|salt|hash`, HashKnownHosts), and the two markers:
 *
 * - `@cert-authority`: the key is a CA; a host certificate it signed is trusted for the hosts the
 *   line's patterns match, once the certificate itself checks out (type, validity, principals);
 * - `@revoked`: the key is refused for every host, whatever the line's patterns; a revoked CA
 *   key revokes the certificates it signed (x/crypto CVE-2026-42508).
 *
 * A host certificate whose CA no line trusts is looked up as its plain key, as ssh does.
 */
import { type Certificate, isCertificate, type PublicKey } from '@seashell/transport';
import { checkCertificate } from '../certs/certificate-check.js';
import { CertificateRejectedError } from '../errors.js';
import { matchHostPatterns, type PatternListMatch } from './host-pattern.js';
import { isHashedHostName, matchHashedHostName } from './known-hosts-hash.js';
import { formatPublicKeyLine, parsePublicKeyLine } from './public-key-file.js';
import { contentLines, reasonOf, type SkippedLine, splitField } from './text-lines.js';

/** One usable known_hosts line. */
export interface KnownHostsEntry {
  /** `host`: a host key; `cert-authority`: a CA for host certificates; `revoked`: never accepted. */
  readonly kind: 'host' | 'cert-authority' | 'revoked';
  /** 1-based line number. */
  readonly line: number;
  /** Host patterns, as written (`example.com`, `[10.0.0.1]:2222`, `*.corp`, `!bad.corp`, `|1|…|…`). */
  readonly hosts: readonly string[];
  readonly key: PublicKey;
  readonly comment: string;
}

/** A parsed known_hosts file. */
export interface KnownHosts {
  readonly entries: readonly KnownHostsEntry[];
  /** Lines that could not be used (unknown key type or marker, malformed). */
  readonly skipped: readonly SkippedLine[];
}

const MARKERS: Readonly<Record<string, KnownHostsEntry['kind']>> = {
  '@cert-authority': 'cert-authority',
  '@revoked': 'revoked',
};

/**
 * Parses known_hosts text. Never throws for the file's content: unusable lines go to `skipped`.
 * @example
 * const knownHosts = parseKnownHosts(readFileSync(`${home}/.ssh/known_hosts`, 'utf8'));
 */
export function parseKnownHosts(text: string): KnownHosts {
  const entries: KnownHostsEntry[] = [];
  const skipped: SkippedLine[] = [];
  for (const { line, text: content } of contentLines(text)) {
    let kind: KnownHostsEntry['kind'] = 'host';
    let rest = content;
    if (content.startsWith('@')) {
      const [marker, after] = splitField(content);
      const known = Object.hasOwn(MARKERS, marker) ? MARKERS[marker] : undefined;
      if (known === undefined) {
        skipped.push({ line, reason: 'unknown marker' });
        continue;
      }
      kind = known;
      rest = after;
    }
    const [hostField, keyText] = splitField(rest);
    const hosts = hostField.split(',');
    if (keyText === '' || hosts.some((h) => h === '')) {
      skipped.push({ line, reason: 'malformed line' });
      continue;
    }
    try {
      const { key, comment } = parsePublicKeyLine(keyText);
      // A CA or a revoked key is a plain key; a certificate there means nothing to ssh either.
      if (kind !== 'host' && isCertificate(key)) {
        skipped.push({ line, reason: `a certificate cannot be a ${kind} key` });
        continue;
      }
      entries.push({ kind, line, hosts, key, comment });
    } catch (e) {
      skipped.push({ line, reason: reasonOf(e) });
    }
  }
  return { entries, skipped };
}

/**
 * How `name` (in known_hosts form) fares against a line's host field: hashed names compare by
 * HMAC, the others as patterns with `*`, `?` and `!`.
 */
export function matchKnownHostsPatterns(name: string, hosts: readonly string[]): PatternListMatch {
  const plain: string[] = [];
  let hashed = false;
  for (const h of hosts) {
    if (isHashedHostName(h)) hashed ||= matchHashedHostName(name, h);
    else plain.push(h);
  }
  const result = matchHostPatterns(name, plain);
  return result === 'negated' ? 'negated' : hashed ? 'match' : result;
}

/** What known_hosts says about a host's key. */
export type HostKeyCheck =
  /**
   * A line for this host holds exactly this key, or (`authority`) a `@cert-authority` line for
   * this host holds the CA of this valid host certificate.
   */
  | { readonly status: 'match'; readonly line: number; readonly authority?: boolean }
  /**
   * Lines for this host exist and none holds this key. Reported even when the known keys are of
   * another type (OpenSSH asks then; we fail closed): `knownKeyTypes` lets a client prefer the
   * host key algorithms it already knows, as OpenSSH does.
   */
  | { readonly status: 'mismatch'; readonly line: number; readonly knownKeyTypes: readonly string[] }
  /** The key, or the CA that signed it, is on a `@revoked` line. */
  | { readonly status: 'revoked'; readonly line: number; readonly authority?: boolean }
  /** A `@cert-authority` line trusts the CA, but the certificate is not valid for this host now. */
  | { readonly status: 'invalid-certificate'; readonly line: number; readonly reason: string }
  /** No line for this host. */
  | { readonly status: 'unknown' };

/** What `checkHostKey` needs besides the host. */
export interface HostKeyCheckOptions {
  /** Now, in milliseconds since the epoch: a host certificate's validity is checked against it. */
  readonly now?: number;
  /** CA signature algorithms accepted for host certificates (default: OpenSSH 9.2's CASignatureAlgorithms). */
  readonly caSignatureAlgorithms?: readonly string[];
}

/**
 * Looks up `key` for `host` on `port`. A host certificate is checked for the principal `host`;
 * without `options.now` it cannot be, and is reported invalid.
 * @throws RangeError for a port outside 1..65535.
 * @example
 * const check = checkHostKey(knownHosts.entries, 'example.com', 22, serverKey, { now: Date.now() });
 * if (check.status === 'mismatch') throw new Error(`host key changed; see known_hosts:${check.line}`);
 */
export function checkHostKey(
  entries: readonly KnownHostsEntry[],
  host: string,
  port: number,
  key: PublicKey,
  options: HostKeyCheckOptions = {},
): HostKeyCheck {
  const name = knownHostsName(host, port);
  const plain = isCertificate(key) ? key.key : key;
  for (const entry of entries) {
    if (entry.kind !== 'revoked') continue;
    // A revoked key is refused for every host, and so is every certificate a revoked CA signed.
    if (entry.key.equals(plain)) return { status: 'revoked', line: entry.line };
    if (isCertificate(key) && entry.key.equals(key.signatureKey))
      return { status: 'revoked', line: entry.line, authority: true };
  }
  if (isCertificate(key)) {
    const authority = entries.find(
      (e) =>
        e.kind === 'cert-authority' &&
        e.key.equals(key.signatureKey) &&
        matchKnownHostsPatterns(name, e.hosts) === 'match',
    );
    if (authority) return checkHostCertificate(key, host, authority.line, options);
  }
  let first: number | undefined;
  const knownKeyTypes: string[] = [];
  for (const entry of entries) {
    if (entry.kind !== 'host' || matchKnownHostsPatterns(name, entry.hosts) !== 'match') continue;
    if (entry.key.equals(plain)) return { status: 'match', line: entry.line };
    first ??= entry.line;
    if (!knownKeyTypes.includes(entry.key.type)) knownKeyTypes.push(entry.key.type);
  }
  if (first !== undefined) return { status: 'mismatch', line: first, knownKeyTypes };
  return { status: 'unknown' };
}

/** The checks ssh's `check_host_cert` makes once a `@cert-authority` line trusts the CA. */
function checkHostCertificate(
  cert: Certificate,
  host: string,
  line: number,
  options: HostKeyCheckOptions,
): HostKeyCheck {
  if (options.now === undefined)
    return { status: 'invalid-certificate', line, reason: 'no clock to check the certificate against' };
  try {
    checkCertificate(cert, {
      certType: 'host',
      principals: [host.toLowerCase()],
      now: options.now,
      ...(options.caSignatureAlgorithms ? { caSignatureAlgorithms: options.caSignatureAlgorithms } : {}),
    });
  } catch (e) {
    if (e instanceof CertificateRejectedError)
      return { status: 'invalid-certificate', line, reason: e.reason };
    throw e;
  }
  return { status: 'match', line, authority: true };
}

/**
 * Whether a `@cert-authority` line speaks for `host` on `port`: a client then asks for host
 * certificates first, as ssh does.
 */
export function hasCertAuthorityFor(
  entries: readonly KnownHostsEntry[],
  host: string,
  port: number,
): boolean {
  let name: string;
  try {
    name = knownHostsName(host, port);
  } catch {
    return false;
  }
  return entries.some(
    (e) => e.kind === 'cert-authority' && matchKnownHostsPatterns(name, e.hosts) === 'match',
  );
}

/**
 * The name known_hosts uses for a host and port: `host` for port 22, `[host]:port` otherwise,
 * lower-cased as OpenSSH writes it.
 * @throws RangeError for a port outside 1..65535 or a host name with characters known_hosts cannot hold.
 */
export function knownHostsName(host: string, port: number): string {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new RangeError(`bad port ${port}`);
  // Names, IPv4 and IPv6 literals (with a zone): nothing that is a separator or pattern in the file.
  if (!/^[A-Za-z0-9._:%-]+$/.test(host)) throw new RangeError('host name cannot be written to known_hosts');
  const lower = host.toLowerCase();
  return port === 22 ? lower : `[${lower}]:${port}`;
}

/**
 * The known_hosts line (no newline) that records `key` for `host` and `port`, for accept-new. For a
 * certificate the certified key is recorded, as ssh does.
 * @throws RangeError as `knownHostsName` does.
 * @example
 * appendFileSync(file, `${formatKnownHostsLine('example.com', 2222, key)}\n`); // '[example.com]:2222 ssh-ed25519 AAAA…'
 */
export function formatKnownHostsLine(host: string, port: number, key: PublicKey): string {
  return `${knownHostsName(host, port)} ${formatPublicKeyLine(isCertificate(key) ? key.key : key)}`;
}
