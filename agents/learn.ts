// The one trainer loop (docs/design.md, "One trainer"). Every problem — a gym
// task played in whole episodes, the toy, the VAE, a user's one-step problem —
// is a Learner: something that collects experience and trains on it once per
// `iterate()`. This loop owns everything around that: the budget, the
// cadence of logging, variance measurement, evaluation and checkpoints, and
// the metric rows. Rows carry no wall-clock time, so a run killed and resumed
// from a checkpoint writes the same rows, bit for bit, as one that was not.
import { tf } from '../src/tf/index.js';
import { Rng } from '../src/random/index.js';
import { saveCheckpoint, loadCheckpoint, hasCheckpoint, removeStaleTemps, type CheckpointParts } from '../src/nn/index.js';
import { UserError } from '../src/errors.js';

/** Training reached NaN or ±Infinity: stopped before anything non-finite was saved. */
export class TrainingDiverged extends UserError {
  override name = 'TrainingDiverged';
}

export interface Counters {
  episodes: number;
  /** Environment steps (RL) or optimisation steps (one-step problems: one batch each). */
  steps: number;
  updates: number;
}

/** One finished training episode (RL); its metric row. */
export interface EpisodeStats {
  episode: number;
  return: number;
  length: number;
  /** Environment steps taken so far. */
  totalSteps: number;
}

/** What budgets and cadences count: episodes (RL agents) or steps (one-step problems). */
export type Unit = 'episodes' | 'steps';

export interface Learner {
  readonly counters: Counters;
  readonly unit: Unit;
  /** The run's seed: variance probes derive their randomness from it and the position. */
  readonly seed: number;
  /** Collect experience, then train on it once. */
  iterate(): { episodes: EpisodeStats[]; update?: Record<string, number> };
  /** Values recorded at a log step (e.g. p and the exact loss, or the running ELBO). */
  logRow?(): Record<string, number>;
  /** log of the estimator's variance at the current parameters, from `rng` only (nothing trained, no stream advanced). */
  logVariance(rng: Rng): number;
  /** Held-out figures at an evaluation step. */
  heldOut?(): Record<string, number> | Promise<Record<string, number>>;
  /** Everything a checkpoint holds: variables, optimisers, random streams by name, and JSON state. */
  checkpointParts(): CheckpointParts;
  checkpointState(): unknown;
  restoreState(state: unknown): void;
}

export type MetricRow = Record<string, number | string | null>;

export interface LearnOptions {
  /** Stop when a counter reaches its target (absolute, not relative to where the learner is). */
  until: { episodes?: number; steps?: number; updates?: number };
  /** Cadences in the learner's unit (0 or absent: never). Variance is also measured at 0. */
  logEvery?: number;
  varianceEvery?: number;
  evalEvery?: number;
  checkpointEvery?: number;
  /** Where checkpoints go; also written when the loop ends. */
  checkpointDir?: string;
  /** Every metric row, as it is made (write it to metrics.jsonl). */
  onRow?(row: MetricRow): void;
  /** After every training episode; return false to stop after this iteration. */
  onEpisode?(stats: EpisodeStats): boolean | void;
  /** After every iteration, with the learner's update figures; false (or a promise of it) stops after this iteration. */
  onUpdate?(update: Record<string, number>, learner: Learner): boolean | void | Promise<boolean | void>;
  /** After an iteration's rows (update, log, variance, held-out), before its checkpoint. */
  onIterationEnd?(learner: Learner): void | Promise<void>;
  /** After each checkpoint is written (or, without checkpointDir, to write one the caller's way, e.g. agent.save). */
  onCheckpoint?(learner: Learner): void | Promise<void>;
}

/** The learner's position in its unit: the counter budgets and cadences read. */
export function position(learner: Learner): number {
  return learner.unit === 'episodes' ? learner.counters.episodes : learner.counters.steps;
}

/** The metric rows' name for the position ('episode' or 'step'). */
export function positionKey(learner: Learner): 'episode' | 'step' {
  return learner.unit === 'episodes' ? 'episode' : 'step';
}

/** The variance probe's own stream: fixed by the seed and the position alone. */
export function varianceRng(seed: number, at: number): Rng {
  return new Rng(`${seed}:variance:${at}`);
}

/** Whether a cadence of `every` fires between positions `before` (exclusive) and `after` (inclusive). */
export function crossed(every: number | undefined, before: number, after: number): boolean {
  return !!every && every > 0 && Math.floor(after / every) > Math.floor(before / every);
}

function reached(learner: Learner, until: LearnOptions['until']): boolean {
  const c = learner.counters;
  return (
    (until.episodes !== undefined && c.episodes >= until.episodes) ||
    (until.steps !== undefined && c.steps >= until.steps) ||
    (until.updates !== undefined && c.updates >= until.updates)
  );
}

/** Write the learner's checkpoint into `dir` (atomically; the previous one stays loadable until the new one is complete). */
export async function saveLearner(learner: Learner, dir: string): Promise<void> {
  await saveCheckpoint(dir, learner.checkpointParts(), learner.checkpointState());
}

/** Continue a learner from the checkpoint in `dir`, if there is one; returns whether it did. */
export async function resumeLearner(learner: Learner, dir: string): Promise<boolean> {
  removeStaleTemps(dir);
  if (!hasCheckpoint(dir)) return false;
  learner.restoreState(await loadCheckpoint(dir, learner.checkpointParts()));
  return true;
}

function diverged(key: string, at: number, what: string): TrainingDiverged {
  return new TrainingDiverged(`training diverged at ${key} ${at}: ${what}; stopped without saving it (earlier checkpoints are kept) — try a smaller learning rate`);
}

// The update's figures (a loss or gradient norm already read back): a free
// check every iteration, since NaN anywhere in the step reaches them.
function checkUpdate(update: Record<string, number>, key: string, at: number): void {
  for (const [name, v] of Object.entries(update)) if (typeof v === 'number' && !Number.isFinite(v)) throw diverged(key, at, `${name} is ${v}`);
}

// The parameters themselves, once before each save (one read-back): a finite
// gradient can still step them to ±Infinity.
function checkVariables(learner: Learner, key: string, at: number): void {
  const vars = Object.values(learner.checkpointParts().variables);
  if (vars.length === 0) return;
  const bad = tf.tidy(() => tf.addN(vars.map((v) => tf.sum(tf.cast(tf.logicalNot(tf.isFinite(v)), 'float32')))).dataSync()[0]);
  if (bad > 0) throw diverged(key, at, `${bad} parameter value(s) are not finite`);
}

/** Train until the budget: iterate, and on the cadences log, measure, evaluate and checkpoint. */
export async function learn(learner: Learner, options: LearnOptions): Promise<void> {
  const key = positionKey(learner);
  const emit = (row: MetricRow) => options.onRow?.(row);
  const measure = (at: number) => emit({ [key]: at, logVariance: learner.logVariance(varianceRng(learner.seed, at)) });
  if (position(learner) === 0 && learner.counters.updates === 0) {
    if (learner.logRow && options.logEvery) emit({ [key]: 0, ...learner.logRow() });
    if (options.varianceEvery) measure(0);
  }
  let stop = false;
  while (!stop && !reached(learner, options.until)) {
    const before = position(learner);
    const { episodes, update } = learner.iterate();
    for (const e of episodes) {
      emit({ ...e });
      if (options.onEpisode?.(e) === false) stop = true;
    }
    const at = position(learner);
    if (update) {
      checkUpdate(update, key, at);
      if ((await options.onUpdate?.(update, learner)) === false) stop = true;
    }
    const last = stop || reached(learner, options.until);
    if (learner.logRow && options.logEvery && (crossed(options.logEvery, before, at) || last)) emit({ [key]: at, ...learner.logRow() });
    if (crossed(options.varianceEvery, before, at)) measure(at);
    if (learner.heldOut && crossed(options.evalEvery, before, at)) emit({ [key]: at, ...(await learner.heldOut()) });
    await options.onIterationEnd?.(learner);
    if (!last && crossed(options.checkpointEvery, before, at)) {
      checkVariables(learner, key, at);
      if (options.checkpointDir) await saveLearner(learner, options.checkpointDir);
      await options.onCheckpoint?.(learner);
    }
  }
  // Also when the caller saves afterwards (agent.save): never a non-finite agent.
  checkVariables(learner, key, position(learner));
  if (options.checkpointDir) {
    await saveLearner(learner, options.checkpointDir);
    await options.onCheckpoint?.(learner);
  }
}
