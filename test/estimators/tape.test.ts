// Every estimator gives the same ĝ inside an outer gradient tape (where its
// control variate is trained, ∂φ Σ ĝ²) as outside one (where its variance and
// bias are measured). tfjs's inner tf.grad differentiates through tensors the
// outer tape recorded earlier; an estimator that forgets a stop-gradient is
// unbiased in every test and still trains on a different, wrong ĝ.
import { describe, it, expect } from 'vitest';
import { tf, makeVariable } from '../../src/tf/index.js';
import { Rng } from '../../src/random/index.js';
import { ESTIMATORS } from '../../src/estimators/index.js';
import { toyProblem, type ToyProblem } from '../../experiments/toy/problem.js';
import { toyEstimator } from '../../experiments/toy/setup.js';

const problems: [string, ToyProblem, number[]][] = [
  ['Bernoulli, 3 latents', toyProblem({ problem: 'toy', target: 0.45, latents: 3 }), [-1.2, 0.3, 0.9]],
  ['categorical, K = 3', toyProblem({ problem: 'toy-categorical', target: 0.499, weights: [0.1, 0.6, 0.9] }), [0.5, -0.3, 0.1]],
];
/** Estimators defined for Bernoulli latents only. */
const bernoulliOnly = new Set(['arm', 'disarm']);

describe('ĝ is the same inside and outside an outer gradient tape', () => {
  for (const [label, problem, logits] of problems) {
    for (const name of Object.keys(ESTIMATORS)) {
      if (problem.dist.name !== 'bernoulli' && bernoulliOnly.has(name)) continue;
      it(`${name} on ${label}`, () => {
        const est = toyEstimator(name, problem, { eta: 1, temperature: 0.5, hidden: 8 }, new Rng('tape:init'));
        // A non-trivial control variate: the learned scale and η away from their starts.
        for (const v of est.cv?.variables ?? []) {
          if (v.name.endsWith('/scale')) v.assign(tf.scalar(1.5));
          if (v.name.endsWith('/eta')) v.assign(tf.scalar(0.8));
        }
        est.baseline?.update(0.2);
        const dummy = makeVariable(() => tf.scalar(1), true, `tape-dummy-${name}-${problem.name}`);
        const rng = new Rng('tape:noise');
        const batch = 6;
        const [outside, inside] = tf.tidy(() => {
          const theta = tf.tensor2d(Array.from({ length: batch }, () => logits).flat(), [batch, logits.length]);
          const shape = problem.dist.noiseShape(theta.shape);
          const count = shape.reduce((a, b) => a * b, 1);
          const u = tf.tensor(rng.uniforms(count), shape);
          const v = tf.tensor(rng.uniforms(count), shape);
          const input = est.input(problem, theta, u, v);
          const plain = est.estimator(input).gradient;
          let taped: tf.Tensor | undefined;
          const variables = [...(est.cv?.variables.filter((x) => x.trainable) ?? []), dummy];
          const { grads } = tf.variableGrads(() => {
            const g = est.estimator(input).gradient;
            taped = tf.keep(g.clone());
            return tf.add(tf.sum(tf.square(g)), dummy) as tf.Scalar;
          }, variables);
          tf.dispose(grads);
          return [plain.dataSync(), taped!.dataSync()];
        });
        expect(outside.some((x) => x !== 0)).toBe(true);
        for (let i = 0; i < outside.length; i++) expect(Math.abs(inside[i] - outside[i])).toBeLessThan(1e-5 * (1 + Math.abs(outside[i])));
        dummy.dispose();
        for (const v of est.cv?.variables ?? []) v.dispose();
      });
    }
  }
});
