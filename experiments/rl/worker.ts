// Worker thread for RL runs (see experiments/pool.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { initBackend } from '../../src/tf/index.js';
import { serveJobs } from '../pool.js';
import type { RlExperiment } from './definitions.js';
import { trainRl, type RlTrack } from './train.js';

const data = workerData as {
  backend: string;
  def: RlExperiment;
  maxEpisodes: number;
  runOptions: { maxFrames?: number; stopWhenSolved: boolean; runsDir: string };
};
await initBackend(data.backend);

serveJobs<{ agent: string; seed: number }, RlTrack>(parentPort!, (job, onProgress) => {
  const spec = data.def.agents.find((a) => a.name === job.agent)!;
  return trainRl(data.def, spec, job.seed, data.maxEpisodes, {
    ...data.runOptions,
    onEpisode: (e) => {
      if (e.episode % 10 === 0) onProgress({ episode: e.episode, frames: e.totalSteps, ret: e.return });
    },
  });
});
