// ARMS (Dimitriev & Zhou, ICML 2021): K antithetic samples of Bernoulli
// latents coupled through a Dirichlet copula, scored as in RLOO, with a
// per-latent factor that removes the bias the coupling introduces.
//
// The copula: per input and latent, d ~ Dirichlet(1, …, 1) over the K
// samples and u_k = (1 − d_k)^{K−1}: each u_k is uniform, together they are
// negatively dependent, and P(u_j < a, u_k < a) = C(a) with
//   C(a) = max(2 a^{1/(K−1)} − 1, 0)^{K−1}.
// Latent d of sample k is b_k = 1[u_k < p] when p = σ(θ_d) < ½, else
// b_k = 1[1 − u_k < p] (the rarer value is the antithetic one). With
// q = min(p, 1 − p), b's pairwise covariance is C(q) − q², and
//   ĝ_d = 1/(K−1) Σ_k (f_k − f̄)(b_kd − p) · p(1 − p) / (q − C(q))
// is unbiased (f̄ the mean over the K samples). At K = 2 the copula is
// (u, 1 − u) and ĝ is DisARM's estimate exactly (a test checks that).
//
// Here b = H(θ + logit(u)) = 1[u > 1 − p] (distributions/bernoulli.ts), so
// the uniforms the sample takes are 1 − u_k when p < ½ and u_k otherwise:
// `armsNoise` makes them from independent uniforms, and the caller samples b
// and evaluates f with those (the catalog's prepareNoise).
import { tf } from '../tf/index.js';
import { UserError } from '../errors.js';
import { clampUniforms } from '../distributions/index.js';
import { perSample, samplesPerInput, type Estimator } from './types.js';
import { leaveOneOut } from './rloo.js';

/**
 * The copula uniforms of ARMS for θ [N·K, D] grouped by K, from independent
 * uniforms w of the same shape, already flipped so that
 * b = H(θ + logit(u)) is ARMS's sample.
 */
export function armsNoise(theta: tf.Tensor, w: tf.Tensor, k: number): tf.Tensor {
  return tf.tidy(() => {
    const shape = w.shape;
    // Exponentials normalised over the K samples of a group: a flat Dirichlet.
    const e = tf.reshape(tf.neg(tf.log(clampUniforms(w))), [-1, k, shape[shape.length - 1]]);
    const d = tf.div(e, tf.sum(e, 1, true));
    const uc = tf.reshape(tf.pow(tf.sub(1, d), k - 1), shape);
    const low = tf.less(theta, 0); // p < ½
    return clampUniforms(tf.where(low, tf.sub(1, uc), uc));
  });
}

/** p(1 − p) / (q − C(q)), q = min(p, 1 − p) = σ(−|θ|): ARMS's per-latent debiasing factor. */
export function armsDebias(theta: tf.Tensor, k: number): tf.Tensor {
  return tf.tidy(() => {
    const q = tf.sigmoid(tf.neg(tf.abs(theta)));
    const c = tf.pow(tf.relu(tf.sub(tf.mul(2, tf.pow(q, 1 / (k - 1))), 1)), k - 1);
    return tf.div(tf.mul(q, tf.sub(1, q)), tf.sub(q, c));
  });
}

export const arms: Estimator = (input) => {
  if (input.dist.name !== 'bernoulli') throw new UserError(`ARMS works only for Bernoulli latents, not '${input.dist.name}'`);
  const k = samplesPerInput('ARMS', input);
  const { dist, theta, u, fb, b: taken } = input;
  return {
    gradient: tf.tidy(() => {
      const b = taken ?? dist.hard(dist.sample(theta, u));
      // leaveOneOut is K/(K−1)(f_k − f̄): the group mean is then 1/(K−1) Σ_k (f_k − f̄)(b_k − p).
      return tf.mul(tf.mul(perSample(leaveOneOut(fb, k), theta), dist.score(theta, b)), armsDebias(theta, k));
    }),
  };
};
