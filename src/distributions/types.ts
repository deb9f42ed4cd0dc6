import { tf } from '../tf/index.js';

type Tensor = tf.Tensor;

/** Uniforms are clamped away from 0 and 1 so every log below is finite in float32. The one such constant. */
export const UNIFORM_EPS = 1e-6;

/** A uniform clamped to [UNIFORM_EPS, 1 − UNIFORM_EPS], for typed-array samplers (the same clamp as every tensor sampler). */
export function clampUniform(u: number): number {
  return Math.min(Math.max(u, UNIFORM_EPS), 1 - UNIFORM_EPS);
}

/** clampUniform on a tensor of uniforms (what the tensor samplers use). */
export function clampUniforms(u: Tensor): Tensor {
  return tf.clipByValue(u, UNIFORM_EPS, 1 - UNIFORM_EPS);
}

/**
 * What every distribution of b given θ offers, written as pure functions of
 * its parameters θ so that every quantity can be re-evaluated inside a
 * gradient closure. Estimators take this interface and branch on `kind`
 * themselves, so callers never need to.
 *
 * - `kind: 'discrete'` — a discrete b with a continuous relaxation: the
 *   noise is uniform, `sample` gives the relaxed z = z(θ, u) and `hard` the
 *   sample b = H(z). Such a distribution is a `RelaxedDistribution`.
 * - `kind: 'continuous'` — a continuous, reparameterised b = T(θ, ε): the
 *   noise is standard normal, `sample` gives b itself and `hard` is the
 *   identity.
 */
export interface Distribution {
  readonly name: 'bernoulli' | 'categorical' | 'normal';
  /** Discrete with a relaxation, or continuous reparameterised (see above). */
  readonly kind: 'discrete' | 'continuous';
  /** The noise u that `sample` takes: uniforms on (0, 1) or standard normals. */
  readonly noise: 'uniform' | 'normal';
  /** Shape of the noise u (and of v, for z̃) given θ's shape. */
  noiseShape(thetaShape: number[]): number[];
  /** The reparameterised sample from noise u, differentiable in θ: z(θ, u) (discrete) or b = T(θ, ε) (continuous). */
  sample(theta: Tensor, u: Tensor): Tensor;
  /** b from a sample: H(z) for a discrete distribution (float32), the identity for a continuous one. */
  hard(z: Tensor): Tensor;
  /**
   * log p(b | θ): per element for Bernoulli, per sample (summed over the last
   * axis) for categorical and normal.
   */
  logProb(theta: Tensor, b: Tensor): Tensor;
  /** ∂θ log p(b | θ) in closed form, same shape as θ. */
  score(theta: Tensor, b: Tensor): Tensor;
  /** Entropy of p(b | θ), shaped like logProb. */
  entropy(theta: Tensor): Tensor;
  /** KL(p(·|θp) ‖ p(·|θq)), shaped like entropy. */
  kl(thetaP: Tensor, thetaQ: Tensor): Tensor;
}

/**
 * A discrete distribution with a continuous relaxation. Noise u, v are
 * uniforms of `noiseShape(θ)`; `sample` is the relaxed z, `hard` is H.
 */
export interface RelaxedDistribution extends Distribution {
  readonly name: 'bernoulli' | 'categorical';
  readonly kind: 'discrete';
  readonly noise: 'uniform';
  /** Relaxed sample z = z(θ, u), differentiable in θ. */
  sample(theta: Tensor, u: Tensor): Tensor;
  /** Hard value b = H(z): {0,1} for Bernoulli, one-hot for categorical (float32). */
  hard(z: Tensor): Tensor;
  /** z̃ ~ p(z | b, θ) from uniforms v, differentiable in θ with b held fixed. */
  conditional(theta: Tensor, b: Tensor, v: Tensor): Tensor;
  /** Soft relaxation at temperature λ (tensor or number): σ(z/λ) or softmax(z/λ). */
  relax(z: Tensor, temperature: Tensor | number): Tensor;
  /** log density of the relaxed z under θ (for discrete LAX), per element / per sample. */
  relaxedLogDensity(theta: Tensor, z: Tensor): Tensor;
}

/** A continuous distribution sampled by reparameterisation b = T(θ, ε), ε standard normal. */
export interface ContinuousDistribution extends Distribution {
  readonly kind: 'continuous';
  readonly noise: 'normal';
}

/** Whether a distribution is discrete with a relaxation (the narrowing the relaxation-based estimators need). */
export function isRelaxed(dist: Distribution): dist is RelaxedDistribution {
  return dist.kind === 'discrete';
}
