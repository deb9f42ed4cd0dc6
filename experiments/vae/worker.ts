// Worker thread for VAE runs (see experiments/pool.ts and harness.ts): its
// own tfjs engine and its own copy of the binarised data.
import { parentPort, workerData } from 'node:worker_threads';
import { initBackend } from '../../src/tf/index.js';
import { serveJobs } from '../pool.js';
import { BinaryMnist, mnist, loadMnist } from '../../envs/vae/mnist.js';
import { runVaeJob, type VaeJob, type VaeWorkerData } from './run.js';
import type { VaeTrack } from './train.js';

const { backend, config, outDir, mnistDir } = workerData as VaeWorkerData;
await initBackend(backend);
const data = new BinaryMnist(mnistDir === undefined ? mnist() : loadMnist(mnistDir), config.binarisation, config.dataSeed);

serveJobs<VaeJob, VaeTrack>(parentPort!, (job, onProgress) => runVaeJob(job, config, data, { outDir, onProgress }));
