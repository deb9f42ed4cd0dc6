// metrics.jsonl: one JSON object per line, appended synchronously. Each line is
// written with a single write call, so a crash can at worst cut the last line;
// the lines before it are already complete.
import {
  closeSync,
  existsSync,
  fstatSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { UserError } from '../errors.js';
import { oneLine, writeFileAtomic } from './files.js';

export type MetricsRecord = Record<string, unknown>;

export interface MetricsWriterOptions {
  /** Keep existing lines (default) or start the file afresh. */
  append?: boolean;
}

// JSON has no NaN or infinities; a diverged run must still say so, so they are
// written as strings and read back as numbers.
const NON_FINITE: Record<string, number> = {
  NaN: Number.NaN,
  Infinity: Number.POSITIVE_INFINITY,
  '-Infinity': Number.NEGATIVE_INFINITY,
};

/** One record as a line of metrics.jsonl (non-finite numbers as strings). */
function metricsLine(record: MetricsRecord): string {
  return JSON.stringify(record, (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? String(value) : value)) + '\n';
}

export class MetricsWriter {
  readonly path: string;
  private fd: number | undefined;
  private count = 0;

  constructor(path: string, options: MetricsWriterOptions = {}) {
    this.path = path;
    mkdirSync(dirname(path), { recursive: true });
    const append = options.append ?? true;
    this.fd = openSync(path, append ? 'a+' : 'w');
    if (append) dropPartialLine(this.fd);
  }

  /** Number of records written through this writer. */
  get written(): number {
    return this.count;
  }

  write(record: MetricsRecord): void {
    if (this.fd === undefined) throw new Error(`MetricsWriter for ${this.path} is closed`);
    const line = Buffer.from(metricsLine(record), 'utf8');
    let offset = 0;
    while (offset < line.length) offset += writeSync(this.fd, line, offset, line.length - offset);
    this.count += 1;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/**
 * Read the records of a metrics.jsonl file. A last line that does not parse
 * (cut short by a kill) is dropped; a bad line anywhere else is an error.
 */
export function readMetrics<T extends MetricsRecord = MetricsRecord>(path: string): T[] {
  if (!existsSync(path)) throw new UserError(`${path}: file not found`);
  const lines = readFileSync(path, 'utf8').split('\n');
  let last = lines.length - 1;
  while (last >= 0 && lines[last]!.trim() === '') last -= 1;
  const records: T[] = [];
  for (let i = 0; i <= last; i++) {
    const text = lines[i]!.trim();
    if (text === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text, (_key, v: unknown) => (typeof v === 'string' && v in NON_FINITE ? NON_FINITE[v] : v));
    } catch (err) {
      if (i === last) break;
      throw new UserError(`${path}:${i + 1}: not valid JSON (${oneLine((err as Error).message)})`);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      if (i === last) break;
      throw new UserError(`${path}:${i + 1}: expected a JSON object per line`);
    }
    records.push(value as T);
  }
  return records;
}

// Resuming after a kill: cut the file back to its last complete line, so the
// next record does not get glued onto a fragment.
function dropPartialLine(fd: number): void {
  const size = fstatSync(fd).size;
  if (size === 0) return;
  const chunk = Buffer.alloc(64 * 1024);
  let end = size;
  while (end > 0) {
    const start = Math.max(0, end - chunk.length);
    const n = readSync(fd, chunk, 0, end - start, start);
    const nl = chunk.subarray(0, n).lastIndexOf(0x0a);
    if (nl >= 0) {
      const keep = start + nl + 1;
      if (keep < size) ftruncateSync(fd, keep);
      return;
    }
    end = start;
  }
  ftruncateSync(fd, 0);
}

/**
 * Resuming from a checkpoint: keep only the rows `keep` accepts (those made
 * up to the checkpoint), rewritten atomically, so the rows the resumed run
 * makes again are never written twice. Returns how many rows were dropped.
 */
export function keepMetrics(path: string, keep: (row: MetricsRecord) => boolean): number {
  if (!existsSync(path)) return 0;
  const rows = readMetrics(path);
  const kept = rows.filter(keep);
  if (kept.length === rows.length && readFileSync(path, 'utf8').endsWith('\n')) return 0;
  const text = kept.map(metricsLine).join('');
  writeFileAtomic(path, text);
  return rows.length - kept.length;
}
