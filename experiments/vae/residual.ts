// RELAX's residual r_ρ([context, 2σ_λ(z) − 1]) evaluated with its first
// layer split in two: [c, s]·W₀ = c·W_c + s·W_z. The context's share c·W_c
// does not depend on z, so it is computed once on the batch's own rows
// (not on the 2B rows of [z; z̃]) and stays out of the derivative in θ; only
// the 200-wide s·W_z is differentiated twice. The weights change every
// step, so the products are the unpacked ones of src/tf/matMul.ts. The same function as
// NeuralControlVariate.apply, with the same variables in the same order (so
// the optimiser's moments and the checkpoints are those of the wrapped CV).
import { tf } from '../../src/tf/index.js';
import { activate } from '../../src/nn/index.js';
import { applyLayers } from '../../envs/vae/binaryVae.js';
import { freshMatMul } from '../../src/tf/matMul.js';
import type { ControlVariate, NeuralControlVariate } from '../../src/controlVariates/index.js';

type Tensor = tf.Tensor;

export class SplitResidual implements ControlVariate {
  readonly name = 'neural';
  readonly dependsOnSample = true;

  /** `contextOf()`: the current step's context [n, C] (z then has a whole multiple of n rows). */
  constructor(
    readonly neural: NeuralControlVariate,
    private readonly contextOf: () => Tensor,
  ) {}

  get variables(): tf.Variable[] {
    return this.neural.variables;
  }

  /** The context argument is ignored: the context comes from `contextOf`. */
  apply(z: Tensor): Tensor {
    const { net, scale, logTemperature, dist } = this.neural;
    if (dist.name !== 'bernoulli' || z.rank !== 2) throw new Error('SplitResidual: Bernoulli [batch, latents] samples only');
    const context = this.contextOf();
    const n = context.shape[0] ?? 1;
    const C = context.shape[1] ?? 0;
    const rows = z.shape[0] ?? 1;
    const w0 = net.weights[0];
    const projected = freshMatMul(context, tf.slice(w0, [0, 0], [C, -1]));
    const tiled = rows === n ? projected : tf.concat(new Array<Tensor>(rows / n).fill(projected), 0);
    const soft = tf.sub(tf.mul(2, dist.relax(z, tf.exp(logTemperature))), 1);
    const first = tf.add(tf.add(tiled, freshMatMul(soft, tf.slice(w0, [C, 0], [-1, -1]))), net.biases[0]);
    const h = net.weights.length === 1 ? first : applyLayers(net, activate(first, net.config.activation), 1, freshMatMul);
    const out = tf.reshape(h, [rows]);
    return scale ? tf.mul(scale, out) : out;
  }
}
