// Build the control variate a named estimator set-up asks for. The neural
// kind follows the distribution: on the relaxed z for a discrete one, on b
// itself for a continuous one; REBAR's relaxation needs a discrete one.
import type { Rng } from '../random/index.js';
import { isRelaxed, type Distribution } from '../distributions/index.js';
import type { Activation } from '../nn/index.js';
import type { ControlVariate, RelaxedObjective } from './types.js';
import { RebarControlVariate } from './rebar.js';
import { NeuralControlVariate, ContinuousNeuralControlVariate } from './neural.js';
import { SumControlVariate, BaselineNetwork } from './combine.js';
import { UserError } from '../errors.js';

export interface ControlVariateOptions {
  dist: Distribution;
  /** Event size of z (latents or classes), or b's size for a continuous distribution. */
  sampleSize: number;
  contextSize?: number;
  relaxedF?: RelaxedObjective;
  rng: Rng;
  eta?: number;
  temperature?: number;
  hidden?: number[];
  activation?: Activation;
  /** Initial output scale of the neural part (0: start as REINFORCE / REBAR); null for none. */
  scale?: number | null;
}

export function buildControlVariate(
  kind: 'baseline' | 'rebar' | 'neural' | 'rebar+neural',
  o: ControlVariateOptions,
): ControlVariate {
  const { dist } = o;
  const rebar = () => {
    if (!isRelaxed(dist)) throw new UserError(`the '${kind}' control variate needs a discrete distribution with a relaxation, not '${dist.name}'`);
    if (!o.relaxedF) throw new UserError(`the '${kind}' control variate needs the objective at relaxed inputs`);
    return new RebarControlVariate(dist, o.relaxedF, { eta: o.eta, temperature: o.temperature });
  };
  const neural = () => {
    const common = { sampleSize: o.sampleSize, contextSize: o.contextSize, hidden: o.hidden, activation: o.activation, scale: o.scale, rng: o.rng };
    return isRelaxed(dist)
      ? new NeuralControlVariate(dist, { ...common, temperature: o.temperature })
      : new ContinuousNeuralControlVariate(common);
  };
  switch (kind) {
    case 'baseline':
      return new BaselineNetwork({ contextSize: o.contextSize ?? 0, hidden: o.hidden, activation: o.activation, rng: o.rng });
    case 'rebar':
      return rebar();
    case 'neural':
      return neural();
    case 'rebar+neural':
      return new SumControlVariate([rebar(), neural()]);
  }
}
