// Build the control variate a named estimator set-up asks for.
import type { Rng } from '../random/index.js';
import type { RelaxedDistribution } from '../distributions/index.js';
import type { Activation } from '../nn/index.js';
import type { ControlVariate, RelaxedObjective } from './types.js';
import { RebarControlVariate } from './rebar.js';
import { NeuralControlVariate } from './neural.js';
import { SumControlVariate, BaselineNetwork } from './combine.js';
import { UserError } from '../errors.js';

export interface ControlVariateOptions {
  dist: RelaxedDistribution;
  /** Event size of z (latents or classes). */
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
  const rebar = () => {
    if (!o.relaxedF) throw new UserError(`the '${kind}' control variate needs the objective at relaxed inputs`);
    return new RebarControlVariate(o.dist, o.relaxedF, { eta: o.eta, temperature: o.temperature });
  };
  const neural = () =>
    new NeuralControlVariate(o.dist, {
      sampleSize: o.sampleSize,
      contextSize: o.contextSize,
      hidden: o.hidden,
      activation: o.activation,
      temperature: o.temperature,
      scale: o.scale,
      rng: o.rng,
    });
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
