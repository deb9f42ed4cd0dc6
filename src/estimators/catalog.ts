// Named estimator set-ups: which estimator function each name runs, which
// kind of control variate it uses, and what it needs of a problem (f at
// relaxed inputs, f at a second sample, a kind of distribution).
// applicability.ts refuses a combination that cannot work, with one line.
// Problems (the toy, the VAE, RL) build the control variate from the kind,
// since only they know f and the sizes. One name, one meaning everywhere:
//   relax        RELAX with a neural c_φ on the relaxed sample (plus the context when given)
//   relax-rebar  RELAX with REBAR's relaxation η·f(σ_λ(z)) plus a neural residual
//   lax          LAX: continuous reparameterised b = T(θ, ε), or discrete b = H(z)
//   rloo, vimco, arms, double-cv  K samples per input (EstimatorInput.k); vimco estimates
//                the gradient of the K-sample bound log mean_k exp f_k, not of E f
import { UserError } from '../errors.js';
import type { Distribution } from '../distributions/index.js';
import type { Estimator } from './types.js';
import { reinforce } from './reinforce.js';
import { relax } from './relax.js';
import { lax } from './lax.js';
import { concrete, straightThrough } from './concrete.js';
import { muprop } from './muprop.js';
import { arm, disarm } from './arm.js';
import { rloo } from './rloo.js';
import { vimco } from './vimco.js';
import { arms, armsNoise } from './arms.js';
import { gumbelRao, GUMBEL_RAO_SAMPLES } from './gumbelRao.js';
import { reinmax } from './reinmax.js';
import { doubleCv } from './doubleCv.js';
import type { tf } from '../tf/index.js';

export type ControlVariateKind = 'none' | 'moving-average' | 'baseline' | 'rebar' | 'neural' | 'rebar+neural' | 'double-cv-scale';

/** Which distributions an estimator works for: discrete with a relaxation, Bernoulli only, continuous reparameterised, or any. */
export type DistributionNeed = 'discrete' | 'bernoulli' | 'continuous' | 'any';

/** What an estimator needs of a problem. */
export interface EstimatorNeeds {
  /** f at relaxed (continuous) inputs, e.g. f(σ_λ(z)): REBAR, Concrete, straight-through, RELAX-REBAR, MuProp. */
  relaxedF?: true;
  /** f evaluated again at a second sample b̃ of the same θ: ARM, DisARM. */
  secondF?: true;
  distribution: DistributionNeed;
  /** The control variate the problem builds for it (buildControlVariate's kind, or none / a moving average). */
  controlVariate: ControlVariateKind;
  /** Evaluations of f per sample when more than one (ARM, DisARM: 2). */
  k?: number;
  /**
   * K ≥ 2 samples of b for the same input (same θ), each scored by f: RLOO,
   * VIMCO, ARMS, double-cv (EstimatorInput.k). They evaluate f K times per estimate.
   */
  multiSample?: true;
  /** What ĝ estimates the gradient of: E f (the default) or the K-sample bound E log (1/K Σ_k exp f_k) (VIMCO). */
  objective?: 'expectation' | 'multi-sample';
}

export interface EstimatorSetup {
  name: string;
  description: string;
  /** One line: which control variate this name uses (listed in the README). */
  controlVariateDescription: string;
  estimator: Estimator;
  needs: EstimatorNeeds;
  /** The same as needs.controlVariate (kept for existing callers). */
  controlVariate: ControlVariateKind;
  biased: boolean;
  /**
   * When present, the caller must draw the sample b = H(z(θ, u)) (and
   * evaluate f) with u = prepareNoise(θ, w, K) made from its independent
   * uniforms w, and pass that u: ARMS's copula.
   */
  prepareNoise?: (theta: tf.Tensor, w: tf.Tensor, k: number) => tf.Tensor;
}

/** What a problem offers the estimators. */
export interface ProblemCapabilities {
  /** Whether f can be evaluated at relaxed inputs (a differentiable black box: yes; a gym task: no). */
  relaxedF: boolean;
  /** Whether f can be evaluated again at another sample of the same θ (one-step problems: yes; RL returns: no). */
  secondF: boolean;
  /** Whether K samples of b can be drawn for the same input and each scored (default: secondF; RL: no, K episodes cannot start from one state). */
  multiSample?: boolean;
  /** The distribution of b: a Distribution, its name, or just its kind. */
  distribution: Distribution | Distribution['name'] | Distribution['kind'];
}

/** The problem as messages name it: 'CartPole-v1', or { name: 'CartPole-v1', note: 'a gym task' }. */
export type ProblemLabel = string | { name: string; note?: string };

type SetupSpec = Omit<EstimatorSetup, 'controlVariate'>;

const specs: SetupSpec[] = [
  {
    name: 'reinforce',
    description: 'score function, no baseline',
    controlVariateDescription: 'none',
    estimator: reinforce,
    needs: { distribution: 'any', controlVariate: 'none' },
    biased: false,
  },
  {
    name: 'reinforce-baseline',
    description: 'score function with a moving-average baseline',
    controlVariateDescription: 'a moving average of f (a constant baseline)',
    estimator: reinforce,
    needs: { distribution: 'any', controlVariate: 'moving-average' },
    biased: false,
  },
  {
    name: 'nvil',
    description: 'score function with a learned input-dependent baseline',
    controlVariateDescription: 'a learned baseline c_φ(x) of the context only (independent of b)',
    estimator: reinforce,
    needs: { distribution: 'any', controlVariate: 'baseline' },
    biased: false,
  },
  {
    name: 'muprop',
    description: "MuProp: f's first-order expansion at the mean as control variate, plus a learned baseline",
    controlVariateDescription: "f's first-order Taylor expansion at the mean-field point, plus a learned baseline c_φ(x)",
    estimator: muprop,
    needs: { relaxedF: true, distribution: 'discrete', controlVariate: 'baseline' },
    biased: false,
  },
  {
    name: 'concrete',
    description: 'Concrete / Gumbel-softmax relaxation (biased)',
    controlVariateDescription: 'none (differentiates f at the relaxed sample σ_λ(z))',
    estimator: concrete,
    needs: { relaxedF: true, distribution: 'discrete', controlVariate: 'none' },
    biased: true,
  },
  {
    name: 'straight-through',
    description: 'straight-through through the relaxation (biased)',
    controlVariateDescription: "none (f's derivative at b, pushed through σ_λ(z))",
    estimator: straightThrough,
    needs: { relaxedF: true, distribution: 'discrete', controlVariate: 'none' },
    biased: true,
  },
  {
    name: 'rebar',
    description: 'RELAX with c(z) = η·f(σ_λ(z)), η and λ learned',
    controlVariateDescription: 'c(z) = η·f(σ_λ(z)): f at the relaxed sample, η and λ learned',
    estimator: relax,
    needs: { relaxedF: true, distribution: 'discrete', controlVariate: 'rebar' },
    biased: false,
  },
  {
    name: 'relax',
    description: 'RELAX with a neural control variate on the relaxed sample',
    controlVariateDescription: 'a neural c_φ(σ_λ(z)) on the relaxed sample, plus the context when given; λ learned',
    estimator: relax,
    needs: { distribution: 'discrete', controlVariate: 'neural' },
    biased: false,
  },
  {
    name: 'relax-rebar',
    description: "RELAX with REBAR's relaxation plus a neural residual",
    controlVariateDescription: 'η·f(σ_λ(z)) plus a neural residual c_φ(σ_λ(z)) (plus the context when given)',
    estimator: relax,
    needs: { relaxedF: true, distribution: 'discrete', controlVariate: 'rebar+neural' },
    biased: false,
  },
  {
    name: 'lax',
    description: 'LAX with a neural control variate: continuous reparameterised b = T(θ, ε), or discrete b = H(z)',
    controlVariateDescription: 'a neural c_φ on b itself (continuous) or on the relaxed z (discrete), plus the context when given',
    estimator: lax,
    needs: { distribution: 'any', controlVariate: 'neural' },
    biased: false,
  },
  {
    name: 'arm',
    description: 'ARM: f at the sample and its antithetic partner, weighted by u − ½ (Bernoulli only)',
    controlVariateDescription: "none (f at the antithetic sample; the ½ of u − ½ acts as one)",
    estimator: arm,
    needs: { secondF: true, distribution: 'bernoulli', controlVariate: 'none', k: 2 },
    biased: false,
  },
  {
    name: 'disarm',
    description: 'DisARM: ARM with u integrated out given both samples; lower variance (Bernoulli only)',
    controlVariateDescription: 'none (f at the antithetic sample)',
    estimator: disarm,
    needs: { secondF: true, distribution: 'bernoulli', controlVariate: 'none', k: 2 },
    biased: false,
  },
  {
    name: 'rloo',
    description: 'RLOO: K samples per input, each scored against the mean f of the other K − 1',
    controlVariateDescription: 'none (the leave-one-out mean of f over the other K − 1 samples, a baseline)',
    estimator: rloo,
    needs: { multiSample: true, distribution: 'any', controlVariate: 'none' },
    biased: false,
  },
  {
    name: 'vimco',
    description: 'VIMCO: gradient of the K-sample bound log mean exp f, leave-one-out signals',
    controlVariateDescription: 'none (per sample, the bound with f_k replaced by the mean of the other f_j)',
    estimator: vimco,
    needs: { multiSample: true, distribution: 'any', controlVariate: 'none', objective: 'multi-sample' },
    biased: false,
  },
  {
    name: 'arms',
    description: 'ARMS: K antithetic samples through a Dirichlet copula, leave-one-out and debiased (Bernoulli only)',
    controlVariateDescription: "none (RLOO's leave-one-out mean on antithetic samples, with a debiasing factor)",
    estimator: arms,
    prepareNoise: armsNoise,
    needs: { multiSample: true, distribution: 'bernoulli', controlVariate: 'none' },
    biased: false,
  },
  {
    name: 'double-cv',
    description: "double control variate: RLOO plus a global one from f's derivative at the K samples, scale learned (Bernoulli only)",
    controlVariateDescription: "RLOO's leave-one-out mean, plus α·(the other samples' mean ∂f/∂b)ᵀ(b − p) with its mean added back; α learned",
    estimator: doubleCv,
    needs: { multiSample: true, relaxedF: true, distribution: 'bernoulli', controlVariate: 'double-cv-scale' },
    biased: false,
  },
  {
    name: 'gumbel-rao',
    description: `Gumbel-Rao: straight-through Gumbel-softmax averaged over ${GUMBEL_RAO_SAMPLES} conditional relaxed samples given b (biased)`,
    controlVariateDescription: "none (f's derivative at b, pushed through the mean of σ_λ(z̃) over z̃ ~ p(z | b))",
    estimator: gumbelRao,
    needs: { relaxedF: true, distribution: 'discrete', controlVariate: 'none' },
    biased: true,
  },
  {
    name: 'reinmax',
    description: 'ReinMax: second-order straight-through, same cost (biased)',
    controlVariateDescription: "none (f's derivative at b, pushed through 2π₁ − π₀/2, π₁ = (b + softmax(θ/τ))/2)",
    estimator: reinmax,
    needs: { relaxedF: true, distribution: 'discrete', controlVariate: 'none' },
    biased: true,
  },
];

const setups: EstimatorSetup[] = specs.map((s) => ({ ...s, controlVariate: s.needs.controlVariate }));

export const ESTIMATORS: Readonly<Record<string, EstimatorSetup>> = Object.fromEntries(setups.map((s) => [s.name, s]));

export function estimatorSetup(name: string): EstimatorSetup {
  const setup = ESTIMATORS[name];
  if (!setup) throw new UserError(`unknown estimator '${name}' (choose from ${Object.keys(ESTIMATORS).join(', ')})`);
  return setup;
}
