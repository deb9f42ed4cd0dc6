// KL(p ‖ q) of every action distribution against double-precision formulas
// written independently (probabilities, not log-odds), and zero at p = q.
import { describe, it, expect } from 'vitest';
import { tf } from '../../src/tf/index.js';
import { bernoulli, categorical, diagNormal } from '../../src/distributions/index.js';

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

describe('KL divergence', () => {
  it('Bernoulli, per element', () => {
    const p = [-3, -0.5, 0, 1.2, 4];
    const q = [0.7, -2, 0, 1.1, -1];
    const got = bernoulli.kl(tf.tensor1d(p), tf.tensor1d(q)).dataSync();
    p.forEach((lp, i) => {
      const [a, b] = [sigmoid(lp), sigmoid(q[i])];
      const want = a * Math.log(a / b) + (1 - a) * Math.log((1 - a) / (1 - b));
      expect(got[i]).toBeCloseTo(want, 5);
    });
  });

  it('categorical, per row', () => {
    const p = [[0.5, -0.3, 0.1], [3, -2, 0]];
    const q = [[0, 0, 0], [-1, 2, 0.5]];
    const got = categorical.kl(tf.tensor2d(p), tf.tensor2d(q)).dataSync();
    const probs = (l: number[]) => l.map((x) => Math.exp(x) / l.reduce((s, y) => s + Math.exp(y), 0));
    p.forEach((row, r) => {
      const [a, b] = [probs(row), probs(q[r])];
      const want = a.reduce((s, ai, i) => s + ai * Math.log(ai / b[i]), 0);
      expect(got[r]).toBeCloseTo(want, 5);
    });
  });

  it('diagonal normal, per row, from θ = [mean, logStd]', () => {
    const p = [[0.3, -1, 0, 0.5]];
    const q = [[-0.2, 0.4, -0.7, 0.1]];
    const got = diagNormal.kl(tf.tensor2d(p), tf.tensor2d(q)).dataSync();
    let want = 0;
    for (let d = 0; d < 2; d++) {
      const [m1, s1, m2, s2] = [p[0][d], Math.exp(p[0][2 + d]), q[0][d], Math.exp(q[0][2 + d])];
      want += Math.log(s2 / s1) + (s1 * s1 + (m1 - m2) ** 2) / (2 * s2 * s2) - 0.5;
    }
    expect(got[0]).toBeCloseTo(want, 5);
  });

  it('is zero when the distributions agree', () => {
    const t = tf.tensor2d([[0.3, -1, 2, 0.5]]);
    for (const kl of [bernoulli.kl(t, t), categorical.kl(t, t), diagNormal.kl(t, t)]) {
      for (const x of kl.dataSync()) expect(Math.abs(x)).toBeLessThan(1e-6);
    }
  });
});
