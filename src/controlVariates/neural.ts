// A neural control variate on the relaxed sample (and optional context):
//   c(z, x) = scale · MLP([x, 2·σ_λ(z) − 1])   (Bernoulli)
//   c(z, x) = scale · MLP([x, softmax(z/λ)])   (categorical)
// with a learned temperature λ. A scale that starts at 0 makes the estimator
// start as plain REINFORCE (the RELAX toy's choice); scale = null leaves it out.
import { tf, makeVariable } from '../tf/index.js';
import type { Rng } from '../random/index.js';
import type { RelaxedDistribution } from '../distributions/index.js';
import { Mlp, type Activation } from '../nn/index.js';
import type { ControlVariate } from './types.js';

let counter = 0;

export interface NeuralCvOptions {
  /** Size of z's event (latents for Bernoulli, classes for categorical). */
  sampleSize: number;
  /** Size of the context vector fed alongside (0 for none). */
  contextSize?: number;
  hidden?: number[];
  activation?: Activation;
  temperature?: number;
  /** Initial output scale; null for no scale variable. */
  scale?: number | null;
  /** Initialiser gain of the output layer (small: the surrogate starts near 0). */
  outputGain?: number;
  rng: Rng;
}

export class NeuralControlVariate implements ControlVariate {
  readonly name = 'neural';
  readonly dependsOnSample = true;
  readonly net: Mlp;
  readonly logTemperature: tf.Variable;
  readonly scale?: tf.Variable;

  constructor(
    readonly dist: RelaxedDistribution,
    options: NeuralCvOptions,
  ) {
    const id = counter++;
    const { sampleSize, contextSize = 0, hidden = [10], activation = 'tanh', rng } = options;
    this.net = new Mlp(
      { sizes: [contextSize + sampleSize, ...hidden, 1], activation, outputGain: options.outputGain ?? 1 },
      rng,
      `neuralCv${id}`,
    );
    this.logTemperature = makeVariable(() => tf.scalar(Math.log(options.temperature ?? 0.5)), true, `neuralCv${id}/logTemperature`);
    const scale = options.scale === undefined ? 0 : options.scale;
    if (scale !== null) this.scale = makeVariable(() => tf.scalar(scale), true, `neuralCv${id}/scale`);
  }

  get variables(): tf.Variable[] {
    return [...this.net.variables, this.logTemperature, ...(this.scale ? [this.scale] : [])];
  }

  get temperature(): number {
    return Math.exp(this.logTemperature.dataSync()[0]);
  }

  apply(z: tf.Tensor, context?: tf.Tensor): tf.Tensor {
    let soft = this.dist.relax(z, tf.exp(this.logTemperature));
    if (this.dist.name === 'bernoulli') soft = tf.sub(tf.mul(2, soft), 1);
    const flat = soft.reshape([soft.shape[0], -1]);
    const input = context ? tf.concat([context.reshape([context.shape[0], -1]), flat], 1) : flat;
    const out = this.net.apply(input).reshape([soft.shape[0]]);
    return this.scale ? tf.mul(this.scale, out) : out;
  }

  named(): Record<string, tf.Variable> {
    return {
      ...this.net.namedVariables('net/'),
      logTemperature: this.logTemperature,
      ...(this.scale ? { scale: this.scale } : {}),
    };
  }
}

/**
 * A neural control variate on a continuous sample b itself (LAX on a
 * reparameterised distribution such as diagNormal):
 *   c(b, x) = scale · MLP([x, b]),
 * no relaxation and no temperature. `sampleSize` is b's size (the noise
 * size, half of a diagNormal θ).
 */
export class ContinuousNeuralControlVariate implements ControlVariate {
  readonly name = 'neural';
  readonly dependsOnSample = true;
  readonly net: Mlp;
  readonly scale?: tf.Variable;

  constructor(options: Omit<NeuralCvOptions, 'temperature'>) {
    const id = counter++;
    const { sampleSize, contextSize = 0, hidden = [10], activation = 'tanh', rng } = options;
    this.net = new Mlp(
      { sizes: [contextSize + sampleSize, ...hidden, 1], activation, outputGain: options.outputGain ?? 1 },
      rng,
      `neuralCv${id}`,
    );
    const scale = options.scale === undefined ? 0 : options.scale;
    if (scale !== null) this.scale = makeVariable(() => tf.scalar(scale), true, `neuralCv${id}/scale`);
  }

  get variables(): tf.Variable[] {
    return [...this.net.variables, ...(this.scale ? [this.scale] : [])];
  }

  apply(b: tf.Tensor, context?: tf.Tensor): tf.Tensor {
    const n = b.shape[0];
    const flat = b.reshape([n, -1]);
    const input = context ? tf.concat([context.reshape([context.shape[0], -1]), flat], 1) : flat;
    const out = this.net.apply(input).reshape([n]);
    return this.scale ? tf.mul(this.scale, out) : out;
  }

  named(): Record<string, tf.Variable> {
    return { ...this.net.namedVariables('net/'), ...(this.scale ? { scale: this.scale } : {}) };
  }
}
