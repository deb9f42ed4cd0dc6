// VIMCO (Mnih & Rezende, 2016): the gradient of the K-sample bound
//   L = log (1/K Σ_k exp f_k),  f_k = f(b_k),  b_1 … b_K independent,
// (the IWAE-K bound when f = log p(x, b) − log q(b | x)). Its score-function
// part gives sample k the learning signal L − L_{−k}, where L_{−k} is L with
// f_k replaced by the mean of the other f_j (the geometric mean of their
// weights): L_{−k} does not depend on b_k, so
//   ĝ = Σ_k (L − L_{−k}) ∂θ log p(b_k | θ)
// is unbiased for ∂θ E[L] when f does not depend on θ itself (the toy; a
// VAE's −log q(b|x) would add Σ_k w_k ∂θ f_k, which this estimator does not
// take). Row k of a group holds K (L − L_{−k}) ∂θ log p(b_k), so the
// group's mean is ĝ (types.ts: EstimatorInput.k).
import { tf } from '../tf/index.js';
import { perSample, samplesPerInput, type Estimator } from './types.js';

/** L − L_{−k} for every sample, fb grouped by K ([N·K] → [N·K]). */
export function vimcoSignal(fb: tf.Tensor, k: number): tf.Tensor {
  return tf.tidy(() => {
    const f = tf.reshape(fb, [-1, k]); // [N, K]
    const logK = Math.log(k);
    const L = tf.sub(tf.logSumExp(f, 1, true), logK); // [N, 1]
    const others = tf.div(tf.sub(tf.sum(f, 1, true), f), k - 1); // mean_{j≠k} f_j, [N, K]
    // Row k of F is f with f_k replaced by that mean: [N, K, K].
    const eye = tf.eye(k).expandDims(0);
    const F = tf.add(tf.mul(tf.expandDims(f, 1), tf.sub(1, eye)), tf.mul(tf.expandDims(others, 2), eye));
    const Lminus = tf.sub(tf.logSumExp(F, 2), logK); // [N, K]
    return tf.reshape(tf.sub(L, Lminus), [-1]);
  });
}

export const vimco: Estimator = (input) => {
  const k = samplesPerInput('VIMCO', input);
  const { dist, theta, u, fb, b: taken } = input;
  return {
    gradient: tf.tidy(() => {
      const b = taken ?? dist.hard(dist.sample(theta, u));
      return tf.mul(perSample(tf.mul(vimcoSignal(fb, k), k), theta), dist.score(theta, b));
    }),
  };
};
