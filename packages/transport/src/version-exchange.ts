/**
 * RFC 4253 §4.2 protocol version exchange: `SSH-protoversion-softwareversion SP comments CR LF`.
 *
 * Limits follow OpenSSH: the version line is at most 255 bytes with CR LF; a server may send other
 * lines before it (we accept up to 1024 of up to 8192 bytes each, as OpenSSH's client does); a
 * client may not (OpenSSH's server refuses them too). A bare LF is tolerated, NUL is not.
 */
import { DisconnectReason, SshProtocolError, sanitizeText } from './errors.js';

export const MAX_VERSION_LINE = 255;

export interface VersionLimits {
  /** Lines a server may send before its version line. */
  readonly maxPreambleLines: number;
  /** Bytes in each such line, CR LF included. */
  readonly maxPreambleLineBytes: number;
}

export const DEFAULT_VERSION_LIMITS: VersionLimits = { maxPreambleLines: 1024, maxPreambleLineBytes: 8192 };

/** Our identification line, CR LF included. */
export function formatVersionLine(softwareVersion: string, comments?: string): string {
  if (!/^[\x21-\x2c\x2e-\x7e]+$/.test(softwareVersion)) {
    throw new RangeError('softwareversion must be printable US-ASCII without spaces or minus signs');
  }
  const line = `SSH-2.0-${softwareVersion}${comments ? ` ${comments}` : ''}\r\n`;
  if (line.length > MAX_VERSION_LINE) throw new RangeError('version line longer than 255 bytes');
  return line;
}

export interface VersionResult {
  /** The peer's version line without CR LF (what enters the exchange hash). */
  readonly line: string;
  /** Bytes of input consumed, preamble included. */
  readonly consumed: number;
  /** Lines the server sent before its version, sanitised. */
  readonly preamble: readonly string[];
}

/**
 * Looks for the peer's version line at the start of `buf`. Returns undefined when more bytes are
 * needed, throws SshProtocolError when the peer is not speaking SSH 2.0 or breaks the limits.
 */
export function parseVersion(
  buf: Uint8Array,
  peerIsServer: boolean,
  limits: VersionLimits = DEFAULT_VERSION_LIMITS,
): VersionResult | undefined {
  const preamble: string[] = [];
  let start = 0;
  for (;;) {
    const isVersion = startsWithSsh(buf, start);
    const max = isVersion === false ? limits.maxPreambleLineBytes : MAX_VERSION_LINE;
    let end = -1;
    const scanTo = Math.min(buf.length, start + max);
    for (let i = start; i < scanTo; i++) {
      if (buf[i] === 0x0a) {
        end = i;
        break;
      }
      if (buf[i] === 0) throw versionError('NUL byte in the version exchange');
    }
    if (end < 0) {
      if (buf.length - start >= max) {
        throw versionError(
          isVersion === false ? 'line before the version too long' : 'version line too long',
        );
      }
      return undefined;
    }
    const lineEnd = end > start && buf[end - 1] === 0x0d ? end - 1 : end;
    const line = String.fromCharCode(...buf.subarray(start, lineEnd));
    start = end + 1;
    if (line.startsWith('SSH-')) return { line: checkVersion(line), consumed: start, preamble };
    // RFC 4253 §4.2: only the server may send other lines first.
    if (!peerIsServer) throw versionError('the client sent data before its version line');
    preamble.push(sanitizeText(line, 256));
    if (preamble.length > limits.maxPreambleLines)
      throw versionError('too many lines before the version line');
  }
}

/** True / false once 4 bytes are there, undefined before. */
function startsWithSsh(buf: Uint8Array, at: number): boolean | undefined {
  const prefix = [0x53, 0x53, 0x48, 0x2d];
  for (let i = 0; i < 4; i++) {
    if (at + i >= buf.length) return undefined;
    if (buf[at + i] !== prefix[i]) return false;
  }
  return true;
}

function checkVersion(line: string): string {
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) throw versionError('version line holds a byte that is not printable US-ASCII');
  }
  const m = /^SSH-([^-]+)-(\S+)/.exec(line);
  if (!m) throw versionError(`malformed version line: ${sanitizeText(line, 80)}`);
  // RFC 4253 §5.1: 1.99 is a server that also speaks 2.0.
  if (m[1] !== '2.0' && m[1] !== '1.99') {
    throw new SshProtocolError(
      DisconnectReason.PROTOCOL_VERSION_NOT_SUPPORTED,
      `protocol major versions differ: the peer speaks ${sanitizeText(m[1]!, 16)}`,
    );
  }
  return line;
}

function versionError(message: string): SshProtocolError {
  return new SshProtocolError(DisconnectReason.PROTOCOL_ERROR, message);
}
