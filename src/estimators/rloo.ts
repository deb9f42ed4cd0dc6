// RLOO, REINFORCE leave-one-out (Kool, van Hoof & Welling, 2019): K
// independent samples b_1 … b_K per input, each scored against the mean of
// the other K − 1 values of f,
//   ĝ = 1/K Σ_k (f_k − 1/(K−1) Σ_{j≠k} f_j) ∂θ log p(b_k | θ).
// The baseline of sample k does not depend on b_k, so ĝ is unbiased; it costs
// K evaluations of f and no control variate. Row k of a group holds
// (f_k − mean_{j≠k} f_j) ∂θ log p(b_k), so the group's mean is ĝ
// (types.ts: EstimatorInput.k).
import { tf } from '../tf/index.js';
import { perSample, samplesPerInput, type Estimator } from './types.js';

/** f_k − mean_{j≠k} f_j for every sample, fb grouped by K ([N·K] → [N·K]); equal to K/(K−1)·(f_k − mean_j f_j). */
export function leaveOneOut(fb: tf.Tensor, k: number): tf.Tensor {
  return tf.tidy(() => {
    const f = tf.reshape(fb, [-1, k]);
    const centred = tf.sub(f, tf.mean(f, 1, true));
    return tf.reshape(tf.mul(centred, k / (k - 1)), [-1]);
  });
}

export const rloo: Estimator = (input) => {
  const k = samplesPerInput('RLOO', input);
  const { dist, theta, u, fb, b: taken } = input;
  return {
    gradient: tf.tidy(() => {
      const b = taken ?? dist.hard(dist.sample(theta, u));
      return tf.mul(perSample(leaveOneOut(fb, k), theta), dist.score(theta, b));
    }),
  };
};
