// Plain-text tables for benchmark output.

export type Cell = string | number;

export interface Table {
  title: string;
  columns: string[];
  rows: Cell[][];
  /** Optional lines printed under the table. */
  notes?: string[];
  /** How many leading columns name a row in the JSON keys (default: its leading text cells). */
  keyColumns?: number;
}

function cellText(c: Cell): string {
  if (typeof c === 'string') return c;
  if (!Number.isFinite(c)) return String(c);
  if (Number.isInteger(c)) return String(c);
  return Math.abs(c) >= 100 ? c.toFixed(0) : Math.abs(c) >= 1 ? c.toFixed(2) : c.toPrecision(3);
}

const NUMERIC = /^[-+]?[\d.,]+(e[-+]?\d+)?\s*[a-zA-Z%×]*$/;

/** An aligned table: numbers (and number-like strings) right-aligned, text left-aligned. */
export function formatTable(t: Table): string {
  const body = t.rows.map((r) => t.columns.map((_, j) => (r[j] === undefined ? '' : cellText(r[j]))));
  const widths = t.columns.map((h, j) => Math.max(h.length, ...body.map((r) => r[j].length)));
  const right = t.columns.map((_, j) => body.length > 0 && body.every((r) => r[j] === '' || NUMERIC.test(r[j])));
  const pad = (s: string, j: number): string => (right[j] ? s.padStart(widths[j]) : s.padEnd(widths[j]));
  const line = (cells: string[]): string => cells.map(pad).join('  ').trimEnd();
  const out = [t.title, line(t.columns), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)];
  for (const n of t.notes ?? []) out.push(n);
  return out.join('\n');
}

/** 5210000 → "5.21 M", 81234 → "81.2 k". */
export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond)) return '-';
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toPrecision(3)} M`;
  if (perSecond >= 1e3) return `${(perSecond / 1e3).toPrecision(3)} k`;
  return perSecond.toPrecision(3);
}
