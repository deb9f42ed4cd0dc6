// Continuous LAX on a Gaussian with a black-box f, through the common
// signature (`lax` with dist: diagNormal, ε as u): unbiased for an arbitrary
// learned surrogate c(b), and its variance falls when c is trained by ∂φ Σĝ².
// The agents' call (with the action b taken and uniforms v as well) gives the
// same ĝ: continuous LAX rebuilds b = T(θ, ε) from the noise.
import { describe, it, expect } from 'vitest';
import { tf } from '../../src/tf/index.js';
import { Rng } from '../../src/random/index.js';
import { lax, varianceLoss } from '../../src/estimators/index.js';
import { diagNormal } from '../../src/distributions/index.js';
import { Mlp, makeOptimizer } from '../../src/nn/index.js';
import type { ControlVariate } from '../../src/controlVariates/index.js';

// f(b) = (b − 1)² per dimension, summed: E f = Σ (μ − 1)² + σ².
const mu = [0.3, -0.5];
const logStd = [Math.log(0.8), Math.log(1.3)];
const exact = [...mu.map((m) => 2 * (m - 1)), ...logStd.map((l) => 2 * Math.exp(2 * l))];

function surrogate(rng: Rng): ControlVariate & { net: Mlp } {
  const net = new Mlp({ sizes: [2, 16, 1], activation: 'tanh' }, rng);
  return {
    name: 'mlp',
    dependsOnSample: true,
    net,
    variables: net.variables,
    apply: (b: tf.Tensor) => net.apply(b).reshape([b.shape[0]]),
  };
}

function draws(cv: ControlVariate, n: number, rng: Rng): Float32Array {
  return tf.tidy(() => {
    const theta = tf.tile(tf.tensor2d([[...mu, ...logStd]]), [n, 1]);
    const eps = tf.tensor2d(rng.normals(n * 2), [n, 2]);
    const b = diagNormal.sample(theta, eps);
    const fb = tf.sum(tf.square(tf.sub(b, 1)), -1);
    return lax({ dist: diagNormal, theta, u: eps, fb, cv }).gradient.dataSync() as Float32Array;
  });
}

function columnStats(g: Float32Array, n: number) {
  return exact.map((_, j) => {
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      s += g[i * 4 + j];
      s2 += g[i * 4 + j] ** 2;
    }
    const m = s / n;
    const v = (s2 - n * m * m) / (n - 1);
    return { mean: m, variance: v, se: Math.sqrt(v / n) };
  });
}

describe('continuous LAX', () => {
  it('is unbiased with an untrained surrogate (each component within 4 SE)', () => {
    const cv = surrogate(new Rng('lax-cv'));
    const n = 200_000;
    const stats = columnStats(draws(cv, n, new Rng('lax-noise')), n);
    stats.forEach((s, j) => expect(Math.abs(s.mean - exact[j]) / s.se).toBeLessThan(4));
  });

  it('training c by ∂φ Σĝ² lowers the total variance', () => {
    const rng = new Rng('lax-train');
    const cv = surrogate(rng);
    const n = 20_000;
    const total = (seed: string) => columnStats(draws(cv, n, new Rng(seed)), n).reduce((a, s) => a + s.variance, 0);
    const before = total('measure');
    const opt = makeOptimizer({ kind: 'adam', learningRate: 0.01 });
    for (let i = 0; i < 400; i++) {
      tf.tidy(() => {
        const theta = tf.tile(tf.tensor2d([[...mu, ...logStd]]), [16, 1]);
        const eps = tf.tensor2d(rng.normals(32), [16, 2]);
        const fb = tf.sum(tf.square(tf.sub(diagNormal.sample(theta, eps), 1)), -1);
        const { grads } = tf.variableGrads(
          () => varianceLoss(lax({ dist: diagNormal, theta, u: eps, fb, cv }).gradient, { kind: 'theta' }),
          cv.variables,
        );
        opt.applyGradients(grads);
      });
    }
    const after = total('measure');
    expect(after).toBeLessThan(0.7 * before);
    opt.dispose();
  });

  it('ignores a b and v passed with the noise (the agents pass both): same ĝ, bit for bit', () => {
    const cv = surrogate(new Rng('lax-alias'));
    const rng = new Rng('lax-alias-noise');
    const [a, b] = tf.tidy(() => {
      const theta = tf.tile(tf.tensor2d([[...mu, ...logStd]]), [8, 1]);
      const eps = tf.tensor2d(rng.normals(16), [8, 2]);
      const fb = tf.sum(tf.square(tf.sub(diagNormal.sample(theta, eps), 1)), -1);
      // A b that is not T(θ, ε) (e.g. a clipped action): must not be what c or the score sees.
      const clipped = tf.clipByValue(diagNormal.sample(theta, eps), -0.5, 0.5);
      const v = tf.tensor2d(rng.uniforms(16), [8, 2]);
      return [
        lax({ dist: diagNormal, theta, u: eps, fb, cv }).gradient.dataSync(),
        lax({ dist: diagNormal, theta, u: eps, v, b: clipped, fb, cv, context: undefined }).gradient.dataSync(),
      ];
    });
    expect(Array.from(b)).toEqual(Array.from(a));
    for (const v of cv.variables) v.dispose();
  });
});
