import type { tf } from '../tf/index.js';

type Tensor = tf.Tensor;

/**
 * A discrete distribution with a continuous relaxation, written as pure
 * functions of its parameters θ so that every quantity can be re-evaluated
 * inside a gradient closure. Noise u, v are uniforms of `noiseShape(θ)`.
 */
export interface RelaxedDistribution {
  readonly name: 'bernoulli' | 'categorical';
  /** Shape of the uniforms u (for z) and v (for z̃) given θ's shape. */
  noiseShape(thetaShape: number[]): number[];
  /** Relaxed sample z = z(θ, u), differentiable in θ. */
  sample(theta: Tensor, u: Tensor): Tensor;
  /** Hard value b = H(z): {0,1} for Bernoulli, one-hot for categorical (float32). */
  hard(z: Tensor): Tensor;
  /** z̃ ~ p(z | b, θ) from uniforms v, differentiable in θ with b held fixed. */
  conditional(theta: Tensor, b: Tensor, v: Tensor): Tensor;
  /** Soft relaxation at temperature λ (tensor or number): σ(z/λ) or softmax(z/λ). */
  relax(z: Tensor, temperature: Tensor | number): Tensor;
  /** log p(b | θ), summed over the event (per sample: θ's shape without the event axis for categorical). */
  logProb(theta: Tensor, b: Tensor): Tensor;
  /** ∂θ log p(b | θ) in closed form, same shape as θ. */
  score(theta: Tensor, b: Tensor): Tensor;
  /** log density of the relaxed z under θ (for discrete LAX), per element / per sample. */
  relaxedLogDensity(theta: Tensor, z: Tensor): Tensor;
  /** Entropy of p(b | θ). */
  entropy(theta: Tensor): Tensor;
  /** KL(p(·|θp) ‖ p(·|θq)), shaped like entropy. */
  kl(thetaP: Tensor, thetaQ: Tensor): Tensor;
}

/** Uniforms are clamped away from 0 and 1 so every log below is finite in float32. */
export const UNIFORM_EPS = 1e-6;
