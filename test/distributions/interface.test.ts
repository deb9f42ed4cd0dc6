// The common distribution interface: bernoulli, categorical and diagNormal
// all implement Distribution (kind, noise, sample, hard, logProb, score,
// entropy, kl); the Gaussian's sample is b = μ + σε with hard the identity,
// its score is ∂θ log p, its entropy −E log p; one uniform clamp for all.
import { describe, it, expect } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { tf } from '../../src/tf/index.js';
import { Rng } from '../../src/random/index.js';
import {
  bernoulli,
  categorical,
  diagNormal,
  isRelaxed,
  clampUniform,
  UNIFORM_EPS,
  type Distribution,
} from '../../src/distributions/index.js';
import { meanOf, varianceOf } from '../helpers.js';

const Z = 4.5;

describe('the Distribution interface', () => {
  const all: Distribution[] = [bernoulli, categorical, diagNormal];

  it('flags discrete-relaxed and continuous-reparameterised distributions and their noise', () => {
    expect(all.map((d) => [d.name, d.kind, d.noise])).toEqual([
      ['bernoulli', 'discrete', 'uniform'],
      ['categorical', 'discrete', 'uniform'],
      ['normal', 'continuous', 'normal'],
    ]);
    expect(all.map(isRelaxed)).toEqual([true, true, false]);
  });

  it('every distribution: score is ∂θ log p(b|θ) at its own samples', () => {
    const rng = new Rng('iface:score');
    for (const d of all) {
      const theta = tf.tensor2d([[0.3, -0.7, 0.2, -0.1], [1.1, 0.4, -0.5, 0.3]]);
      const shape = d.noiseShape(theta.shape);
      const count = shape.reduce((a, b) => a * b, 1);
      const noise = tf.tensor(d.noise === 'uniform' ? rng.uniforms(count) : rng.normals(count), shape);
      const b = d.hard(d.sample(theta, noise));
      const auto = tf.grad((th: tf.Tensor) => tf.sum(d.logProb(th, b)))(theta).dataSync();
      const closed = d.score(theta, b).dataSync();
      closed.forEach((x, i) => expect(x, d.name).toBeCloseTo(auto[i], 4));
      tf.dispose([theta, noise, b]);
    }
  });
});

describe('diagNormal', () => {
  const mu = [0.3, -1.2];
  const logStd = [Math.log(0.5), Math.log(2)];
  const N = 200_000;

  it('noise is standard normal of θ’s shape with the last axis halved; hard is the identity', () => {
    expect(diagNormal.noiseShape([7, 6])).toEqual([7, 3]);
    const b = tf.tensor2d([[0.1, -2], [3, 4]]);
    expect(diagNormal.hard(b)).toBe(b);
    b.dispose();
  });

  it('b = μ + σε has mean μ and standard deviation σ (within Monte Carlo error)', () => {
    const rng = new Rng('iface:normal');
    const cols = tf.tidy(() => {
      const theta = tf.tile(diagNormal.pack(tf.tensor2d([mu]), tf.tensor1d(logStd)), [N, 1]);
      const b = diagNormal.hard(diagNormal.sample(theta, tf.tensor2d(rng.normals(N * 2), [N, 2])));
      return (b.transpose().arraySync() as number[][]).map((c) => Float64Array.from(c));
    });
    cols.forEach((c, j) => {
      const sigma = Math.exp(logStd[j]);
      expect(Math.abs(meanOf(c) - mu[j]) / (sigma / Math.sqrt(N))).toBeLessThan(Z);
      // Var of the sample variance of a normal: 2σ⁴/(n − 1).
      expect(Math.abs(varianceOf(c) - sigma ** 2) / Math.sqrt((2 * sigma ** 4) / (N - 1))).toBeLessThan(Z);
    });
  });

  it('logProb is the normal density, entropy is −E log p', () => {
    const theta = tf.tensor2d([[...mu, ...logStd]]);
    const x = [0.7, 0.5];
    const want = x.reduce((a, xi, j) => {
      const s = Math.exp(logStd[j]);
      return a - 0.5 * ((xi - mu[j]) / s) ** 2 - logStd[j] - 0.5 * Math.log(2 * Math.PI);
    }, 0);
    expect(diagNormal.logProb(theta, tf.tensor2d([x])).dataSync()[0]).toBeCloseTo(want, 5);
    const entropy = logStd.reduce((a, l) => a + l + 0.5 * Math.log(2 * Math.PI * Math.E), 0);
    expect(diagNormal.entropy(theta).dataSync()[0]).toBeCloseTo(entropy, 5);
    theta.dispose();
  });
});

describe('the uniform clamp', () => {
  it('clampUniform clamps to [UNIFORM_EPS, 1 − UNIFORM_EPS] like the tensor samplers', () => {
    expect(UNIFORM_EPS).toBe(1e-6);
    expect(clampUniform(0)).toBe(UNIFORM_EPS);
    expect(clampUniform(-3)).toBe(UNIFORM_EPS);
    expect(clampUniform(1)).toBe(1 - UNIFORM_EPS);
    expect(clampUniform(0.25)).toBe(0.25);
    // The same z as the tensor sampler at the clamp (u = 0 and u = 1), up to
    // float32 rounding of 1 − UNIFORM_EPS (log(1 − u) there is ~1% off).
    const z = bernoulli.sample(tf.tensor1d([0, 0]), tf.tensor1d([0, 1])).dataSync();
    const logit = (u: number) => Math.log(u) - Math.log(1 - u);
    expect(z[0]).toBeCloseTo(logit(clampUniform(0)), 2);
    expect(Math.abs(z[1] - logit(clampUniform(1)))).toBeLessThan(0.02);
  });

  it('UNIFORM_EPS is the only clamp constant in src/distributions', () => {
    const dir = join(__dirname, '../../src/distributions');
    for (const file of readdirSync(dir)) {
      const text = readFileSync(join(dir, file), 'utf8');
      const defines = text.match(/UNIFORM_EPS\s*=/g)?.length ?? 0;
      expect(defines, file).toBe(file === 'types.ts' ? 1 : 0);
      if (file !== 'types.ts') expect(text, file).not.toMatch(/1e-6|clipByValue/);
    }
  });
});
