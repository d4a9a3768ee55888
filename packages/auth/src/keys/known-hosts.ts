/**
 * known_hosts files (sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT"): `[marker] hostpatterns keytype
 * base64 [comment]`, host patterns comma-separated, `[host]:port` for ports other than 22.
 *
 * Supported now: plain host pattern lines, and `@revoked` lines (a revoked key is refused for
 * every host, whatever the line's patterns). Not yet supported, and never treated as a match:
 * hashed host names (`|1|salt|hash`, HashKnownHosts) and `@cert-authority` lines. They are kept
 * as `unsupported` entries, and `checkHostKey` reports the ones that may concern a host in
 * `unverifiable`, so that an accept-new policy can refuse to add a key the file might contradict.
 */
import type { PublicKey } from '@seashell/transport';
import { matchHostPatterns } from './host-pattern.js';
import { formatPublicKeyLine, parsePublicKeyLine } from './public-key-file.js';
import { contentLines, reasonOf, type SkippedLine, splitField } from './text-lines.js';

/** One usable known_hosts line. */
export type KnownHostsEntry =
  | {
      readonly kind: 'host';
      readonly line: number;
      /** Host patterns, as written (`example.com`, `[10.0.0.1]:2222`, `*.corp`, `!bad.corp`). */
      readonly hosts: readonly string[];
      readonly key: PublicKey;
      readonly comment: string;
    }
  | {
      readonly kind: 'revoked';
      readonly line: number;
      readonly hosts: readonly string[];
      readonly key: PublicKey;
      readonly comment: string;
    }
  | {
      /** A line we cannot evaluate yet; it never matches. */
      readonly kind: 'unsupported';
      readonly line: number;
      readonly reason: 'hashed' | 'cert-authority';
      readonly hosts: readonly string[];
    };

/** A parsed known_hosts file. */
export interface KnownHosts {
  readonly entries: readonly KnownHostsEntry[];
  /** Lines that could not be used (unknown key type or marker, malformed). */
  readonly skipped: readonly SkippedLine[];
}

/**
 * Parses known_hosts text. Never throws for the file's content: unusable lines go to `skipped`.
 * @example
 * const knownHosts = parseKnownHosts(readFileSync(`${home}/.ssh/known_hosts`, 'utf8'));
 */
export function parseKnownHosts(text: string): KnownHosts {
  const entries: KnownHostsEntry[] = [];
  const skipped: SkippedLine[] = [];
  for (const { line, text: content } of contentLines(text)) {
    let marker = '';
    let rest = content;
    if (content.startsWith('@')) [marker, rest] = splitField(content);
    if (marker !== '' && marker !== '@revoked' && marker !== '@cert-authority') {
      skipped.push({ line, reason: 'unknown marker' });
      continue;
    }
    const [hostField, keyText] = splitField(rest);
    const hosts = hostField.split(',');
    if (keyText === '' || hosts.some((h) => h === '')) {
      skipped.push({ line, reason: 'malformed line' });
      continue;
    }
    if (marker === '@cert-authority') {
      entries.push({ kind: 'unsupported', line, reason: 'cert-authority', hosts });
      continue;
    }
    const hashed = hostField.startsWith('|');
    if (hashed && marker === '') {
      entries.push({ kind: 'unsupported', line, reason: 'hashed', hosts });
      continue;
    }
    try {
      const { key, comment } = parsePublicKeyLine(keyText);
      entries.push({ kind: marker === '@revoked' ? 'revoked' : 'host', line, hosts, key, comment });
    } catch (e) {
      skipped.push({ line, reason: reasonOf(e) });
    }
  }
  return { entries, skipped };
}

/** What known_hosts says about a host's key. */
export type HostKeyCheck =
  /** A line for this host holds exactly this key. */
  | { readonly status: 'match'; readonly line: number }
  /**
   * Lines for this host exist and none holds this key. Reported even when the known keys are of
   * another type (OpenSSH asks then; we fail closed): `knownKeyTypes` lets a client prefer the
   * host key algorithms it already knows, as OpenSSH does.
   */
  | { readonly status: 'mismatch'; readonly line: number; readonly knownKeyTypes: readonly string[] }
  /** The key is on a `@revoked` line. */
  | { readonly status: 'revoked'; readonly line: number }
  /**
   * No line for this host. `unverifiable` lists lines we could not evaluate that may concern it
   * (hashed names, `@cert-authority` lines for matching patterns); when it is non-empty an
   * accept-new policy should not add the key.
   */
  | { readonly status: 'unknown'; readonly unverifiable: readonly number[] };

/**
 * Looks up `key` for `host` on `port`.
 * @throws RangeError for a port outside 1..65535.
 * @example
 * const check = checkHostKey(knownHosts.entries, 'example.com', 22, serverKey);
 * if (check.status === 'mismatch') throw new Error(`host key changed; see known_hosts:${check.line}`);
 */
export function checkHostKey(
  entries: readonly KnownHostsEntry[],
  host: string,
  port: number,
  key: PublicKey,
): HostKeyCheck {
  const name = knownHostsName(host, port);
  for (const entry of entries) {
    // A revoked key is refused for every host: revocation is a statement about the key.
    if (entry.kind === 'revoked' && entry.key.equals(key)) return { status: 'revoked', line: entry.line };
  }
  let first: number | undefined;
  const knownKeyTypes: string[] = [];
  const unverifiable: number[] = [];
  for (const entry of entries) {
    if (entry.kind === 'revoked') continue;
    if (entry.kind === 'unsupported') {
      if (entry.reason === 'hashed' || matchHostPatterns(name, entry.hosts) === 'match')
        unverifiable.push(entry.line);
      continue;
    }
    if (matchHostPatterns(name, entry.hosts) !== 'match') continue;
    if (entry.key.equals(key)) return { status: 'match', line: entry.line };
    first ??= entry.line;
    if (!knownKeyTypes.includes(entry.key.type)) knownKeyTypes.push(entry.key.type);
  }
  if (first !== undefined) return { status: 'mismatch', line: first, knownKeyTypes };
  return { status: 'unknown', unverifiable };
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
 * The known_hosts line (no newline) that records `key` for `host` and `port`, for accept-new.
 * @throws RangeError as `knownHostsName` does.
 * @example
 * appendFileSync(file, `${formatKnownHostsLine('example.com', 2222, key)}\n`); // '[example.com]:2222 ssh-ed25519 AAAA…'
 */
export function formatKnownHostsLine(host: string, port: number, key: PublicKey): string {
  return `${knownHostsName(host, port)} ${formatPublicKeyLine(key)}`;
}
