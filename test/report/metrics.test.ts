import { describe, it, expect } from 'vitest';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MetricsWriter, readMetrics } from '../../src/report/metrics.js';
import { UserError } from '../../src/errors.js';
import { tempDir } from '../helpers.js';

const tmp = () => tempDir('relax-pg-metrics-');

describe('MetricsWriter / readMetrics', () => {
  it('round-trips records, one JSON object per line, including non-finite numbers', () => {
    const path = join(tmp(), 'run', 'metrics.jsonl');
    const w = new MetricsWriter(path);
    const records = [
      { step: 0, loss: 1.5, name: 'a' },
      { step: 1, loss: Number.NaN, grad: Number.POSITIVE_INFINITY, low: Number.NEGATIVE_INFINITY },
      { step: 2, nested: { v: [1, 2, 3] } },
    ];
    for (const r of records) w.write(r);
    w.close();
    expect(w.written).toBe(3);
    const lines = readFileSync(path, 'utf8').split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[3]).toBe('');
    const back = readMetrics(path);
    expect(back[0]).toEqual(records[0]);
    expect(back[1]!['loss']).toBeNaN();
    expect(back[1]!['grad']).toBe(Number.POSITIVE_INFINITY);
    expect(back[1]!['low']).toBe(Number.NEGATIVE_INFINITY);
    expect(back[2]).toEqual(records[2]);
  });

  it('tolerates a truncated last line (a kill mid-write)', () => {
    const path = join(tmp(), 'metrics.jsonl');
    const w = new MetricsWriter(path);
    w.write({ step: 0, r: 1 });
    w.write({ step: 1, r: 2 });
    w.close();
    appendFileSync(path, '{"step": 2, "r": 3'); // cut short
    expect(readMetrics(path)).toEqual([
      { step: 0, r: 1 },
      { step: 1, r: 2 },
    ]);
  });

  it('resuming after a kill drops the fragment instead of gluing the next record to it', () => {
    const path = join(tmp(), 'metrics.jsonl');
    writeFileSync(path, '{"step":0}\n{"step":1}\n{"ste');
    const w = new MetricsWriter(path);
    w.write({ step: 2 });
    w.close();
    expect(readFileSync(path, 'utf8')).toBe('{"step":0}\n{"step":1}\n{"step":2}\n');
    expect(readMetrics(path).map((r) => r['step'])).toEqual([0, 1, 2]);
  });

  it('append: false starts afresh', () => {
    const path = join(tmp(), 'metrics.jsonl');
    writeFileSync(path, '{"old":true}\n');
    const w = new MetricsWriter(path, { append: false });
    w.write({ fresh: true });
    w.close();
    expect(readMetrics(path)).toEqual([{ fresh: true }]);
  });

  it('a corrupt line in the middle is a UserError with its line number', () => {
    const path = join(tmp(), 'metrics.jsonl');
    writeFileSync(path, '{"a":1}\nnot json\n{"a":2}\n');
    expect(() => readMetrics(path)).toThrow(UserError);
    expect(() => readMetrics(path)).toThrow(/metrics\.jsonl:2: not valid JSON/);
  });

  it('a missing file is a UserError', () => {
    expect(() => readMetrics(join(tmp(), 'none.jsonl'))).toThrow(UserError);
  });

  it('writing after close is an error', () => {
    const w = new MetricsWriter(join(tmp(), 'm.jsonl'));
    w.close();
    expect(() => w.write({ a: 1 })).toThrow(/closed/);
  });
});
