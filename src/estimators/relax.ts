// RELAX: ĝ = [f(b) − c(z̃)] ∂θ log p(b|θ) + ∂θ c(z) − ∂θ c(z̃),
// z = z(θ, u), b = H(z), z̃ = z̃(θ, b, v). Unbiased for any c; REBAR is the
// special case c(z) = η·f(σ_λ(z)). z and z̃ both move with θ, and the two
// ∂θ c terms differentiate through them (b held fixed).
import { tf } from '../tf/index.js';
import { UserError } from '../errors.js';
import { perSample, relaxedOnly, type Estimator } from './types.js';

export const relax: Estimator = ({ dist: anyDist, theta, u, v, fb, b: taken, cv, context }) => {
  const dist = relaxedOnly('RELAX', anyDist);
  if (!cv) throw new UserError('RELAX needs a control variate');
  if (!v) throw new UserError('RELAX needs the uniforms v for the conditional sample z̃');
  const b = taken ?? dist.hard(dist.sample(theta, u));
  const n = fb.shape[0] ?? 1;
  // One pass of c over [z; z̃] and one gradient of Σ c(z) − Σ c(z̃) give
  // ∂θ c(z) − ∂θ c(z̃) at once; c(z̃) per sample is kept from inside the closure.
  let cZTilde: tf.Tensor | undefined;
  const dcDiff = tf.grad((th: tf.Tensor) => {
    const both = tf.concat([dist.sample(th, u), dist.conditional(th, b, v!)], 0);
    const ctx = context ? tf.concat([context, context], 0) : undefined;
    const [cZ, cZt] = tf.split(tf.reshape(cv.apply(both, ctx), [2 * n]), 2);
    cZTilde = tf.keep(cZt);
    return tf.sub(tf.sum(cZ), tf.sum(cZt));
  })(theta);
  const advantage = tf.sub(fb, tf.reshape(cZTilde!, fb.shape));
  const gradient = tf.add(tf.mul(perSample(advantage, theta), dist.score(theta, b)), dcDiff);
  cZTilde!.dispose();
  return { gradient };
};
