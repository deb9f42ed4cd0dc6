// The agent's public shapes: what an update reports, learn's budget and
// callbacks, the evaluation record of a best agent, and the training state a
// checkpoint keeps.
import type { Counters, EpisodeStats } from './learn.js';
import type { TrainingCallback } from './callbacks.js';
import type { TrainingEnvState } from './trainingEnv.js';
import type { PolicyGradientAgent } from './agent.js';

export interface UpdateInfo {
  update: number;
  episodes: number;
  steps: number;
  /** Squared norm of the policy-gradient estimate over the policy's parameters (RELAX/LAX: the variance objective). */
  gradientSquaredNorm: number;
  valueLoss?: number;
  /** KL(π_old ‖ π_new) over the batch's states (when the learning rate adapts to it). */
  kl?: number;
  /** The policy-gradient surrogate per episode and −(mean entropy), before the step (agents/update.ts). */
  policyLoss: number;
  entropyLoss: number;
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
  /** Every metric row (episodes, variance, evaluations), as it is made. */
  onRow?(row: Record<string, number | string | null>): void;
  /** Training callbacks (agents/callbacks.ts), run after the functions above. */
  callbacks?: TrainingCallback[];
}

/** How a saved agent was evaluated when it was saved as the best (so `evaluate` can repeat it exactly). */
export interface EvaluationRecord {
  episodes: number;
  seed: number;
  deterministic: boolean;
  mean: number;
  /** Training episodes the agent had played. */
  episode: number;
}

export interface ActOptions {
  deterministic?: boolean;
}

/** What a checkpoint keeps beyond variables, optimisers and streams (the training env's stream and wrapper states: TrainingEnvState). */
export interface TrainingState extends TrainingEnvState {
  counters: Counters;
  seconds: number;
  baseline: number | null;
  history: EpisodeStats[];
  varianceHistory: { update: number; episodes: number; logVariance: number }[];
  /** Keyed callbacks' states (e.g. the eval callback's best so far). */
  callbacks?: Record<string, unknown>;
}
