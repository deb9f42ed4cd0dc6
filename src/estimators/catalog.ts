// Named estimator set-ups: which estimator function and which kind of
// control variate each needs. Problems (the toy, the VAE, RL) build the
// control variate from the kind, since only they know f and the sizes.
import { UserError } from '../errors.js';
import type { Estimator } from './types.js';
import { reinforce } from './reinforce.js';
import { relax } from './relax.js';
import { discreteLax } from './lax.js';
import { concrete, straightThrough } from './concrete.js';
import { muprop } from './muprop.js';
import { arm, disarm } from './arm.js';

export type ControlVariateKind = 'none' | 'moving-average' | 'baseline' | 'rebar' | 'neural' | 'rebar+neural';

export interface EstimatorSetup {
  name: string;
  description: string;
  estimator: Estimator;
  controlVariate: ControlVariateKind;
  biased: boolean;
}

const setups: EstimatorSetup[] = [
  { name: 'reinforce', description: 'score function, no baseline', estimator: reinforce, controlVariate: 'none', biased: false },
  { name: 'reinforce-baseline', description: 'score function with a moving-average baseline', estimator: reinforce, controlVariate: 'moving-average', biased: false },
  { name: 'nvil', description: 'score function with a learned input-dependent baseline', estimator: reinforce, controlVariate: 'baseline', biased: false },
  { name: 'muprop', description: "MuProp: f's first-order expansion at the mean as control variate, plus a learned baseline", estimator: muprop, controlVariate: 'baseline', biased: false },
  { name: 'concrete', description: 'Concrete / Gumbel-softmax relaxation (biased)', estimator: concrete, controlVariate: 'none', biased: true },
  { name: 'straight-through', description: 'straight-through through the relaxation (biased)', estimator: straightThrough, controlVariate: 'none', biased: true },
  { name: 'rebar', description: 'RELAX with c(z) = η·f(σ_λ(z)), η and λ learned', estimator: relax, controlVariate: 'rebar', biased: false },
  { name: 'relax', description: 'RELAX with a neural control variate on the relaxed sample', estimator: relax, controlVariate: 'neural', biased: false },
  { name: 'relax-rebar', description: "RELAX with REBAR's relaxation plus a neural residual", estimator: relax, controlVariate: 'rebar+neural', biased: false },
  { name: 'lax', description: 'discrete LAX with a neural control variate', estimator: discreteLax, controlVariate: 'neural', biased: false },
  { name: 'arm', description: 'ARM: f at the sample and its antithetic partner, weighted by u − ½ (Bernoulli only)', estimator: arm, controlVariate: 'none', biased: false },
  { name: 'disarm', description: 'DisARM: ARM with u integrated out given both samples; lower variance (Bernoulli only)', estimator: disarm, controlVariate: 'none', biased: false },
];

export const ESTIMATORS: Readonly<Record<string, EstimatorSetup>> = Object.fromEntries(setups.map((s) => [s.name, s]));

export function estimatorSetup(name: string): EstimatorSetup {
  const setup = ESTIMATORS[name];
  if (!setup) throw new UserError(`unknown estimator '${name}' (choose from ${Object.keys(ESTIMATORS).join(', ')})`);
  return setup;
}
