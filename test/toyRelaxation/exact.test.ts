// The toy-relaxation study's exact pieces: REINFORCE's exact variance
// against a sampled one (standard-error tolerance from the exact fourth
// moment), REBAR's ĝ linear in η (which the closed-form η* relies on), and
// a cell's numbers: unbiased means, REBAR's best not above REINFORCE.
import { describe, it, expect } from 'vitest';
import { Rng } from '../../src/random/index.js';
import { toyProblem } from '../../experiments/toy/problem.js';
import { toyEstimator } from '../../experiments/toy/setup.js';
import { reinforceMoments, sampleGradients, varianceOf, meanOf, bestLinear, logitOf, zeroVarianceBaseline } from '../../experiments/toyRelaxation/exact.js';
import { runCell } from '../../experiments/toyRelaxation/cell.js';
import { TOY_RELAXATION_DEFAULTS } from '../../experiments/toyRelaxation/run.js';

describe('toy relaxation: exact REINFORCE moments', () => {
  for (const [p, t] of [[0.1, 0.45], [0.5, 0.499], [0.9, 0.45]] as const) {
    it(`sampled variance matches the exact one at θ = ${p}, t = ${t}`, () => {
      const problem = toyProblem({ problem: 'toy', target: t, latents: 1 });
      const est = toyEstimator('reinforce', problem, { eta: 1, temperature: 0.5, hidden: 10 }, new Rng('init'));
      const n = 200_000;
      const g = sampleGradients(problem, est, logitOf(p), n, new Rng(`reinforce-${p}-${t}`));
      const m = reinforceMoments(p, t);
      expect(m.mean).toBeCloseTo(problem.exactGradient([logitOf(p)])[0], 12);
      // s.e. of a sample variance: √((μ₄ − σ⁴ (n − 3)/(n − 1))/n) (positive even at θ = ½, where μ₄ = σ⁴); of a mean: √(σ²/n).
      expect(Math.abs(varianceOf(g) - m.variance)).toBeLessThan(4 * Math.sqrt((m.fourth - (m.variance ** 2 * (n - 3)) / (n - 1)) / n));
      expect(Math.abs(meanOf(g) - m.mean)).toBeLessThan(4 * Math.sqrt(m.variance / n));
    });
  }
});

describe("toy relaxation: REBAR's η", () => {
  it('ĝ is linear in η at fixed noise, and the closed-form η* is a minimum', () => {
    const problem = toyProblem({ problem: 'toy', target: 0.45, latents: 1 });
    const at = (eta: number) =>
      sampleGradients(problem, toyEstimator('rebar', problem, { eta, temperature: 0.3, hidden: 10 }, new Rng('init')), logitOf(0.3), 20_000, new Rng('same-noise'));
    const [g0, g1, gHalf] = [at(0), at(1), at(0.37)];
    const d = g1.map((x, i) => x - g0[i]);
    for (let i = 0; i < g0.length; i += 997) expect(gHalf[i]).toBeCloseTo(g0[i] + 0.37 * d[i], 5);
    const best = bestLinear(g0, d);
    const gBest = at(best.eta);
    expect(varianceOf(gBest)).toBeCloseTo(best.variance, 6);
    expect(best.variance).toBeLessThanOrEqual(varianceOf(g0));
    expect(best.variance).toBeLessThanOrEqual(varianceOf(g1));
  });
});

describe("toy relaxation: REBAR's optimum is at λ → ∞", () => {
  it('the constant b* makes REINFORCE exact, and REBAR approaches it: η* → b*/(½ − t)², Var ∝ 1/λ²', () => {
    const [p, t] = [0.3, 0.45];
    const b = zeroVarianceBaseline(p, t);
    // Both values of (f(b) − b*)(b − p) equal the exact gradient.
    expect(((1 - t) ** 2 - b) * (1 - p)).toBeCloseTo(p * (1 - p) * ((1 - t) ** 2 - t * t), 14);
    expect(-(t * t - b) * p).toBeCloseTo(p * (1 - p) * ((1 - t) ** 2 - t * t), 14);
    const s = { ...TOY_RELAXATION_DEFAULTS, temperatures: [100, 1000, 10_000], scanSamples: 20_000, samples: 20_000, steps: 1 };
    const { scan } = runCell(p, t, s).rebar;
    expect(scan[2].eta).toBeCloseTo(b / (0.5 - t) ** 2, 1);
    // Each tenfold λ divides the variance by about a hundred.
    for (const i of [1, 2]) {
      const ratio = scan[i - 1].variance / scan[i].variance;
      expect(ratio).toBeGreaterThan(50);
      expect(ratio).toBeLessThan(200);
    }
  });
});

describe('toy relaxation: one cell', () => {
  it('means are unbiased, REBAR at its best is not above REINFORCE, RELAX is below REBAR at λ ≤ 100', () => {
    const s = { ...TOY_RELAXATION_DEFAULTS, temperatures: [0.1, 1, 10, 100], scanSamples: 5000, samples: 50_000, steps: 300 };
    const c = runCell(0.3, 0.45, s);
    const n = s.samples;
    const z = (mean: number, variance: number) => Math.abs(mean - c.exactGradient) / Math.sqrt(variance / n);
    expect(z(c.reinforce.sampledMean, c.reinforce.exactVariance)).toBeLessThan(4);
    expect(z(c.rebar.mean, c.rebar.variance)).toBeLessThan(4);
    expect(z(c.relax.mean, c.relax.variance)).toBeLessThan(4);
    // REBAR with η = 0 is REINFORCE, so its optimum can only be lower (up to the fresh draws' noise).
    const se = Math.sqrt((c.reinforce.fourthMoment - (c.reinforce.exactVariance ** 2 * (n - 3)) / (n - 1)) / n);
    expect(c.rebar.variance).toBeLessThan(c.reinforce.exactVariance + 4 * se);
    // With one Bernoulli, a constant c gives zero variance: the learned c gets far below REBAR at moderate λ.
    expect(c.relax.variance).toBeLessThan(c.rebar.variance / 10);
    expect(c.curves.c).toHaveLength(c.curves.z.length);
  });
});
