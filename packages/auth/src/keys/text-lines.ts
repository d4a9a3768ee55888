/**
 * Line handling shared by the text key formats (authorized_keys, known_hosts, .pub files):
 * numbering, blank and `#` lines, and the record of lines a parser skipped.
 */

/** A line a parser did not use, and why (the reason never quotes key material). */
export interface SkippedLine {
  /** 1-based line number in the file. */
  readonly line: number;
  readonly reason: string;
}

/** One line worth parsing: 1-based number and text with surrounding whitespace removed. */
export interface TextLine {
  readonly line: number;
  readonly text: string;
}

/** Lines that are neither blank nor comments (`#` as the first non-blank character), LF or CRLF. */
export function contentLines(text: string): TextLine[] {
  const out: TextLine[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const trimmed = lines[i]!.replace(/^[ \t]+|[ \t\r]+$/g, '');
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    out.push({ line: i + 1, text: trimmed });
  }
  return out;
}

/** Splits off the first field: up to the first space or tab, and the rest with leading blanks removed. */
export function splitField(text: string): [string, string] {
  const m = /[ \t]/.exec(text);
  if (m === null) return [text, ''];
  return [text.slice(0, m.index), text.slice(m.index).replace(/^[ \t]+/, '')];
}

/** The message of a typed error, for a SkippedLine reason. */
export function reasonOf(e: unknown): string {
  return e instanceof Error ? e.message : 'unparseable';
}
