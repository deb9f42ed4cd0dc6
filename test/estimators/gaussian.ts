// A Gaussian one-step problem for the estimator tests: b ~ N(μ, σ²) per
// dimension (diagNormal, θ = [μ, log σ]), f(b) = −Σ (b − t)², so
//   E f = −Σ [(μ − t)² + σ²],  ∂μ E f = −2(μ − t),  ∂log σ E f = −2σ².
// Every catalog estimator that applies to it is built from its set-up (the
// control variate from the catalog's kind), with an optional context x.
import { tf } from '../../src/tf/index.js';
import { Rng } from '../../src/random/index.js';
import { diagNormal } from '../../src/distributions/index.js';
import { estimatorSetup, type EstimatorInput, type EstimatorSetup, type ProblemCapabilities } from '../../src/estimators/index.js';
import { buildControlVariate, type ControlVariate } from '../../src/controlVariates/index.js';

export const MU = [0.3, -0.5];
export const LOG_STD = [Math.log(0.8), Math.log(1.3)];
export const TARGET = [0.45, 1];
export const D = MU.length;
/** One row of θ = [μ, log σ]. */
export const THETA_ROW = [...MU, ...LOG_STD];
/** ∂θ E f, in θ's layout. */
export const EXACT = [...MU.map((m, j) => -2 * (m - TARGET[j])), ...LOG_STD.map((l) => -2 * Math.exp(2 * l))];

/** What the Gaussian problem offers: no relaxation, no second evaluation of f. */
export const GAUSSIAN_CAPABILITIES: ProblemCapabilities = { relaxedF: false, secondF: false, distribution: 'normal' };

export const f = (b: tf.Tensor): tf.Tensor => tf.neg(tf.sum(tf.square(tf.sub(b, tf.tensor1d(TARGET))), -1));

export interface GaussianEstimator {
  setup: EstimatorSetup;
  cv?: ControlVariate;
  /** The estimator input for θ [n, 2D], noise ε [n, D] and an optional context [n, contextSize]. */
  input(theta: tf.Tensor, eps: tf.Tensor, context?: tf.Tensor): EstimatorInput;
  dispose(): void;
}

/** Catalog estimator `name` on the Gaussian problem, with a control variate far from trivial (scale 6: c(b) varies about half as much as f(b)). */
export function gaussianEstimator(name: string, contextSize: number, seed: string): GaussianEstimator {
  const setup = estimatorSetup(name);
  const kind = setup.needs.controlVariate;
  const cv =
    kind === 'none' || kind === 'moving-average'
      ? undefined
      : buildControlVariate(kind, { dist: diagNormal, sampleSize: D, contextSize, rng: new Rng(seed), hidden: [10], activation: 'tanh', scale: 0 });
  for (const v of cv?.variables ?? []) if (v.name.endsWith('/scale')) v.assign(tf.scalar(6));
  const baseline = kind === 'moving-average' ? -1.2 : undefined;
  return {
    setup,
    cv,
    input: (theta, eps, context) => ({
      dist: diagNormal,
      theta,
      u: eps,
      fb: f(diagNormal.hard(diagNormal.sample(theta, eps))),
      cv,
      baseline,
      context,
    }),
    dispose: () => {
      for (const v of cv?.variables ?? []) v.dispose();
    },
  };
}
