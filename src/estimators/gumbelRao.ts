// Gumbel-Rao (Paulus, Maddison & Krause, ICLR 2021): the straight-through
// Gumbel-softmax estimator Rao-Blackwellised over the noise given the hard
// sample. Straight-through uses ∂f/∂x at x = b times ∂θ σ_λ(z) for the z that
// gave b; Gumbel-Rao replaces the latter by its mean over z ~ p(z | b, θ),
// estimated from M conditional samples z̃_m ~ p(z | b, θ), each
// differentiated like straight-through's z, at its fixed noise (z = θ + noise):
//   ĝ = ∂f/∂x |_{x=b} · 1/M Σ_m ∂θ σ_λ(z̃_m).
// Same expectation as straight-through (so biased), lower variance, one
// evaluation of f and of its derivative. The M uniforms are the rotations
// v_m = (v + m/M) mod 1 of the one v given: each is exactly uniform, and
// together they are stratified, so no extra noise is needed.
import { tf, safe } from '../tf/index.js';
import { UserError } from '../errors.js';
import { clampUniforms } from '../distributions/index.js';
import { relaxedOnly, type Estimator } from './types.js';

/** Conditional samples per estimate (the paper's experiments use 10 to 1000). */
export const GUMBEL_RAO_SAMPLES = 10;

export function gumbelRaoWith(m: number): Estimator {
  return (input) => {
    const dist = relaxedOnly('Gumbel-Rao', input.dist);
    const f = input.relaxedF;
    if (!f) throw new UserError('Gumbel-Rao needs the objective at relaxed inputs (relaxedF), to differentiate it at b');
    if (!input.v) throw new UserError('Gumbel-Rao needs the uniforms v for the conditional samples z̃');
    const { theta, u, v, context, b: taken } = input;
    const lambda = input.temperature ?? 1;
    return {
      gradient: tf.tidy(() => {
        const b = taken ?? dist.hard(dist.sample(theta, u));
        const dfdx = tf.grad((x: tf.Tensor) => tf.sum(f(x, context)))(b);
        // z̃_m ~ p(z | b, θ), then differentiated as straight-through does, at fixed noise: z = θ + noise (for
        // Bernoulli; for categorical z = log softmax θ + noise, and softmax(z/λ) does not see the difference), so
        // ∂z/∂θ is the identity. Not z̃'s own θ-dependence given b (that is REBAR's conditional derivative).
        // The noise parts z̃_m − θ are constants of the closure (stopGradient: an outer tape would see through them).
        const noises = Array.from({ length: m }, (_, i) =>
          safe.stopGradient(tf.sub(dist.conditional(theta, b, clampUniforms(tf.mod(tf.add(v!, i / m), 1))), theta)),
        );
        return tf.grad((th: tf.Tensor) => {
          const soft = noises.map((e) => dist.relax(tf.add(th, e), lambda));
          return tf.div(tf.sum(tf.mul(dfdx, tf.addN(soft))), m);
        })(theta);
      }),
    };
  };
}

export const gumbelRao: Estimator = gumbelRaoWith(GUMBEL_RAO_SAMPLES);
