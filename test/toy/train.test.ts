// Toy training: reproducible with a seed, no tensor leaks over a run, and
// RELAX learning the REBAR-paper setting (t = 0.45) quickly.
import { describe, it, expect } from 'vitest';
import { tf } from '../../src/tf/index.js';
import { toyProblem } from '../../experiments/toy/problem.js';
import { trainToy } from '../../experiments/toy/train.js';
import { TOY_DEFAULTS } from '../../experiments/toy/run.js';

const quick = { ...TOY_DEFAULTS, steps: 200, logEvery: 50, varianceEvery: 100, varianceSamples: 200 };

describe('toy training', () => {
  it('same seed and backend give identical tracks', () => {
    const problem = toyProblem({ problem: 'toy', target: 0.499 });
    const a = trainToy(problem, 'relax', 3, quick);
    const b = trainToy(problem, 'relax', 3, quick);
    expect(b.p).toEqual(a.p);
    expect(b.logVariance).toEqual(a.logVariance);
    const c = trainToy(problem, 'relax', 4, quick);
    expect(c.p).not.toEqual(a.p);
  });

  it('the tensor count is flat over a run (no per-step leaks)', () => {
    const problem = toyProblem({ problem: 'toy', target: 0.499 });
    for (const name of ['reinforce', 'reinforce-baseline', 'rebar', 'relax', 'lax', 'arm', 'disarm']) {
      trainToy(problem, name, 1, { ...quick, steps: 20 }); // warm-up: kernels, caches
      const before = tf.memory().numTensors;
      trainToy(problem, name, 1, { ...quick, steps: 300 });
      expect(tf.memory().numTensors, name).toBe(before);
    }
  });

  it('RELAX at t = 0.45 passes p = 0.05 before step 1,500 (two seeds)', () => {
    const problem = toyProblem({ problem: 'toy', target: 0.45 });
    for (const seed of [1, 2]) {
      const track = trainToy(problem, 'relax', seed, { ...quick, steps: 1500, logEvery: 10, varianceEvery: 0 });
      const first = track.p.findIndex((p) => p < 0.05);
      expect(first, `seed ${seed}`).toBeGreaterThan(0);
      expect(track.steps[first]).toBeLessThan(1500);
    }
  });
});
