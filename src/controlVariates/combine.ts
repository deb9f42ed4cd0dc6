// Sums of control variates (the paper's VAE choice: REBAR's relaxation plus a
// neural residual), and a learned baseline c(context) that ignores z.
import { tf } from '../tf/index.js';
import type { Rng } from '../random/index.js';
import { Mlp, type Activation } from '../nn/index.js';
import type { ControlVariate } from './types.js';

export class SumControlVariate implements ControlVariate {
  readonly name: string;
  readonly dependsOnSample: boolean;

  constructor(readonly parts: ControlVariate[]) {
    this.name = parts.map((p) => p.name).join('+');
    this.dependsOnSample = parts.some((p) => p.dependsOnSample);
  }

  get variables(): tf.Variable[] {
    return this.parts.flatMap((p) => p.variables);
  }

  apply(z: tf.Tensor, context?: tf.Tensor): tf.Tensor {
    return this.parts.map((p) => p.apply(z, context)).reduce((a, b) => tf.add(a, b));
  }
}

let counter = 0;

/** c(x) = MLP(x): an input-dependent baseline (NVIL's), unbiased with REINFORCE. */
export class BaselineNetwork implements ControlVariate {
  readonly name = 'baseline';
  readonly dependsOnSample = false;
  readonly net: Mlp;

  constructor(options: { contextSize: number; hidden?: number[]; activation?: Activation; rng: Rng }) {
    const { contextSize, hidden = [100], activation = 'tanh', rng } = options;
    this.net = new Mlp({ sizes: [contextSize, ...hidden, 1], activation }, rng, `baseline${counter++}`);
  }

  get variables(): tf.Variable[] {
    return this.net.variables;
  }

  apply(z: tf.Tensor, context?: tf.Tensor): tf.Tensor {
    if (!context) return tf.add(tf.zeros([z.shape[0]]), this.net.biases[this.net.biases.length - 1].reshape([]));
    return this.net.apply(context.reshape([context.shape[0], -1])).reshape([context.shape[0]]);
  }
}
