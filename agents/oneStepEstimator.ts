// A catalog estimator assembled for a one-step problem (envs/core/oneStep.ts):
// the applicability check (the catalog's one line when the problem lacks what
// the estimator needs), the estimator function, its control variate built
// from the catalog's kind, the moving-average baseline, and the estimator
// input for a sample. OneStepLearner trains with it; the `estimate` command
// and the estimator tests measure it at fixed θ (experiments/toy/setup.ts).
import type { tf } from '../src/tf/index.js';
import { bernoulli, categorical, type RelaxedDistribution } from '../src/distributions/index.js';
import {
  checkApplicable,
  estimatorSetup,
  samplesFor,
  DoubleCvScale,
  MovingAverage,
  type Estimator,
  type EstimatorInput,
  type EstimatorSetup,
  type ProblemCapabilities,
} from '../src/estimators/index.js';
import { buildControlVariate, type ControlVariate } from '../src/controlVariates/index.js';
import type { Activation } from '../src/nn/index.js';
import type { Rng } from '../src/random/index.js';
import { UserError } from '../src/errors.js';
import type { OneStepEnv } from '../envs/index.js';

type Tensor = tf.Tensor;

/** What a one-step problem offers the estimators: f at relaxed inputs if it has relaxedReward, f at any second b (reward itself). */
export function oneStepCapabilities(env: OneStepEnv): ProblemCapabilities {
  return { relaxedF: typeof env.relaxedReward === 'function', secondF: true, distribution: env.distribution };
}

export interface OneStepEstimatorOptions {
  /** REBAR's initial η and λ (λ is also Concrete's temperature and the neural CV's initial one). */
  eta: number;
  temperature: number;
  /** Hidden layers and activation of a neural control variate or learned baseline. */
  hidden: number[];
  activation: Activation;
  /** Samples per input of a K-sample estimator (rloo, vimco, arms; default the catalog's DEFAULT_K); refused above 1 for the others. */
  k?: number;
}

/** One draw of a one-step problem: θ, the noise u and v, b (when drawn already) and f(b). */
export interface OneStepSample {
  theta: Tensor;
  u: Tensor;
  v: Tensor;
  b?: Tensor;
  fb: Tensor;
}

export interface OneStepEstimator {
  name: string;
  setup: EstimatorSetup;
  /** The estimator function (replaceable, e.g. by a test's variant). */
  estimator: Estimator;
  dist: RelaxedDistribution;
  cv?: ControlVariate;
  baseline?: MovingAverage;
  temperature: number;
  /** Samples per input: K for a K-sample estimator (the sample's rows grouped by K, EstimatorInput.k), else 1. */
  k: number;
  /** The uniforms to sample b with, from independent ones w (ARMS's copula; w itself for the others). */
  noise(theta: Tensor, w: Tensor): Tensor;
  /** The estimator input for a sample at contexts x (none for a problem without context). */
  input(sample: OneStepSample, x?: Tensor): EstimatorInput;
}

function relaxedDistribution(env: OneStepEnv): RelaxedDistribution {
  if (env.distribution === 'bernoulli') return bernoulli;
  if (env.distribution === 'categorical') return categorical;
  throw new UserError(`one-step problems over '${env.distribution}' actions are not supported yet (bernoulli or categorical)`);
}

/**
 * Estimator `name` of the catalog, ready for `env`: refused with one line
 * when it cannot work there; its control variate's variables drawn from
 * `rng` (the neural surrogate starts at zero output, a learned scale from 0).
 */
export function oneStepEstimator(name: string, env: OneStepEnv, options: OneStepEstimatorOptions, rng: Rng): OneStepEstimator {
  const setup = estimatorSetup(name);
  checkApplicable(name, oneStepCapabilities(env), { name: `the problem '${env.describe()}'`, note: 'a one-step problem' });
  const dist = relaxedDistribution(env);
  const k = samplesFor(name, options.k);
  const kind = setup.controlVariate;
  const cv =
    kind === 'none' || kind === 'moving-average'
      ? undefined
      : kind === 'double-cv-scale'
        ? new DoubleCvScale()
        : buildControlVariate(kind, {
          dist,
          sampleSize: env.thetaSize,
          contextSize: env.contextSize,
          relaxedF: env.relaxedReward ? (soft: Tensor, x?: Tensor) => env.relaxedReward!(soft, x) : undefined,
          rng,
          eta: options.eta,
          temperature: options.temperature,
          hidden: options.hidden,
          activation: options.activation,
          scale: 0,
        });
  const baseline = kind === 'moving-average' ? new MovingAverage(0.99) : undefined;
  return {
    name,
    setup,
    estimator: setup.estimator,
    dist,
    cv,
    baseline,
    temperature: options.temperature,
    k,
    noise: (theta, w) => (setup.prepareNoise ? setup.prepareNoise(theta, w, k) : w),
    input(sample, x) {
      return {
        dist,
        ...sample,
        f: (other) => env.reward(other, x),
        cv,
        baseline: baseline?.value,
        relaxedF: env.relaxedReward ? (soft) => env.relaxedReward!(soft, x) : undefined,
        temperature: options.temperature,
        context: x,
        ...(k > 1 ? { k } : {}),
      };
    },
  };
}
