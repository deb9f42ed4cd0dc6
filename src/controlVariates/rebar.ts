// REBAR's control variate: c(z) = η · f(σ_λ(z)), with η and log λ learned.
import { tf, makeVariable } from '../tf/index.js';
import type { RelaxedDistribution } from '../distributions/index.js';
import type { ControlVariate, RelaxedObjective } from './types.js';

let counter = 0;

export interface RebarOptions {
  eta?: number; // initial η (1 in the papers)
  temperature?: number; // initial λ (0.5 in the papers)
  learnTemperature?: boolean;
}

export class RebarControlVariate implements ControlVariate {
  readonly name = 'rebar';
  readonly dependsOnSample = true;
  readonly eta: tf.Variable;
  readonly logTemperature: tf.Variable;

  constructor(
    readonly dist: RelaxedDistribution,
    readonly relaxedF: RelaxedObjective,
    options: RebarOptions = {},
  ) {
    const id = counter++;
    this.eta = makeVariable(() => tf.scalar(options.eta ?? 1), true, `rebar${id}/eta`);
    this.logTemperature = makeVariable(
      () => tf.scalar(Math.log(options.temperature ?? 0.5)),
      options.learnTemperature ?? true,
      `rebar${id}/logTemperature`,
    );
  }

  get variables(): tf.Variable[] {
    return this.logTemperature.trainable ? [this.eta, this.logTemperature] : [this.eta];
  }

  get temperature(): number {
    return Math.exp(this.logTemperature.dataSync()[0]);
  }

  apply(z: tf.Tensor, context?: tf.Tensor): tf.Tensor {
    return tf.mul(this.eta, this.relaxedF(this.dist.relax(z, tf.exp(this.logTemperature)), context));
  }

  named(): Record<string, tf.Variable> {
    return { eta: this.eta, logTemperature: this.logTemperature };
  }
}
