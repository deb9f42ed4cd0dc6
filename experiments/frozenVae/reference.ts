// The reference gradient of the frozen-model study: REINFORCE's average over
// many draws on the fixed images. Plain REINFORCE's variance at a VAE is so
// large (f is about −100 nats) that 10⁵ draws leave an error near the
// gradient's own size; subtracting from f a per-image constant b_i — the mean
// of f over draws independent of the reference's — keeps it unbiased and
// removes most of it: ĝ = (f(b) − b_i) ∂θ log q(b|x_i).
import { tf } from '../../src/tf/index.js';
import { reinforce } from '../../src/estimators/index.js';
import type { Rng } from '../../src/random/index.js';
import { PIXELS } from '../../envs/vae/mnist.js';
import { repeatRows } from '../../envs/vae/bounds.js';
import type { BinaryVaeModel } from '../../envs/vae/model.js';
import type { VaeTrainConfig } from '../vae/trainer.js';
import { VaeEstimators } from '../vae/estimators.js';
import { drawStats, type DrawStats } from './draws.js';

/** Mean of f(b), b ~ q(b|x_i), per image of `x`, from `draws` draws each (noise from rng). */
export function meanRewardPerImage(model: BinaryVaeModel, x: Float32Array, draws: number, rng: Rng, chunk = 200): Float64Array {
  const B = x.length / PIXELS;
  const sums = new Float64Array(B);
  for (let done = 0; done < draws; done += chunk) {
    const n = Math.min(chunk, draws - done);
    const fb = tf.tidy(() => {
      const X = tf.tensor2d(repeatRows(x, n), [n * B, PIXELS]);
      const u = Array.from({ length: model.layers }, () => tf.tensor2d(rng.uniforms(n * B * model.latents), [n * B, model.latents]));
      return model.passReward(X, model.forward(X, u));
    });
    const values = fb.dataSync();
    fb.dispose();
    for (let i = 0; i < values.length; i++) sums[i % B] += values[i];
  }
  return sums.map((s) => s / draws);
}

/** REINFORCE's estimators at `model`, with per-image baselines `b` (rows are draws × images, as repeatRows lays them out). */
export function baselinedReinforce(model: BinaryVaeModel, config: VaeTrainConfig, b: Float64Array | null, initRng: Rng): VaeEstimators {
  const est = new VaeEstimators('reinforce', model, config, initRng);
  if (b) {
    const block = Float32Array.from(b);
    // Called inside encoderGradientStats' tidy, which releases the baseline tensor.
    est.estimator = (input) => {
      const rows = input.fb.shape[0] ?? 1;
      return reinforce({ ...input, baseline: tf.tensor1d(repeatRows(block, rows / block.length)) });
    };
  }
  return est;
}

export interface ReferenceSettings {
  samples: number;
  chunk: number;
  /** Draws per image of the baselines (0: plain REINFORCE). */
  baselineSamples: number;
}

/** The reference's draws: the baselines from `baselineRng`, the reference draws from `rng` (independent streams). */
export function referenceGradient(model: BinaryVaeModel, config: VaeTrainConfig, x: Float32Array, s: ReferenceSettings, streams: { init: Rng; baseline: Rng; draws: Rng }): DrawStats & { baselines: number[] | null } {
  const b = s.baselineSamples > 0 ? meanRewardPerImage(model, x, s.baselineSamples, streams.baseline) : null;
  const est = baselinedReinforce(model, config, b, streams.init);
  const stats = drawStats(model, est, x, s.samples, streams.draws, { chunk: s.chunk });
  return { ...stats, baselines: b ? Array.from(b) : null };
}
