/**
 * Runs the strict iCalendar parsers Debian ships (python3-vobject, python3-icalendar, libical
 * via gir1.2-ical-3.0) on calendar text, through tests/helpers/validate_ics.py.
 * They live under Debian's interpreter, not whatever `python3` comes first on PATH; set
 * KAIROS_PYTHON to use another interpreter that has them.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const SCRIPT = fileURLToPath(new URL('./validate_ics.py', import.meta.url));
const PYTHON = process.env.KAIROS_PYTHON ?? '/usr/bin/python3';

async function validate(texts: string[]): Promise<string[][]> {
  const dir = await mkdtemp(join(tmpdir(), 'kairos-ics-'));
  try {
    const files = await Promise.all(
      texts.map(async (text, i) => {
        const file = join(dir, `${i}.ics`);
        await writeFile(file, text, 'utf8');
        return file;
      }),
    );
    const { stdout } = await run(PYTHON, [SCRIPT, ...files], { maxBuffer: 64 * 1024 * 1024 });
    const parsed = JSON.parse(stdout) as string[] | string[][];
    return texts.length === 1 ? [parsed as string[]] : (parsed as string[][]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Complaints of vobject (validate=True), icalendar (.errors) and libical (parse + iTIP restrictions); [] when valid. */
export async function strictComplaints(icsText: string): Promise<string[]> {
  const [complaints] = await validate([icsText]);
  if (!complaints) throw new Error('the validator gave no result');
  return complaints;
}

/** The same for many files with one interpreter start; results in input order. */
export async function strictComplaintsMany(icsTexts: string[]): Promise<string[][]> {
  if (icsTexts.length === 0) return [];
  return validate(icsTexts);
}

/**
 * What a calendar client's line reader would trip over, as a list of complaints: a line not
 * ending in CRLF, a physical line over 75 octets, a line that is not valid UTF-8 on its own
 * (a character split by folding), an empty line, a file not ending in CRLF.
 * Give the bytes as sent, or the string (then a fold between the two halves of a surrogate
 * pair, which would become a replacement character once encoded, is reported too).
 */
export function lineComplaints(ics: string | Uint8Array): string[] {
  const out: string[] = [];
  if (typeof ics === 'string') {
    ics.split('\n').forEach((line, i) => {
      if (/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(line)) {
        out.push(`line ${i + 1}: half of a surrogate pair (a character split by folding)`);
      }
    });
  }
  const bytes = typeof ics === 'string' ? Buffer.from(ics, 'utf8') : Buffer.from(ics);
  if (bytes.length < 2 || bytes[bytes.length - 2] !== 0x0d || bytes[bytes.length - 1] !== 0x0a) out.push('does not end with CRLF');
  const strict = new TextDecoder('utf-8', { fatal: true });
  let start = 0;
  let n = 0;
  while (start < bytes.length) {
    n++;
    const lf = bytes.indexOf(0x0a, start);
    const end = lf === -1 ? bytes.length : lf;
    if (lf === -1) out.push(`line ${n}: no line feed`);
    else if (lf === start || bytes[lf - 1] !== 0x0d) out.push(`line ${n}: LF without CR`);
    const line = bytes.subarray(start, lf > start && bytes[lf - 1] === 0x0d ? lf - 1 : end);
    if (line.includes(0x0d)) out.push(`line ${n}: bare CR`);
    if (line.length > 75) out.push(`line ${n}: ${line.length} octets`);
    if (line.length === 0) out.push(`line ${n}: empty`);
    try {
      strict.decode(line);
    } catch {
      out.push(`line ${n}: not valid UTF-8 on its own (a character split by folding)`);
    }
    start = end + 1;
  }
  return out;
}

/** Logical content lines (unfolded), for assertions on exact property text. */
export function contentLines(icsText: string): string[] {
  return icsText.replace(/\r\n[ \t]/g, '').split('\r\n').filter((l) => l !== '');
}
