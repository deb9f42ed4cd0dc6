// Training a control variate by the estimator's own variance. ĝ is unbiased
// for every φ, so ∂φ Var(ĝ) = ∂φ E[ĝ²]: one sample of ∂φ Σ ĝ² is an unbiased
// estimate of the variance gradient. Σ runs over θ's entries ("theta", as the
// paper's VAE code) or over the parameters ψ of the network that produced θ
// ("parameters", as its RL code).
import { tf } from '../tf/index.js';
import type { Estimator, EstimatorInput } from './types.js';

export type VarianceObjective =
  | { kind: 'theta' }
  | {
      kind: 'parameters';
      /** Parameters ψ of the network producing θ. */
      variables: tf.Variable[];
      /** Recomputes θ(ψ); must equal the θ passed to the estimator (which is held constant). */
      theta: () => tf.Tensor;
    };

/** Σ ĝ² / batch for "theta"; ‖Σ_i J_iᵀ ĝ_i / batch‖² over ψ for "parameters". */
export function varianceLoss(gradient: tf.Tensor, objective: VarianceObjective): tf.Scalar {
  const batch = gradient.shape[0] ?? 1;
  if (objective.kind === 'theta') return tf.div(tf.sum(tf.square(gradient)), batch);
  const { grads } = tf.variableGrads(() => tf.div(tf.sum(tf.mul(objective.theta(), gradient)), batch), objective.variables);
  return tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g)))) as tf.Scalar;
}

export interface EstimateResult {
  /** ĝ, same shape as θ; the caller owns it (dispose when done). */
  gradient: tf.Tensor;
  /** The variance objective's value, when the control variate was trained. */
  varianceLoss?: number;
}

/**
 * Compute ĝ with `compute` (which must build it from the control variate's
 * variables) and take one optimiser step on those variables along
 * −∂φ(variance objective). Works for any estimator, including continuous LAX.
 */
export function trainControlVariate(
  compute: () => tf.Tensor,
  variables: tf.Variable[],
  optimizer: tf.Optimizer,
  objective: VarianceObjective = { kind: 'theta' },
): EstimateResult {
  let gradient: tf.Tensor | undefined;
  const loss = tf.tidy(() => {
    const { value, grads } = tf.variableGrads(() => {
      const g = compute();
      gradient = tf.keep(g.clone());
      return varianceLoss(g, objective);
    }, variables);
    optimizer.applyGradients(grads);
    return value;
  });
  const varianceValue = loss.dataSync()[0];
  loss.dispose();
  return { gradient: gradient!, varianceLoss: varianceValue };
}

/**
 * Run an estimator and, when it has a learned control variate and an
 * optimiser is given, take one step on φ along −∂φ Σ ĝ².
 */
export function estimateAndTrain(
  estimator: Estimator,
  input: EstimatorInput,
  options: { optimizer?: tf.Optimizer; objective?: VarianceObjective } = {},
): EstimateResult {
  const variables = input.cv?.variables.filter((v) => v.trainable) ?? [];
  if (!options.optimizer || variables.length === 0) {
    return { gradient: tf.tidy(() => estimator(input).gradient) };
  }
  return trainControlVariate(() => estimator(input).gradient, variables, options.optimizer, options.objective);
}

/**
 * The one variance diagnostic: log of the unbiased variance across n
 * independent estimates, averaged over their d components. `samples` is
 * [n, d] as rows (typed arrays) or a tensor [n, ...].
 */
export function logVarianceOf(samples: ArrayLike<number>[] | tf.Tensor): number {
  if (!Array.isArray(samples)) {
    const t = samples as tf.Tensor;
    const n = t.shape[0] ?? 1;
    const flat = t.reshape([n, -1]);
    const rows = flat.arraySync() as number[][];
    if (flat !== t) flat.dispose();
    return logVarianceOf(rows);
  }
  const rows = samples;
  const n = rows.length;
  const d = rows[0].length;
  let total = 0;
  for (let j = 0; j < d; j++) {
    let m = 0;
    for (let i = 0; i < n; i++) m += rows[i][j];
    m /= n;
    let v = 0;
    for (let i = 0; i < n; i++) v += (rows[i][j] - m) ** 2;
    total += v / (n - 1);
  }
  return Math.log(Math.max(total / d, 1e-300));
}
