/**
 * CSV for spreadsheets (RFC 4180, CRLF). Cells that a spreadsheet would read as a formula
 * (starting with = + - @, or a tab / carriage return) are neutralised with a leading apostrophe.
 */
/** What a cell may hold: text, a number, or nothing (an empty cell). */
export type CsvValue = string | number | null | undefined;

export function csvCell(value: CsvValue): string {
  let s = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n;]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(header: string[], rows: CsvValue[][]): string {
  // A byte-order mark lets spreadsheet programs read UTF-8 (Greek, Bulgarian names) correctly.
  return '\uFEFF' + [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
