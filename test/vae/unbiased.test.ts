// Every unbiased encoder-gradient estimator, on a tiny VAE (4 latents per
// layer), against the exact gradient of the ELBO from all 2^k latent
// configurations; fixed seeds. A deliberately broken MuProp shows the check
// can fail.
import { describe, it, expect } from 'vitest';
import { tf } from '../../src/tf/index.js';
import { Rng } from '../../src/random/index.js';
import { BinaryMnist, PIXELS } from '../../envs/vae/mnist.js';
import { VaeTrainer, type VaeTrainConfig } from '../../experiments/vae/train.js';
import { muprop, type Estimator } from '../../src/estimators/index.js';
import { VAE_DEFAULTS } from '../../experiments/vae/run.js';
import type { VaeModelName } from '../../envs/vae/binaryVae.js';
import { fakeMnist } from './fixtures.js';

const K = 4;

/** All 2^n binary rows [2^n, n]. */
function allBinary(n: number): number[][] {
  return Array.from({ length: 2 ** n }, (_, i) => Array.from({ length: n }, (_, j) => (i >> j) & 1));
}

/** ∂ψ E_q[f(b)] for one image, by enumerating every configuration of every layer. */
function exactEncoderGradient(trainer: VaeTrainer, x: Float32Array): Float64Array {
  const model = trainer.model;
  const rows = allBinary(K * model.layers);
  const n = rows.length;
  const grads = tf.tidy(() => {
    const xs = tf.tile(tf.tensor2d(x, [1, PIXELS]), [n, 1]);
    const b = Array.from({ length: model.layers }, (_, l) => tf.tensor2d(rows.map((r) => r.slice(l * K, (l + 1) * K))));
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

const config = (model: VaeModelName): VaeTrainConfig => ({
  ...VAE_DEFAULTS,
  model,
  latents: K,
  batch: 4,
  // Four Adam steps at 0.01 saturate the nonlinear encoder on this fake data:
  // some logits' gradients fall to ~1e-5, below the float32 precision of the
  // enumerated exact gradient. At 0.002 its parameters still move away from init.
  lr: model === 'nonlinear' ? 0.002 : 0.01,
  cvLrScale: 1,
  residualHidden: [16],
});

/** z-scores of the Monte Carlo mean against the exact gradient: every layer's biases and the 12 largest exact components. */
function zScores(trainer: VaeTrainer, x: Float32Array, draws: number, seed: string): { z: number[]; exactMax: number } {
  const exact = exactEncoderGradient(trainer, x);
  const { mean, variance } = trainer.encoderGradientStats(x, draws, new Rng(seed));
  const biasOffsets: number[] = [];
  let o = 0;
  for (const v of trainer.model.encoderVariables) {
    if (v.shape.length === 1) for (let j = 0; j < v.size; j++) biasOffsets.push(o + j);
    o += v.size;
  }
  const largest = Array.from(exact.keys())
    .sort((a, b) => Math.abs(exact[b]) - Math.abs(exact[a]))
    .slice(0, 12);
  const picked = [...new Set([...biasOffsets, ...largest])];
  return {
    z: picked.map((i) => (mean[i] - exact[i]) / Math.sqrt(variance[i] / draws + 1e-12)),
    exactMax: Math.max(...picked.map((i) => Math.abs(exact[i]))),
  };
}

const show = (z: number[]) => `z-scores ${z.map((v) => v.toFixed(2)).join(' ')}`;

describe('encoder-gradient estimators on a tiny VAE are unbiased', () => {
  const data = new BinaryMnist(fakeMnist(40, 5, 5), 'fixed', 2);
  const x = data.train.subarray(0, PIXELS);
  const cases: [VaeModelName, string, number][] = [];
  for (const model of ['linear1', 'linear2'] as const) {
    for (const estimator of ['reinforce-baseline', 'nvil', 'muprop', 'arm', 'disarm', 'rebar', 'relax-rebar']) cases.push([model, estimator, 1500]);
  }
  // The nonlinear model's per-draw gradients take one backward pass each: fewer draws.
  cases.push(['nonlinear', 'muprop', 600]);
  for (const [model, estimator, draws] of cases) {
    it(`${estimator} on ${model}`, () => {
      const trainer = new VaeTrainer(config(model), data, estimator, 3);
      // A few steps so that baselines, η, λ and the residual are away from their initial values.
      for (let i = 0; i < 4; i++) trainer.step();
      const { z, exactMax } = zScores(trainer, x, draws, `unbiased:${model}:${estimator}`);
      expect(Math.max(...z.map(Math.abs)), show(z)).toBeLessThan(4);
      // The check has power: the estimates are not all zero and the exact gradient is not tiny.
      expect(exactMax).toBeGreaterThan(0.05);
      trainer.dispose();
    });
  }

  it('detects MuProp without its analytic term f′(μ̄)ᵀ ∂θμ as biased', () => {
    // The Taylor expansion used as if it were a baseline: ĝ minus the closed
    // form f′(μ̄) ⊙ σ(θ)(1 − σ(θ)) of the term that accounts for E[c(b)].
    const withoutMeanTerm: Estimator = (input) => {
      const mu = tf.sigmoid(input.theta);
      const df = tf.grad((m: tf.Tensor) => tf.sum(input.relaxedF!(m, input.context)))(mu);
      return { gradient: tf.sub(muprop(input).gradient, tf.mul(df, tf.mul(mu, tf.sub(1, mu)))) };
    };
    const trainer = new VaeTrainer(config('linear2'), data, 'muprop', 3);
    for (let i = 0; i < 4; i++) trainer.step();
    // encoderGradientStats runs the trainer's estimator: swap in the broken one.
    trainer.estimators.estimator = withoutMeanTerm;
    const { z } = zScores(trainer, x, 1500, 'unbiased:linear2:muprop');
    expect(Math.max(...z.map(Math.abs)), show(z)).toBeGreaterThan(8);
    trainer.dispose();
  });

  it('the batched per-draw gradients of linear layers equal the general per-draw backward pass', () => {
    const trainer = new VaeTrainer(config('linear2'), data, 'rebar', 5);
    trainer.step();
    const a = trainer.encoderGradientStats(x, 6, new Rng('same'));
    const b = trainer.encoderGradientStats(x, 6, new Rng('same'), { loop: true });
    let worst = 0;
    for (let i = 0; i < a.mean.length; i++) worst = Math.max(worst, Math.abs(a.mean[i] - b.mean[i]), Math.abs(a.variance[i] - b.variance[i]));
    expect(worst).toBeLessThan(1e-4);
    trainer.dispose();
  });
});
