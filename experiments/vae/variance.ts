// The variance diagnostic: how noisy the encoder-gradient estimate is at the
// current parameters. Nothing is trained and no stream of the run advances:
// all randomness comes from the caller's `rng` (the loop passes
// stream(seed, 'variance:<step>')), so a resumed run measures the same
// numbers as an uninterrupted one.
import { tf } from '../../src/tf/index.js';
import type { Rng } from '../../src/random/index.js';
import { PIXELS, type BinaryMnist } from '../../envs/vae/mnist.js';
import { VAE_MODELS, type BinaryVaeModel, type HardPass } from '../../envs/vae/model.js';
import { repeatRows } from '../../envs/vae/bounds.js';
import type { VaeEstimators } from './estimators.js';
import { drawNoise, encoderSurrogate, repeatEach } from './step.js';

type Tensor = tf.Tensor;

/**
 * Mean and variance over `draws` independent estimates of the encoder-
 * parameter gradient (all encoder variables flattened in order) on the
 * images `xData`; the estimators' ĝ of all draws come from one batched pass.
 * `loop` forces the general per-draw backward pass (tests compare the two).
 */
export function encoderGradientStats(
  model: BinaryVaeModel,
  estimators: VaeEstimators,
  xData: Float32Array,
  draws: number,
  rng: Rng,
  options: { loop?: boolean } = {},
): { mean: Float64Array; variance: Float64Array } {
  // K-sample estimators: each image K times; a draw's estimate is the mean over its B × K rows.
  const B = (xData.length / PIXELS) * estimators.k;
  const encVars = model.encoderVariables;
  const size = encVars.reduce((n, v) => n + v.size, 0);
  const sum = new Float64Array(size);
  const sumSq = new Float64Array(size);
  const linear = VAE_MODELS[model.name].hidden.length === 0 && !options.loop;
  tf.tidy(() => {
    const x = tf.tensor2d(repeatRows(repeatEach(xData, estimators.k), draws), [draws * B, PIXELS]);
    // All layers' u, then all layers' v (not drawNoise's interleaving): seeded numbers stay as they were.
    const L = model.latents;
    const u = Array.from({ length: model.layers }, () => tf.tensor2d(rng.uniforms(draws * B * L), [draws * B, L]));
    const v = Array.from({ length: model.layers }, () => tf.tensor2d(rng.uniforms(draws * B * L), [draws * B, L]));
    const { pass, ghat } = model.withFixedWeights(() => {
      const { pass, fb, contexts, u: used } = estimators.hardPass(x, u);
      const ghat = pass.logits.map((_, l) => estimators.estimator(estimators.input(l, pass, used, v, fb, contexts[l])).gradient);
      estimators.current = undefined;
      return { pass, ghat };
    });
    const accumulate = (offset: number, perDraw: Tensor) => {
      // perDraw: [draws, ...] gradients of one variable.
      const s1 = tf.sum(perDraw, 0).dataSync();
      const s2 = tf.sum(tf.square(perDraw), 0).dataSync();
      for (let i = 0; i < s1.length; i++) {
        sum[offset + i] += s1[i];
        sumSq[offset + i] += s2[i];
      }
      return offset + s1.length;
    };
    if (linear) {
      // Linear layers: draw r's gradient is inputᵣᵀ ĝᵣ / B and Σ ĝᵣ / B, for all draws in one batched product.
      let offset = 0;
      for (let l = 0; l < model.layers; l++) {
        const input = l === 0 ? model.centre(x) : tf.sub(tf.mul(2, pass.b[l - 1]), 1);
        const inR = tf.reshape(input, [draws, B, -1]);
        const gR = tf.reshape(tf.div(ghat[l], B), [draws, B, -1]);
        offset = accumulate(offset, tf.matMul(tf.transpose(inR, [0, 2, 1]), gR));
        offset = accumulate(offset, tf.sum(gR, 1));
      }
      return;
    }
    for (let r = 0; r < draws; r++) {
      tf.tidy(() => {
        const rows = (t: Tensor) => tf.slice(t, [r * B, 0], [B, -1]);
        const passR: HardPass = { logits: pass.logits.map(rows), z: pass.z.map(rows), b: pass.b.map(rows) };
        const { grads } = tf.variableGrads(() => encoderSurrogate(model, rows(x), passR, ghat.map(rows)) as tf.Scalar, encVars);
        let offset = 0;
        for (const variable of encVars) offset = accumulate(offset, tf.expandDims(grads[variable.name], 0));
      });
    }
  });
  const mean = new Float64Array(size);
  const variance = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    mean[i] = sum[i] / draws;
    variance[i] = Math.max(0, (sumSq[i] - draws * mean[i] * mean[i]) / (draws - 1));
  }
  return { mean, variance };
}

/**
 * log of the variance of the encoder-parameter gradient estimate, averaged
 * over parameters, from `draws` estimates on one random training batch of
 * `batch` images, everything drawn from `rng`.
 */
export function encoderLogVariance(
  model: BinaryVaeModel,
  estimators: VaeEstimators,
  data: BinaryMnist,
  batch: number,
  draws: number,
  rng: Rng,
): number {
  const indices = Array.from({ length: batch }, () => rng.integer(data.counts.train));
  const { variance } = encoderGradientStats(model, estimators, data.trainBatch(indices, rng), draws, rng);
  let total = 0;
  for (let i = 0; i < variance.length; i++) total += variance[i];
  return Math.log(Math.max(total / variance.length, 1e-300));
}
