// ReinMax (Liu, Wang, Wang, Chen & Gao, NeurIPS 2023): a straight-through
// estimator that is second-order accurate (Heun's method in place of
// straight-through's Euler step), at straight-through's cost. With
// π₀ = softmax(θ), the one-hot sample D and temperature τ,
//   π₁ = (D + softmax(θ/τ)) / 2,
// the forward value is D and the backward pass goes through
//   π₂ = 2 π̂₁(θ) − ½ π₀(θ),  π̂₁(θ) = softmax(θ + sg(log π₁ − θ)),
// i.e. ĝ = J(π₂)ᵀ ∂f/∂D with J(π̂₁) = diag(π₁) − π₁π₁ᵀ at the value π₁:
//   ĝ_i = 2 π₁_i (g_i − ⟨g, π₁⟩) − ½ π₀_i (g_i − ⟨g, π₀⟩),  g = ∂f/∂D.
// For Bernoulli b (two classes, logits (0, θ)) that is
//   ĝ = ∂f/∂b · (2 π₁(1 − π₁) − ½ p(1 − p)),  p = σ(θ), π₁ = (b + σ(θ/τ)) / 2.
// Biased, like every straight-through estimator.
import { tf } from '../tf/index.js';
import { UserError } from '../errors.js';
import { relaxedOnly, type Estimator } from './types.js';

export const reinmax: Estimator = (input) => {
  const dist = relaxedOnly('ReinMax', input.dist);
  const f = input.relaxedF;
  if (!f) throw new UserError('ReinMax needs the objective at relaxed inputs (relaxedF), to differentiate it at b');
  const { theta, u, context, b: taken } = input;
  const tau = input.temperature ?? 1;
  return {
    gradient: tf.tidy(() => {
      const b = taken ?? dist.hard(dist.sample(theta, u));
      const g = tf.grad((x: tf.Tensor) => tf.sum(f(x, context)))(b);
      if (dist.name === 'bernoulli') {
        const p = tf.sigmoid(theta);
        const pi1 = tf.div(tf.add(b, tf.sigmoid(tf.div(theta, tau))), 2);
        const slope = tf.sub(tf.mul(2, tf.mul(pi1, tf.sub(1, pi1))), tf.mul(0.5, tf.mul(p, tf.sub(1, p))));
        return tf.mul(g, slope);
      }
      const pi0 = tf.softmax(theta);
      const pi1 = tf.div(tf.add(b, tf.softmax(tf.div(theta, tau))), 2);
      const jvp = (pi: tf.Tensor) => tf.mul(pi, tf.sub(g, tf.sum(tf.mul(g, pi), -1, true)));
      return tf.sub(tf.mul(2, jvp(pi1)), tf.mul(0.5, jvp(pi0)));
    }),
  };
};
