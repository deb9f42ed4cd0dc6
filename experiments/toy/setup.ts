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
}

export interface ToyEstimator {
  name: string;
  estimator: Estimator;
  cv?: ControlVariate;
  baseline?: MovingAverage;
  temperature: number;
  /** Assemble the estimator input for θ and noise; fb = f(H(z(θ, u))) unless given. */
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
  return {
    name,
    estimator: assembled.estimator,
    cv: assembled.cv,
    baseline: assembled.baseline,
    temperature: options.temperature,
    input: (p, theta, u, v, fb) => assembled.input({ theta, u, v, fb: fb ?? p.f(p.dist.hard(p.dist.sample(theta, u))) }),
  };
}
