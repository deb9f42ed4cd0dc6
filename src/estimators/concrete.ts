// Biased estimators through the relaxation, for comparison.
// Concrete / Gumbel-softmax: ĝ = ∂θ f(σ_λ(z(θ, u))).
// Straight-through: the forward pass uses b, the backward pass σ_λ(z):
//   ĝ = ∂f/∂x |_{x=b} · ∂θ σ_λ(z(θ, u)).
import { tf } from '../tf/index.js';
import { UserError } from '../errors.js';
import { relaxedOnly, type Estimator, type EstimatorInput } from './types.js';

function needs(input: EstimatorInput, name: string) {
  const dist = relaxedOnly(name, input.dist);
  if (!input.relaxedF) throw new UserError(`${name} needs the objective at relaxed inputs (relaxedF)`);
  return { dist, f: input.relaxedF, lambda: input.temperature ?? 1 };
}

export const concrete: Estimator = (input) => {
  const { dist, f, lambda } = needs(input, 'Concrete');
  const { theta, u, context } = input;
  return { gradient: tf.grad((th: tf.Tensor) => tf.sum(f(dist.relax(dist.sample(th, u), lambda), context)))(theta) };
};

export const straightThrough: Estimator = (input) => {
  const { dist, f, lambda } = needs(input, 'Straight-through');
  const { theta, u, context } = input;
  const b = dist.hard(dist.sample(theta, u));
  const dfdx = tf.grad((x: tf.Tensor) => tf.sum(f(x, context)))(b);
  return {
    gradient: tf.grad((th: tf.Tensor) => tf.sum(tf.mul(dfdx, dist.relax(dist.sample(th, u), lambda))))(theta),
  };
};
