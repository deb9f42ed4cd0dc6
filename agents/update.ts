// One policy-gradient update of an agent from a rollout: the per-step
// estimate ĝ_t = ∂θ_t of the return with the agent's catalog estimator
// (training its control variate along ∂φ Σ ĝ² on the way), then Σ_t θ(ψ)_t·ĝ_t
// into the policy (plus the entropy bonus, with the KL-adapted learning rate),
// and the value function fitted by squared error. Also the variance probe's
// independent single-episode estimates.
import { tf } from '../src/tf/index.js';
import { stream, type Rng } from '../src/random/index.js';
import { trainControlVariate, type Estimator, type MovingAverage } from '../src/estimators/index.js';
import type { ControlVariate } from '../src/controlVariates/index.js';
import { getLearningRate, setLearningRate } from '../src/nn/index.js';
import type { Env } from '../envs/index.js';
import type { Policy } from './policy.js';
import type { ValueFunction } from './critics.js';
import { collect, type Rollout } from './rollout.js';
import { discountedReturns, gae } from './returns.js';
import type { AgentConfig } from './config.js';
import { fusedApplies, fusedUpdateFrom } from './fusedUpdate.js';

/** What an update reads and trains of an agent. */
export interface UpdateParts {
  readonly config: AgentConfig;
  /** The entropy bonus's coefficient now (config.entropyCoef, or its schedule's value at this update). */
  readonly entropyCoef: number;
  readonly policy: Policy;
  readonly obsSize: number;
  /** The catalog estimator the agent runs (agentEstimator). */
  readonly estimator: Estimator;
  readonly value?: ValueFunction;
  /** The control variate trained by the variance objective (RELAX, LAX). */
  readonly cv?: ControlVariate;
  readonly baseline?: MovingAverage;
  readonly policyOpt: tf.Optimizer;
  readonly valueOpt?: tf.Optimizer;
  readonly cvOpt?: tf.Optimizer;
  readonly rngs: { update: Rng };
}

export interface Estimate {
  ghat: tf.Tensor2D;
  returns: Float32Array;
  values?: Float32Array;
  advantages?: Float32Array;
  cvLoss?: number;
}

/** Policy-gradient estimate per step, ĝ_t with θ_t's shape, for a rollout. Trains the CV if `train`. */
export function estimateGradient(a: UpdateParts, r: Rollout, train: boolean): Estimate {
  const { config, policy } = a;
  const T = r.steps;
  const k = policy.size;
  const obs = tf.tensor2d(r.obs, [T, a.obsSize]);
  const values = a.value ? (tf.tidy(() => a.value!.apply(obs).dataSync()) as Float32Array) : undefined;
  const tails = r.truncated.map((trunc, e) =>
    trunc && a.value && (config.kind !== 'relax' || config.cvWithValue)
      ? tf.tidy(() => a.value!.apply(tf.tensor2d(r.finalObs[e], [1, a.obsSize])).dataSync()[0])
      : 0,
  );
  const returns = discountedReturns(r.rewards, r.episodeEnds, config.gamma, tails);
  const theta = tf.tidy(() => policy.theta(obs)); // constant: outside any tape
  const u = tf.tensor2d(r.noise, [T, k]);
  const b = tf.tensor2d(r.b, [T, k]);
  const dist = policy.distribution;
  let ghat: tf.Tensor2D;
  let cvLoss: number | undefined;
  // GAE advantages where there is a value function (λ = 1: R_t − V(s_t)).
  const advantages = values ? gae(r.rewards, values, r.episodeEnds, config.gamma, config.gaeLambda, tails) : undefined;
  if (a.cv) {
    // RELAX / LAX: f is the return, c_φ sees the state as its context.
    const fb = tf.tensor1d(returns);
    const v = tf.tensor2d(a.rngs.update.uniforms(T * k), [T, k]);
    const compute = () => a.estimator({ dist, theta, u, v, fb, b, cv: a.cv, context: obs }).gradient;
    if (train) {
      const objective = { kind: 'parameters' as const, variables: policy.variables, theta: () => policy.theta(obs) };
      const res = trainControlVariate(compute, a.cv.variables, a.cvOpt!, objective);
      ghat = res.gradient as tf.Tensor2D;
      cvLoss = res.varianceLoss;
      for (let i = 1; i < config.cvUpdates; i++) {
        tf.dispose(trainControlVariate(compute, a.cv.variables, a.cvOpt!, objective).gradient);
      }
    } else {
      ghat = tf.tidy(compute) as tf.Tensor2D;
    }
    tf.dispose([fb, v]);
  } else {
    // REINFORCE / A2C: (R_t − baseline) ∂θ log π(a_t|s_t), or GAE advantages.
    let adv: Float32Array = advantages ?? returns;
    if (!advantages && a.baseline) {
      const c = a.baseline.value;
      adv = returns.map((x) => x - c);
    }
    ghat = tf.tidy(() => a.estimator({ dist, theta, u, v: u, fb: tf.tensor1d(adv), b }).gradient as tf.Tensor2D);
  }
  tf.dispose([obs, theta, u, b]);
  return { ghat, returns, values, advantages, cvLoss };
}

export interface StepResult {
  /** Squared norm of the policy-gradient estimate (RELAX/LAX: the variance objective). */
  gradientSquaredNorm: number;
  valueLoss?: number;
  kl?: number;
  /** The policy-gradient surrogate −Σ_t θ_t·ĝ_t per episode, and −(mean entropy) (SB3's entropy_loss), before the step. */
  policyLoss: number;
  entropyLoss: number;
}

/** One update from a rollout: policy, value function, control variate, baseline (fused on typed arrays where fusedUpdate.ts knows the model). */
export function updateFrom(a: UpdateParts, r: Rollout): StepResult {
  return fusedApplies(a) ? fusedUpdateFrom(a, r) : tapeUpdateFrom(a, r);
}

/** updateFrom through tfjs's tape: any policy, estimator and control variate. */
export function tapeUpdateFrom(a: UpdateParts, r: Rollout): StepResult {
  const { config, policy } = a;
  const T = r.steps;
  const nEpisodes = r.episodeEnds.length;
  const { ghat, returns, values, advantages, cvLoss } = estimateGradient(a, r, true);
  const obs = tf.tensor2d(r.obs, [T, a.obsSize]);
  const thetaOld = config.targetKl > 0 ? tf.tidy(() => policy.theta(obs)) : undefined;
  // Ascend Σ_t θ_t·ĝ_t (+ entropy bonus); the loss is its negative, averaged over episodes.
  let policyLoss = 0;
  let entropyLoss = 0;
  const gradNorm = tf.tidy(() => {
    const { grads } = tf.variableGrads(() => {
      const th = policy.theta(obs);
      const pg = tf.sum(tf.mul(th, ghat));
      const entropy = tf.sum(policy.entropy(th));
      policyLoss = -pg.dataSync()[0] / nEpisodes;
      entropyLoss = -entropy.dataSync()[0] / T;
      return tf.div(tf.neg(tf.add(pg, tf.mul(a.entropyCoef, entropy))), nEpisodes) as tf.Scalar;
    }, policy.variables);
    a.policyOpt.applyGradients(grads);
    return Object.values(grads).reduce((s, g) => s + tf.sum(tf.square(g)).dataSync()[0], 0);
  });
  let kl: number | undefined;
  if (thetaOld) {
    kl = tf.tidy(() => tf.mean(policy.klFrom(thetaOld, policy.theta(obs))).dataSync()[0]);
    thetaOld.dispose();
    const lr = getLearningRate(a.policyOpt);
    if (kl > 2 * config.targetKl) setLearningRate(a.policyOpt, lr / 1.5);
    else if (kl < config.targetKl / 2) setLearningRate(a.policyOpt, lr * 1.5);
  }
  let valueLoss: number | undefined;
  if (a.value && a.valueOpt) {
    // Targets: GAE advantages + V (= the bootstrapped returns when λ = 1).
    const target = tf.tensor1d(advantages && values ? advantages.map((x, t) => x + values[t]) : returns);
    for (let i = 0; i < config.valueUpdates; i++) {
      const loss = a.valueOpt.minimize(() => tf.mean(tf.square(tf.sub(a.value!.apply(obs), target))) as tf.Scalar, true, a.value.net.variables);
      valueLoss = loss!.dataSync()[0];
      loss!.dispose();
    }
    target.dispose();
  }
  if (a.baseline) {
    for (let e = 0, start = 0; e < nEpisodes; start = r.episodeEnds[e], e++) a.baseline.update(returns[start]);
  }
  tf.dispose([obs, ghat]);
  policy.refresh();
  return { gradientSquaredNorm: cvLoss ?? gradNorm, valueLoss, kl, policyLoss, entropyLoss };
}

/**
 * Independent single-episode estimates of the policy gradient over the
 * policy's parameters (flattened), at the current parameters, from
 * `episodes` fresh episodes on `env`, its first reset seeded from `seed`.
 * Nothing is trained; the agent's own random streams are left untouched.
 */
export function gradientSamples(a: UpdateParts, env: Env<any, any>, episodes: number, seed: number): Float32Array[] {
  const rng = stream(seed, 'gradient-samples');
  const probe: UpdateParts = { ...a, rngs: { update: rng } };
  const rows: Float32Array[] = [];
  let first: number | undefined = seed;
  const seedOnce = () => {
    const s = first;
    first = undefined;
    return s;
  };
  for (let i = 0; i < episodes; i++) {
    const r = collect(env, a.policy, rng, 1, 0, seedOnce);
    const { ghat } = estimateGradient(probe, r, false);
    const obs = tf.tensor2d(r.obs, [r.steps, a.obsSize]);
    const flat = tf.tidy(() => {
      const { grads } = tf.variableGrads(() => tf.sum(tf.mul(a.policy.theta(obs), ghat)) as tf.Scalar, a.policy.variables);
      return tf.concat(Object.values(grads).map((g) => g.reshape([-1])));
    });
    rows.push(flat.dataSync() as Float32Array);
    tf.dispose([flat, obs, ghat]);
  }
  return rows;
}
