/** Small helpers for the benchmark: percentiles, timing, number formatting and plain-text tables. */

/** A growable array of samples (milliseconds), cheap to append to in a hot loop. */
export class Samples {
  private data = new Float64Array(16_384);
  length = 0;

  push(v: number): void {
    if (this.length === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = v;
  }

  /** Sorted copy of the samples. */
  sorted(): Float64Array {
    return this.data.slice(0, this.length).sort();
  }
}

/** The q-th quantile (0..1) of sorted samples (nearest rank); NaN when empty. */
export function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted.at(i) ?? NaN;
}

/** Milliseconds since an arbitrary origin, sub-microsecond resolution. */
export function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** 12345.6 → "12,346"; small numbers keep some decimals. */
export function num(v: number, decimals?: number): string {
  if (!Number.isFinite(v)) return 'n/a';
  const d = decimals ?? (Math.abs(v) >= 100 ? 0 : Math.abs(v) >= 10 ? 1 : 2);
  return v.toLocaleString('en-GB', { minimumFractionDigits: d, maximumFractionDigits: d });
}

export function mb(bytes: number): string {
  return `${num(bytes / 1024 / 1024, 1)} MB`;
}

/** "0.123×" plus the inverse when Kairos is slower: "0.12× (8.1× slower)". */
export function ratio(kairos: number, baseline: number): string {
  if (!(baseline > 0) || !Number.isFinite(kairos)) return 'n/a';
  const r = kairos / baseline;
  return r >= 1 ? `${num(r, 2)}×` : `${num(r, r < 0.01 ? 4 : 3)}× (${num(1 / r, 1)}× slower)`;
}

/** A plain-text table, indented: first row is the header; the first `textColumns` columns are left-aligned, the rest right-aligned. */
export function table(rows: string[][], textColumns = 1, indent = '   '): string {
  const [header = [], ...body] = rows;
  const widths = header.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  const line = (r: string[]) => indent + r.map((cell, c) => (c < textColumns ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0))).join('  ').trimEnd();
  const rule = indent + widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(header), rule, ...body.map(line)].join('\n');
}

/** CPU time used by this process between two readings, as a percentage of one core over wallMs. */
export function cpuPercent(before: NodeJS.CpuUsage, wallMs: number): number {
  const d = process.cpuUsage(before);
  return ((d.user + d.system) / 1000 / wallMs) * 100;
}

/** Median of plain numbers (NaN when empty). */
export function median(values: number[]): number {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
}

/** A goal on a figure: at least (ratios, throughput) or at most (times, memory, slow-downs). */
export interface Goal {
  op: '>=' | '<=' | '<';
  value: number;
  /** How the goal's value is written, e.g. "0.60x", "30 ms". */
  label: string;
}

export const atLeast = (value: number, label = `${value.toFixed(2)}x`): Goal => ({ op: '>=', value, label });
export const atMost = (value: number, label: string): Goal => ({ op: '<=', value, label });
export const below = (value: number, label: string): Goal => ({ op: '<', value, label });

export function meets(v: number, g: Goal): boolean | undefined {
  if (!Number.isFinite(v)) return undefined;
  return g.op === '>=' ? v >= g.value : g.op === '<=' ? v <= g.value : v < g.value;
}

/** "✓" / "✗" / "?" (no figure). */
export function mark(v: number, g: Goal): string {
  const m = meets(v, g);
  return m === undefined ? '?' : m ? '✓' : '✗';
}

/** "(≥ 0.60x) ✓" */
export function goalText(v: number, g: Goal): string {
  const op = g.op === '>=' ? '≥' : g.op === '<=' ? '≤' : '<';
  return `(${op} ${g.label}) ${mark(v, g)}`;
}

/**
 * The Accept-Encoding every request of the run sends, as a browser or a calendar app does: Kairos
 * then sends its kept public answers compressed (see src/core/render/compressed-body.ts).
 */
export const ACCEPT_ENCODING = 'gzip, deflate, br';
