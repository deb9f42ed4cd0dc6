// The one policy-gradient agent. Every agent (REINFORCE, A2C, RELAX, LAX) is a
// configuration of this class: roll out whole episodes with the typed-array
// policy, compute discounted returns (bootstrapped at truncation when there is
// a value function), estimate ĝ_t = ∂θ_t of the return with the catalog
// estimator the configuration names (agents/applicable.ts; refused with the
// catalog's one line when it cannot work on the env), push Σ_t θ(ψ)_t·ĝ_t into
// the policy, and fit the value function (squared error) and the control
// variate (∂φ of the squared policy gradient): agents/update.ts.
import { tf } from '../src/tf/index.js';
import { Rng, stream } from '../src/random/index.js';
import { estimatorSetup, logVarianceOf, type Estimator, type MovingAverage } from '../src/estimators/index.js';
import type { ControlVariate } from '../src/controlVariates/index.js';
import { makeOptimizer, getLearningRate, type CheckpointParts } from '../src/nn/index.js';
import { UserError } from '../src/errors.js';
import { Box, flatdim, make, type Env, type Space } from '../envs/index.js';
import { Policy } from './policy.js';
import { ValueFunction, buildCritics, namedVariables } from './critics.js';
import { collectBatch, evaluateEpisodes, type Rollout } from './rollout.js';
import { gradientSamples, updateFrom } from './update.js';
import { agentEstimator, checkAgent, checkAgentApplicable } from './applicable.js';
import type { AgentConfig } from './config.js';
import { learn as runLoop, type Counters, type EpisodeStats, type Learner } from './learn.js';
import { isExpression } from './schedule.js';
import { Schedules } from './scheduled.js';
import { callbackHooks, callbackStates, checkpointCadence, restoreCallbacks, type CallbackContext, type TrainingCallback } from './callbacks.js';
import { withObservationStats, type ObservationStats } from './normalization.js';
import { TrainingEnv } from './trainingEnv.js';
import type { EvaluationRecord, LearnBudget, LearnCallbacks, TrainingState, UpdateInfo, ActOptions } from './agentTypes.js';

export type { EpisodeStats } from './learn.js';
export type { EvaluationRecord, LearnBudget, LearnCallbacks, TrainingState, UpdateInfo, ActOptions } from './agentTypes.js';

/** Flattened observation size of a (Box) observation space. */
function observationSize(space: Space<unknown>): number {
  if (!(space instanceof Box)) throw new UserError(`observation space ${space.toString()} is not supported (use a Box)`);
  return flatdim(space);
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
  /** The entropy coefficient now (config.entropyCoef, or its schedule's value at the last update). */
  entropyCoef: number;
  /** Keyed callbacks' states from a checkpoint or an earlier learn call. */
  callbackStates: Record<string, unknown> = {};
  /** Set by loadAgent when the agent was saved as an evaluation's best. */
  evaluation?: EvaluationRecord;
  private readonly schedules = new Schedules();
  /** The env trained on, and what carries over to the next one (agents/trainingEnv.ts). */
  private readonly training = new TrainingEnv();
  /** The current learn call's callbacks (their states go into checkpoints). */
  private callbacks: TrainingCallback[] = [];
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
    if (isExpression(config.learningRate) && config.targetKl > 0) {
      throw new UserError(`a learning-rate schedule and a KL-adapted rate (targetKl ${config.targetKl}) would both set the rate: set targetKl to 0 (--target-kl 0)`);
    }
    // A schedule's value is set when learning starts and at every update (agents/scheduled.ts); until then a placeholder.
    const initial = (s: number | string, placeholder: number) => (typeof s === 'number' ? s : placeholder);
    this.entropyCoef = initial(config.entropyCoef, 0);
    this.estimatorName = agentEstimator(config);
    this.estimator = estimatorSetup(this.estimatorName).estimator;
    this.policy = new Policy(this.obsSize, actionSpace, config, init);
    const critics = buildCritics(config, this.policy, this.obsSize, init);
    this.value = critics.value;
    this.cv = critics.cv;
    this.baseline = critics.baseline;
    const opt = (lr: number) => makeOptimizer({ kind: config.optimizer, learningRate: lr, beta2: config.beta2 });
    const lr = initial(config.learningRate, 1);
    this.policyOpt = opt(lr);
    if (this.value) this.valueOpt = opt(lr * config.cvLrScale);
    if (this.cv) this.cvOpt = opt(lr * config.cvLrScale);
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
    const env = this.training.current;
    if (!env) throw new Error('logVariance needs the env learn() is training on');
    // A fresh copy sees observations as training does: normalised with the current statistics, frozen.
    const probe = env.spec?.id ? this.evaluationEnv(make(env.spec.id, { ...(env.spec.kwargs ?? {}) })) : env;
    try {
      return logVarianceOf(this.gradientSamples(probe, this.config.varianceEpisodes, rng.integer(2 ** 31)));
    } finally {
      if (probe !== env) probe.close();
    }
  }

  /** Training progress through the current learn budget, 0 → 1 (agents/scheduled.ts). */
  get progress(): number {
    return this.schedules.progress(this.counters);
  }

  /** Collect whole episodes on the training env, then one update (the Learner's step). */
  iterate(): { episodes: EpisodeStats[]; update: Record<string, number> } {
    const t0 = performance.now();
    const left = this.episodeLimit === undefined ? Infinity : this.episodeLimit - this.counters.episodes;
    const { episodesPerUpdate, stepsPerUpdate } = this.config;
    const r = collectBatch(this.training.current!, this.policy, this.rngs.act, episodesPerUpdate, stepsPerUpdate, left, () => this.training.takeSeed());
    const episodes: EpisodeStats[] = [];
    for (let e = 0; e < r.episodeEnds.length; e++) {
      this.counters.episodes++;
      this.counters.steps += r.lengths[e];
      const stats: EpisodeStats = { episode: this.counters.episodes, return: r.returns[e], length: r.lengths[e], totalSteps: this.counters.steps };
      episodes.push(stats);
      this.history.push(stats);
    }
    this.schedules.apply(this);
    const info = this.update(r);
    this.seconds += (performance.now() - t0) / 1000;
    const update: Record<string, number> = {
      update: info.update,
      gradientSquaredNorm: info.gradientSquaredNorm,
      learningRate: info.learningRate,
      entropyCoef: this.entropyCoef,
      policyLoss: info.policyLoss,
      entropyLoss: info.entropyLoss,
    };
    if (info.valueLoss !== undefined) update.valueLoss = info.valueLoss;
    if (info.kl !== undefined) update.kl = info.kl;
    return { episodes, update };
  }

  /**
   * Train for a budget of episodes and/or steps (from where the agent is);
   * returns the training episodes' statistics. `callbacks` is a list of
   * training callbacks (agents/callbacks.ts) or the functions of LearnCallbacks.
   */
  async learn(env: Env<any, any>, budget: LearnBudget, callbacks: LearnCallbacks | TrainingCallback[] = {}): Promise<EpisodeStats[]> {
    if (budget.episodes === undefined && budget.steps === undefined) throw new UserError('learn needs a budget of episodes or steps');
    const given: LearnCallbacks = Array.isArray(callbacks) ? { callbacks } : callbacks;
    const list = given.callbacks ?? [];
    const checkpointEvery = checkpointCadence(list, given.onCheckpoint ? given.checkpointEvery : undefined);
    restoreCallbacks(list, this.callbackStates);
    await this.schedules.compile(this.config);
    this.envId ??= env.spec?.id;
    const c = this.counters;
    this.training.start(env, this.config.seed + 1_000_003 * c.episodes);
    const until = {
      episodes: budget.episodes === undefined ? undefined : c.episodes + budget.episodes,
      steps: budget.steps === undefined ? undefined : c.steps + budget.steps,
    };
    this.schedules.until = until;
    this.episodeLimit = until.episodes;
    this.schedules.apply(this);
    const out: EpisodeStats[] = [];
    const agent = this;
    const ctx: CallbackContext = { agent, get progress() { return agent.progress; }, emit: (row) => hooks.onRow(row) };
    const hooks = callbackHooks(list, ctx, {
      onRow: (row) => {
        if (typeof row.logVariance === 'number') this.varianceHistory.push({ update: c.updates, episodes: c.episodes, logVariance: row.logVariance });
        given.onRow?.(row);
      },
      onEpisode: (e) => {
        out.push(e);
        return given.onEpisode?.(e);
      },
      onUpdate: (u) => given.onUpdate?.(u as unknown as UpdateInfo),
      onCheckpoint: given.onCheckpoint ? () => given.onCheckpoint!(this) : undefined,
    });
    this.callbacks = list;
    try {
      for (const cb of list) await cb.onTrainingStart?.(ctx);
      await runLoop(this, {
        until,
        varianceEvery: this.config.varianceEvery * this.config.episodesPerUpdate,
        checkpointEvery: checkpointEvery ?? 0,
        ...hooks,
      });
    } finally {
      // Also when training fails: callbacks close their files.
      for (const cb of list) await cb.onTrainingEnd?.(ctx);
      this.callbackStates = callbackStates(list, this.callbackStates);
      this.callbacks = [];
      this.episodeLimit = undefined;
    }
    return out;
  }

  /** NormalizeObservation's statistics of the env trained on (or saved with the agent); undefined without one. */
  observationStats(): ObservationStats | undefined {
    return this.training.observationStats();
  }

  /** `env` as the policy sees it outside training: in a frozen NormalizeObservation with the agent's statistics, if it has some. */
  evaluationEnv<E extends Env<any, any>>(env: E): Env<any, any> {
    return withObservationStats(env, this.observationStats());
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
      ...this.training.state(),
      history: this.history,
      varianceHistory: this.varianceHistory,
      callbacks: callbackStates(this.callbacks, this.callbackStates),
    };
  }

  restoreState(state: unknown): void {
    const s = state as TrainingState;
    this.counters = { ...s.counters };
    this.seconds = s.seconds ?? 0;
    if (this.baseline && s.baseline !== null && s.baseline !== undefined) this.baseline.restore(s.baseline);
    this.training.restore(s);
    this.history = s.history ?? [];
    this.varianceHistory = s.varianceHistory ?? [];
    this.callbackStates = s.callbacks ?? {};
    this.policy.refresh();
  }

  /**
   * Returns of `episodes` episodes with the current policy (deterministic by
   * default), from `seed`, on `env` as evaluationEnv() wraps it.
   */
  evaluate(env: Env<any, any>, episodes: number, options: { seed?: number; deterministic?: boolean } = {}): number[] {
    return this.evaluateEpisodes(env, episodes, options).returns;
  }

  /** evaluate(), with the episodes' lengths. */
  evaluateEpisodes(env: Env<any, any>, episodes: number, options: { seed?: number; deterministic?: boolean } = {}): { returns: number[]; lengths: number[] } {
    return evaluateEpisodes(this.policy, this.evaluationEnv(env), episodes, options.seed ?? this.config.seed, options.deterministic ?? true);
  }

  /** Save to a folder (see agents/io.ts for the format); loadAgent(dir) reads it back. */
  async save(dir: string, options: { evaluation?: EvaluationRecord } = {}): Promise<void> {
    const { saveAgent } = await import('./io.js');
    await saveAgent(this, dir, options);
  }

  /** Every trainable tensor under a stable logical name (for saving). */
  namedVariables(): Record<string, tf.Variable> {
    return namedVariables(this);
  }

  dispose(): void {
    for (const v of Object.values(this.namedVariables())) v.dispose();
    this.policyOpt.dispose();
    this.valueOpt?.dispose();
    this.cvOpt?.dispose();
  }
}
