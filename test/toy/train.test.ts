// Toy training: reproducible with a seed, no tensor leaks over a run, and
// RELAX learning the REBAR-paper setting (t = 0.45) quickly.
import { describe, it, expect } from 'vitest';
import { appendFileSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers.js';
import { tf } from '../../src/tf/index.js';
import { toyProblem } from '../../experiments/toy/problem.js';
import { trainToy } from '../../experiments/toy/train.js';
import { TOY_DEFAULTS } from '../../experiments/toy/run.js';

const quick = { ...TOY_DEFAULTS, steps: 200, logEvery: 50, varianceEvery: 100, varianceSamples: 200 };

describe('toy training', () => {
  it('same seed and backend give identical tracks', async () => {
    const problem = toyProblem({ problem: 'toy', target: 0.499 });
    const a = await trainToy(problem, 'relax', 3, quick);
    const b = await trainToy(problem, 'relax', 3, quick);
    expect(b.p).toEqual(a.p);
    expect(b.logVariance).toEqual(a.logVariance);
    const c = await trainToy(problem, 'relax', 4, quick);
    expect(c.p).not.toEqual(a.p);
  });

  it('the tensor count is flat over a run (no per-step leaks)', async () => {
    const problem = toyProblem({ problem: 'toy', target: 0.499 });
    for (const name of ['reinforce', 'reinforce-baseline', 'rebar', 'relax', 'lax', 'arm', 'disarm']) {
      await trainToy(problem, name, 1, { ...quick, steps: 20 }); // warm-up: kernels, caches
      const before = tf.memory().numTensors;
      await trainToy(problem, name, 1, { ...quick, steps: 300 });
      expect(tf.memory().numTensors, name).toBe(before);
    }
  });

  it('RELAX at t = 0.45 passes p = 0.05 before step 1,500 (two seeds)', async () => {
    const problem = toyProblem({ problem: 'toy', target: 0.45 });
    for (const seed of [1, 2]) {
      const track = await trainToy(problem, 'relax', seed, { ...quick, steps: 1500, logEvery: 10, varianceEvery: 0 });
      const first = track.p.findIndex((p) => p < 0.05);
      expect(first, `seed ${seed}`).toBeGreaterThan(0);
      expect(track.steps[first]).toBeLessThan(1500);
    }
  });
});

describe('toy resume', () => {
  it('a run stopped at a checkpoint and continued writes the metrics of the uninterrupted run, row for row', async () => {
    const problem = toyProblem({ problem: 'toy', target: 0.499 });
    const config = { ...quick, steps: 400, logEvery: 20, varianceEvery: 100, varianceSamples: 100 };
    for (const name of ['relax', 'reinforce-baseline']) {
      const whole = join(tempDir('relax-pg-toy-'), 'run');
      await trainToy(problem, name, 5, config, { runDir: whole });
      const split = join(tempDir('relax-pg-toy-'), 'run');
      await trainToy(problem, name, 5, { ...config, steps: 200 }, { runDir: split });
      // Rows a killed process wrote after its checkpoint are dropped on resume.
      appendFileSync(join(split, 'metrics.jsonl'), '{"step":220,"p":0.5}\n{"step":2');
      writeFileSync(join(split, '.checkpoint.json.123.abcd.tmp'), 'partial');
      const resumed = await trainToy(problem, name, 5, config, { runDir: split });
      expect(readFileSync(join(split, 'metrics.jsonl'), 'utf8'), name).toBe(readFileSync(join(whole, 'metrics.jsonl'), 'utf8'));
      expect(resumed.logVariance.length).toBe(5);
      expect(readdirSync(split).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    }
  });
});
