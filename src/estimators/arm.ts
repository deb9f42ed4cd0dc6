// ARM (Yin & Zhou, ICLR 2019) and DisARM (Dong, Mnih & Tucker, NeurIPS 2020)
// for Bernoulli latents: two antithetic hard samples from one uniform vector,
// f evaluated at both, no control variate.
//
// Here b = H(θ + logit(u)) = 1[u > σ(−θ)] (as in distributions/bernoulli.ts),
// and its antithetic partner uses 1 − u:
//   b̃ = H(θ + logit(1 − u)) = 1[u < σ(θ)],
// which has the same distribution as b. Per latent dimension d:
//   ARM:     ĝ_d = (f(b) − f(b̃)) · (u_d − ½)
//   DisARM:  ĝ_d = ½ (f(b) − f(b̃)) · (b_d − b̃_d) · σ(|θ_d|)
// (b_d − b̃_d is (−1)^{b̃_d} where b_d ≠ b̃_d and 0 where they agree.) Both are
// unbiased estimates of ∂θ_d E[f(b)]; DisARM is ARM averaged over u given
// (b, b̃), so its variance is never larger. Swapping b and b̃ (u ↔ 1 − u)
// leaves both unchanged, so the result does not depend on which of the two
// is called "the" sample. The ½ in ARM's u − ½ is a control variate
// (E[f(b) − f(b̃)] = 0), the ½ in DisARM is not.
import { tf } from '../tf/index.js';
import { UserError } from '../errors.js';
import { perSample, type Estimator, type EstimatorInput } from './types.js';

interface Pair {
  b: tf.Tensor;
  bAnti: tf.Tensor;
  /** f(b) − f(b̃), shaped to broadcast against θ. */
  diff: tf.Tensor;
}

function checkInput(name: string, input: EstimatorInput): void {
  if (input.dist.name !== 'bernoulli') {
    throw new UserError(`${name} works only for Bernoulli latents, not '${input.dist.name}'`);
  }
  if (!input.f) {
    throw new UserError(`${name} needs the black box f itself (input.f) to evaluate it at the antithetic sample`);
  }
}

/** b (the sample taken), b̃ from 1 − u, and f(b) − f(b̃); f(b) is input.fb. */
function antitheticPair(input: EstimatorInput): Pair {
  const { dist, theta, u, fb, b: taken, f } = input;
  const b = taken ?? dist.hard(dist.sample(theta, u));
  const bAnti = dist.hard(dist.sample(theta, tf.sub(1, u)));
  const fAnti = tf.reshape(f!(bAnti), fb.shape);
  return { b, bAnti, diff: perSample(tf.sub(fb, fAnti), theta) };
}

export const arm: Estimator = (input) => {
  checkInput('ARM', input);
  return {
    gradient: tf.tidy(() => {
      const { diff } = antitheticPair(input);
      return tf.mul(diff, tf.sub(input.u, 0.5));
    }),
  };
};

export const disarm: Estimator = (input) => {
  checkInput('DisARM', input);
  return {
    gradient: tf.tidy(() => {
      const { b, bAnti, diff } = antitheticPair(input);
      const weight = tf.mul(tf.sub(b, bAnti), tf.sigmoid(tf.abs(input.theta)));
      return tf.mul(tf.mul(diff, 0.5), weight);
    }),
  };
};
