// `relax-pg sweep status DIR|--queue URL`: every trial's state, from the
// sweep's folder (what every engine writes) or from the queue's jobs.
import { Queue } from 'bullmq';
import { formatNumber } from '../../src/report/index.js';
import { hostname } from 'node:os';
import { readProgress, readResult, readSweep, type TrialProgress, type TrialStatus } from './store.js';
import type { TrialConfig } from './expand.js';
import type { TrialJob } from './trial.js';
import { connectRedis, redisOptions, QUEUE_NAME } from './queue.js';

export interface TrialRow {
  id: string;
  status: TrialStatus;
  metric: number | null;
  config: TrialConfig;
  worker?: string;
  episodes?: number;
  error?: string;
}

/** A trial's process, on this host, no longer exists (on another host it cannot be told from here). */
function gone(p: TrialProgress): boolean {
  if (p.host !== hostname() || p.pid === undefined) return false;
  try {
    process.kill(p.pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

export function statusFromDir(dir: string): TrialRow[] {
  const sweep = readSweep(dir);
  return sweep.trials.map(({ id, config }) => {
    const result = readResult(dir, id);
    if (result) return { id, status: result.status, metric: result.metric, config, worker: result.worker, episodes: result.episodes, error: result.error };
    const p = readProgress(dir, id);
    if (p && gone(p)) return { id, status: 'queued', metric: p.metric, config, worker: p.worker, episodes: p.episodes, error: 'its worker stopped; it continues from its checkpoint when the sweep or a worker takes it again' };
    if (p) return { id, status: 'running', metric: p.metric, config, worker: p.worker, episodes: p.episodes };
    return { id, status: 'queued', metric: null, config };
  });
}

const STATES: Record<string, TrialStatus> = { waiting: 'queued', delayed: 'queued', prioritized: 'queued', 'waiting-children': 'queued', active: 'running', completed: 'done', failed: 'failed' };

export async function statusFromQueue(url: string): Promise<TrialRow[]> {
  (await connectRedis(url)).disconnect(); // unreachable: one line, in seconds
  const queue = new Queue(QUEUE_NAME, { connection: redisOptions(url) });
  try {
    const rows: TrialRow[] = [];
    for (const state of Object.keys(STATES)) {
      for (const job of await queue.getJobs([state as never])) {
        if (!job) continue;
        const data = job.data as TrialJob;
        const result = job.returnvalue as { status?: TrialStatus; metric?: number | null; episodes?: number; worker?: string } | null;
        const progress = (typeof job.progress === 'object' ? job.progress : {}) as { metric?: number | null; episodes?: number; worker?: string };
        rows.push({
          id: data.trial.id,
          status: state === 'completed' && result?.status ? result.status : STATES[state],
          metric: result?.metric ?? progress.metric ?? null,
          config: data.trial.config,
          worker: result?.worker ?? progress.worker ?? job.processedBy,
          episodes: result?.episodes ?? progress.episodes,
          error: job.failedReason || undefined,
        });
      }
    }
    return rows;
  } finally {
    await queue.close();
  }
}

/** A plain-text table: id, status, worker, episodes, metric, the trial's parameters and seed. */
export function statusTable(rows: TrialRow[]): string {
  const cells = rows.map((r) => [
    r.id,
    r.status,
    r.worker ?? '',
    r.episodes === undefined ? '' : String(r.episodes),
    r.metric === null || r.metric === undefined ? '' : formatNumber(r.metric),
    `${Object.entries(r.config.params).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(' ')} seed=${r.config.seed}${r.error ? `  (${r.error})` : ''}`,
  ]);
  const head = ['trial', 'status', 'worker', 'episodes', 'metric', 'config'];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => c.map((x, i) => (i === c.length - 1 ? x : x.padEnd(widths[i]))).join('  ');
  const counts = ['queued', 'running', 'done', 'stopped', 'failed'].map((s) => `${rows.filter((r) => r.status === s).length} ${s}`).join(', ');
  return [line(head), ...cells.map(line), `${rows.length} trials: ${counts}`].join('\n') + '\n';
}
