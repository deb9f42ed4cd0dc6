// One-step problems as environments: estimating ∂θ E_{p(b|θ)}[f(b)] is an
// episode of one action b whose reward is the black box f(b) (docs/design.md,
// "One trainer"). What such a problem offers beyond a gym task is what the
// estimators need: f on a batch of tensors, f at relaxed inputs (REBAR,
// Concrete), f at another hard sample (ARM, DisARM: `reward` itself), the
// exact gradient (toys), and trainable parameters of its own (the VAE's
// decoder). Methods take and return tfjs tensors but this module never loads
// tfjs: an env writes f with the tensors' own chained ops, so
// `relax-pg/envs` stays free of tfjs.
import type { tf } from '../../src/tf/index.js';

type Tensor = tf.Tensor;

/** The action distribution a one-step problem is posed over. */
export type OneStepDistribution = 'bernoulli' | 'categorical' | 'normal';

export interface OneStepEnv {
  /** Distribution of the action b given θ (one row of θ per sample). */
  readonly distribution: OneStepDistribution;
  /** Entries of θ per sample: latents (Bernoulli), classes (categorical), dimensions (normal). */
  readonly thetaSize: number;
  /** Entries of the context x per sample; 0 when there is none (θ is then a free parameter). */
  readonly contextSize: number;
  /** The contexts of one batch, [batch, contextSize] (from the env's own random stream), or undefined. */
  observe(batch: number): Tensor | undefined;
  /** f(b) per sample, [batch]: the reward to maximise. `b` is [batch, thetaSize] (one-hot for categorical). */
  reward(b: Tensor, x?: Tensor): Tensor;
  /** f at relaxed inputs σ_λ(z) in [0, 1] (or the simplex), differentiable in them; absent for a true black box. */
  relaxedReward?(soft: Tensor, x?: Tensor): Tensor;
  /**
   * Optional typed-array forms of `reward` and `relaxedReward` (the same
   * numbers, in float64), for a problem without context: with them the
   * one-step learner takes its fused step (agents/fusedOneStep.ts) instead of
   * the tape. Rows are row-major [rows, thetaSize].
   */
  rewardArrays?(b: Float64Array, rows: number): Float64Array;
  relaxedRewardArrays?(soft: Float64Array, rows: number, direction?: Float64Array): RelaxedRewardArrays;
  /** E f and ∂θ E f at a θ shared by every sample (toys), for checks and reports. */
  exactReward?(theta: ArrayLike<number>): number;
  exactGradient?(theta: ArrayLike<number>): number[];
  /** The problem's own trainable parameters, trained by ascending E f (none for the toys). */
  readonly variables?: tf.Variable[];
  /** One line for reports. */
  describe(): string;
}

/**
 * f at relaxed inputs s, per row, with what REBAR's ∂θ c needs: ∂f/∂s and,
 * when a direction d is given, the derivative of ∂f/∂s along d (∇²f·d per
 * row: the step of REBAR's learned temperature is second order in s).
 */
export interface RelaxedRewardArrays {
  value: Float64Array;
  gradient: Float64Array;
  curvature?: Float64Array;
}

/** Whether an object implements OneStepEnv (duck-typed: users write their own). */
export function isOneStepEnv(x: unknown): x is OneStepEnv {
  const e = x as Partial<OneStepEnv> | null;
  return !!e && typeof e.reward === 'function' && typeof e.observe === 'function' && typeof e.thetaSize === 'number';
}
