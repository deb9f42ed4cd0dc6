// REBAR and RELAX computed by the library agree, draw by draw, with an
// independent double-precision implementation of the formulas in docs/method.md, "Estimators"
// (derivatives of c taken by finite differences), on a single Bernoulli latent.
import { describe, it, expect } from 'vitest';
import { tf } from '../../src/tf/index.js';
import { bernoulli } from '../../src/distributions/index.js';
import { relax, discreteLax, lax } from '../../src/estimators/index.js';
import { RebarControlVariate } from '../../src/controlVariates/index.js';

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const logit = (u: number) => Math.log(u) - Math.log(1 - u);

/** z̃ from docs/method.md, "Relaxed and conditional samplers": v' = v(1 − p) if b = 0, v·p + (1 − p) if b = 1; z̃ = ℓ + logit(v'). */
function zTilde(l: number, b: number, v: number): number {
  const p = sigmoid(l);
  const vp = b === 1 ? v * p + (1 - p) : v * (1 - p);
  return l + logit(vp);
}

describe('REBAR, draw by draw', () => {
  const t = 0.45;
  const f = (x: number) => (x - t) ** 2;
  for (const [eta, lambda] of [
    [1, 0.5],
    [0.7, 1],
    [0, 0.5],
  ]) {
    it(`η = ${eta}, λ = ${lambda}`, () => {
      const c = (z: number) => eta * f(sigmoid(z / lambda));
      const draws = [
        [0.3, 0.2, 0.9],
        [-1.1, 0.85, 0.05],
        [2, 0.01, 0.5],
        [0.5, 0.55, 0.33],
        [-0.2, 0.49, 0.71],
      ];
      const relaxedF = (x: tf.Tensor) => tf.mean(tf.square(tf.sub(x, t)), -1);
      const cv = new RebarControlVariate(bernoulli, relaxedF, { eta, temperature: lambda });
      const got = tf.tidy(() => {
        const theta = tf.tensor2d(draws.map((d) => [d[0]]));
        const u = tf.tensor2d(draws.map((d) => [d[1]]));
        const v = tf.tensor2d(draws.map((d) => [d[2]]));
        const fb = relaxedF(bernoulli.hard(bernoulli.sample(theta, u)));
        return relax({ dist: bernoulli, theta, u, v, fb, cv }).gradient.dataSync();
      });
      draws.forEach(([l, u, v], i) => {
        const z = (ll: number) => ll + logit(u);
        const b = z(l) > 0 ? 1 : 0;
        const h = 1e-5;
        const dcz = (c(z(l + h)) - c(z(l - h))) / (2 * h);
        const dczt = (c(zTilde(l + h, b, v)) - c(zTilde(l - h, b, v))) / (2 * h);
        const expected = (f(b) - c(zTilde(l, b, v))) * (b - sigmoid(l)) + dcz - dczt;
        expect(got[i]).toBeCloseTo(expected, 4);
      });
      for (const x of cv.variables) x.dispose();
    });
  }
});

describe('discrete LAX (lax on a discrete distribution), draw by draw', () => {
  it('matches f(b)·∂log p(b) − c(z)·∂log p(z) + ∂c(z)', () => {
    const t = 0.45;
    const f = (x: number) => (x - t) ** 2;
    const lambda = 0.5;
    const c = (z: number) => 0.9 * f(sigmoid(z / lambda));
    const relaxedF = (x: tf.Tensor) => tf.mean(tf.square(tf.sub(x, t)), -1);
    const cv = new RebarControlVariate(bernoulli, relaxedF, { eta: 0.9, temperature: lambda });
    const draws = [
      [0.3, 0.2],
      [-1.1, 0.85],
      [2, 0.01],
    ];
    const got = tf.tidy(() => {
      const theta = tf.tensor2d(draws.map((d) => [d[0]]));
      const u = tf.tensor2d(draws.map((d) => [d[1]]));
      const fb = relaxedF(bernoulli.hard(bernoulli.sample(theta, u)));
      const viaLax = lax({ dist: bernoulli, theta, u, fb, cv }).gradient.dataSync();
      const direct = discreteLax({ dist: bernoulli, theta, u, fb, cv }).gradient.dataSync();
      // `lax` on a discrete distribution is discrete LAX.
      expect(Array.from(viaLax)).toEqual(Array.from(direct));
      return viaLax;
    });
    draws.forEach(([l, u], i) => {
      const z = l + logit(u);
      const b = z > 0 ? 1 : 0;
      // logistic density of z around ℓ: ∂ℓ log p(z|ℓ) = 2σ(z − ℓ) − 1.
      const scoreZ = 2 * sigmoid(z - l) - 1;
      const h = 1e-5;
      const dcz = (c(l + h + logit(u)) - c(l - h + logit(u))) / (2 * h);
      const expected = f(b) * (b - sigmoid(l)) - c(z) * scoreZ + dcz;
      expect(got[i]).toBeCloseTo(expected, 4);
    });
    for (const x of cv.variables) x.dispose();
  });
});
