// The default engine: the trials on the in-process worker pool
// (experiments/pool.ts), nothing to install. A trial never throws (a failure
// is its result), so one bad trial does not end the pool.
import { currentBackend } from '../../src/tf/index.js';
import { runPool } from '../pool.js';
import { runTrial, type TrialJob } from './trial.js';
import type { TrialSummary } from './store.js';
import type { TrialThreadData } from './trialThread.js';

export async function runLocal(jobs: TrialJob[], workers: number, onDone: (job: TrialJob, s: TrialSummary) => void): Promise<void> {
  await runPool<TrialJob, TrialSummary>({
    jobs,
    workers,
    workerUrl: new URL('./trialThread.js', import.meta.url),
    workerData: { backend: currentBackend(), worker: 'local' } satisfies TrialThreadData,
    inline: (job) => runTrial(job, 'local'),
    onProgress: () => {},
    onDone,
  });
}
