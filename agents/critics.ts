// Critics and control variates the agents use: V(s), RELAX's c_φ(z, s) on the
// state and the relaxed action, LAX's ĉ(a, s) on the state and the action
// taken, optionally plus a value term V(s) that is fitted by squared error
// (not by the variance objective, so it is left out of `variables`); and the
// logical names checkpoints give the networks' variables.
import { tf } from '../src/tf/index.js';
import { Mlp, type Activation } from '../src/nn/index.js';
import { NeuralControlVariate, type ControlVariate } from '../src/controlVariates/index.js';
import type { RelaxedDistribution } from '../src/distributions/index.js';
import type { Rng } from '../src/random/index.js';
import { MovingAverage } from '../src/estimators/index.js';
import type { Policy } from './policy.js';
import type { AgentConfig } from './config.js';

let counter = 0;

export class ValueFunction {
  readonly net: Mlp;
  constructor(obsSize: number, hidden: number[], activation: Activation, rng: Rng, name = `value${counter++}`) {
    this.net = new Mlp({ sizes: [obsSize, ...hidden, 1], activation, init: 'orthogonal', outputGain: 1 }, rng, name);
  }
  apply(obs: tf.Tensor): tf.Tensor1D {
    return this.net.apply(obs).reshape([obs.shape[0]]) as tf.Tensor1D;
  }
}

/** ĉ(a, s) = MLP([s, a]) for continuous actions. */
export class ActionCritic implements ControlVariate {
  readonly name = 'action-critic';
  readonly dependsOnSample = true;
  readonly net: Mlp;
  constructor(obsSize: number, actionSize: number, hidden: number[], activation: Activation, rng: Rng) {
    this.net = new Mlp({ sizes: [obsSize + actionSize, ...hidden, 1], activation, outputGain: 0.1 }, rng, `laxCv${counter++}`);
  }
  get variables(): tf.Variable[] {
    return this.net.variables;
  }
  apply(a: tf.Tensor, s?: tf.Tensor): tf.Tensor {
    return this.net.apply(tf.concat([s!, a], 1)).reshape([a.shape[0]]);
  }
}

/**
 * RELAX's c_φ(z, s) = MLP([s, softmax(z/τ)]) (or 2σ(z/τ) − 1), τ learned from 1.
 * (Starting its output near zero was tried on CartPole: slower and noisier.)
 */
export function relaxCritic(dist: RelaxedDistribution, obsSize: number, k: number, hidden: number[], activation: Activation, rng: Rng) {
  return new NeuralControlVariate(dist, { sampleSize: k, contextSize: obsSize, hidden, activation, temperature: 1, scale: null, rng });
}

/** c(x, s) = V(s) + ĉ(x, s); only ĉ's variables are trained by the variance objective. */
export class WithValue implements ControlVariate {
  readonly name: string;
  readonly dependsOnSample = true;
  constructor(
    readonly inner: ControlVariate,
    readonly value: ValueFunction,
  ) {
    this.name = `value+${inner.name}`;
  }
  get variables(): tf.Variable[] {
    return this.inner.variables;
  }
  apply(x: tf.Tensor, s?: tf.Tensor): tf.Tensor {
    return tf.add(this.inner.apply(x, s), this.value.apply(s!));
  }
}

/** An agent's critics: V(s), its control variate, its moving-average baseline (whichever its configuration uses). */
export interface AgentCritics {
  value?: ValueFunction;
  cv?: ControlVariate;
  baseline?: MovingAverage;
}

/**
 * The critics of an agent with this configuration, their variables drawn from
 * `init` in a fixed order (V, then the control variate): RELAX's c_φ(z, s)
 * (+ V(s) with cvWithValue), LAX's V(s) + ĉ(x, s) (x the action, or the
 * relaxed z for discrete actions), REINFORCE's moving average.
 */
export function buildCritics(config: AgentConfig, policy: Policy, obsSize: number, init: Rng): AgentCritics {
  const out: AgentCritics = {};
  const needsValue = config.baseline === 'value' || config.kind === 'a2c' || config.kind === 'lax' || config.cvWithValue;
  if (needsValue) out.value = new ValueFunction(obsSize, config.valueHidden, config.valueActivation, init);
  if (config.kind === 'reinforce' && config.baseline === 'moving-average') out.baseline = new MovingAverage(0.99);
  if (config.kind === 'relax') {
    const inner = relaxCritic(policy.dist, obsSize, policy.size, config.cvHidden, config.cvActivation, init);
    out.cv = out.value && config.cvWithValue ? new WithValue(inner, out.value) : inner;
  }
  if (config.kind === 'lax') {
    const inner = new ActionCritic(obsSize, policy.size, config.cvHidden, config.cvActivation, init);
    out.cv = new WithValue(inner, out.value!);
  }
  return out;
}

/** Every trainable tensor of a policy and its critics under a stable logical name (what checkpoints key by). */
export function namedVariables(a: { policy: Policy; value?: ValueFunction; cv?: ControlVariate }): Record<string, tf.Variable> {
  const out: Record<string, tf.Variable> = { ...a.policy.named() };
  if (a.value) Object.assign(out, a.value.net.namedVariables('value/'));
  const cv = a.cv instanceof WithValue ? a.cv.inner : a.cv;
  if (cv && 'named' in cv && typeof cv.named === 'function') {
    for (const [k, v] of Object.entries((cv as { named(): Record<string, tf.Variable> }).named())) out[`cv/${k}`] = v;
  } else if (cv instanceof ActionCritic) {
    Object.assign(out, cv.net.namedVariables('cv/'));
  }
  return out;
}
