/**
 * Line discipline of RFC 5545 §3.1, applied to whatever `ics` produced: content lines end in
 * CRLF and are folded so that no physical line is longer than 75 octets, never inside a UTF-8
 * sequence. `ics` folds at 75 *characters* (so Greek or Bulgarian lines reach ~150 octets) and
 * folds with a TAB; we unfold its output and fold it again ourselves.
 */

const MAX_OCTETS = 75;

/** Joins folded lines back into logical content lines (CRLF or LF followed by space or tab). */
export function unfold(text: string): string {
  return text.replace(/\r?\n[ \t]/g, '');
}

function utf8Length(codePoint: number): number {
  return codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
}

/**
 * Folds one logical line: the first physical line holds at most 75 octets, every continuation
 * line is a space plus at most 74 octets. Splits only between code points (so never inside a
 * UTF-8 sequence, nor between the halves of a surrogate pair).
 */
export function foldLine(line: string): string {
  // Most lines are short, and many are plain ASCII (one octet per character): no walk needed.
  const octetCount = Buffer.byteLength(line, 'utf8');
  if (octetCount <= MAX_OCTETS) return line;
  if (octetCount === line.length) {
    const ascii = [line.slice(0, MAX_OCTETS)];
    for (let i = MAX_OCTETS; i < line.length; i += MAX_OCTETS - 1) ascii.push(line.slice(i, i + MAX_OCTETS - 1));
    return ascii.join('\r\n ');
  }
  const parts: string[] = [];
  let current = '';
  let octets = 0;
  let limit = MAX_OCTETS;
  for (const ch of line) {
    const n = utf8Length(ch.codePointAt(0) ?? 0);
    if (octets + n > limit) {
      parts.push(current);
      current = '';
      octets = 0;
      limit = MAX_OCTETS - 1; // the leading space of a continuation line counts
    }
    current += ch;
    octets += n;
  }
  parts.push(current);
  return parts.join('\r\n ');
}

/** Unfolds, drops empty lines, and refolds: every line CRLF-terminated, ≤ 75 octets. */
export function logicalLines(text: string): string[] {
  return unfold(text)
    .split(/\r\n|\n|\r/)
    .filter((l) => l.trim() !== '');
}

export function serialise(lines: readonly string[]): string {
  return lines.map((l) => foldLine(l) + '\r\n').join('');
}
