// The one signature every estimator shares.
import type { tf } from '../tf/index.js';
import { UserError } from '../errors.js';
import { isRelaxed, type Distribution, type RelaxedDistribution } from '../distributions/index.js';
import type { ControlVariate, RelaxedObjective } from '../controlVariates/types.js';

type Tensor = tf.Tensor;

export interface EstimatorInput {
  /**
   * The distribution of b given θ: discrete with a relaxation (bernoulli,
   * categorical) or continuous reparameterised (diagNormal). Estimators that
   * need the relaxation refuse a continuous one with a UserError.
   */
  dist: Distribution;
  /** Its parameters (e.g. logits, or [mean, logStd]), shape [batch, ...]; need not be a variable. */
  theta: Tensor;
  /**
   * The noise of the sample, shape dist.noiseShape(θ.shape): uniforms for z
   * (b = H(z(θ, u))) for a discrete distribution, the standard normals ε of
   * b = T(θ, ε) for a continuous one.
   */
  u: Tensor;
  /** Uniforms for z̃ (RELAX, REBAR); unused by the other estimators and by continuous distributions. */
  v?: Tensor;
  /** f(b) per sample, shape [batch], already evaluated by the black box at b = H(z(θ, u)) (or T(θ, u)). */
  fb: Tensor;
  /**
   * The hard sample actually taken, when the caller drew it itself (e.g. an
   * agent acting through a typed-array forward pass); else b = H(z(θ, u)).
   * Continuous LAX ignores it and rebuilds b = T(θ, u) from the noise, so
   * that c is evaluated at exactly the b its reparameterisation gives.
   */
  b?: Tensor;
  /** Learned control variate c_φ (RELAX, LAX, learned baselines). */
  cv?: ControlVariate;
  /** A constant or per-sample baseline for REINFORCE (e.g. a moving average). */
  baseline?: Tensor | number;
  /** f at relaxed inputs, for Concrete and straight-through. */
  relaxedF?: RelaxedObjective;
  /** Temperature of the relaxation for Concrete and straight-through. */
  temperature?: number;
  /** Passed to the control variate and the relaxed objective (e.g. the observation x or state s). */
  context?: Tensor;
  /**
   * The black box f itself at another hard sample b of this θ (per sample, shape
   * [batch]): ARM and DisARM need f at an antithetic second sample. For a
   * multi-layer model the caller evaluates the later layers with its own noise.
   */
  f?: (b: Tensor) => Tensor;
  /**
   * K-sample estimators (RLOO, VIMCO, ARMS, double-cv): the number K of samples per
   * input. θ's rows are then grouped input-major: rows n·K … n·K + K − 1 are
   * the K samples of input n (the same θ repeated, u, v, fb and b per sample,
   * the context repeated likewise). The output still has θ's shape, and the
   * estimate for input n is the mean of its K rows (so a caller that averages
   * ĝ over rows, or back-propagates the mean of θ·ĝ, needs nothing else).
   * ARMS also needs u drawn through its copula (`armsNoise`, the catalog's
   * `prepareNoise`). Absent for the one-sample estimators (K = 1).
   */
  k?: number;
}

export interface EstimatorOutput {
  /**
   * The single-sample estimate ĝ of ∂θ E[f(b)], same shape as θ (row i is
   * sample i's estimate). Differentiable in φ where the estimator has a
   * control variate, so ∂φ Σ ĝ² trains it.
   */
  gradient: Tensor;
}

export type Estimator = (input: EstimatorInput) => EstimatorOutput;

/** Reshape a per-sample [batch] tensor so it broadcasts against θ [batch, ...]. */
export function perSample(x: Tensor, theta: Tensor): Tensor {
  return x.rank === theta.rank ? x : x.reshape([x.shape[0] ?? 1, ...new Array(theta.rank - 1).fill(1)]);
}

/** K of a K-sample input, checked: at least 2 and dividing the rows of θ (a UserError naming the estimator otherwise). */
export function samplesPerInput(estimator: string, input: EstimatorInput): number {
  const k = input.k;
  const rows = input.theta.shape[0] ?? 1;
  if (k === undefined || !Number.isInteger(k) || k < 2) {
    throw new UserError(`${estimator} needs K ≥ 2 samples per input (input.k), got ${k ?? 'none'}`);
  }
  if (rows % k !== 0) throw new UserError(`${estimator}: θ has ${rows} rows, not a multiple of K = ${k}`);
  return k;
}

/** The per-input estimates of a K-sample output: the mean of each group of K rows ([N·K, ...] → [N, ...]). */
export function groupMean(gradient: Tensor, k = 1): Tensor {
  if (k === 1) return gradient;
  const [rows, ...rest] = gradient.shape;
  return gradient.reshape([rows / k, k, ...rest]).mean(1);
}

/** The distribution as a relaxed one, or a UserError naming the estimator that needs the relaxation. */
export function relaxedOnly(estimator: string, dist: Distribution): RelaxedDistribution {
  if (!isRelaxed(dist)) {
    throw new UserError(`${estimator} needs a discrete distribution with a continuous relaxation (bernoulli or categorical), not '${dist.name}'`);
  }
  return dist;
}
