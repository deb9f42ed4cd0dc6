// Training callbacks, in the shape of Stable-Baselines3's (BaseCallback's
// on_training_start / on_step / on_rollout_end / on_training_end; a false
// return stops training). Pass a list to `agent.learn(env, budget, [...])`.
// A callback with a `key` and state() has that state saved in the agent's
// checkpoints and given back to restore() when training continues from one,
// so a resumed run decides exactly as an uninterrupted one.
import { UserError } from '../src/errors.js';
import type { EpisodeStats, LearnOptions, MetricRow } from './learn.js';
import type { PolicyGradientAgent } from './agent.js';

export interface CallbackContext {
  readonly agent: PolicyGradientAgent;
  /** Training progress through the learn budget, 0 → 1 (what schedules read). */
  readonly progress: number;
  /** Write a metric row: to learn's onRow (metrics.jsonl) and every callback's onRow. */
  emit(row: MetricRow): void;
}

export interface TrainingCallback {
  /** Name of this callback's state in the agent's checkpoint (unique in a learn call). */
  readonly key?: string;
  /** With onCheckpoint: save every this many episodes (the loop's one checkpoint cadence). */
  readonly checkpointEvery?: number;
  onTrainingStart?(ctx: CallbackContext): void | Promise<void>;
  /** After each training episode (SB3's on_step, per episode); false stops after this update. */
  onEpisode?(stats: EpisodeStats, ctx: CallbackContext): boolean | void;
  /** After each update with its figures (SB3's on_rollout_end); false stops training. */
  onUpdate?(update: Record<string, number>, ctx: CallbackContext): boolean | void | Promise<boolean | void>;
  /** Every metric row, as it is made. */
  onRow?(row: MetricRow): void;
  /** After all of an update's rows, before any checkpoint of it. */
  onIterationEnd?(ctx: CallbackContext): void | Promise<void>;
  onCheckpoint?(ctx: CallbackContext): void | Promise<void>;
  /** When learn ends, also by an error (close files here). */
  onTrainingEnd?(ctx: CallbackContext): void | Promise<void>;
  state?(): unknown;
  restore?(state: unknown): void;
}

/** Save the agent to `dir` every `every` episodes (atomically: a kill mid-save leaves the previous one). */
export class CheckpointCallback implements TrainingCallback {
  constructor(
    readonly dir: string,
    readonly checkpointEvery: number,
  ) {
    if (!(Number.isInteger(checkpointEvery) && checkpointEvery > 0)) throw new UserError(`CheckpointCallback: every must be a whole number > 0, got ${checkpointEvery}`);
  }

  async onCheckpoint(ctx: CallbackContext): Promise<void> {
    await ctx.agent.save(this.dir);
  }
}

/** The one checkpoint cadence of a list (a UserError if two callbacks ask for different ones). */
export function checkpointCadence(list: readonly TrainingCallback[], given?: number): number | undefined {
  const cadences = new Set(list.filter((c) => c.onCheckpoint && c.checkpointEvery).map((c) => c.checkpointEvery!));
  if (given) cadences.add(given);
  if (cadences.size > 1) throw new UserError(`callbacks ask for checkpoints every ${[...cadences].join(' and ')} episodes: give one cadence`);
  return cadences.size ? [...cadences][0] : undefined;
}

/** Give each keyed callback its saved state; a UserError on a repeated key. */
export function restoreCallbacks(list: readonly TrainingCallback[], saved: Record<string, unknown>): void {
  const seen = new Set<string>();
  for (const c of list) {
    if (!c.key) continue;
    if (seen.has(c.key)) throw new UserError(`two callbacks share the key '${c.key}'`);
    seen.add(c.key);
    if (c.restore && saved[c.key] !== undefined) c.restore(saved[c.key]);
  }
}

/** The keyed callbacks' states, over `saved` (what a checkpoint records). */
export function callbackStates(list: readonly TrainingCallback[], saved: Record<string, unknown>): Record<string, unknown> {
  const out = { ...saved };
  for (const c of list) if (c.key && c.state) out[c.key] = c.state();
  return out;
}

type Hooks = Required<Pick<LearnOptions, 'onRow' | 'onEpisode' | 'onUpdate' | 'onIterationEnd'>> & Pick<LearnOptions, 'onCheckpoint'>;

/**
 * The loop's hooks (agents/learn.ts) for a learn call: `first` (the caller's
 * plain functions) then every callback in order. A false from any stops
 * training after this update; all of them still run.
 */
export function callbackHooks(list: readonly TrainingCallback[], ctx: CallbackContext, first: Partial<Hooks>): Hooks {
  const rowTakers = list.filter((c) => c.onRow);
  const savers = list.filter((c) => c.onCheckpoint);
  return {
    onRow: (row) => {
      first.onRow?.(row);
      for (const c of rowTakers) c.onRow!(row);
    },
    onEpisode: (e) => {
      let go = first.onEpisode?.(e) !== false;
      for (const c of list) if (c.onEpisode?.(e, ctx) === false) go = false;
      return go;
    },
    onUpdate: async (u, learner) => {
      let go = (await first.onUpdate?.(u, learner)) !== false;
      for (const c of list) if ((await c.onUpdate?.(u, ctx)) === false) go = false;
      return go;
    },
    onIterationEnd: async () => {
      for (const c of list) await c.onIterationEnd?.(ctx);
    },
    onCheckpoint:
      first.onCheckpoint || savers.length
        ? async (learner) => {
            await first.onCheckpoint?.(learner);
            for (const c of savers) await c.onCheckpoint!(ctx);
          }
        : undefined,
  };
}
