// Every catalog estimator that applies to a Gaussian (diagNormal) runs through
// the common signature and is unbiased: its mean over fixed-seed draws is
// within 4 standard errors of the exact ∂θ E f, f(b) = −Σ (b − t)², with and
// without a context, with control variates far from trivial. The estimators
// that need the relaxation refuse a Gaussian with a UserError.
import { describe, it, expect } from 'vitest';
import { tf } from '../../src/tf/index.js';
import { Rng } from '../../src/random/index.js';
import { diagNormal } from '../../src/distributions/index.js';
import { ESTIMATORS, applicableEstimators, reinforce, lax } from '../../src/estimators/index.js';
import { UserError } from '../../src/errors.js';
import { D, EXACT, THETA_ROW, GAUSSIAN_CAPABILITIES, gaussianEstimator, f } from './gaussian.js';

const Z = 4;
const N = 100_000;
const CHUNK = 25_000;
const CONTEXT = 3;

/** Per component of θ: mean of ĝ over N draws and its standard error. */
function statistics(name: string, withContext: boolean, seed: string) {
  const est = gaussianEstimator(name, withContext ? CONTEXT : 0, `${seed}:init`);
  const rng = new Rng(`${seed}:noise`);
  const k = THETA_ROW.length;
  const s = new Float64Array(k);
  const s2 = new Float64Array(k);
  for (let done = 0; done < N; done += CHUNK) {
    const g = tf.tidy(() => {
      const theta = tf.tile(tf.tensor2d([THETA_ROW]), [CHUNK, 1]);
      const eps = tf.tensor2d(rng.normals(CHUNK * D), [CHUNK, D]);
      const context = withContext ? tf.tensor2d(rng.normals(CHUNK * CONTEXT), [CHUNK, CONTEXT]) : undefined;
      return est.setup.estimator(est.input(theta, eps, context)).gradient.dataSync();
    });
    for (let i = 0; i < CHUNK; i++) {
      for (let j = 0; j < k; j++) {
        const x = g[i * k + j];
        s[j] += x;
        s2[j] += x * x;
      }
    }
  }
  est.dispose();
  return EXACT.map((exact, j) => {
    const mean = s[j] / N;
    const variance = (s2[j] - N * mean * mean) / (N - 1);
    return { mean, exact, se: Math.sqrt(variance / N), z: (mean - exact) / Math.sqrt(variance / N) };
  });
}

describe('Gaussian: unbiased through the common signature (mean within 4 SE of the exact gradient)', () => {
  const names = applicableEstimators(GAUSSIAN_CAPABILITIES);
  it('the applicable estimators are reinforce, reinforce-baseline, nvil and lax', () => {
    expect(names).toEqual(['reinforce', 'reinforce-baseline', 'nvil', 'lax']);
  });
  for (const name of names) {
    for (const withContext of [false, true]) {
      it(`${name}${withContext ? ', with a context' : ''}`, () => {
        const stats = statistics(name, withContext, `gauss:${name}:${withContext}`);
        for (const s of stats) expect(Math.abs(s.z), JSON.stringify(s)).toBeLessThan(Z);
      });
    }
  }
});

describe('Gaussian REINFORCE and LAX, draw by draw', () => {
  it('REINFORCE is f(b)·∂θ log p(b|θ) with b = μ + σε', () => {
    const eps = [0.4, -1.1];
    const got = tf.tidy(() => {
      const theta = tf.tensor2d([THETA_ROW]);
      const u = tf.tensor2d([eps]);
      return reinforce({ dist: diagNormal, theta, u, fb: f(diagNormal.sample(theta, u)) }).gradient.dataSync();
    });
    const b = eps.map((e, j) => THETA_ROW[j] + Math.exp(THETA_ROW[D + j]) * e);
    const fb = -b.reduce((a, x, j) => a + (x - [0.45, 1][j]) ** 2, 0);
    const want = [...eps.map((e, j) => (fb * e) / Math.exp(THETA_ROW[D + j])), ...eps.map((e) => fb * (e * e - 1))];
    want.forEach((w, j) => expect(got[j]).toBeCloseTo(w, 4));
  });

  it('LAX with c = f is the reparameterisation gradient ∂θ f(T(θ, ε))', () => {
    // [f(b) − c(b)] vanishes and ĝ = ∂θ c(T(θ, ε)) = ∂θ f(μ + σε).
    const cv = { name: 'f', variables: [], dependsOnSample: true, apply: (b: tf.Tensor) => f(b) };
    const eps = [0.4, -1.1];
    const got = tf.tidy(() => {
      const theta = tf.tensor2d([THETA_ROW]);
      const u = tf.tensor2d([eps]);
      return lax({ dist: diagNormal, theta, u, fb: f(diagNormal.sample(theta, u)), cv }).gradient.dataSync();
    });
    const b = eps.map((e, j) => THETA_ROW[j] + Math.exp(THETA_ROW[D + j]) * e);
    const dfdb = b.map((x, j) => -2 * (x - [0.45, 1][j]));
    const want = [...dfdb, ...dfdb.map((d, j) => d * Math.exp(THETA_ROW[D + j]) * eps[j])];
    want.forEach((w, j) => expect(got[j]).toBeCloseTo(w, 4));
  });
});

describe('estimators that need the relaxation refuse a Gaussian', () => {
  const refused = Object.keys(ESTIMATORS).filter((n) => !applicableEstimators(GAUSSIAN_CAPABILITIES).includes(n));
  for (const name of refused) {
    it(name, () => {
      tf.tidy(() => {
        const theta = tf.tensor2d([THETA_ROW]);
        const u = tf.tensor2d([[0.1, 0.2]]);
        const cv = { name: 'c', variables: [], dependsOnSample: true, apply: (b: tf.Tensor) => tf.sum(b, -1) };
        const input = { dist: diagNormal, theta, u, v: u, fb: tf.tensor1d([1]), cv, relaxedF: f, f };
        expect(() => ESTIMATORS[name].estimator(input)).toThrow(UserError);
      });
    });
  }
});
