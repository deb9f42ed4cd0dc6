// progress.csv, as Stable-Baselines3's CSV logger writes it: one row per
// update, written as the run goes, with SB3's column names where SB3 has the
// quantity and the project's own (same style) for the rest. The header is
// fixed, so every row has every column; a row lacking a value leaves its cell
// empty. No wall-clock columns: a resumed run writes the same rows, bit for
// bit. On resume the rows after the checkpoint are dropped first (as
// metrics.jsonl's), so no row is ever written twice.
import { closeSync, existsSync, openSync, readFileSync, writeSync } from 'node:fs';
import { UserError } from '../src/errors.js';
import { writeFileAtomic } from '../src/report/files.js';
import type { CallbackContext, TrainingCallback } from './callbacks.js';
import type { MetricRow } from './learn.js';
import type { PolicyGradientAgent } from './agent.js';

export const PROGRESS_COLUMNS = [
  'time/iterations',
  'time/episodes',
  'time/total_timesteps',
  'rollout/ep_rew_mean',
  'rollout/ep_len_mean',
  'train/learning_rate',
  'train/ent_coef',
  'train/policy_gradient_loss',
  'train/value_loss',
  'train/entropy_loss',
  'train/approx_kl',
  'train/gradient_squared_norm',
  'train/log_variance',
  'eval/mean_reward',
  'eval/mean_ep_length',
  'eval/std_reward',
  'eval/best_mean_reward',
] as const;

type Column = (typeof PROGRESS_COLUMNS)[number];

// The update's figures and metric rows' fields, by column.
const FROM_UPDATE: Partial<Record<string, Column>> = {
  learningRate: 'train/learning_rate',
  entropyCoef: 'train/ent_coef',
  policyLoss: 'train/policy_gradient_loss',
  valueLoss: 'train/value_loss',
  entropyLoss: 'train/entropy_loss',
  kl: 'train/approx_kl',
  gradientSquaredNorm: 'train/gradient_squared_norm',
};
const FROM_ROW: Partial<Record<string, Column>> = {
  logVariance: 'train/log_variance',
  evalMean: 'eval/mean_reward',
  evalMeanLength: 'eval/mean_ep_length',
  evalStd: 'eval/std_reward',
  evalBestMean: 'eval/best_mean_reward',
};

const HEADER = PROGRESS_COLUMNS.join(',');
const EPISODES = PROGRESS_COLUMNS.indexOf('time/episodes');
/** SB3's rollout/ep_*_mean: over the last 100 episodes. */
const WINDOW = 100;

const cell = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '' : String(v));

/**
 * Keep only the complete rows made up to `episodes` (none if `episodes` is
 * null: a fresh run), rewritten atomically if that drops any.
 */
export function keepProgressRows(path: string, episodes: number | null): void {
  if (!existsSync(path)) return writeFileAtomic(path, `${HEADER}\n`);
  const text = readFileSync(path, 'utf8');
  const lines = text.split('\n');
  const complete = lines.slice(0, -1); // the last piece is '' or a line cut short by a kill
  const rows = complete.slice(1).filter((l) => l !== '');
  const kept = episodes === null ? [] : rows.filter((l) => Number(l.split(',')[EPISODES]) <= episodes);
  if (kept.length > 0 && complete[0] !== HEADER) throw new UserError(`${path} has other columns than this relax-pg writes: move it away to resume`);
  const out = [HEADER, ...kept].join('\n') + '\n';
  if (out !== text) writeFileAtomic(path, out);
}

export class ProgressCsv implements TrainingCallback {
  private fd?: number;
  private agent?: PolicyGradientAgent;
  private pending: Partial<Record<Column, number>> = {};

  constructor(readonly path: string) {}

  onTrainingStart(ctx: CallbackContext): void {
    this.agent = ctx.agent;
    const c = ctx.agent.counters;
    keepProgressRows(this.path, c.updates > 0 ? c.episodes : null);
    this.fd = openSync(this.path, 'a');
  }

  onUpdate(update: Record<string, number>): void {
    for (const [k, v] of Object.entries(update)) if (FROM_UPDATE[k]) this.pending[FROM_UPDATE[k]!] = v;
  }

  onRow(row: MetricRow): void {
    for (const [k, v] of Object.entries(row)) if (FROM_ROW[k] && typeof v === 'number') this.pending[FROM_ROW[k]!] = v;
    // A measurement before the first update (the variance at 0) is a row of its own.
    if (this.agent && this.agent.counters.updates === 0) this.flush();
  }

  onIterationEnd(): void {
    this.flush();
  }

  onTrainingEnd(): void {
    this.close();
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private flush(): void {
    const a = this.agent!;
    const recent = a.history.slice(-WINDOW);
    const avg = (f: (e: (typeof recent)[number]) => number) => (recent.length ? recent.reduce((s, e) => s + f(e), 0) / recent.length : undefined);
    const row: Partial<Record<Column, number>> = {
      'time/iterations': a.counters.updates,
      'time/episodes': a.counters.episodes,
      'time/total_timesteps': a.counters.steps,
      'rollout/ep_rew_mean': avg((e) => e.return),
      'rollout/ep_len_mean': avg((e) => e.length),
      ...this.pending,
    };
    this.pending = {};
    if (this.fd === undefined) throw new Error(`progress.csv writer for ${this.path} is closed`);
    // One write per line: a kill can cut at most the last line (dropped on resume).
    const line = Buffer.from(PROGRESS_COLUMNS.map((c) => cell(row[c])).join(',') + '\n', 'utf8');
    for (let off = 0; off < line.length; ) off += writeSync(this.fd, line, off, line.length - off);
  }
}
