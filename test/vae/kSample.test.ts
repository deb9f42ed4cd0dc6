// The K-sample estimators on a tiny VAE (4 latents): every image K times in
// the batch, the encoder gradient unbiased against the exact gradient by
// enumeration (fixed seeds), ARMS refused where its copula cannot apply.
import { describe, it, expect } from 'vitest';
import { tf } from '../../src/tf/index.js';
import { Rng } from '../../src/random/index.js';
import { BinaryMnist, PIXELS } from '../../envs/vae/mnist.js';
import { VaeTrainer, type VaeTrainConfig } from '../../experiments/vae/train.js';
import { fEvaluationsPerImage } from '../../experiments/vae/estimators.js';
import { repeatEach } from '../../experiments/vae/step.js';
import { VAE_DEFAULTS } from '../../experiments/vae/run.js';
import type { VaeModelName } from '../../envs/vae/binaryVae.js';
import { UserError } from '../../src/errors.js';
import { rloo } from '../../src/estimators/index.js';
import { fakeMnist } from './fixtures.js';

const L = 4;

const allBinary = (n: number) => Array.from({ length: 2 ** n }, (_, i) => Array.from({ length: n }, (_, j) => (i >> j) & 1));

/** ∂ψ E_q[f(b)] for one image, every configuration of every layer enumerated. */
function exactEncoderGradient(trainer: VaeTrainer, x: Float32Array): Float64Array {
  const model = trainer.model;
  const rows = allBinary(L * model.layers);
  const grads = tf.tidy(() => {
    const xs = tf.tile(tf.tensor2d(x, [1, PIXELS]), [rows.length, 1]);
    const b = Array.from({ length: model.layers }, (_, l) => tf.tensor2d(rows.map((r) => r.slice(l * L, (l + 1) * L))));
    const { grads } = tf.variableGrads(() => {
      const logits = b.map((_, l) => model.encoderLogits(l, l === 0 ? xs : b[l - 1]));
      const logQ = model.logQ(b, logits);
      return tf.sum(tf.mul(tf.exp(logQ), tf.sub(model.logJoint(xs, b), logQ))) as tf.Scalar;
    }, model.encoderVariables);
    return model.encoderVariables.map((v) => grads[v.name].dataSync());
  });
  const out = new Float64Array(grads.reduce((s, g) => s + g.length, 0));
  let o = 0;
  for (const g of grads) {
    out.set(g, o);
    o += g.length;
  }
  return out;
}

const config = (model: VaeModelName, k: number): VaeTrainConfig => ({ ...VAE_DEFAULTS, model, latents: L, batch: 4, lr: 0.01, cvLrScale: 1, residualHidden: [16], k });

/** z-scores against the exact gradient: every bias and the 12 largest exact components. */
function zScores(trainer: VaeTrainer, x: Float32Array, draws: number, seed: string) {
  const exact = exactEncoderGradient(trainer, x);
  const { mean, variance } = trainer.encoderGradientStats(x, draws, new Rng(seed));
  const picked = new Set<number>();
  let o = 0;
  for (const v of trainer.model.encoderVariables) {
    if (v.shape.length === 1) for (let j = 0; j < v.size; j++) picked.add(o + j);
    o += v.size;
  }
  for (const i of Array.from(exact.keys()).sort((a, b) => Math.abs(exact[b]) - Math.abs(exact[a])).slice(0, 12)) picked.add(i);
  const z = [...picked].map((i) => (mean[i] - exact[i]) / Math.sqrt(variance[i] / draws + 1e-12));
  return { z, exactMax: Math.max(...[...picked].map((i) => Math.abs(exact[i]))), variance };
}

describe('K-sample estimators on a tiny VAE', () => {
  const data = new BinaryMnist(fakeMnist(40, 5, 5), 'fixed', 2);
  const x = data.train.subarray(0, PIXELS);
  const cases: [VaeModelName, string][] = [
    ['linear1', 'rloo'],
    ['linear1', 'arms'],
    ['linear2', 'rloo'],
    ['nonlinear', 'arms'],
    ['linear1', 'double-cv'],
    ['linear2', 'double-cv'],
  ];
  for (const [model, name] of cases) {
    it(`${name} (K = 4) on ${model} is unbiased`, () => {
      const trainer = new VaeTrainer(config(model, 4), data, name, 3);
      for (let i = 0; i < 4; i++) trainer.step();
      // double-cv's scale starts at 0 (RLOO): make its control variate count.
      for (const cv of name === 'double-cv' ? trainer.cvs : []) cv!.variables[0].assign(tf.scalar(-0.7));
      const { z, exactMax } = zScores(trainer, x, model === 'nonlinear' ? 500 : 1500, `k:${model}:${name}`);
      expect(Math.max(...z.map(Math.abs)), z.map((v) => v.toFixed(2)).join(' ')).toBeLessThan(4);
      expect(exactMax).toBeGreaterThan(0.05);
      trainer.dispose();
    });
  }

  it("detects ARMS without its debiasing factor (RLOO's weights on the copula's samples) as biased", () => {
    const trainer = new VaeTrainer(config('linear1', 4), data, 'arms', 3);
    for (let i = 0; i < 4; i++) trainer.step();
    trainer.estimators.estimator = rloo; // same antithetic samples, no p(1 − p)/(q − C(q))
    const { z } = zScores(trainer, x, 1500, 'k:linear1:arms');
    expect(Math.max(...z.map(Math.abs))).toBeGreaterThan(8);
    trainer.dispose();
  });

  it('RLOO at K = 4 has a lower encoder-gradient variance than REINFORCE with a moving average, even per evaluation of f', () => {
    const logVar = (name: string) => {
      const trainer = new VaeTrainer(config('linear1', 4), data, name, 3);
      for (let i = 0; i < 4; i++) trainer.step();
      const { variance } = zScores(trainer, x, 1500, `var:${name}`);
      trainer.dispose();
      return Math.log(variance.reduce((a, b) => a + b, 0) / variance.length);
    };
    // Per evaluation: RLOO's variance × 4 (its 4 evaluations per image) against the baseline's × 1.
    expect(logVar('rloo') + Math.log(4)).toBeLessThan(logVar('reinforce-baseline'));
  });

  it('counts B × K evaluations of f, repeats each image K times, and refuses ARMS on two stochastic layers', () => {
    expect(fEvaluationsPerImage('rloo', 4)).toBe(4);
    expect(fEvaluationsPerImage('disarm')).toBe(2);
    expect(fEvaluationsPerImage('relax-rebar')).toBe(3);
    expect(Array.from(repeatEach(new Float32Array([1, 2, 3, 4]), 2, 2))).toEqual([1, 2, 1, 2, 3, 4, 3, 4]);
    expect(() => new VaeTrainer(config('linear2', 4), data, 'arms', 1)).toThrow(UserError);
    expect(() => new VaeTrainer(config('linear2', 4), data, 'arms', 1)).toThrow(
      "'arms' needs the K samples of a layer to share its logits, which only the one-layer VAE models have (not linear2)",
    );
  });

  it('the tensor count is flat over K-sample steps and variance measurements', () => {
    for (const name of ['rloo', 'arms', 'double-cv']) {
      const t = new VaeTrainer(config('linear1', 4), data, name, 2);
      t.step();
      t.logVariance(new Rng('warm'), 4);
      const before = tf.memory().numTensors;
      for (let i = 0; i < 5; i++) t.step();
      t.logVariance(new Rng('again'), 4);
      expect(tf.memory().numTensors, name).toBe(before);
      t.dispose();
    }
  });

  it('same seed, same numbers', () => {
    const run = () => {
      const t = new VaeTrainer(config('linear1', 3), data, 'arms', 7);
      const fs = [t.step(), t.step(), t.step()];
      t.dispose();
      return fs;
    };
    expect(run()).toEqual(run());
  });
});
