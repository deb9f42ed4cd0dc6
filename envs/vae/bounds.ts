// Held-out bounds of a binary VAE on a set of images: the ELBO (one sample
// of q per image) and the importance-weighted bound IWAE_k (Burda et al.),
//   log (1/k) Σ_i p(x, b_i) / q(b_i | x),  b_i ~ q(b | x),
// which tightens towards log p(x) as k grows.
import { tf } from '../../src/tf/index.js';
import type { Rng } from '../../src/random/index.js';
import type { BinaryVaeModel } from './model.js';

/** `times` copies of a block of rows, one after another (tf.tile is slow on wasm). */
export function repeatRows(block: Float32Array, times: number): Float32Array {
  const out = new Float32Array(block.length * times);
  for (let r = 0; r < times; r++) out.set(block, r * block.length);
  return out;
}

/**
 * ELBO (one sample per image) and the importance-weighted bound with k
 * samples, averaged over `count` images of `data` (count × pixels), in chunks.
 * No gradient is taken, so the weights are held fixed: the products take the
 * unpacked SIMD kernel (1.3–1.7× faster here than the packed matMul on the
 * chunks' 2000 rows).
 */
/**
 * log w = f(b) per row r = s·n + i (sample s of image i) for n images and the
 * uniforms u [k·n, latents] the tensor path would draw: a one-layer model's
 * weights computed elsewhere (on arrays, experiments/vae/fused/bound.ts).
 */
export type LogWeights = (images: Float32Array, n: number, k: number, u: Float32Array) => Float32Array;

export interface BoundOptions {
  iwaeSamples?: number;
  iwaeImages?: number;
  rng: Rng;
  chunk?: number;
  /** One-layer models: log w from here instead of the tensor pass (the same draws, in the same order). */
  logWeights?: LogWeights;
}

export function evaluateBounds(model: BinaryVaeModel, data: Float32Array, count: number, options: BoundOptions): { elbo: number; iwae?: number } {
  if (options.logWeights && model.layers === 1) return bounds(model, data, count, options, options.logWeights);
  return model.withFixedWeights(() => bounds(model, data, count, options), { once: true });
}

/** Σ over images of log (1/k) Σ_s w_{s·n+i}, in float64. */
function logMeanExpSum(logw: Float32Array, k: number, n: number): number {
  let total = 0;
  for (let i = 0; i < n; i++) {
    let top = -Infinity;
    for (let s = 0; s < k; s++) top = Math.max(top, logw[s * n + i]);
    let sum = 0;
    for (let s = 0; s < k; s++) sum += Math.exp(logw[s * n + i] - top);
    total += top + Math.log(sum / k);
  }
  return total;
}

function bounds(model: BinaryVaeModel, data: Float32Array, count: number, options: BoundOptions, logWeights?: LogWeights): { elbo: number; iwae?: number } {
  const P = model.pixels;
  const L = model.latents;
  const chunk = options.chunk ?? 500;
  let elboSum = 0;
  for (let start = 0; start < count; start += chunk) {
    const n = Math.min(chunk, count - start);
    if (logWeights) {
      elboSum += logMeanExpSum(logWeights(data.subarray(start * P, (start + n) * P), n, 1, options.rng.uniforms(n * L)), 1, n);
      continue;
    }
    const s = tf.tidy(() => {
      const x = tf.tensor2d(data.subarray(start * P, (start + n) * P), [n, P]);
      const u = Array.from({ length: model.layers }, () => tf.tensor2d(options.rng.uniforms(n * L), [n, L]));
      const pass = model.forward(x, u);
      return tf.sum(model.reward(x, pass.b, pass.logits));
    });
    elboSum += s.dataSync()[0];
    s.dispose();
  }
  const result: { elbo: number; iwae?: number } = { elbo: elboSum / count };
  const k = options.iwaeSamples ?? 0;
  if (k > 0) {
    const images = Math.min(options.iwaeImages ?? count, count);
    const per = Math.max(1, Math.floor(2000 / k)); // images per chunk: ~2000 rows a pass
    let iwaeSum = 0;
    for (let start = 0; start < images; start += per) {
      const n = Math.min(per, images - start);
      if (logWeights) {
        iwaeSum += logMeanExpSum(logWeights(data.subarray(start * P, (start + n) * P), n, k, options.rng.uniforms(k * n * L)), k, n);
        continue;
      }
      const s = tf.tidy(() => {
        const images = data.subarray(start * P, (start + n) * P);
        const x = tf.tensor2d(repeatRows(images, k), [k * n, P]); // row r·n + i
        const u = Array.from({ length: model.layers }, () => tf.tensor2d(options.rng.uniforms(k * n * L), [k * n, L]));
        // The first encoder layer once per image, its logits repeated as x's rows are: half the products of a linear model's pass.
        const once = model.encoderLogits(0, tf.tensor2d(images, [n, P]));
        const pass = model.forward(x, u, { firstLogits: tf.concat(Array.from({ length: k }, () => once)) });
        const logw = tf.reshape(model.reward(x, pass.b, pass.logits), [k, n]);
        return tf.sum(tf.sub(tf.logSumExp(logw, 0), Math.log(k)));
      });
      iwaeSum += s.dataSync()[0];
      s.dispose();
    }
    result.iwae = iwaeSum / images;
  }
  return result;
}
