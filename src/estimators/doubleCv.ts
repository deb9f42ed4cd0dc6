// Double control variates (Titsias & Shi, AISTATS 2022) for Bernoulli b: a
// global control variate on top of RLOO, built from f's derivative at the K
// hard samples (no extra evaluation of f; one of its derivative, which a
// differentiable f gives with its backward pass). With g_k = ∂f/∂b at b_k,
// g_{−k} the mean of the other K − 1, p = σ(θ), s_k = b_k − p and a scale α,
//   f̃_k = f_k + α g_{−k}ᵀ (b_k − p),
//   ĝ = 1/K Σ_k [(f̃_k − mean_{j≠k} f̃_j) s_k − α g_{−k} ⊙ p(1 − p)]
// (with one p for the group the last term is α ḡ ⊙ p(1 − p), ḡ = mean_k g_k).
// g_{−k} does not depend on b_k, so E[(b_k − p) g_{−k}ᵀ(b_k − p)] = E[g_{−k}] ⊙ p(1−p)
// is what the last term removes (the f̃_j of j ≠ k average to nothing against
// s_k): unbiased for every α, also when p differs between the K samples (a
// later layer of a VAE, whose p depends on the sample above it). α = −1
// would subtract f's first-order expansion, but ∂f/∂b at hard samples can be
// far from f's differences (the toy's is ±1 where f(1) − f(0) is 0.002), so
// α starts at 0 (RLOO, as in the paper) and is learned by ∂α Σ ĝ² (the scale
// is input.cv, a DoubleCvScale).
import { tf, safe, makeVariable } from '../tf/index.js';
import { UserError } from '../errors.js';
import type { ControlVariate } from '../controlVariates/index.js';
import { perSample, samplesPerInput, type Estimator } from './types.js';
import { leaveOneOut } from './rloo.js';

let scales = 0;

/** The learned scale α of the double control variate, as a ControlVariate (its one variable); it has no c(z) of its own. */
export class DoubleCvScale implements ControlVariate {
  readonly name = 'double-cv scale';
  readonly dependsOnSample = true;
  readonly alpha: tf.Variable;
  constructor(initial = 0) {
    this.alpha = makeVariable(() => tf.scalar(initial), true, `doubleCv${scales++}/alpha`);
  }
  get variables(): tf.Variable[] {
    return [this.alpha];
  }
  /** No c(z) of its own: zero per sample. */
  apply(z: tf.Tensor): tf.Tensor {
    return tf.zeros([z.shape[0] ?? 1]);
  }
}

/** Rows [N·K, D] → each row replaced by the mean of the other K − 1 rows of its group. */
function othersMean(x: tf.Tensor, k: number): tf.Tensor {
  const d = x.shape[1] ?? 1;
  const g = tf.reshape(x, [-1, k, d]);
  return tf.reshape(tf.div(tf.sub(tf.sum(g, 1, true), g), k - 1), [-1, d]);
}

export const doubleCv: Estimator = (input) => {
  if (input.dist.name !== 'bernoulli') throw new UserError(`double-cv works only for Bernoulli latents, not '${input.dist.name}'`);
  const f = input.relaxedF;
  if (!f) throw new UserError("double-cv needs f's derivative at b (relaxedF: f at relaxed inputs)");
  const k = samplesPerInput('double-cv', input);
  const { dist, theta, u, fb, b: taken, context } = input;
  return {
    gradient: tf.tidy(() => {
      const alpha = input.cv instanceof DoubleCvScale ? input.cv.alpha : tf.scalar(0);
      const b = taken ?? dist.hard(dist.sample(theta, u));
      // ∂f/∂b at the hard samples: a constant of ĝ (stopGradient: an outer tape would see through it).
      const g = safe.stopGradient(tf.grad((x: tf.Tensor) => tf.sum(f(x, context)))(b));
      const p = tf.sigmoid(theta);
      const s = tf.sub(b, p);
      const others = othersMean(g, k);
      const h = tf.mul(alpha, tf.sum(tf.mul(others, s), 1));
      const adjusted = tf.add(tf.reshape(fb, [-1]), h);
      const main = tf.mul(perSample(leaveOneOut(adjusted, k), theta), s);
      return tf.sub(main, tf.mul(alpha, tf.mul(others, tf.mul(p, tf.sub(1, p)))));
    }),
  };
};
