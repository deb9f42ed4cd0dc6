// The one policy-gradient agent. Every agent (REINFORCE, A2C, RELAX, LAX) is a
// configuration of this class: roll out whole episodes with the typed-array
// policy, compute discounted returns (bootstrapped at truncation when there is
// a value function), estimate ĝ_t = ∂θ_t of the return with the catalog
// estimator the configuration names (agents/applicable.ts; refused with the
// catalog's one line when it cannot work on the env), push Σ_t θ(ψ)_t·ĝ_t into
// the policy, and fit the value function (squared error) and the control
// variate (∂φ of the squared policy gradient): agents/update.ts.
import { tf } from '../src/tf/index.js';
import { Rng, stream, type AleaState } from '../src/random/index.js';
import { estimatorSetup, logVarianceOf, type Estimator, type MovingAverage } from '../src/estimators/index.js';
import type { ControlVariate } from '../src/controlVariates/index.js';
import { makeOptimizer, getLearningRate, type CheckpointParts } from '../src/nn/index.js';
import { UserError } from '../src/errors.js';
import { Box, flatdim, make, type Env, type Space } from '../envs/index.js';
import { Policy } from './policy.js';
import { ActionCritic, ValueFunction, WithValue, buildCritics } from './critics.js';
import { collect, evaluatePolicy, joinRollouts, type Rollout } from './rollout.js';
import { gradientSamples, updateFrom } from './update.js';
import { agentEstimator, checkAgent, checkAgentApplicable } from './applicable.js';
import type { AgentConfig } from './config.js';
import { learn as runLoop, type Counters, type EpisodeStats, type Learner } from './learn.js';

export type { EpisodeStats } from './learn.js';

export interface UpdateInfo {
  update: number;
  episodes: number;
  steps: number;
  /** Squared norm of the policy-gradient estimate over the policy's parameters (RELAX/LAX: the variance objective). */
  gradientSquaredNorm: number;
  valueLoss?: number;
  /** KL(π_old ‖ π_new) over the batch's states (when the learning rate adapts to it). */
  kl?: number;
  /** The policy's learning rate after this update. */
  learningRate: number;
  /** log of the estimator's variance (averaged over parameters), when measured at this update. */
  logVariance?: number;
  seconds: number;
}

/** Episodes and/or environment steps to train for, counted from where the agent is. */
export interface LearnBudget {
  episodes?: number;
  steps?: number;
}

export interface LearnCallbacks {
  /** Called after every training episode; return false to stop learning. */
  onEpisode?(stats: EpisodeStats): boolean | void;
  onUpdate?(info: UpdateInfo): void;
  /** Called every `checkpointEvery` episodes (e.g. to save). */
  onCheckpoint?(agent: PolicyGradientAgent): void | Promise<void>;
  checkpointEvery?: number;
  /** Measure the estimator's log-variance every this many episodes (default: config.varianceEvery updates' worth). */
  onRow?(row: Record<string, number | string | null>): void;
}

export interface ActOptions {
  deterministic?: boolean;
}

/** Flattened observation size of a (Box) observation space. */
function observationSize(space: Space<unknown>): number {
  if (!(space instanceof Box)) throw new UserError(`observation space ${space.toString()} is not supported (use a Box)`);
  return flatdim(space);
}

/** What a checkpoint keeps beyond variables, optimisers and streams. */
export interface TrainingState {
  counters: Counters;
  seconds: number;
  baseline: number | null;
  /** The training env's random stream, so the next episode after a resume is the one an uninterrupted run plays. */
  env: AleaState | null;
  history: EpisodeStats[];
  varianceHistory: PolicyGradientAgent['varianceHistory'];
}

export class PolicyGradientAgent implements Learner {
  readonly unit = 'episodes' as const;
  readonly policy: Policy;
  readonly value?: ValueFunction;
  readonly cv?: ControlVariate;
  readonly obsSize: number;
  readonly policyOpt: tf.Optimizer;
  readonly valueOpt?: tf.Optimizer;
  readonly cvOpt?: tf.Optimizer;
  readonly baseline?: MovingAverage;
  /** The catalog estimator this agent runs (see agents/applicable.ts) and its function. */
  readonly estimatorName: string;
  readonly estimator: Estimator;
  /** Noise for acting, for the conditional samples z̃, for evaluation. */
  rngs: { act: Rng; update: Rng };
  counters: Counters = { episodes: 0, steps: 0, updates: 0 };
  /** Training seconds across learn calls and resumes (never in metric rows). */
  seconds = 0;
  /** The id of the environment the agent learned on (recorded when saved). */
  envId?: string;
  history: EpisodeStats[] = [];
  varianceHistory: { update: number; episodes: number; logVariance: number }[] = [];
  private seededEnvs = new WeakSet<object>();
  /** The training env's random state from a checkpoint, given to the next env learned on (exact resume). */
  private pendingEnvState?: AleaState;
  /** The env `iterate` plays on and the seed of its first reset (set by learn). */
  private env?: Env<any, any>;
  private pendingSeed?: number;
  /** The episode count learn() stops at (exact, even with batches of steps). */
  private episodeLimit?: number;

  constructor(
    readonly observationSpace: Space<unknown>,
    readonly actionSpace: Space<unknown>,
    readonly config: AgentConfig,
  ) {
    this.obsSize = observationSize(observationSpace);
    const init = stream(config.seed, 'init');
    this.rngs = { act: stream(config.seed, 'act'), update: stream(config.seed, 'update') };
    // Check compatibility before any variable exists, so a refused agent leaks nothing.
    checkAgent(config.kind);
    checkAgentApplicable(config, actionSpace);
    this.estimatorName = agentEstimator(config);
    this.estimator = estimatorSetup(this.estimatorName).estimator;
    this.policy = new Policy(this.obsSize, actionSpace, config, init);
    const critics = buildCritics(config, this.policy, this.obsSize, init);
    this.value = critics.value;
    this.cv = critics.cv;
    this.baseline = critics.baseline;
    const opt = (lr: number) => makeOptimizer({ kind: config.optimizer, learningRate: lr, beta2: config.beta2 });
    this.policyOpt = opt(config.learningRate);
    if (this.value) this.valueOpt = opt(config.learningRate * config.cvLrScale);
    if (this.cv) this.cvOpt = opt(config.learningRate * config.cvLrScale);
  }

  /** An action for one observation (typed-array forward pass; no tfjs call). */
  act(obs: ArrayLike<number>, options: ActOptions = {}): number | Int8Array | Float32Array {
    return this.policy.sample(obs, this.rngs.act, options.deterministic).action;
  }

  /** One update from a rollout: policy, value function, control variate (agents/update.ts). */
  update(r: Rollout): UpdateInfo {
    const start = performance.now();
    const step = updateFrom(this, r);
    this.counters.updates++;
    return {
      update: this.counters.updates,
      episodes: this.counters.episodes,
      steps: this.counters.steps,
      ...step,
      learningRate: getLearningRate(this.policyOpt),
      seconds: (performance.now() - start) / 1000,
    };
  }

  /**
   * Independent single-episode estimates of the policy gradient over the
   * policy's parameters (flattened), at the current parameters, from
   * `episodes` fresh episodes on `env`, its first reset seeded from `seed`.
   * Nothing is trained; the agent's own random streams are left untouched.
   */
  gradientSamples(env: Env<any, any>, episodes: number, seed = this.config.seed + 7919 * (this.counters.updates + 1)): Float32Array[] {
    return gradientSamples(this, env, episodes, seed);
  }

  get seed(): number {
    return this.config.seed;
  }

  /**
   * log of the policy-gradient estimator's variance at the current parameters,
   * averaged over the policy's parameters, from `config.varianceEpisodes`
   * independent single-episode estimates (the paper's diagnostic), played on
   * a copy of the training env so training is not disturbed.
   */
  logVariance(rng: Rng): number {
    const env = this.env;
    if (!env) throw new Error('logVariance needs the env learn() is training on');
    const probe = env.spec?.id ? make(env.spec.id, { ...(env.spec.kwargs ?? {}) }) : env;
    try {
      return logVarianceOf(this.gradientSamples(probe, this.config.varianceEpisodes, rng.integer(2 ** 31)));
    } finally {
      if (probe !== env) probe.close();
    }
  }

  /** The batch of whole episodes an update trains on; the last one stops at the episode budget, so it is exact. */
  private collectBatch(): Rollout {
    const { episodesPerUpdate: e, stepsPerUpdate: s } = this.config;
    const seed = () => {
      const x = this.pendingSeed;
      this.pendingSeed = undefined;
      return x;
    };
    const left = this.episodeLimit === undefined ? Infinity : this.episodeLimit - this.counters.episodes;
    if (s <= 0 && e <= left) return collect(this.env!, this.policy, this.rngs.act, e, s, seed);
    // One episode at a time: the very draws one collect(e, s) call makes, but able to stop at the budget.
    const parts: Rollout[] = [];
    for (let steps = 0; parts.length < Math.max(1, left) && (parts.length < e || steps < s); steps += parts[parts.length - 1].steps) {
      parts.push(collect(this.env!, this.policy, this.rngs.act, 1, 0, seed));
    }
    return joinRollouts(parts);
  }

  /** Collect whole episodes on the training env, then one update (the Learner's step). */
  iterate(): { episodes: EpisodeStats[]; update: Record<string, number> } {
    const t0 = performance.now();
    const r = this.collectBatch();
    const episodes: EpisodeStats[] = [];
    for (let e = 0; e < r.episodeEnds.length; e++) {
      this.counters.episodes++;
      this.counters.steps += r.lengths[e];
      const stats: EpisodeStats = { episode: this.counters.episodes, return: r.returns[e], length: r.lengths[e], totalSteps: this.counters.steps };
      episodes.push(stats);
      this.history.push(stats);
    }
    const info = this.update(r);
    this.seconds += (performance.now() - t0) / 1000;
    const update: Record<string, number> = { update: info.update, gradientSquaredNorm: info.gradientSquaredNorm, learningRate: info.learningRate };
    if (info.valueLoss !== undefined) update.valueLoss = info.valueLoss;
    if (info.kl !== undefined) update.kl = info.kl;
    return { episodes, update };
  }

  /** Train for a budget of episodes and/or steps (from where the agent is); returns the training episodes' statistics. */
  async learn(env: Env<any, any>, budget: LearnBudget, callbacks: LearnCallbacks = {}): Promise<EpisodeStats[]> {
    if (budget.episodes === undefined && budget.steps === undefined) throw new UserError('learn needs a budget of episodes or steps');
    this.envId ??= env.spec?.id;
    // Seed each env once, the first time this agent sees it: with the random
    // state of the env it trained on before (saved in checkpoints, so a
    // resumed run continues exactly), else from the agent's seed. Later
    // resets continue the env's own stream.
    this.pendingSeed = undefined;
    if (!this.seededEnvs.has(env)) {
      this.seededEnvs.add(env);
      // A new env continues the stream of the one trained on before (or the checkpoint's).
      const state = this.pendingEnvState ?? this.env?.unwrapped.randomState;
      if (state) {
        env.unwrapped.randomState = state;
        this.pendingEnvState = undefined;
      } else {
        this.pendingSeed = this.config.seed + 1_000_003 * this.counters.episodes;
      }
    }
    this.env = env;
    const out: EpisodeStats[] = [];
    const c = this.counters;
    this.episodeLimit = budget.episodes === undefined ? undefined : c.episodes + budget.episodes;
    try {
      await runLoop(this, {
        until: {
          episodes: budget.episodes === undefined ? undefined : c.episodes + budget.episodes,
          steps: budget.steps === undefined ? undefined : c.steps + budget.steps,
        },
        varianceEvery: this.config.varianceEvery * this.config.episodesPerUpdate,
        checkpointEvery: callbacks.onCheckpoint ? callbacks.checkpointEvery : 0,
        onRow: (row) => {
          if (typeof row.logVariance === 'number') {
            const v = { update: c.updates, episodes: c.episodes, logVariance: row.logVariance };
            this.varianceHistory.push(v);
          }
          callbacks.onRow?.(row as Record<string, number>);
        },
        onEpisode: (e) => {
          out.push(e);
          return callbacks.onEpisode?.(e);
        },
        onUpdate: (u) => callbacks.onUpdate?.(u as unknown as UpdateInfo),
        onCheckpoint: callbacks.onCheckpoint ? () => callbacks.onCheckpoint!(this) : undefined,
      });
    } finally {
      this.episodeLimit = undefined;
    }
    return out;
  }

  /** Everything a checkpoint holds (agents/io.ts adds the description and the LayersModel). */
  checkpointParts(): CheckpointParts {
    const optimizers: Record<string, tf.Optimizer> = { policy: this.policyOpt };
    if (this.valueOpt) optimizers.value = this.valueOpt;
    if (this.cvOpt) optimizers.cv = this.cvOpt;
    return { variables: this.namedVariables(), optimizers, rngs: { act: this.rngs.act, update: this.rngs.update } };
  }

  checkpointState(): TrainingState {
    return {
      counters: { ...this.counters },
      seconds: this.seconds,
      baseline: this.baseline && this.counters.updates > 0 ? this.baseline.value : null,
      env: this.env ? this.env.unwrapped.randomState : (this.pendingEnvState ?? null),
      history: this.history,
      varianceHistory: this.varianceHistory,
    };
  }

  restoreState(state: unknown): void {
    const s = state as TrainingState;
    this.counters = { ...s.counters };
    this.seconds = s.seconds ?? 0;
    if (this.baseline && s.baseline !== null && s.baseline !== undefined) this.baseline.restore(s.baseline);
    this.pendingEnvState = s.env ?? undefined;
    this.history = s.history ?? [];
    this.varianceHistory = s.varianceHistory ?? [];
    this.policy.refresh();
  }

  /** Returns of `episodes` episodes with the current policy (deterministic by default), from `seed`. */
  evaluate(env: Env<any, any>, episodes: number, options: { seed?: number; deterministic?: boolean } = {}): number[] {
    const seed = options.seed ?? this.config.seed;
    return evaluatePolicy(this.policy, env, episodes, seed, options.deterministic ?? true);
  }

  /** Save to a folder (see agents/io.ts for the format); loadAgent(dir) reads it back. */
  async save(dir: string): Promise<void> {
    const { saveAgent } = await import('./io.js');
    await saveAgent(this, dir);
  }

  /** Every trainable tensor under a stable logical name (for saving). */
  namedVariables(): Record<string, tf.Variable> {
    const out: Record<string, tf.Variable> = { ...this.policy.named() };
    if (this.value) Object.assign(out, this.value.net.namedVariables('value/'));
    const cv = this.cv instanceof WithValue ? this.cv.inner : this.cv;
    if (cv && 'named' in cv && typeof cv.named === 'function') {
      for (const [k, v] of Object.entries((cv as { named(): Record<string, tf.Variable> }).named())) out[`cv/${k}`] = v;
    } else if (cv instanceof ActionCritic) {
      Object.assign(out, cv.net.namedVariables('cv/'));
    }
    return out;
  }

  dispose(): void {
    for (const v of Object.values(this.namedVariables())) v.dispose();
    this.policyOpt.dispose();
    this.valueOpt?.dispose();
    this.cvOpt?.dispose();
  }
}
