// The thread a trial runs in, for both engines: the local pool's workers
// (experiments/pool.ts's protocol) and the queue worker's sandbox, one
// thread per trial, so a trial's tfjs engine and memory end with it.
import { parentPort, workerData } from 'node:worker_threads';
import { initBackend } from '../../src/tf/index.js';
import { serveJobs } from '../pool.js';
import { runTrial, type TrialJob } from './trial.js';

export interface TrialThreadData {
  backend: string;
  /** Who runs the trials (status tables): 'local', or host:pid of a queue worker. */
  worker: string;
}

const data = workerData as TrialThreadData;
await initBackend(data.backend);

serveJobs<TrialJob, unknown>(parentPort!, (job, onProgress) => runTrial(job, data.worker, (p) => onProgress({ ...p, metric: p.metric ?? NaN })));
