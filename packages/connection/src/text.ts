/**
 * Text fields a peer writes for humans (RFC 4254 §5.1 open-failure descriptions, §6.10 exit-signal
 * messages, RFC 3066 language tags). They are ISO-10646 UTF-8 by the RFC, but a malformed byte must
 * not cost us the message that carries it, so they are decoded leniently (U+FFFD for bad bytes).
 * Sanitise them (`sanitizeText` of @seashell/transport) before printing.
 */
import type { Codec } from '@seashell/transport';

const lenientDecoder = new TextDecoder('utf-8', { fatal: false });

/** A `string` of UTF-8 text, decoded leniently; encodes as UTF-8. */
export const lenientText: Codec<string> = {
  kind: 'lenient-text',
  read: (r) => lenientDecoder.decode(r.string()),
  write: (w, v) => w.string(v),
};
