// Exact moments of REINFORCE on the one-Bernoulli toy, and sampled moments
// of any estimator there. With p = σ(ℓ) and f(b) = (b − t)², REINFORCE's
// estimate of ∂ℓ E f is ĝ = f(b)(b − p): ĝ = f₁(1 − p) with probability p,
// −f₀ p with probability 1 − p, so its mean, variance and fourth central
// moment are sums of two terms.
import { tf } from '../../src/tf/index.js';
import type { Rng } from '../../src/random/index.js';
import type { ToyProblem } from '../toy/problem.js';
import type { ToyEstimator } from '../toy/setup.js';

export const logitOf = (p: number) => Math.log(p / (1 - p));

/**
 * The constant baseline that makes REINFORCE exact on one Bernoulli:
 * (f(b) − b*)(b − p) = p(1 − p)(f₁ − f₀) for both b when b* = f₁(1 − p) + f₀ p.
 * REBAR's c = η f(σ_λ(z)) tends to the constant η (½ − t)² as λ → ∞, so its
 * variance goes to 0 there with η → b* / (½ − t)².
 */
export function zeroVarianceBaseline(p: number, t: number): number {
  return (1 - t) ** 2 * (1 - p) + t * t * p;
}

/** Mean, variance and fourth central moment of REINFORCE's ĝ at Bernoulli probability p and target t. */
export function reinforceMoments(p: number, t: number): { mean: number; variance: number; fourth: number } {
  const hi = (1 - t) ** 2 * (1 - p); // ĝ when b = 1
  const lo = -(t * t) * p; // ĝ when b = 0
  const mean = p * hi + (1 - p) * lo;
  const variance = p * (hi - mean) ** 2 + (1 - p) * (lo - mean) ** 2;
  const fourth = p * (hi - mean) ** 4 + (1 - p) * (lo - mean) ** 4;
  return { mean, variance, fourth };
}

/** n draws of ĝ at the logit, `chunk` at a time, noise from rng; returns them in float64. */
export function sampleGradients(problem: ToyProblem, est: ToyEstimator, logit: number, n: number, rng: Rng, chunk = 50_000): Float64Array {
  const out = new Float64Array(n);
  for (let done = 0; done < n; done += chunk) {
    const m = Math.min(chunk, n - done);
    const g = tf.tidy(() => {
      const theta = tf.fill([m, 1], logit);
      const u = tf.tensor2d(rng.uniforms(m), [m, 1]);
      const v = tf.tensor2d(rng.uniforms(m), [m, 1]);
      return est.estimator(est.input(problem, theta, u, v)).gradient;
    });
    out.set(g.dataSync(), done);
    g.dispose();
  }
  return out;
}

export function meanOf(xs: Float64Array): number {
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

export function varianceOf(xs: Float64Array): number {
  const m = meanOf(xs);
  let s = 0;
  for (const x of xs) s += (x - m) ** 2;
  return s / (xs.length - 1);
}

/**
 * The variance of a + η·d minimised over η (d = the control term, E d = 0):
 * η* = −Cov(a, d) / Var d, and the variance there.
 */
export function bestLinear(a: Float64Array, d: Float64Array): { eta: number; variance: number } {
  const ma = meanOf(a);
  const md = meanOf(d);
  let cad = 0;
  let vd = 0;
  let va = 0;
  for (let i = 0; i < a.length; i++) {
    cad += (a[i] - ma) * (d[i] - md);
    vd += (d[i] - md) ** 2;
    va += (a[i] - ma) ** 2;
  }
  const n = a.length - 1;
  if (vd === 0) return { eta: 0, variance: va / n };
  // Clamped: at an almost perfect control term the difference cancels to rounding noise.
  return { eta: -cad / vd, variance: Math.max(0, (va - (cad * cad) / vd) / n) };
}
