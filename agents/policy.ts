// Policies: an MLP from observation to the parameters θ of the action
// distribution. Learning goes through tfjs; acting goes through a plain
// typed-array copy of the same network, because a tfjs call per step costs
// ~70 µs and would dominate small policies (docs/design.md, "tfjs facts").
import { tf } from '../src/tf/index.js';
import { Mlp, activateScalar, type Activation, type Initializer } from '../src/nn/index.js';
import { bernoulli, categorical, clampUniform, diagNormal, isRelaxed, type Distribution, type RelaxedDistribution } from '../src/distributions/index.js';
import type { Rng } from '../src/random/index.js';
import { makeVariable } from '../src/tf/index.js';
import { UserError } from '../src/errors.js';
import { Box, Discrete, MultiBinary, type Space } from '../envs/index.js';

export type ActionKind = 'categorical' | 'bernoulli' | 'gaussian';

/** What a step's action needs to be re-scored later: the action and the noise that drew it. */
export interface ActionSample {
  /** The action given to the environment. */
  action: number | Int8Array | Float32Array;
  /** Hard value as floats: one-hot (categorical), 0/1 (bernoulli), the unclipped action (gaussian). */
  b: Float32Array;
  /** Noise: uniforms u (discrete) or standard normals ε (gaussian). */
  noise: Float32Array;
}

export function actionKind(space: Space<unknown>): ActionKind {
  if (space instanceof Discrete) return 'categorical';
  if (space instanceof MultiBinary) return 'bernoulli';
  if (space instanceof Box) return 'gaussian';
  throw new UserError(`unsupported action space ${space.toString()} (Discrete, MultiBinary or Box)`);
}

/** The action distribution of a policy on an action space (the common Distribution interface). */
export function actionDistribution(space: Space<unknown>): Distribution {
  const kind = actionKind(space);
  return kind === 'categorical' ? categorical : kind === 'bernoulli' ? bernoulli : diagNormal;
}

/** Number of distribution parameters per observation for an action space. */
export function actionSize(space: Space<unknown>): number {
  if (space instanceof Discrete) return space.n;
  if (space instanceof MultiBinary) return space.shape.reduce((a, b) => a * b, 1);
  if (space instanceof Box) return space.shape.reduce((a, b) => a * b, 1);
  throw new UserError(`unsupported action space ${space.toString()}`);
}

export interface PolicyConfig {
  hidden: number[];
  activation: Activation;
  init: Initializer;
  /** Initial log standard deviation (gaussian policies: state-independent, learned). */
  initLogStd: number;
}

/** A typed-array snapshot of an Mlp for fast single-observation forward passes. */
class ArrayMlp {
  private weights: Float32Array[] = [];
  private biases: Float32Array[] = [];
  private buffers: Float64Array[];

  constructor(
    private readonly net: Mlp,
    private readonly activation: Activation,
  ) {
    this.buffers = net.config.sizes.slice(1).map((n) => new Float64Array(n));
    this.refresh();
  }

  refresh(): void {
    this.weights = this.net.weights.map((w) => w.dataSync() as Float32Array).map((a) => a.slice());
    this.biases = this.net.biases.map((b) => b.dataSync() as Float32Array).map((a) => a.slice());
  }

  /** Output for one observation (a view into an internal buffer: copy it to keep it). */
  forward(x: ArrayLike<number>): Float64Array {
    const sizes = this.net.config.sizes;
    let input: ArrayLike<number> = x;
    for (let l = 0; l < this.weights.length; l++) {
      const nIn = sizes[l];
      const nOut = sizes[l + 1];
      const w = this.weights[l];
      const out = this.buffers[l];
      const last = l + 1 === this.weights.length;
      for (let j = 0; j < nOut; j++) {
        let s = this.biases[l][j];
        for (let i = 0; i < nIn; i++) s += input[i] * w[i * nOut + j];
        out[j] = last ? s : activateScalar(s, this.activation);
      }
      input = out;
    }
    return input as Float64Array;
  }
}

let policyCounter = 0;

export class Policy {
  readonly kind: ActionKind;
  /** π(·|s) as a distribution of θ: categorical, bernoulli or diagNormal (θ = [mean, logStd]). */
  readonly distribution: Distribution;
  readonly size: number;
  readonly net: Mlp;
  readonly logStd?: tf.Variable;
  private readonly fast: ArrayMlp;
  private logStdArray?: Float32Array;

  constructor(
    readonly observationSize: number,
    readonly actionSpace: Space<unknown>,
    readonly config: PolicyConfig,
    rng: Rng,
    name = `policy${policyCounter++}`,
  ) {
    this.kind = actionKind(actionSpace);
    this.distribution = actionDistribution(actionSpace);
    this.size = actionSize(actionSpace);
    this.net = new Mlp(
      { sizes: [observationSize, ...config.hidden, this.size], activation: config.activation, init: config.init, outputGain: 0.01 },
      rng,
      name,
    );
    if (this.distribution.kind === 'continuous') {
      this.logStd = makeVariable(() => tf.fill([this.size], config.initLogStd), true, `${name}/logStd`);
    }
    this.fast = new ArrayMlp(this.net, config.activation);
    this.refresh();
  }

  /** The relaxed distribution of discrete policies. */
  get dist(): RelaxedDistribution {
    if (isRelaxed(this.distribution)) return this.distribution;
    throw new Error('gaussian policies have no relaxed distribution');
  }

  get variables(): tf.Variable[] {
    return [...this.net.variables, ...(this.logStd ? [this.logStd] : [])];
  }

  named(): Record<string, tf.Variable> {
    return { ...this.net.namedVariables('policy/'), ...(this.logStd ? { 'policy/logStd': this.logStd } : {}) };
  }

  /** θ for a batch of observations [T, obs] → [T, size] (gaussian: [T, 2·size] = [mean, logStd]). */
  theta(obs: tf.Tensor2D): tf.Tensor2D {
    const out = this.net.apply(obs);
    if (!this.logStd) return out;
    return tf.concat([out, tf.add(tf.zerosLike(out), this.logStd)], 1) as tf.Tensor2D;
  }

  /** Entropy of π(·|s) per observation, from θ. */
  entropy(theta: tf.Tensor2D): tf.Tensor1D {
    return this.perObservation(this.distribution.entropy(theta));
  }

  /** KL(π_old(·|s) ‖ π_new(·|s)) per observation, from θ_old and θ_new. */
  klFrom(thetaOld: tf.Tensor2D, thetaNew: tf.Tensor2D): tf.Tensor1D {
    return this.perObservation(this.distribution.kl(thetaOld, thetaNew));
  }

  /** Bernoulli's per-element values summed over the action's entries (the others are per sample already). */
  private perObservation(x: tf.Tensor): tf.Tensor1D {
    return (this.distribution.name === 'bernoulli' ? tf.sum(x, -1) : x) as tf.Tensor1D;
  }

  /** Re-read the weights into the typed-array copy (after every update). */
  refresh(): void {
    this.fast.refresh();
    if (this.logStd) this.logStdArray = (this.logStd.dataSync() as Float32Array).slice();
  }

  /** θ for one observation through the typed-array path. */
  thetaArray(obs: ArrayLike<number>): Float64Array {
    return this.fast.forward(obs);
  }

  /**
   * Draw an action with its noise (or the mode, if deterministic): the
   * typed-array twin of `distribution.sample` + `hard`, with the same clamp
   * of the uniforms (clampUniform, UNIFORM_EPS) so that the noise the
   * estimators re-score gives exactly the action taken.
   */
  sample(obs: ArrayLike<number>, rng: Rng, deterministic = false): ActionSample {
    const out = this.fast.forward(obs);
    const k = this.size;
    if (this.kind === 'categorical') {
      const noise = rng.uniforms(k);
      let best = 0;
      let bestZ = -Infinity;
      if (deterministic) {
        for (let i = 0; i < k; i++) if (out[i] > bestZ) [best, bestZ] = [i, out[i]];
      } else {
        // Gumbel-max on the logits (the normaliser does not change the argmax).
        for (let i = 0; i < k; i++) {
          const u = clampUniform(noise[i]);
          const z = out[i] - Math.log(-Math.log(u));
          if (z > bestZ) [best, bestZ] = [i, z];
        }
      }
      const b = new Float32Array(k);
      b[best] = 1;
      return { action: best, b, noise };
    }
    if (this.kind === 'bernoulli') {
      const noise = rng.uniforms(k);
      const action = new Int8Array(k);
      for (let i = 0; i < k; i++) {
        const u = clampUniform(noise[i]);
        action[i] = (deterministic ? out[i] : out[i] + Math.log(u) - Math.log(1 - u)) > 0 ? 1 : 0;
      }
      return { action, b: Float32Array.from(action), noise };
    }
    const noise = deterministic ? new Float32Array(k) : rng.normals(k);
    const b = new Float32Array(k);
    for (let i = 0; i < k; i++) b[i] = out[i] + Math.exp(this.logStdArray![i]) * noise[i];
    const box = this.actionSpace as Box;
    const action = new Float32Array(k);
    // The environment gets the action clipped to its bounds; the estimator keeps b.
    for (let i = 0; i < k; i++) action[i] = Math.min(Math.max(b[i], box.low[i]), box.high[i]);
    return { action, b, noise };
  }
}
