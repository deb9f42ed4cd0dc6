// A user's own one-step problem (the OneStepEnv interface, written with the
// tensors' chained ops) trains with REINFORCE, REBAR and RELAX through the
// public API, and the expected reward, computed exactly by enumerating b,
// rises from where it starts.
import { describe, it, expect } from 'vitest';
import { learn, OneStepLearner } from '../../agents/index.js';
import { tf } from '../../src/tf/index.js';

const w = [0.2, 0.5, 0.3, 0.8];
const f = (s: number[]) => -((s.reduce((a, x, j) => a + x * w[j], 0) - 1) ** 2);
const problem = {
  distribution: 'bernoulli' as const,
  thetaSize: 4,
  contextSize: 0,
  observe: () => undefined,
  reward: (b: tf.Tensor) => b.mul(w).sum(-1).sub(1).square().neg(),
  relaxedReward: (soft: tf.Tensor) => soft.mul(w).sum(-1).sub(1).square().neg(),
  describe: () => 'pick bits whose weights sum to 1',
};

/** E f under independent Bernoulli(σ(θ_j)), by enumerating the 16 values of b. */
function expected(theta: number[]): number {
  const p = theta.map((l) => 1 / (1 + Math.exp(-l)));
  let total = 0;
  for (let m = 0; m < 16; m++) {
    const b = [0, 1, 2, 3].map((j) => (m >> j) & 1);
    total += b.reduce((q, x, j) => q * (x ? p[j] : 1 - p[j]), 1) * f(b);
  }
  return total;
}

describe('a user-defined one-step problem', () => {
  for (const estimator of ['reinforce', 'rebar', 'relax']) {
    it(`${estimator} raises E f from its value at θ = 0`, async () => {
      const learner = new OneStepLearner(problem, { estimator, seed: 1, batch: 8, lr: 0.05 });
      const rows: Record<string, unknown>[] = [];
      await learn(learner, { until: { steps: 300 }, logEvery: 100, varianceEvery: 150, onRow: (r) => rows.push(r) });
      const start = expected([0, 0, 0, 0]);
      const end = expected(learner.thetaValues());
      // The best b ({0.2, 0.8} or {0.2, 0.5, 0.3}) gives 0.
      expect(end, estimator).toBeGreaterThan(start + 0.1);
      expect(rows.filter((r) => typeof r.logVariance === 'number')).toHaveLength(3);
      learner.dispose();
    });
  }
});

describe('OneStepLearner.policyGrads', () => {
  it('for free logits, equals the tape gradient of −Σ tile(θ)·ĝ / B', () => {
    const learner = new OneStepLearner(problem, { estimator: 'reinforce', seed: 2, batch: 5 });
    const B = 5;
    const gradient = tf.tensor2d(Array.from({ length: B * 4 }, (_, i) => Math.sin(3.1 * i + 0.7) * (1 + i)), [B, 4]);
    const logits = learner.logits!;
    const fast = learner.policyGrads(B, gradient)[logits.name];
    const { grads } = tf.variableGrads(() => tf.neg(tf.div(tf.sum(tf.mul(tf.tile(logits, [B, 1]), gradient)), B)) as tf.Scalar, [logits]);
    const a = fast.dataSync();
    const b = grads[logits.name].dataSync();
    expect(fast.shape).toEqual(grads[logits.name].shape);
    // float32: a sum of 5 terms of size ≤ 20 / 5, rounded in a different order.
    for (let j = 0; j < 4; j++) expect(Math.abs(a[j] - b[j])).toBeLessThan(8 * 4 * 2 ** -23);
    tf.dispose([gradient, fast, grads[logits.name]]);
    learner.dispose();
  });
});
