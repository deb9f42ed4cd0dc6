// A worker thread that trains toy runs sent to it, so an experiment uses every
// core (each worker has its own tfjs engine). Runs depend only on their seed,
// so results do not depend on how they are scheduled.
import { parentPort, workerData } from 'node:worker_threads';
import { initBackend } from '../../src/tf/index.js';
import { toyProblem } from './problem.js';
import { trainToy, type ToyTrainConfig } from './train.js';

export interface ToyJob {
  estimator: string;
  seed: number;
}

export interface ToyWorkerData {
  backend: string;
  problem: { problem: string; target: number; latents: number; weights?: number[] };
  config: ToyTrainConfig;
}

const data = workerData as ToyWorkerData;
await initBackend(data.backend);
const problem = toyProblem(data.problem);

parentPort!.on('message', (job: ToyJob | null) => {
  if (job === null) {
    parentPort!.close();
    return;
  }
  let last = 0;
  const track = trainToy(problem, job.estimator, job.seed, data.config, (step, p) => {
    // Throttle progress messages: every 1 % of the run.
    if (step - last >= data.config.steps / 100 || step === data.config.steps) {
      last = step;
      parentPort!.postMessage({ type: 'progress', step, p });
    }
  });
  parentPort!.postMessage({ type: 'done', track });
});
parentPort!.postMessage({ type: 'ready' });
