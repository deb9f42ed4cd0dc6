// The K-sample estimators (RLOO, VIMCO, ARMS) against exact gradients on the
// toy (VIMCO's: of the K-sample bound, by enumerating every K-tuple), at fixed
// seeds; ARMS at K = 2 is DisARM; RLOO's variance per evaluation of f beside
// REINFORCE's, with the factor theory gives.
import { describe, it, expect } from 'vitest';
import { tf } from '../../src/tf/index.js';
import { Rng } from '../../src/random/index.js';
import { bernoulli } from '../../src/distributions/index.js';
import { arms, armsNoise, disarm, groupMean, rloo, vimcoSignal } from '../../src/estimators/index.js';
import { toyProblem, type ToyProblem } from '../../experiments/toy/problem.js';
import { toyEstimator } from '../../experiments/toy/setup.js';
import { estimateStatistics } from '../../experiments/toy/estimate.js';
import { multiSampleExact } from '../../experiments/toy/multiSample.js';

const Z = 3.5;
const zs = (x: number | number[]) => (Array.isArray(x) ? x : [x]);

function stats(problem: ToyProblem, name: string, logits: number[], samples: number, seed: number, k?: number, temperature = 0.5) {
  const est = toyEstimator(name, problem, { eta: 1, temperature, hidden: 10, k }, new Rng(`${seed}:init`));
  return { est, s: estimateStatistics(problem, est, logits, samples, seed) };
}

describe('K-sample estimators are unbiased on the toy (K = 4)', () => {
  const toy = toyProblem({ problem: 'toy', target: 0.499 });
  for (const name of ['rloo', 'vimco', 'arms']) {
    for (const logit of [-2, 0, 2]) {
      it(`${name} at logit ${logit}`, () => {
        const { s } = stats(toy, name, [logit], 300_000, 21, 4);
        expect(s.k).toBe(4);
        expect(s.fEvaluations).toBe(4);
        for (const z of zs(s.zScore)) expect(Math.abs(z)).toBeLessThan(Z);
      });
    }
  }
  it('on three latents and on the categorical toy (rloo, vimco; arms on Bernoulli only)', () => {
    const three = toyProblem({ problem: 'toy', target: 0.45, latents: 3 });
    const cat = toyProblem({ problem: 'toy-categorical', target: 0.499, weights: [0.1, 0.6, 0.9] });
    for (const [problem, logits, names] of [
      [three, [-2, 0.3, 1.3], ['rloo', 'vimco', 'arms']],
      [cat, [0.5, -0.3, 0.1], ['rloo', 'vimco']],
    ] as const) {
      for (const name of names) {
        const { s } = stats(problem, name, [...logits], 100_000, 5, 3);
        for (const z of zs(s.zScore)) expect(Math.abs(z), `${name} ${problem.name}`).toBeLessThan(Z);
      }
    }
  });
  it('the check has power: RLOO scored against the K-sample bound is detected, VIMCO against E f too', () => {
    // At logit 2 with a large target, E log mean exp f and E f have clearly different gradients.
    const toyFar = toyProblem({ problem: 'toy', target: 2 });
    const exactL = multiSampleExact(toyFar, [1], 4).gradient[0];
    const exactF = toyFar.exactGradient([1])[0];
    expect(Math.abs(exactL - exactF)).toBeGreaterThan(0.05);
    const { s: v } = stats(toyFar, 'vimco', [1], 100_000, 9, 4);
    expect(Math.abs(((v.mean as number) - exactF) / (v.standardError as number))).toBeGreaterThan(10);
    expect(Math.abs(v.zScore as number)).toBeLessThan(Z);
  });
});

describe('the exact K-sample objective', () => {
  it('at K = 1 is E f, and its gradient matches finite differences', () => {
    const toy = toyProblem({ problem: 'toy', target: 0.3, latents: 2 });
    const logits = [0.4, -1.1];
    // f is the black box in float32; the enumeration is float64.
    expect(multiSampleExact(toy, logits, 1).loss).toBeCloseTo(toy.exactLoss(logits), 6);
    const h = 1e-5;
    const g = multiSampleExact(toy, logits, 3).gradient;
    for (let d = 0; d < 2; d++) {
      const up = logits.map((l, i) => (i === d ? l + h : l));
      const down = logits.map((l, i) => (i === d ? l - h : l));
      const fd = (multiSampleExact(toy, up, 3).loss - multiSampleExact(toy, down, 3).loss) / (2 * h);
      expect(g[d]).toBeCloseTo(fd, 6);
    }
  });
  it("VIMCO's signal: L − L_{−k} with f_k replaced by the others' mean", () => {
    const f = [0.3, -1.2, 2.0];
    const L = Math.log(f.reduce((s, x) => s + Math.exp(x), 0) / 3);
    const expected = f.map((_, k) => {
      const others = f.filter((_, j) => j !== k);
      const m = others.reduce((a, b) => a + b, 0) / 2;
      return L - Math.log((others.reduce((s, x) => s + Math.exp(x), 0) + Math.exp(m)) / 3);
    });
    const got = Array.from(vimcoSignal(tf.tensor1d(f), 3).dataSync());
    got.forEach((g, i) => expect(g).toBeCloseTo(expected[i], 5));
  });
});

describe('ARMS', () => {
  it('at K = 2 gives DisARM’s estimate exactly: the copula is (u, 1 − u)', () => {
    const toy = toyProblem({ problem: 'toy', target: 0.45, latents: 3 });
    const rng = new Rng('arms-k2');
    const n = 500;
    const logits = [-1.5, 0.2, 2.5];
    const [a, d] = tf.tidy(() => {
      const theta = tf.tile(tf.tensor2d(logits, [1, 3]), [2 * n, 1]);
      const u = armsNoise(theta, tf.tensor2d(rng.uniforms(2 * n * 3), [2 * n, 3]), 2);
      const fb = toy.f(bernoulli.hard(bernoulli.sample(theta, u)));
      const viaArms = groupMean(arms({ dist: bernoulli, theta, u, fb, k: 2 }).gradient, 2);
      // The pair's second uniform is 1 − the first: DisARM from the first sample alone.
      const first = tf.gather(u, tf.range(0, 2 * n, 2, 'int32'));
      const second = tf.gather(u, tf.range(1, 2 * n, 2, 'int32'));
      expect(tf.max(tf.abs(tf.sub(tf.add(first, second), 1))).dataSync()[0]).toBeLessThan(1e-5);
      const th1 = tf.gather(theta, tf.range(0, 2 * n, 2, 'int32'));
      const fb1 = toy.f(bernoulli.hard(bernoulli.sample(th1, first)));
      const viaDisarm = disarm({ dist: bernoulli, theta: th1, u: first, fb: fb1, f: toy.f }).gradient;
      return [viaArms.arraySync() as number[][], viaDisarm.arraySync() as number[][]];
    });
    let worst = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < 3; j++) worst = Math.max(worst, Math.abs(a[i][j] - d[i][j]));
    expect(worst).toBeLessThan(1e-6);
    expect(Math.max(...a.flat().map(Math.abs))).toBeGreaterThan(1e-3);
  });
  it('its copula uniforms are uniform and negatively dependent within a group', () => {
    const rng = new Rng('copula');
    const n = 20_000;
    const k = 4;
    const u = tf.tidy(() => armsNoise(tf.zeros([n * k, 1]), tf.tensor2d(rng.uniforms(n * k), [n * k, 1]), k).dataSync());
    let mean = 0;
    let below = 0;
    let bothBelow = 0;
    for (let i = 0; i < n * k; i++) {
      mean += u[i] / (n * k);
      if (u[i] < 0.25) below++;
    }
    for (let g = 0; g < n; g++) if (u[g * k] < 0.25 && u[g * k + 1] < 0.25) bothBelow++;
    expect(Math.abs(mean - 0.5)).toBeLessThan(4 * Math.sqrt(1 / 12 / (n * k)));
    expect(Math.abs(below / (n * k) - 0.25)).toBeLessThan(4 * Math.sqrt(0.25 * 0.75 / (n * k)));
    // Independent uniforms: P = 1/16; the copula's C(1/4) = (2·4^{−1/3} − 1)³ ≈ 0.0058.
    expect(bothBelow / n).toBeLessThan(0.02);
  });
  it('has lower variance than RLOO at the same K', () => {
    const toy = toyProblem({ problem: 'toy', target: 0.499 });
    const r = stats(toy, 'rloo', [-2], 100_000, 4, 4).s.variance as number;
    const a = stats(toy, 'arms', [-2], 100_000, 4, 4).s.variance as number;
    expect(a).toBeLessThan(0.9 * r);
  });
});

describe('RLOO variance per evaluation of f', () => {
  // One estimate of RLOO at K = 4 costs 4 evaluations; the comparison is
  // variance × evaluations (the variance of an average of estimates using the same number of evaluations).
  const toy = toyProblem({ problem: 'toy', target: 0.499 });
  it('is far below REINFORCE without a baseline, and within K/(K − 1) of REINFORCE with a converged moving average', () => {
    for (const logit of [-2, 2]) {
      const r = stats(toy, 'rloo', [logit], 200_000, 8, 4).s;
      const plain = stats(toy, 'reinforce', [logit], 200_000, 8).s;
      const { est, s: _ } = stats(toy, 'reinforce-baseline', [logit], 2, 8);
      est.baseline!.restore(toy.exactLoss([logit])); // a moving average at fixed θ converges to E f
      const withMa = estimateStatistics(toy, est, [logit], 200_000, 8);
      const perEval = (s: typeof r) => s.variancePerEvaluation as number;
      expect(perEval(r)).toBeLessThan(perEval(plain) / 100);
      // Its leave-one-out baseline is noisy where the moving average's is exact: per evaluation it pays up to K/(K − 1).
      expect(perEval(r) / perEval(withMa)).toBeGreaterThan(0.9);
      expect(perEval(r) / perEval(withMa)).toBeLessThan((4 / 3) * 1.05);
    }
  });
  it('rows of a group average to the estimate: the input contract of types.ts', () => {
    const out = tf.tidy(() => {
      const theta = tf.zeros([4, 1]);
      const b = tf.tensor2d([[1], [0], [1], [1]]);
      return rloo({ dist: bernoulli, theta, u: tf.fill([4, 1], 0.5), b, fb: tf.tensor1d([1, 2, 3, 6]), k: 4 }).gradient.dataSync();
    });
    // f_k − mean of the others: 1 − 11/3, 2 − 10/3, 3 − 3, 6 − 2; times b − ½.
    const expected = [(1 - 11 / 3) * 0.5, (2 - 10 / 3) * -0.5, 0, 4 * 0.5];
    expected.forEach((e, i) => expect(out[i]).toBeCloseTo(e, 5));
  });
  it('refuses a missing or ill-fitting K with one line', () => {
    const theta = tf.zeros([3, 1]);
    const input = { dist: bernoulli, theta, u: tf.fill([3, 1], 0.5), fb: tf.zeros([3]) };
    expect(() => rloo(input)).toThrow(/^RLOO needs K ≥ 2 samples per input/);
    expect(() => rloo({ ...input, k: 2 })).toThrow(/^RLOO: θ has 3 rows, not a multiple of K = 2/);
  });
});

describe('double-cv', () => {
  const setAlpha = (est: ReturnType<typeof toyEstimator>, a: number) => est.cv!.variables[0].assign(tf.scalar(a));
  it('is unbiased for any scale α (K = 4), and is RLOO at α = 0', () => {
    const three = toyProblem({ problem: 'toy', target: 0.45, latents: 3 });
    for (const alpha of [-1, 0.6]) {
      const est = toyEstimator('double-cv', three, { eta: 1, temperature: 0.5, hidden: 10, k: 4 }, new Rng('dcv:init'));
      setAlpha(est, alpha);
      const s = estimateStatistics(three, est, [-1, 0.3, 1.5], 100_000, 12);
      for (const z of zs(s.zScore)) expect(Math.abs(z), `α = ${alpha}`).toBeLessThan(Z);
    }
    const est = toyEstimator('double-cv', three, { eta: 1, temperature: 0.5, hidden: 10, k: 4 }, new Rng('dcv:init'));
    const viaRloo = stats(three, 'rloo', [-1, 0.3, 1.5], 20_000, 13, 4).s.mean;
    expect(estimateStatistics(three, est, [-1, 0.3, 1.5], 20_000, 13).mean).toEqual(viaRloo);
  });
  it('the check has power: without its correction −α g_{−k} p(1 − p) it is biased', () => {
    const three = toyProblem({ problem: 'toy', target: 0.45, latents: 3 });
    const est = toyEstimator('double-cv', three, { eta: 1, temperature: 0.5, hidden: 10, k: 4 }, new Rng('dcv:init'));
    setAlpha(est, -1);
    const inner = est.estimator;
    // At α = −1 the correction is +ḡ p(1 − p): subtracting g p(1 − p) (same mean) cancels it.
    const broken = { ...est, estimator: (i: Parameters<typeof inner>[0]) => ({ gradient: tf.tidy(() => {
      const g = tf.grad((x: tf.Tensor) => tf.sum(i.relaxedF!(x)))(bernoulli.hard(bernoulli.sample(i.theta, i.u)));
      const p = tf.sigmoid(i.theta);
      return tf.sub(inner(i).gradient, tf.mul(g, tf.mul(p, tf.sub(1, p))));
    }) }) };
    const s = estimateStatistics(three, broken, [-1, 0.3, 1.5], 100_000, 12);
    expect(Math.max(...zs(s.zScore).map(Math.abs))).toBeGreaterThan(8);
  });
  it('learns its scale by ∂α Σ ĝ²: from α = −1 toward 0, where the toy’s ∂f/∂b (±1) misleads', () => {
    const three = toyProblem({ problem: 'toy', target: 0.45, latents: 3 });
    const est = toyEstimator('double-cv', three, { eta: 1, temperature: 0.5, hidden: 10, k: 4 }, new Rng('dcv:init'));
    setAlpha(est, -1);
    const opt = tf.train.adam(0.05);
    const rng = new Rng('dcv:train');
    for (let i = 0; i < 60; i++) {
      tf.tidy(() => {
        const theta = tf.tile(tf.tensor2d([[-1, 0.3, 1.5]]), [400, 1]);
        const u = tf.tensor2d(rng.uniforms(1200), [400, 3]);
        const { grads } = tf.variableGrads(() => tf.sum(tf.square(est.estimator(est.input(three, theta, u, u)).gradient)) as tf.Scalar, est.cv!.variables);
        opt.applyGradients(grads);
      });
    }
    expect(Math.abs(est.cv!.variables[0].dataSync()[0])).toBeLessThan(0.5);
  });
});
