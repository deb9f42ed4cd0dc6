// A small multi-layer perceptron on tf variables. Activations are ones whose
// gradients are correct at second order (see src/tf), because control
// variates are differentiated twice.
import { tf, makeVariable } from '../tf/index.js';
import type { Rng } from '../random/index.js';
import { initWeights, type Initializer } from './init.js';

export type Activation = 'tanh' | 'relu' | 'elu' | 'sigmoid' | 'linear';

export interface MlpConfig {
  sizes: number[]; // [input, hidden..., output]
  activation: Activation; // hidden layers; the output layer is linear
  init?: Initializer;
  /** Gain of the output layer's initialiser (small values start near zero output). */
  outputGain?: number;
}

export function activate(x: tf.Tensor, activation: Activation): tf.Tensor {
  switch (activation) {
    case 'tanh':
      return tf.tanh(x);
    case 'relu':
      return tf.relu(x);
    case 'elu':
      return tf.elu(x);
    case 'sigmoid':
      return tf.sigmoid(x);
    case 'linear':
      return x;
  }
}

/** Plain-number activation for the typed-array forward pass. */
export function activateScalar(x: number, activation: Activation): number {
  switch (activation) {
    case 'tanh':
      return Math.tanh(x);
    case 'relu':
      return x > 0 ? x : 0;
    case 'elu':
      return x > 0 ? x : Math.expm1(x);
    case 'sigmoid':
      return 1 / (1 + Math.exp(-x));
    case 'linear':
      return x;
  }
}

let counter = 0;

export class Mlp {
  readonly weights: tf.Variable[] = [];
  readonly biases: tf.Variable[] = [];

  constructor(
    readonly config: MlpConfig,
    rng: Rng,
    readonly name = `mlp${counter++}`,
  ) {
    const { sizes, init = 'glorot', outputGain = 1 } = config;
    for (let l = 0; l + 1 < sizes.length; l++) {
      const last = l + 2 === sizes.length;
      const gain = last ? outputGain : init === 'orthogonal' ? Math.SQRT2 : 1;
      const w = initWeights(init, rng, sizes[l], sizes[l + 1], gain);
      this.weights.push(makeVariable(() => tf.tensor2d(w, [sizes[l], sizes[l + 1]]), true, `${name}/w${l}`));
      this.biases.push(makeVariable(() => tf.zeros([sizes[l + 1]]), true, `${name}/b${l}`));
    }
  }

  get variables(): tf.Variable[] {
    return this.weights.flatMap((w, i) => [w, this.biases[i]]);
  }

  /** Variables under stable logical names (`w0`, `b0`, ...), for saving. */
  namedVariables(prefix = ''): Record<string, tf.Variable> {
    const out: Record<string, tf.Variable> = {};
    this.weights.forEach((w, i) => {
      out[`${prefix}w${i}`] = w;
      out[`${prefix}b${i}`] = this.biases[i];
    });
    return out;
  }

  /** x: [batch, input] → [batch, output]. */
  apply(x: tf.Tensor): tf.Tensor2D {
    let h = x as tf.Tensor2D;
    for (let l = 0; l < this.weights.length; l++) {
      h = tf.add(tf.matMul(h, this.weights[l]), this.biases[l]) as tf.Tensor2D;
      if (l + 1 < this.weights.length) h = activate(h, this.config.activation) as tf.Tensor2D;
    }
    return h;
  }

  dispose(): void {
    for (const v of this.variables) v.dispose();
  }
}
