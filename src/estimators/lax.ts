// LAX (Grathwohl et al. 2018), one estimator for both kinds of distribution.
// Continuous reparameterised b = T(θ, ε) (e.g. diagNormal, θ = [mean, logStd]):
//   ĝ = [f(b) − c(b)] ∂θ log p(b|θ) + ∂θ c(T(θ, ε)),
// with c evaluated at the b actually taken, rebuilt from its own noise ε
// (passed as `u`). Discrete b = H(z), z = z(θ, u):
//   ĝ = f(b) ∂θ log p(b|θ) − c(z) ∂θ log p(z|θ) + ∂θ c(z(θ, u)).
// Both are unbiased for any c (the first because E[c(b) ∂θ log p(b|θ)] =
// ∂θ E c(b) = E ∂θ c(T(θ, ε)); the second the same with z in place of b,
// plus the score-function term for f).
import { tf } from '../tf/index.js';
import { UserError } from '../errors.js';
import { perSample, relaxedOnly, type Estimator, type EstimatorInput, type EstimatorOutput } from './types.js';
import type { ControlVariate } from '../controlVariates/types.js';

type Tensor = tf.Tensor;

function controlVariateOf(input: EstimatorInput): ControlVariate {
  if (!input.cv) throw new UserError('LAX needs a control variate');
  return input.cv;
}

/** Continuous LAX: b = T(θ, ε) with ε = input.u; c is applied to b (and the context). */
function continuousLax(input: EstimatorInput): EstimatorOutput {
  const { dist, theta, u: eps, fb, context } = input;
  const cv = controlVariateOf(input);
  // ∂θ c(T(θ, ε)) first, before anything else is computed from θ (under an
  // outer tape the inner gradient would otherwise run through it); c(b) per
  // sample is kept from inside the closure.
  let cB: Tensor | undefined;
  const dcB = tf.grad((th: Tensor) => {
    cB = tf.keep(tf.reshape(cv.apply(dist.sample(th, eps), context), fb.shape));
    return tf.sum(cB);
  })(theta);
  const b = dist.hard(dist.sample(theta, eps));
  const gradient = tf.add(tf.mul(perSample(tf.sub(fb, cB!), theta), dist.score(theta, b)), dcB);
  cB!.dispose();
  return { gradient };
}

/** Discrete LAX: b = H(z(θ, u)) (or the b taken); c is applied to the relaxed z (and the context). */
export const discreteLax: Estimator = (input) => {
  const { theta, u, fb, b: taken, context } = input;
  const dist = relaxedOnly('discrete LAX', input.dist);
  const cv = controlVariateOf(input);
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

/** LAX through the common signature: continuous LAX for a continuous reparameterised distribution, discrete LAX otherwise. */
export const lax: Estimator = (input) => (input.dist.kind === 'continuous' ? continuousLax(input) : discreteLax(input));

