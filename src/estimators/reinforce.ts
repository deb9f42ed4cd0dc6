// REINFORCE (score function): ĝ = [f(b) − c] ∂θ log p(b|θ), with c a constant,
// a moving average, or a learned c(context) that does not depend on b. Any
// distribution: b = H(z(θ, u)) for a discrete one, b = T(θ, u) for a
// continuous one (whose `hard` is the identity), or the b taken.
import { tf } from '../tf/index.js';
import { UserError } from '../errors.js';
import { perSample, type Estimator } from './types.js';

export const reinforce: Estimator = ({ dist, theta, u, fb, b: taken, cv, baseline, context }) => {
  if (cv?.dependsOnSample) {
    throw new UserError(`REINFORCE cannot use the sample-dependent control variate '${cv.name}' (it would be biased); use RELAX`);
  }
  const b = taken ?? dist.hard(dist.sample(theta, u));
  let advantage: tf.Tensor = fb;
  if (baseline !== undefined) advantage = tf.sub(advantage, baseline);
  if (cv) advantage = tf.sub(advantage, tf.reshape(cv.apply(b, context), fb.shape));
  return { gradient: tf.mul(perSample(advantage, theta), dist.score(theta, b)) };
};
