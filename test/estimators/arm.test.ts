// ARM and DisARM on the Bernoulli toy: sign and constants checked by bias
// (a wrong variant must fail the same z-score test the real ones pass), the
// measured variances against their exact values, DisARM ≤ ARM ≪ REINFORCE,
// and one-line user errors for inputs they cannot use.
import { describe, it, expect } from 'vitest';
import { tf } from '../../src/tf/index.js';
import { Rng } from '../../src/random/index.js';
import { UserError } from '../../src/errors.js';
import { arm, disarm, type Estimator } from '../../src/estimators/index.js';
import { toyProblem, type ToyProblem } from '../../experiments/toy/problem.js';
import { toyEstimator, type ToyEstimator } from '../../experiments/toy/setup.js';
import { estimateStatistics } from '../../experiments/toy/estimate.js';

const LOGITS = [-2, 0, 1.3];
const N = 100_000;
const SEED = 7;
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const asArray = (x: number | number[]) => (Array.isArray(x) ? x : [x]);

function toy(name: string, problem: ToyProblem, estimator?: Estimator): ToyEstimator {
  const est = toyEstimator(name, problem, { eta: 1, temperature: 0.5, hidden: 10 }, new Rng('1:init'));
  return estimator ? { ...est, name: `${name} (variant)`, estimator } : est;
}

function stats(problem: ToyProblem, est: ToyEstimator) {
  const s = estimateStatistics(problem, est, LOGITS, N, SEED);
  return { z: asArray(s.zScore), variance: asArray(s.variance) };
}

/**
 * Exact per-component variances on the K-latent toy f(b) = mean_j (b_j − t)².
 * On {0,1}, f(b) − f(b̃) = c Σ_j Δ_j with c = (1 − 2t)/K and Δ_j = b_j − b̃_j,
 * independent across j with mean 0 and E[Δ_j²] = P(b_j ≠ b̃_j) = 2m_j,
 * m_j = σ(−|θ_j|); b_d ≠ b̃_d exactly when u_d < m_d or u_d > 1 − m_d. So
 *   E[ARM_d²]    = c² [ ∫_{b≠b̃} (u − ½)² du + Σ_{j≠d} 2m_j / 12 ],
 *   E[DisARM_d²] = c²/4 · σ(|θ_d|)² · 2m_d · (1 + Σ_{j≠d} 2m_j),
 * minus g_d² = (c σ(θ_d) σ(−θ_d))².
 */
function exactVariances(t: number, logits: number[]) {
  const K = logits.length;
  const c = (1 - 2 * t) / K;
  const m = logits.map((l) => sigmoid(-Math.abs(l)));
  return logits.map((l, d) => {
    const g = c * sigmoid(l) * sigmoid(-l);
    const others = m.reduce((s, mj, j) => (j === d ? s : s + 2 * mj), 0);
    const tails = (2 / 3) * ((m[d] - 0.5) ** 3 + 1 / 8);
    return {
      arm: c * c * (tails + others / 12) - g * g,
      disarm: (c * c / 4) * sigmoid(Math.abs(l)) ** 2 * 2 * m[d] * (1 + others) - g * g,
    };
  });
}

describe('ARM / DisARM: wrong signs and constants are detected', () => {
  const problem = toyProblem({ problem: 'toy', target: 0.45, latents: 3 });
  const negated = (e: Estimator): Estimator => (input) => ({ gradient: tf.tidy(() => tf.neg(e(input).gradient)) });

  it('the real estimators pass the bias test (|z| < 4)', () => {
    for (const name of ['arm', 'disarm']) {
      for (const z of stats(problem, toy(name, problem)).z) expect(Math.abs(z), name).toBeLessThan(4);
    }
  });

  it('flipped signs, and DisARM without its ½, are biased (|z| > 10; measured > 50)', () => {
    const variants: [string, Estimator][] = [
      ['arm', negated(arm)],
      ['disarm', negated(disarm)],
      ['disarm', (input) => ({ gradient: tf.tidy(() => tf.mul(disarm(input).gradient, 2)) })],
    ];
    for (const [name, variant] of variants) {
      const { z } = stats(problem, toy(name, problem, variant));
      expect(Math.min(...z.map(Math.abs)), name).toBeGreaterThan(10);
    }
  });

  it("ARM's ½ is a control variate: (f(b) − f(b̃))·u stays unbiased but its variance is over 2× the exact ARM variance", () => {
    // E[f(b) − f(b̃)] = 0, so dropping the ½ adds a zero-mean term: a missing ½
    // shows in the variance (measured ≈ 3.7×), not in the mean.
    const withoutHalf: Estimator = ({ dist, theta, u, fb, f }) => ({
      gradient: tf.tidy(() => {
        const bAnti = dist.hard(dist.sample(theta, tf.sub(1, u)));
        return tf.mul(tf.reshape(tf.sub(fb, f!(bAnti)), [-1, 1]), u);
      }),
    });
    const { z, variance } = stats(problem, toy('arm', problem, withoutHalf));
    const exact = exactVariances(0.45, LOGITS);
    for (const zi of z) expect(Math.abs(zi)).toBeLessThan(4);
    variance.forEach((v, d) => expect(v / exact[d].arm).toBeGreaterThan(2));
  });
});

describe('ARM / DisARM variance on the 3-latent toy', () => {
  for (const t of [0.499, 0.45]) {
    it(`t = ${t}: measured variances match the exact ones, DisARM < ARM ≪ REINFORCE`, () => {
      const problem = toyProblem({ problem: 'toy', target: t, latents: 3 });
      const exact = exactVariances(t, LOGITS);
      const vArm = stats(problem, toy('arm', problem)).variance;
      const vDis = stats(problem, toy('disarm', problem)).variance;
      const vReinforce = stats(problem, toy('reinforce', problem)).variance;
      for (let d = 0; d < LOGITS.length; d++) {
        // Relative SE of a sample variance is √((κ − 1)/n); the kurtosis κ of
        // these estimates is at most ≈ 8.2 here, so 4 SE ≈ 3.4 % at n = 1e5.
        expect(Math.abs(vArm[d] / exact[d].arm - 1), `ARM, latent ${d}`).toBeLessThan(0.04);
        expect(Math.abs(vDis[d] / exact[d].disarm - 1), `DisARM, latent ${d}`).toBeLessThan(0.04);
        // Exact DisARM/ARM ratios are 0.55–0.84, well outside the 4 % noise.
        expect(vDis[d], `latent ${d}`).toBeLessThan(vArm[d]);
        // f differs between b and b̃ only by (1 − 2t)/K per flipped latent, while
        // REINFORCE carries f ≈ t² itself: measured ratios ≈ 1e-5 (t = 0.499)
        // and ≈ 0.02 (t = 0.45).
        expect(vArm[d] / vReinforce[d], `latent ${d}`).toBeLessThan(t === 0.499 ? 1e-3 : 0.1);
      }
    });
  }
});

describe('ARM / DisARM inputs', () => {
  const problem = toyProblem({ problem: 'toy', target: 0.45, latents: 3 });
  const input = () => {
    const theta = tf.tensor2d([LOGITS, LOGITS]);
    const u = tf.tensor2d([[0.1, 0.5, 0.9], [0.7, 0.2, 0.4]]);
    return toy('arm', problem).input(problem, theta, u, u);
  };

  it('without f, or on a categorical, they throw a one-line UserError', () => {
    tf.tidy(() => {
      for (const [name, e] of [['ARM', arm], ['DisARM', disarm]] as const) {
        expect(() => e({ ...input(), f: undefined })).toThrow(UserError);
        expect(() => e({ ...input(), f: undefined })).toThrow(new RegExp(`^${name} needs the black box f`));
        const cat = toyProblem({ problem: 'toy-categorical', target: 0.499, weights: [0.1, 0.6, 0.9] });
        const catInput = toy('reinforce', cat).input(cat, tf.zeros([2, 3]), tf.fill([2, 3], 0.5), tf.fill([2, 3], 0.5));
        expect(() => e(catInput)).toThrow(/only for Bernoulli latents/);
        let message = '';
        try {
          e({ ...input(), f: undefined });
        } catch (err) {
          message = (err as Error).message;
        }
        expect(message).not.toContain('\n');
      }
    });
  });

  it('they leave no tensors behind but the estimate', () => {
    const inp = input();
    for (const e of [arm, disarm]) {
      const before = tf.memory().numTensors;
      const { gradient } = e(inp);
      expect(gradient.shape).toEqual([2, 3]);
      expect(tf.memory().numTensors).toBe(before + 1);
      gradient.dispose();
    }
    tf.dispose([inp.theta, inp.u, inp.fb]);
  });
});
