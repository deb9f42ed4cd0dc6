// MuProp (Gu, Levine, Sutskever & Mnih, ICLR 2016): the control variate is
// the first-order Taylor expansion of f around the mean-field point
// μ̄ = E[b] = μ(θ), held constant:
//   c(b) = f(μ̄) + f'(μ̄)ᵀ (b − μ̄),   E[c(b)] = f(μ̄) + f'(μ̄)ᵀ (μ(θ) − μ̄),
// so ∂θ E[c(b)] = f'(μ̄)ᵀ ∂θ μ(θ) in closed form, and
//   ĝ = [f(b) − c(b) − B] ∂θ log p(b|θ) + f'(μ̄)ᵀ ∂θ μ(θ),
// unbiased for any f differentiable at μ̄ and any baseline B that does not
// depend on b: a constant or moving average (`baseline`) plus, as Gu et al.
// do following NVIL, a learned input-dependent network (`cv`, which must not
// depend on the sample). f at continuous inputs comes from `relaxedF`; the
// caller decides what it means away from {0,1} (in a multi-layer VAE: the
// later layers evaluated deterministically from their means). μ(θ) is the
// relaxation at temperature 1 (σ(θ), or softmax(θ) for one-hot categoricals),
// which is exactly E[b].
import { tf, safe } from '../tf/index.js';
import { UserError } from '../errors.js';
import { perSample, relaxedOnly, type Estimator, type EstimatorInput } from './types.js';

export interface MupropTerms {
  /** ĝ, same shape as θ. */
  gradient: tf.Tensor;
  /** f(b) − c(b) per sample (before any baseline): the signal a moving-average baseline should track. */
  residual: tf.Tensor;
}

/** Sum over every axis but the first: one value per sample. */
const perRow = (t: tf.Tensor) => (t.rank === 1 ? t : tf.sum(t, Array.from({ length: t.rank - 1 }, (_, i) => i + 1)));

/** MuProp's estimate and its residual f(b) − c(b). */
export function mupropTerms(input: EstimatorInput): MupropTerms {
  const { theta, u, fb, b: taken, cv, baseline, relaxedF, context } = input;
  const dist = relaxedOnly('MuProp', input.dist);
  if (!relaxedF) throw new UserError('MuProp needs the objective at continuous inputs (relaxedF) to expand it around the mean');
  if (cv?.dependsOnSample) {
    throw new UserError(`MuProp cannot use the sample-dependent control variate '${cv.name}' as its baseline (it would be biased)`);
  }
  const b = taken ?? dist.hard(dist.sample(theta, u));
  // The expansion point, a constant: nothing below differentiates through it.
  const meanPoint = dist.relax(theta, 1);
  let fMean: tf.Tensor | undefined;
  // f'(μ̄) is a constant too: under an outer tape (training the baseline by
  // ∂φ Σ ĝ²) the θ-derivative below would otherwise run through μ̄ into it.
  const dfMean = safe.stopGradient(
    tf.grad((m: tf.Tensor) => {
      const f = tf.reshape(relaxedF(m, context), fb.shape);
      fMean = tf.keep(f);
      return tf.sum(f);
    })(meanPoint),
  );
  const taylor = tf.add(fMean!, perRow(tf.mul(dfMean, tf.sub(b, meanPoint))));
  fMean!.dispose();
  const residual = tf.sub(fb, taylor);
  let advantage: tf.Tensor = residual;
  if (baseline !== undefined) advantage = tf.sub(advantage, baseline);
  if (cv) advantage = tf.sub(advantage, tf.reshape(cv.apply(b, context), fb.shape));
  // ∂θ E[c(b)] = ∂θ [f'(μ̄)ᵀ μ(θ)] with f'(μ̄) held fixed.
  const meanTerm = tf.grad((th: tf.Tensor) => tf.sum(tf.mul(dfMean, dist.relax(th, 1))))(theta);
  return { gradient: tf.add(tf.mul(perSample(advantage, theta), dist.score(theta, b)), meanTerm), residual };
}

export const muprop: Estimator = (input) => ({ gradient: mupropTerms(input).gradient });
