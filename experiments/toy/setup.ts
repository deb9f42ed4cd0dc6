// One estimator, ready to run on a toy problem at fixed θ (the `estimate`
// command, the estimator tests): the same assembly as OneStepLearner's
// (agents/oneStepEstimator.ts), on the toy seen as a one-step problem whose f
// is the loss (the env's reward negated), so ĝ estimates ∂θ E[loss].
import type { tf } from '../../src/tf/index.js';
import type { Estimator, EstimatorInput, MovingAverage } from '../../src/estimators/index.js';
import type { ControlVariate } from '../../src/controlVariates/index.js';
import type { Rng } from '../../src/random/index.js';
import type { OneStepEnv } from '../../envs/index.js';
import { oneStepEstimator } from '../../agents/oneStepEstimator.js';
import type { ToyProblem } from './problem.js';

export interface ToyEstimatorOptions {
  eta: number;
  temperature: number;
  hidden: number;
  /** Samples per input of rloo, vimco and arms (default the catalog's). */
  k?: number;
}

export interface ToyEstimator {
  name: string;
  estimator: Estimator;
  cv?: ControlVariate;
  baseline?: MovingAverage;
  temperature: number;
  /** Samples per estimate: K for rloo, vimco and arms (θ's rows grouped by K), else 1. */
  k: number;
  /** Assemble the estimator input for θ and independent uniforms u, v (made ARMS's copula where it needs one); fb = f(H(z(θ, u))) unless given. */
  input(problem: ToyProblem, theta: tf.Tensor, u: tf.Tensor, v: tf.Tensor, fb?: tf.Tensor): EstimatorInput;
}

/** The toy problem as a one-step problem whose reward is its loss f (no context). */
export function lossEnv(problem: ToyProblem): OneStepEnv {
  return {
    distribution: problem.dist.name,
    thetaSize: problem.size,
    contextSize: 0,
    observe: () => undefined,
    reward: (b) => problem.f(b),
    relaxedReward: (soft) => problem.relaxedF(soft),
    describe: () => problem.describe(),
  };
}

export function toyEstimator(name: string, problem: ToyProblem, options: ToyEstimatorOptions, rng: Rng): ToyEstimator {
  const assembled = oneStepEstimator(name, lossEnv(problem), { ...options, hidden: [options.hidden], activation: 'tanh' }, rng);
  const noised = (theta: tf.Tensor, u: tf.Tensor) => assembled.noise(theta, u);
  return {
    name,
    estimator: assembled.estimator,
    cv: assembled.cv,
    baseline: assembled.baseline,
    temperature: options.temperature,
    k: assembled.k,
    input: (p, theta, w, v, fb) => {
      const u = noised(theta, w);
      return assembled.input({ theta, u, v, fb: fb ?? p.f(p.dist.hard(p.dist.sample(theta, u))) });
    },
  };
}
