// Worker thread for toy runs (see experiments/pool.ts and harness.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { initBackend } from '../../src/tf/index.js';
import { serveJobs } from '../pool.js';
import type { RunJob } from '../harness.js';
import { toyProblem } from './problem.js';
import { trainToy, type ToyTrainConfig, type ToyTrack } from './train.js';

export interface ToyWorkerData {
  backend: string;
  problem: { problem: string; target: number; latents: number; weights?: number[] };
  config: ToyTrainConfig;
}

const data = workerData as ToyWorkerData;
await initBackend(data.backend);
const problem = toyProblem(data.problem);

serveJobs<RunJob<'estimator'>, ToyTrack>(parentPort!, (job, onProgress) => {
  let last = 0;
  return trainToy(problem, job.estimator, job.seed, data.config, {
    runDir: job.dir,
    onStep: (step, p) => {
      // Throttle progress messages: every 1 % of the run.
      if (step - last >= data.config.steps / 100 || step === data.config.steps) {
        last = step;
        onProgress({ step, p });
      }
    },
  });
});
