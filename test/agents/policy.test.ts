// The typed-array sampler and the tensor distributions agree on the action a
// noise gives, also at uniforms 0 and 1 where the clamp (UNIFORM_EPS) decides
// it: RELAX re-scores the noise an agent acted with, so a different clamp
// would make the b it scores differ from the b taken. Entropy and KL per
// observation come from the policy's Distribution object.
import { describe, it, expect } from 'vitest';
import { tf } from '../../src/tf/index.js';
import { Rng } from '../../src/random/index.js';
import { UNIFORM_EPS, bernoulli, categorical, diagNormal } from '../../src/distributions/index.js';
import { Box, Discrete, MultiBinary, type Space } from '../../envs/index.js';
import { Policy } from '../../agents/index.js';
import { DEFAULTS } from '../../agents/config.js';

/** A policy whose θ is `theta` for every observation (zero weights, the bias set). */
function constantPolicy(space: Space<unknown>, theta: number[]): Policy {
  const p = new Policy(2, space, { ...DEFAULTS, hidden: [] }, new Rng('policy-test'));
  p.net.weights[0].assign(tf.zerosLike(p.net.weights[0]));
  p.net.biases[0].assign(tf.tensor1d(theta));
  p.refresh();
  return p;
}

/** An Rng stand-in whose uniforms are given. */
const fixedUniforms = (values: number[]) => ({ uniforms: (n: number) => Float64Array.from(values.slice(0, n)) }) as unknown as Rng;

describe('the typed-array sampler', () => {
  it('clamps uniforms with UNIFORM_EPS like the tensor samplers (Bernoulli at u = 0 and 1)', () => {
    // θ = ±14.5: with u clamped to 1e-6 the logistic noise is ∓13.8 and keeps sign(θ); a 1e-7 clamp (∓16.1) would flip both.
    expect(UNIFORM_EPS).toBe(1e-6);
    const theta = [14.5, -14.5];
    const policy = constantPolicy(new MultiBinary(2), theta);
    const u = [0, 1];
    const { action } = policy.sample([0, 0], fixedUniforms(u));
    const viaTensors = tf.tidy(() => Array.from(bernoulli.hard(bernoulli.sample(tf.tensor2d([theta]), tf.tensor2d([u]))).dataSync()));
    expect(Array.from(action as Int8Array)).toEqual(viaTensors);
    expect(viaTensors).toEqual([1, 0]);
    policy.net.variables.forEach((v) => v.dispose());
  });

  it('clamps uniforms with UNIFORM_EPS like the tensor samplers (categorical Gumbel-max at u = 0 and 1)', () => {
    // z = θ − log(−log u): 17.5 − 2.63 vs 0 + 13.8 picks class 0; with a 1e-7 clamp (−2.78 vs 16.1) class 1.
    const theta = [17.5, 0];
    const policy = constantPolicy(new Discrete(2), theta);
    const u = [0, 1];
    const { action, b } = policy.sample([0, 0], fixedUniforms(u));
    const viaTensors = tf.tidy(() => Array.from(categorical.hard(categorical.sample(tf.tensor2d([theta]), tf.tensor2d([u]))).dataSync()));
    expect(Array.from(b)).toEqual(viaTensors);
    expect(action).toBe(0);
    policy.net.variables.forEach((v) => v.dispose());
  });

  it('entropy and KL per observation through the distribution (Bernoulli summed over entries)', () => {
    const cases: [Space<unknown>, typeof bernoulli | typeof categorical | typeof diagNormal, number][] = [
      [new MultiBinary(3), bernoulli, 3],
      [new Discrete(3), categorical, 3],
      [new Box(-1, 1, [3]), diagNormal, 6],
    ];
    for (const [space, dist, width] of cases) {
      const policy = new Policy(2, space, { ...DEFAULTS, hidden: [] }, new Rng('kl-test'));
      expect(policy.distribution).toBe(dist);
      tf.tidy(() => {
        const p = tf.randomNormal([4, width], 0, 1, 'float32', 1);
        const q = tf.randomNormal([4, width], 0, 1, 'float32', 2);
        const sum = (t: tf.Tensor) => (dist === bernoulli ? tf.sum(t, -1) : t);
        expect(policy.entropy(p as tf.Tensor2D).shape).toEqual([4]);
        expect(Array.from(policy.entropy(p as tf.Tensor2D).dataSync())).toEqual(Array.from(sum(dist.entropy(p)).dataSync()));
        expect(Array.from(policy.klFrom(p as tf.Tensor2D, q as tf.Tensor2D).dataSync())).toEqual(Array.from(sum(dist.kl(p, q)).dataSync()));
      });
      policy.variables.forEach((v) => v.dispose());
    }
  });
});
