// The relaxed samplers: z̃ ~ p(z | b, θ) drawn with b ~ p(b | θ) must have the
// law of z itself (moments and CDF at many points, within Monte Carlo
// standard errors), z̃ must agree with b, and everything must stay finite in
// float32 at extreme parameters.
import { describe, it, expect } from 'vitest';
import { tf } from '../../src/tf/index.js';
import { bernoulli, categorical } from '../../src/distributions/index.js';
import { Rng } from '../../src/random/index.js';
import { meanOf, varianceOf, seOfMeanDiff, cdfAt, seOfCdfDiff } from '../helpers.js';

const N = 200_000;
const Z = 4.5; // |z| bound for every Monte Carlo comparison (fixed seeds)

function draw(shape: [number, number], seed: string) {
  const rng = new Rng(seed);
  const n = shape[0] * shape[1];
  return { u: tf.tensor2d(rng.uniforms(n), shape), v: tf.tensor2d(rng.uniforms(n), shape) };
}

/** Compare two samples' means, variances and CDFs at the given points. */
function expectSameLaw(a: Float32Array, b: Float32Array, points: number[]) {
  expect(Math.abs(meanOf(a) - meanOf(b)) / seOfMeanDiff(a, b)).toBeLessThan(Z);
  const va = varianceOf(a);
  const vb = varianceOf(b);
  // Var of a sample variance ≈ 2σ⁴/n for light tails; use a generous 3× factor for heavier ones.
  expect(Math.abs(va - vb) / Math.sqrt((3 * 2 * va * va) / a.length + (3 * 2 * vb * vb) / b.length)).toBeLessThan(Z);
  for (const c of points) {
    const pa = cdfAt(a, c);
    const pb = cdfAt(b, c);
    expect(Math.abs(pa - pb) / seOfCdfDiff(pa, a.length, pb, b.length), `CDF at ${c}`).toBeLessThan(Z);
  }
}

const cdfPoints = [-4, -2, -1, -0.5, -0.1, 0.1, 0.5, 1, 2, 4];

describe('Bernoulli relaxation', () => {
  for (const logit of [-2, 0, 0.7, 3]) {
    it(`z̃ given b ~ p(b) has the law of z (logit ${logit})`, () => {
      tf.tidy(() => {
        const theta = tf.fill([N, 1], logit);
        const { u, v } = draw([N, 1], `bern${logit}`);
        const z = bernoulli.sample(theta, u);
        const b = bernoulli.hard(z);
        const zt = bernoulli.conditional(theta, b, v);
        const [zs, bs, zts] = [z.dataSync() as Float32Array, b.dataSync(), zt.dataSync() as Float32Array];
        // z̃ lies on b's side of 0.
        let wrongSide = 0;
        for (let i = 0; i < N; i++) if (zts[i] > 0 !== (bs[i] === 1)) wrongSide++;
        expect(wrongSide).toBe(0);
        // Compare z̃ against an independent draw of z (fresh noise), not the same z.
        const { u: u2 } = draw([N, 1], `bern${logit}-independent`);
        const zIndependent = bernoulli.sample(theta, u2).dataSync() as Float32Array;
        expectSameLaw(zts, zIndependent, cdfPoints.map((c) => c + logit));
        expect(meanOf(bs)).toBeCloseTo(1 / (1 + Math.exp(-logit)), 2);
        void zs;
      });
    });
  }

  it('is finite and on the right side of 0 for extreme logits and uniforms', () => {
    tf.tidy(() => {
      const logits = tf.tensor2d([[-30], [-12], [0], [12], [30], [-12], [12]]);
      const u = tf.tensor2d([[0.5], [0], [1], [0.999999], [1e-9], [1 - 1e-9], [0]]);
      const v = tf.tensor2d([[0], [1], [0.5], [1e-9], [1], [0.3], [1 - 1e-9]]);
      const z = bernoulli.sample(logits, u);
      for (const b of [bernoulli.hard(z), tf.zerosLike(z), tf.onesLike(z)]) {
        const zt = bernoulli.conditional(logits, b, v).dataSync();
        const bs = b.dataSync();
        for (let i = 0; i < zt.length; i++) {
          expect(Number.isFinite(zt[i])).toBe(true);
          expect(zt[i] > 0 || (zt[i] === 0 && bs[i] === 0)).toBe(bs[i] === 1);
        }
      }
      expect(Array.from(z.dataSync()).every(Number.isFinite)).toBe(true);
    });
  });

  it('log-probability, score and entropy match double-precision formulas', () => {
    const logits = [-3, -0.5, 0, 1.2, 8];
    for (const l of logits) {
      const p = 1 / (1 + Math.exp(-l));
      tf.tidy(() => {
        const theta = tf.tensor1d([l, l]);
        const b = tf.tensor1d([0, 1]);
        const lp = bernoulli.logProb(theta, b).dataSync();
        expect(lp[0]).toBeCloseTo(Math.log(1 - p), 5);
        expect(lp[1]).toBeCloseTo(Math.log(p), 5);
        const s = bernoulli.score(theta, b).dataSync();
        expect(s[0]).toBeCloseTo(-p, 6);
        expect(s[1]).toBeCloseTo(1 - p, 6);
        const autodiff = tf.grad((t: tf.Tensor) => tf.sum(bernoulli.logProb(t, b)))(theta).dataSync();
        expect(autodiff[0] + autodiff[1]).toBeCloseTo(1 - 2 * p, 5);
        const h = bernoulli.entropy(theta).dataSync()[0];
        const exactH = -(p * Math.log(p) + (1 - p) * Math.log(1 - p));
        expect(h).toBeCloseTo(exactH, 5);
      });
    }
  });
});

/** The reference RL code's shortcut: z̃_b = log p_b + Gumbel. Kept here only to show the test catches it. */
function biasedShortcut(logits: tf.Tensor, b: tf.Tensor, v: tf.Tensor, g: tf.Tensor): tf.Tensor {
  const exact = categorical.conditional(logits, b, v);
  const logP = tf.logSoftmax(logits);
  const top = tf.sub(logP, tf.log(tf.neg(tf.log(g))));
  return tf.add(tf.mul(b, top), tf.mul(tf.sub(1, b), exact));
}

describe('Categorical relaxation', () => {
  const logitsList = [
    [0.5, -0.3, 0.1],
    [2, -1, 0, 0.5, -3],
  ];
  for (const logits of logitsList) {
    it(`z̃ given b ~ p(b) has the law of z, per class (K = ${logits.length})`, () => {
      tf.tidy(() => {
        const K = logits.length;
        const theta = tf.tile(tf.tensor2d([logits]), [N, 1]);
        const { u, v } = draw([N, K], `cat${K}`);
        const z = categorical.sample(theta, u);
        const b = categorical.hard(z);
        const zt = categorical.conditional(theta, b, v);
        // argmax z̃ = b.
        const agree = tf.sum(tf.mul(b, categorical.hard(zt))).dataSync()[0];
        expect(agree).toBe(N);
        const { u: u2 } = draw([N, K], `cat${K}-independent`);
        const zIndependent = categorical.sample(theta, u2);
        for (let k = 0; k < K; k++) {
          const col = (t: tf.Tensor) => tf.slice(t, [0, k], [N, 1]).dataSync() as Float32Array;
          expectSameLaw(col(zt), col(zIndependent), cdfPoints);
        }
      });
    });
  }

  it("detects the reference code's biased shortcut for z̃_b", () => {
    tf.tidy(() => {
      const logits = [0.5, -0.3, 0.1];
      const K = 3;
      const theta = tf.tile(tf.tensor2d([logits]), [N, 1]);
      const { u, v } = draw([N, K], 'shortcut');
      const g = tf.tensor2d(new Rng('shortcut-g').uniforms(N * K), [N, K]);
      const b = categorical.hard(categorical.sample(theta, u));
      const wrong = biasedShortcut(theta, b, v, g);
      const { u: u2 } = draw([N, K], 'shortcut-independent');
      const z = categorical.sample(theta, u2);
      // The largest coordinate (the winner's value) has a different law under the shortcut.
      const maxOf = (t: tf.Tensor) => tf.max(t, 1).dataSync() as Float32Array;
      const a = maxOf(wrong);
      const c = maxOf(z);
      expect(Math.abs(meanOf(a) - meanOf(c)) / seOfMeanDiff(a, c)).toBeGreaterThan(10);
      // ...while the exact construction passes the same comparison.
      const right = maxOf(categorical.conditional(theta, b, v));
      expect(Math.abs(meanOf(right) - meanOf(c)) / seOfMeanDiff(right, c)).toBeLessThan(Z);
    });
  });

  it('is finite for extreme logits and uniforms', () => {
    tf.tidy(() => {
      const theta = tf.tensor2d([
        [30, -30, 0],
        [-20, 20, 0],
        [0, 0, 0],
      ]);
      const u = tf.tensor2d([
        [0, 1, 0.5],
        [1e-9, 0.5, 1],
        [0.3, 0.3, 0.3],
      ]);
      const z = categorical.sample(theta, u);
      const b = categorical.hard(z);
      for (const bb of [b, tf.oneHot(tf.tensor1d([2, 2, 1], 'int32'), 3).toFloat()]) {
        const zt = categorical.conditional(theta, bb, tf.tensor2d([[1, 0, 0.5], [0, 1e-9, 1], [0.999999, 0.2, 1e-7]]));
        expect(Array.from(zt.dataSync()).every(Number.isFinite)).toBe(true);
        expect(tf.sum(tf.mul(bb, categorical.hard(zt))).dataSync()[0]).toBe(3);
      }
    });
  });

  it('log-probability, score and entropy match double-precision formulas', () => {
    const logits = [0.5, -0.3, 0.1];
    const m = Math.max(...logits);
    const e = logits.map((l) => Math.exp(l - m));
    const s = e.reduce((a, b) => a + b, 0);
    const p = e.map((x) => x / s);
    tf.tidy(() => {
      const theta = tf.tensor2d([logits]);
      for (let k = 0; k < 3; k++) {
        const b = tf.oneHot(tf.tensor1d([k], 'int32'), 3).toFloat();
        expect(categorical.logProb(theta, b).dataSync()[0]).toBeCloseTo(Math.log(p[k]), 5);
        const score = categorical.score(theta, b).dataSync();
        const auto = tf.grad((t: tf.Tensor) => tf.sum(categorical.logProb(t, b)))(theta).dataSync();
        for (let j = 0; j < 3; j++) {
          expect(score[j]).toBeCloseTo((j === k ? 1 : 0) - p[j], 6);
          expect(auto[j]).toBeCloseTo(score[j], 5);
        }
      }
      expect(categorical.entropy(theta).dataSync()[0]).toBeCloseTo(-p.reduce((a, x) => a + x * Math.log(x), 0), 5);
    });
  });
});

describe('reparameterisation gradients', () => {
  it('∂z/∂θ and ∂z̃/∂θ match finite differences (b held fixed)', () => {
    const cases = [
      { dist: bernoulli, theta: [[0.3, -1.2]], u: [[0.2, 0.7]], v: [[0.6, 0.1]] },
      { dist: categorical, theta: [[0.3, -1.2, 0.4]], u: [[0.2, 0.7, 0.5]], v: [[0.6, 0.1, 0.9]] },
    ];
    for (const c of cases) {
      tf.tidy(() => {
        const u = tf.tensor2d(c.u);
        const v = tf.tensor2d(c.v);
        const w = tf.tensor2d([c.theta[0].map((_, i) => 0.5 + i)]);
        const theta0 = tf.tensor2d(c.theta);
        const b = c.dist.hard(c.dist.sample(theta0, u));
        const fz = (t: tf.Tensor) => tf.sum(tf.mul(w, c.dist.sample(t, u)));
        const fzt = (t: tf.Tensor) => tf.sum(tf.mul(w, c.dist.conditional(t, b, v)));
        for (const f of [fz, fzt]) {
          const auto = tf.grad(f)(theta0).dataSync();
          const h = 1e-2;
          c.theta[0].forEach((_, j) => {
            const up = c.theta[0].slice();
            const down = c.theta[0].slice();
            up[j] += h;
            down[j] -= h;
            const fd = (f(tf.tensor2d([up])).dataSync()[0] - f(tf.tensor2d([down])).dataSync()[0]) / (2 * h);
            expect(auto[j]).toBeCloseTo(fd, 2);
          });
        }
      });
    }
  });
});
