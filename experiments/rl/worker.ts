// Worker thread for RL runs (see experiments/pool.ts and harness.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { initBackend } from '../../src/tf/index.js';
import { serveJobs } from '../pool.js';
import type { RunJob } from '../harness.js';
import type { RlExperiment } from './definitions.js';
import { trainRl, type RlTrack } from './train.js';

export interface RlWorkerData {
  backend: string;
  def: RlExperiment;
  maxEpisodes: number;
  runOptions: { maxFrames?: number; stopWhenSolved: boolean };
}

const data = workerData as RlWorkerData;
await initBackend(data.backend);

serveJobs<RunJob<'agent'>, RlTrack>(parentPort!, (job, onProgress) => {
  const spec = data.def.agents.find((a) => a.name === job.agent)!;
  return trainRl(data.def, spec, job.seed, data.maxEpisodes, { ...data.runOptions, dir: job.dir, onProgress });
});
