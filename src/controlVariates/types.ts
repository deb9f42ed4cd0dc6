import type { tf } from '../tf/index.js';

type Tensor = tf.Tensor;

/**
 * A learned control variate c_φ(z[, context]) → one value per sample.
 * `variables` are φ; they are trained to minimise the estimator's variance.
 */
export interface ControlVariate {
  readonly name: string;
  readonly variables: tf.Variable[];
  /**
   * Whether c depends on the sample z. One that does not (a baseline c(context))
   * may be used by REINFORCE; one that does needs RELAX or LAX to stay unbiased.
   */
  readonly dependsOnSample: boolean;
  apply(z: Tensor, context?: Tensor): Tensor;
}

/** A differentiable objective at relaxed inputs, f(σ_λ(z)) — REBAR's and Concrete's ingredient. */
export type RelaxedObjective = (soft: Tensor, context?: Tensor) => Tensor;
