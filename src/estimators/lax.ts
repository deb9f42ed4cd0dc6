// LAX. Continuous b = T(θ, ε) (a DiagNormal here, θ = [mean, logStd]):
//   ĝ = [f(b) − c(b)] ∂θ log p(b|θ) + ∂θ c(T(θ, ε)),
// with c evaluated at the b actually drawn (rebuilt from its own noise).
// Discrete LAX (b = H(z)):
//   ĝ = f(b) ∂θ log p(b|θ) − c(z) ∂θ log p(z|θ) + ∂θ c(z(θ, u)).
import { tf } from '../tf/index.js';
import { UserError } from '../errors.js';
import { diagNormal } from '../distributions/index.js';
import { perSample, type Estimator } from './types.js';
import type { ControlVariate } from '../controlVariates/types.js';

type Tensor = tf.Tensor;

/** Continuous LAX. `eps` is the standard-normal noise that produced the action. */
export function laxContinuous(input: {
  theta: Tensor;
  eps: Tensor;
  fb: Tensor;
  cv: ControlVariate;
  context?: Tensor;
}): { gradient: Tensor } {
  const { theta, eps, fb, cv, context } = input;
  let cB: Tensor | undefined;
  const dcB = tf.grad((th: Tensor) => {
    cB = tf.keep(tf.reshape(cv.apply(diagNormal.sample(th, eps), context), fb.shape));
    return tf.sum(cB);
  })(theta);
  const b = diagNormal.sample(theta, eps);
  const gradient = tf.add(tf.mul(perSample(tf.sub(fb, cB!), theta), diagNormal.score(theta, b)), dcB);
  cB!.dispose();
  return { gradient };
}

export const discreteLax: Estimator = ({ dist, theta, u, fb, b: taken, cv, context }) => {
  if (!cv) throw new UserError('LAX needs a control variate');
  const z = dist.sample(theta, u);
  const b = taken ?? dist.hard(z);
  let cZ: Tensor | undefined;
  const dcZ = tf.grad((th: Tensor) => {
    cZ = tf.keep(tf.reshape(cv.apply(dist.sample(th, u), context), fb.shape));
    return tf.sum(cZ);
  })(theta);
  // ∂θ log p(z|θ) with z held at its drawn value.
  const zFixed = tf.tensor(z.dataSync(), z.shape);
  const scoreZ = tf.grad((th: Tensor) => tf.sum(dist.relaxedLogDensity(th, zFixed)))(theta);
  const gradient = tf.add(
    tf.sub(tf.mul(perSample(fb, theta), dist.score(theta, b)), tf.mul(perSample(cZ!, theta), scoreZ)),
    dcZ,
  );
  cZ!.dispose();
  return { gradient };
};
