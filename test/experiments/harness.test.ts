// The experiment harness with a stand-in experiment (no training): the job
// grid, per-run folders, metrics assembled in job order, and --resume reusing
// finished runs, continuing checkpointed ones and wiping the rest.
import { describe, it, expect } from 'vitest';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MetricsWriter, readMetrics, createLogger } from '../../src/report/index.js';
import { runExperiment, type Experiment } from '../../experiments/harness.js';
import { tempDir } from '../helpers.js';

type Result = { method: string; seed: number; steps: number; from: number };

/** A run of `steps` rows; a 'checkpoint.json' holding a step count is where it continues from. */
function standIn(steps: number, trained: string[], stopAt?: number): Experiment<'method', Result, { total: number }> {
  return {
    label: 'stand-in',
    methodKey: 'method',
    methods: ['b', 'a'],
    seeds: [1, 2],
    budget: steps,
    config: { steps },
    complete: (r) => r.steps >= steps,
    train: async (job) => {
      trained.push(`${job.method}${job.seed}`);
      mkdirSync(job.dir, { recursive: true });
      const ckpt = join(job.dir, 'checkpoint.json');
      const from = job.resume && existsSync(ckpt) ? JSON.parse(readFileSync(ckpt, 'utf8')).step : 0;
      const metrics = new MetricsWriter(join(job.dir, 'metrics.jsonl'));
      for (let step = from + 1; step <= steps; step++) {
        metrics.write({ step, value: job.seed * 100 + step });
        writeFileSync(ckpt, JSON.stringify({ step }));
        if (stopAt !== undefined && job.method === 'a' && job.seed === 2 && step === stopAt) throw new Error('killed');
      }
      metrics.close();
      return { method: job.method, seed: job.seed, steps, from };
    },
    worker: { url: new URL('./unused.js', import.meta.url), data: null },
    progress: (p) => ({ done: p.step }),
    finished: (r) => ({ steps: r.steps }),
    summarise: (results) => ({ total: results.reduce((s, r) => s + r.steps, 0) }),
    report: async () => {},
  };
}

describe('runExperiment', () => {
  it('runs the grid, assembles metrics in job order, and resumes each run the right way', async () => {
    const out = join(tempDir('relax-pg-harness-'), 'exp');
    const logger = createLogger({ file: join(out, 'log.jsonl'), console: false });
    const trained: string[] = [];
    await expect(runExperiment(standIn(3, trained, 2), out, { logger })).rejects.toThrow('killed');
    expect(trained).toEqual(['b1', 'b2', 'a1', 'a2']);
    // Resume: b1, b2, a1 are finished; a2 continues from its checkpoint at step 2.
    trained.length = 0;
    const summary = await runExperiment(standIn(3, trained), out, { logger, resume: true });
    expect(trained).toEqual(['a2']);
    expect(summary).toEqual({ total: 12 });
    expect(JSON.parse(readFileSync(join(out, 'runs', 'a-seed2.json'), 'utf8')).from).toBe(2);
    const rows = readMetrics(join(out, 'metrics.jsonl'));
    expect(rows.map((r) => `${r.method}${r.seed}:${r.step}`)).toEqual(['b1', 'b2', 'a1', 'a2'].flatMap((j) => [1, 2, 3].map((s) => `${j}:${s}`)));
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'))).toEqual({ total: 12 });
    // A larger budget extends every run from its checkpoint; without --resume everything starts afresh.
    trained.length = 0;
    await runExperiment(standIn(4, trained), out, { logger, resume: true });
    expect(trained).toEqual(['b1', 'b2', 'a1', 'a2']);
    expect(readMetrics(join(out, 'runs', 'b-seed1', 'metrics.jsonl')).map((r) => r.step)).toEqual([1, 2, 3, 4]);
    await runExperiment(standIn(2, trained), out, { logger });
    expect(readMetrics(join(out, 'metrics.jsonl'))).toHaveLength(8);
    expect(JSON.parse(readFileSync(join(out, 'runs', 'b-seed1.json'), 'utf8')).from).toBe(0);
    await logger.close();
  });
});
