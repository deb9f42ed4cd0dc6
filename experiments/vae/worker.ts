// Worker thread for VAE runs (see experiments/pool.ts): its own tfjs engine
// and its own copy of the binarised data.
import { parentPort, workerData } from 'node:worker_threads';
import { initBackend } from '../../src/tf/index.js';
import { serveJobs } from '../pool.js';
import { BinaryMnist, mnist } from '../../envs/vae/mnist.js';
import { runVaeJob, type VaeJob, type VaeWorkerData } from './run.js';
import type { VaeTrack } from './train.js';

const { backend, config, runsDir, outDir, resume } = workerData as VaeWorkerData;
await initBackend(backend);
const data = new BinaryMnist(mnist(), config.binarisation, config.dataSeed);

serveJobs<VaeJob, VaeTrack>(parentPort!, (job, onProgress) => runVaeJob(job, config, data, { runsDir, outDir, resume, onProgress }));
