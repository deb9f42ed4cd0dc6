// Every estimator gives the same ĝ inside an outer gradient tape (where its
// control variate is trained, ∂φ Σ ĝ²) as outside one (where its variance and
// bias are measured). tfjs's inner tf.grad differentiates through tensors the
// outer tape recorded earlier; an estimator that forgets a stop-gradient is
// unbiased in every test and still trains on a different, wrong ĝ. Checked
// for every catalog estimator on every problem it applies to (the catalog's
// checkApplicable decides): the Bernoulli and categorical toys, and a
// Gaussian (diagNormal) with and without a context.
import { describe, it, expect } from 'vitest';
import { tf, makeVariable } from '../../src/tf/index.js';
import { Rng } from '../../src/random/index.js';
import { ESTIMATORS, isApplicable, type Estimator, type EstimatorInput } from '../../src/estimators/index.js';
import type { ControlVariate } from '../../src/controlVariates/index.js';
import { toyProblem, type ToyProblem } from '../../experiments/toy/problem.js';
import { toyEstimator } from '../../experiments/toy/setup.js';
import { D, THETA_ROW, GAUSSIAN_CAPABILITIES, gaussianEstimator } from './gaussian.js';

const problems: [string, ToyProblem, number[]][] = [
  ['Bernoulli, 3 latents', toyProblem({ problem: 'toy', target: 0.45, latents: 3 }), [-1.2, 0.3, 0.9]],
  ['categorical, K = 3', toyProblem({ problem: 'toy-categorical', target: 0.499, weights: [0.1, 0.6, 0.9] }), [0.5, -0.3, 0.1]],
];

let dummies = 0;

/** ĝ outside and inside an outer tape over the control variate's variables (and a dummy, so the tape is never empty). */
function outsideAndInside(estimator: Estimator, input: EstimatorInput, cv: ControlVariate | undefined): [Float32Array, Float32Array] {
  const dummy = makeVariable(() => tf.scalar(1), true, `tape-dummy-${dummies++}`);
  const result = tf.tidy(() => {
    const plain = estimator(input).gradient;
    let taped: tf.Tensor | undefined;
    const variables = [...(cv?.variables.filter((x) => x.trainable) ?? []), dummy];
    const { grads } = tf.variableGrads(() => {
      const g = estimator(input).gradient;
      taped = tf.keep(g.clone());
      return tf.add(tf.sum(tf.square(g)), dummy) as tf.Scalar;
    }, variables);
    tf.dispose(grads);
    return [plain.dataSync() as Float32Array, taped!.dataSync() as Float32Array] as [Float32Array, Float32Array];
  });
  dummy.dispose();
  return result;
}

function expectSame(outside: Float32Array, inside: Float32Array) {
  expect(outside.some((x) => x !== 0)).toBe(true);
  for (let i = 0; i < outside.length; i++) expect(Math.abs(inside[i] - outside[i])).toBeLessThan(1e-5 * (1 + Math.abs(outside[i])));
}

describe('ĝ is the same inside and outside an outer gradient tape', () => {
  for (const [label, problem, logits] of problems) {
    const capabilities = { relaxedF: true, secondF: true, distribution: problem.dist };
    for (const name of Object.keys(ESTIMATORS)) {
      if (!isApplicable(name, capabilities)) continue;
      it(`${name} on ${label}`, () => {
        const est = toyEstimator(name, problem, { eta: 1, temperature: 0.5, hidden: 8 }, new Rng('tape:init'));
        // A non-trivial control variate: the learned scale and η away from their starts.
        for (const v of est.cv?.variables ?? []) {
          if (v.name.endsWith('/scale')) v.assign(tf.scalar(1.5));
          if (v.name.endsWith('/eta')) v.assign(tf.scalar(0.8));
        }
        est.baseline?.update(0.2);
        const rng = new Rng('tape:noise');
        // A multiple of the K-sample estimators' K (4).
        const batch = 12;
        const theta = tf.tensor2d(Array.from({ length: batch }, () => logits).flat(), [batch, logits.length]);
        const shape = problem.dist.noiseShape(theta.shape);
        const count = shape.reduce((a, b) => a * b, 1);
        const u = tf.tensor(rng.uniforms(count), shape);
        const v = tf.tensor(rng.uniforms(count), shape);
        const input = est.input(problem, theta, u, v);
        const [outside, inside] = outsideAndInside(est.estimator, input, est.cv);
        expectSame(outside, inside);
        tf.dispose([theta, u, v, input.fb]);
        for (const x of est.cv?.variables ?? []) x.dispose();
      });
    }
  }

  for (const contextSize of [0, 3]) {
    const label = `Gaussian, ${D} dimensions${contextSize ? ', with a context' : ''}`;
    for (const name of Object.keys(ESTIMATORS)) {
      if (!isApplicable(name, GAUSSIAN_CAPABILITIES)) continue;
      it(`${name} on ${label}`, () => {
        const est = gaussianEstimator(name, contextSize, 'tape:gauss:init');
        const rng = new Rng('tape:gauss:noise');
        const batch = 6;
        const theta = tf.tile(tf.tensor2d([THETA_ROW]), [batch, 1]);
        const eps = tf.tensor2d(rng.normals(batch * D), [batch, D]);
        const context = contextSize ? tf.tensor2d(rng.normals(batch * contextSize), [batch, contextSize]) : undefined;
        const input = est.input(theta, eps, context);
        const [outside, inside] = outsideAndInside(est.setup.estimator, input, est.cv);
        expectSame(outside, inside);
        tf.dispose([theta, eps, input.fb, ...(context ? [context] : [])]);
        est.dispose();
      });
    }
  }
});
