// Gumbel-Rao and ReinMax, the biased straight-through family: their bias is
// measured, not hidden. Gumbel-Rao has straight-through's expectation with
// less variance; ReinMax is second-order, so on the toy's quadratic f at
// τ = 1 it is exact in expectation (Heun's rule is exact for quadratics),
// and biased at other temperatures.
import { describe, it, expect } from 'vitest';
import { Rng } from '../../src/random/index.js';
import { toyProblem, type ToyProblem } from '../../experiments/toy/problem.js';
import { toyEstimator } from '../../experiments/toy/setup.js';
import { estimateStatistics } from '../../experiments/toy/estimate.js';

const zs = (x: number | number[]) => (Array.isArray(x) ? x : [x]);

function stats(problem: ToyProblem, name: string, logits: number[], samples: number, seed: number, temperature = 0.5) {
  const est = toyEstimator(name, problem, { eta: 1, temperature, hidden: 10 }, new Rng(`${seed}:init`));
  return estimateStatistics(problem, est, logits, samples, seed);
}

const toy = toyProblem({ problem: 'toy', target: 0.499 });
const cat = toyProblem({ problem: 'toy-categorical', target: 0.499, weights: [0.1, 0.6, 0.9] });

describe('Gumbel-Rao', () => {
  for (const [problem, logits] of [
    [toy, [-2]],
    [cat, [0.5, -0.3, 0.1]],
  ] as const) {
    it(`has straight-through's mean with lower variance, and is biased (${problem.name})`, () => {
      const gr = stats(problem, 'gumbel-rao', [...logits], 100_000, 3);
      const st = stats(problem, 'straight-through', [...logits], 100_000, 4);
      const [m1, m2, s1, s2, v1, v2] = [gr.mean, st.mean, gr.standardError, st.standardError, gr.variance, st.variance].map(zs);
      m1.forEach((m, j) => expect(Math.abs(m - m2[j]) / Math.hypot(s1[j], s2[j])).toBeLessThan(4));
      v1.forEach((v, j) => expect(v).toBeLessThan(0.8 * v2[j]));
      expect(Math.max(...zs(gr.zScore).map(Math.abs))).toBeGreaterThan(10);
    });
  }
});

describe('ReinMax', () => {
  for (const [problem, logits] of [
    [toy, [-2]],
    [cat, [0.5, -0.3, 0.1]],
  ] as const) {
    it(`is exact in expectation on the quadratic ${problem.name} at τ = 1, biased at τ = 0.5`, () => {
      const one = stats(problem, 'reinmax', [...logits], 200_000, 6, 1);
      for (const z of zs(one.zScore)) expect(Math.abs(z)).toBeLessThan(4);
      const half = stats(problem, 'reinmax', [...logits], 200_000, 6, 0.5);
      expect(Math.max(...zs(half.zScore).map(Math.abs))).toBeGreaterThan(10);
    });
  }
});
