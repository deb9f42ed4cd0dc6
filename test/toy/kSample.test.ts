// The toy experiment with the new estimators: K samples per step through
// OneStepLearner (batch × K evaluations of f), reproducible, no tensor leaks,
// learning at t = 0.499; a contextual one-step problem gets its contexts
// repeated K times.
import { describe, it, expect } from 'vitest';
import { tf } from '../../src/tf/index.js';
import { toyProblem } from '../../experiments/toy/problem.js';
import { trainToy } from '../../experiments/toy/train.js';
import { TOY_DEFAULTS } from '../../experiments/toy/run.js';
import { OneStepLearner } from '../../agents/index.js';
import { Rng } from '../../src/random/index.js';
import type { OneStepEnv } from '../../envs/index.js';

const quick = { ...TOY_DEFAULTS, steps: 300, logEvery: 50, varianceEvery: 100, varianceSamples: 200, k: 4 };

describe('toy training with the new estimators', () => {
  const problem = toyProblem({ problem: 'toy', target: 0.499 });
  it('rloo, vimco, arms and double-cv (K = 4) move p toward 0 at t = 0.499; same seed, same track', async () => {
    for (const name of ['rloo', 'vimco', 'arms', 'double-cv']) {
      const a = await trainToy(problem, name, 2, quick);
      const b = await trainToy(problem, name, 2, quick);
      expect(b.p, name).toEqual(a.p);
      expect(a.finalP, name).toBeLessThan(0.3);
    }
  });
  it('gumbel-rao and reinmax run (biased: no claim on where p goes)', async () => {
    for (const name of ['gumbel-rao', 'reinmax']) {
      const t = await trainToy(problem, name, 1, { ...quick, steps: 50 });
      expect(Number.isFinite(t.finalP), name).toBe(true);
    }
  });
  it('the tensor count is flat over a run', async () => {
    for (const name of ['rloo', 'vimco', 'arms', 'double-cv', 'gumbel-rao', 'reinmax']) {
      await trainToy(problem, name, 1, { ...quick, steps: 20 });
      const before = tf.memory().numTensors;
      await trainToy(problem, name, 1, { ...quick, steps: 100 });
      expect(tf.memory().numTensors, name).toBe(before);
    }
  });
  it('a contextual problem: each context K times, batch × K episodes a step', () => {
    const w = [0.2, 0.5, 0.3, 0.8];
    let seen: number[][] = [];
    const env: OneStepEnv = {
      distribution: 'bernoulli',
      thetaSize: 4,
      contextSize: 2,
      observe: (n) => tf.tensor2d(Array.from({ length: n }, (_, i) => [i, -i])),
      reward: (b, x) => {
        seen = x!.arraySync() as number[][];
        return b.mul(w).sum(-1).sub(1).square().neg();
      },
      describe: () => 'pick bits whose weights sum to 1, with a context',
    };
    const learner = new OneStepLearner(env, { estimator: 'rloo', seed: 1, batch: 3, k: 2, varianceSamples: 10 });
    learner.iterate();
    expect(seen.map((r) => r[0])).toEqual([0, 0, 1, 1, 2, 2]);
    expect(learner.counters.episodes).toBe(6);
    // The variance of one estimate: the mean of each context's K rows.
    expect(Number.isFinite(learner.logVariance(new Rng('variance')))).toBe(true);
    learner.dispose();
  });
});
