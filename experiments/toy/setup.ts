// One estimator, ready to run on a toy problem: its function, its control
// variate (if any) and the optimiser state around it.
import { tf } from '../../src/tf/index.js';
import { estimatorSetup, MovingAverage, type Estimator, type EstimatorInput } from '../../src/estimators/index.js';
import { buildControlVariate, type ControlVariate } from '../../src/controlVariates/index.js';
import type { Rng } from '../../src/random/index.js';
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

export function toyEstimator(name: string, problem: ToyProblem, options: ToyEstimatorOptions, rng: Rng): ToyEstimator {
  const setup = estimatorSetup(name);
  const kind = setup.controlVariate;
  const cv =
    kind === 'rebar' || kind === 'neural' || kind === 'rebar+neural' || kind === 'baseline'
      ? buildControlVariate(kind, {
          dist: problem.dist,
          sampleSize: problem.size,
          relaxedF: problem.relaxedF,
          rng,
          eta: options.eta,
          temperature: options.temperature,
          hidden: [options.hidden],
          activation: 'tanh',
          // The toy's neural surrogate starts at zero output (a learned scale from 0).
          scale: 0,
        })
      : undefined;
  const baseline = kind === 'moving-average' ? new MovingAverage(0.99) : undefined;
  return {
    name,
    estimator: setup.estimator,
    cv,
    baseline,
    temperature: options.temperature,
    input(p, theta, u, v, fb) {
      return {
        dist: p.dist,
        theta,
        u,
        v,
        fb: fb ?? p.f(p.dist.hard(p.dist.sample(theta, u))),
        f: (b) => p.f(b),
        cv,
        baseline: baseline?.value,
        relaxedF: p.relaxedF,
        temperature: options.temperature,
      };
    },
  };
}
