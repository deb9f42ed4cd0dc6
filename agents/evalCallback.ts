// Evaluation during training, as Stable-Baselines3's EvalCallback: every
// `every` training episodes (at the update that reaches a multiple of it),
// `episodes` episodes on a separate env with deterministic actions, the first
// reset seeded with `seed` — the very evaluation `relax-pg evaluate` makes,
// so the best agent, saved to `bestDir`, reproduces its mean exactly. Each
// evaluation is a metric row. Children decide whether to stop, as SB3's
// StopTrainingOnRewardThreshold (on a new best) and
// StopTrainingOnNoModelImprovement (after each evaluation).
import { UserError } from '../src/errors.js';
import { mean, std } from '../src/report/stats.js';
import type { Env } from '../envs/index.js';
import type { CallbackContext, TrainingCallback } from './callbacks.js';
import { crossed } from './learn.js';

/** Decides after an evaluation whether training goes on (false: stop, with `reason` set). */
export interface EvalChild {
  onEval(e: EvalCallback): boolean | void;
  /** Why it stopped training (for the log). */
  reason?: string;
}

export interface EvalOptions {
  /** Evaluate every this many training episodes. */
  every: number;
  /** Episodes per evaluation (default 10, as `relax-pg evaluate`). */
  episodes?: number;
  /** Seed of each evaluation's first reset (default 1, as `relax-pg evaluate`). */
  seed?: number;
  deterministic?: boolean;
  /** Save the best agent here (a saved agent: loadAgent, `relax-pg evaluate`). */
  bestDir?: string;
  /** Asked on each new best (SB3's callback_on_new_best). */
  onNewBest?: EvalChild;
  /** Asked after each evaluation (SB3's callback_after_eval). */
  afterEval?: EvalChild;
}

/** What a checkpoint keeps of the evaluations, so a resumed run keeps the same best and counts. */
export interface EvalState {
  evaluations: number;
  /** null before the first evaluation (JSON has no −Infinity). */
  bestMean: number | null;
  bestEpisode: number | null;
  /** Evaluations since the best one (0 right after a new best). */
  sinceBest: number;
  lastMean: number | null;
  stopped: string | null;
}

export class EvalCallback implements TrainingCallback {
  readonly key = 'eval';
  readonly every: number;
  readonly episodes: number;
  readonly seed: number;
  readonly deterministic: boolean;
  /** What the evaluations found so far (saved in checkpoints). */
  record: EvalState = { evaluations: 0, bestMean: null, bestEpisode: null, sinceBest: 0, lastMean: null, stopped: null };
  private before = 0;

  constructor(
    readonly env: Env<any, any>,
    readonly options: EvalOptions,
  ) {
    const whole = (x: number | undefined, what: string) => {
      if (x !== undefined && !(Number.isInteger(x) && x > 0)) throw new UserError(`EvalCallback: ${what} must be a whole number > 0, got ${x}`);
    };
    whole(options.every, 'every');
    whole(options.episodes, 'episodes');
    this.every = options.every;
    this.episodes = options.episodes ?? 10;
    this.seed = options.seed ?? 1;
    this.deterministic = options.deterministic ?? true;
  }

  get bestMean(): number {
    return this.record.bestMean ?? -Infinity;
  }

  onTrainingStart(ctx: CallbackContext): void {
    this.before = ctx.agent.counters.episodes;
  }

  async onUpdate(_update: Record<string, number>, ctx: CallbackContext): Promise<boolean> {
    const { agent } = ctx;
    const at = agent.counters.episodes;
    const due = crossed(this.every, this.before, at);
    this.before = at;
    if (!due) return true;
    const { returns, lengths } = agent.evaluateEpisodes(this.env, this.episodes, { seed: this.seed, deterministic: this.deterministic });
    const m = mean(returns);
    const s = this.record;
    s.evaluations++;
    s.lastMean = m;
    const best = s.bestMean === null || m > s.bestMean;
    if (best) {
      s.bestMean = m;
      s.bestEpisode = at;
      s.sinceBest = 0;
    } else {
      s.sinceBest++;
    }
    ctx.emit({ episode: at, evalMean: m, evalStd: returns.length > 1 ? std(returns) : 0, evalMeanLength: mean(lengths), evalBestMean: s.bestMean });
    if (best && this.options.bestDir) {
      const evaluation = { episodes: this.episodes, seed: this.seed, deterministic: this.deterministic, mean: m, episode: at };
      await agent.save(this.options.bestDir, { evaluation });
    }
    for (const child of [best ? this.options.onNewBest : undefined, this.options.afterEval]) {
      if (child && child.onEval(this) === false) {
        s.stopped = child.reason ?? 'stopped by a callback';
        return false;
      }
    }
    return true;
  }

  state(): EvalState {
    return { ...this.record };
  }

  restore(state: unknown): void {
    this.record = { ...this.record, ...(state as EvalState) };
  }
}

/** Stop once an evaluation's mean return reaches `threshold` (use as onNewBest). */
export class StopOnRewardThreshold implements EvalChild {
  reason?: string;
  constructor(readonly threshold: number) {}

  onEval(e: EvalCallback): boolean {
    if (e.bestMean < this.threshold) return true;
    this.reason = `mean evaluation return ${e.bestMean} ≥ ${this.threshold} at episode ${e.record.bestEpisode}`;
    return false;
  }
}

/** Stop after `patience` evaluations in a row without a new best, once `minEvals` evaluations are done (use as afterEval). */
export class StopOnNoImprovement implements EvalChild {
  reason?: string;
  constructor(
    readonly patience: number,
    readonly minEvals = 0,
  ) {
    if (!(Number.isInteger(patience) && patience > 0)) throw new UserError(`StopOnNoImprovement: patience must be a whole number > 0, got ${patience}`);
  }

  onEval(e: EvalCallback): boolean {
    if (e.record.evaluations <= this.minEvals || e.record.sinceBest < this.patience) return true;
    this.reason = `no new best in ${e.record.sinceBest} evaluations (best ${e.bestMean} at episode ${e.record.bestEpisode})`;
    return false;
  }
}
