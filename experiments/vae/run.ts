// `relax-pg experiment vae`: estimators × seeds on one binary-VAE model,
// written to results/vae/<run>/ (or --out): config, metrics, per-run folders
// (metrics as the run goes, the resume point, the result, the
// best-validation model), summary.json, plots, image grids and report.md. Runs go to the experiments'
// worker pool (one tfjs engine per thread; each run depends only on its seed).
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tf, currentBackend } from '../../src/tf/index.js';
import { MetricsWriter, readMetrics, Progress, readJson, writeJsonAtomic, writeRunInfo, writeImageGrid, mean, type Logger } from '../../src/report/index.js';
import { runPool, defaultWorkers } from '../pool.js';
import { Rng } from '../../src/random/index.js';
import { BinaryMnist, mnist, PIXELS, IMAGE_SIZE, type Binarisation, type Mnist } from '../../envs/vae/mnist.js';
import { hasCheckpoint } from '../../src/nn/index.js';
import { VaeTrainer, trainVae, type VaeTrack, type VaeTrainConfig } from './train.js';
import { writeVaeReport } from './report.js';

export interface VaeExperimentConfig extends VaeTrainConfig {
  estimators: string[];
  seeds: number;
  /** Seeds are seed, seed + 1, ... */
  seed: number;
  binarisation: Binarisation;
  /** Seed of the fixed binarisation (shared by all runs, so they see the same data). */
  dataSeed: number;
}

export const VAE_DEFAULTS: VaeExperimentConfig = {
  model: 'linear1',
  estimators: ['reinforce-baseline', 'nvil', 'rebar', 'relax'],
  seeds: 3,
  seed: 1,
  steps: 20_000,
  batch: 24,
  lr: 3e-4,
  cvLrScale: 10,
  eta: 1,
  temperature: 0.5,
  residualHidden: [200, 200],
  weightDecay: 1e-3,
  evalEvery: 2000,
  evalImages: 0,
  varianceEvery: 1000,
  varianceSamples: 20,
  logEvery: 100,
  checkpointEvery: 5000,
  iwaeSamples: 100,
  iwaeImages: 0,
  binarisation: 'fixed',
  dataSeed: 0,
};

export interface VaeSummary {
  model: string;
  steps: number;
  seeds: number[];
  estimators: Record<
    string,
    {
      trainElbo: number[];
      validElbo: number[];
      testElbo: number[];
      validIwae: (number | null)[];
      testIwae: (number | null)[];
      bestValidElbo: number[];
      /** Mean running training ELBO over the last 10 % of steps. */
      finalRunningTrainElbo: number[];
      logVarianceSecondHalf: number[];
      msPerStep: number;
    }
  >;
  backend: string;
  wallSeconds: number;
}

export function secondHalfMean(track: VaeTrack): number {
  const half = track.step / 2;
  const xs = track.logVariance.filter((_, i) => track.varianceSteps[i] > half);
  return xs.length ? mean(xs) : NaN;
}

function lastTenthMean(track: VaeTrack): number {
  const from = track.step * 0.9;
  const xs = track.trainElbo.filter((_, i) => track.logSteps[i] > from);
  return xs.length ? mean(xs) : track.trainElbo[track.trainElbo.length - 1] ?? NaN;
}

/** Validation images, their reconstructions (pixel means given b ~ q) and samples from the model. */
function writeImages(trainer: VaeTrainer, data: BinaryMnist, path: string, n = 10): void {
  const images = tf.tidy(() => {
    const { data: valid } = data.split('valid');
    const x = tf.tensor2d(valid.subarray(0, n * PIXELS), [n, PIXELS]);
    const rng = new Rng('images');
    const u = Array.from({ length: trainer.model.layers }, () => tf.tensor2d(rng.uniforms(n * trainer.model.latents), [n, trainer.model.latents]));
    const pass = trainer.model.forward(x, u);
    const recon = trainer.model.decodeMean(pass.b[0]);
    const samples = trainer.model.sampleImages(n, rng);
    return [x, recon, samples].map((t) => t.dataSync() as Float32Array);
  });
  const cells: Float32Array[] = [];
  for (const block of images) for (let i = 0; i < n; i++) cells.push(block.subarray(i * PIXELS, (i + 1) * PIXELS));
  writeImageGrid(path, cells, { width: IMAGE_SIZE, height: IMAGE_SIZE, columns: n, scale: 2, padding: 2 });
}

export interface VaeJob {
  estimator: string;
  seed: number;
}

export interface VaeWorkerData {
  backend: string;
  config: VaeExperimentConfig;
  runsDir: string;
  outDir: string;
  resume: boolean;
}

/** Where one run keeps its metrics, resume point (checkpoint.json in dir), result and best model. */
export function vaeRunPaths(runsDir: string, estimator: string, seed: number) {
  const dir = join(runsDir, `${estimator}-seed${seed}`);
  return { dir, result: join(dir, 'result.json'), metrics: join(dir, 'metrics.jsonl'), best: join(dir, 'best') };
}

/** One estimator × seed: train (from its checkpoint when resuming), write its result and, for the first seed, its image grid. */
export async function runVaeJob(
  job: VaeJob,
  config: VaeExperimentConfig,
  data: BinaryMnist,
  options: { runsDir: string; outDir: string; resume: boolean; onProgress: (p: Record<string, number>) => void },
): Promise<VaeTrack> {
  const paths = vaeRunPaths(options.runsDir, job.estimator, job.seed);
  // A run not resumed starts from nothing, whatever an earlier one left there.
  if (!options.resume) rmSync(paths.dir, { recursive: true, force: true });
  mkdirSync(paths.dir, { recursive: true });
  const trainer = new VaeTrainer(config, data, job.estimator, job.seed);
  try {
    let valid = NaN;
    const track = await trainVae(trainer, {
      runDir: paths.dir,
      resume: options.resume,
      onRow: (row) => {
        if (typeof row.validElbo === 'number') valid = Number(row.validElbo.toFixed(2));
        if (typeof row.trainElbo === 'number') options.onProgress({ step: row.step as number, elbo: Number(row.trainElbo.toFixed(2)), valid });
      },
    });
    if (job.seed === config.seed) writeImages(trainer, data, join(options.outDir, `images-${job.estimator}.png`));
    writeJsonAtomic(paths.result, track);
    return track;
  } finally {
    trainer.dispose();
  }
}

export async function runVaeExperiment(
  config: VaeExperimentConfig,
  outDir: string,
  options: { logger: Logger; resume?: boolean; workers?: number; source?: Mnist },
): Promise<VaeSummary> {
  const { logger } = options;
  const start = performance.now();
  const runsDir = join(outDir, 'runs');
  mkdirSync(runsDir, { recursive: true });
  const source = options.source ?? mnist();
  writeRunInfo(outDir, config, { backend: currentBackend(), data: { train: source.train.count, valid: source.valid.count, test: source.test.count } });
  const seeds = Array.from({ length: config.seeds }, (_, i) => config.seed + i);
  const tracks: VaeTrack[] = [];
  const jobs: VaeJob[] = [];
  const done = new Map<string, number>();
  const key = (j: VaeJob) => `${j.estimator}:${j.seed}`;
  for (const estimator of config.estimators) {
    for (const seed of seeds) {
      const job = { estimator, seed };
      const { result, dir } = vaeRunPaths(runsDir, estimator, seed);
      const previous = options.resume && existsSync(result) ? readJson<VaeTrack>(result) : undefined;
      // A finished run is reused; one finished with fewer steps than asked continues from its checkpoint.
      if (previous && previous.step >= config.steps) {
        tracks.push(previous);
        done.set(key(job), config.steps);
        logger.info('resumed finished run', { estimator, seed });
        continue;
      }
      if (options.resume && hasCheckpoint(dir)) logger.info('resuming run from its checkpoint', { estimator, seed });
      jobs.push(job);
    }
  }
  const progress = new Progress({ total: config.estimators.length * seeds.length * config.steps, label: `vae ${config.model}`, logger });
  const total = () => [...done.values()].reduce((a, b) => a + b, 0);
  let data: BinaryMnist | undefined;
  await runPool<VaeJob, VaeTrack>({
    jobs,
    workers: options.workers ?? defaultWorkers(),
    workerUrl: new URL('./worker.js', import.meta.url),
    workerData: { backend: currentBackend(), config, runsDir, outDir, resume: Boolean(options.resume) } satisfies VaeWorkerData,
    inline: (job, onProgress) => {
      data ??= new BinaryMnist(source, config.binarisation, config.dataSeed);
      return runVaeJob(job, config, data, { runsDir, outDir, resume: Boolean(options.resume), onProgress });
    },
    onProgress: (job, p) => {
      done.set(key(job), p.step);
      progress.update(total(), { estimator: job.estimator, seed: job.seed, elbo: p.elbo, valid: Number.isNaN(p.valid) ? null : p.valid });
    },
    onDone: (job, track) => {
      done.set(key(job), config.steps);
      const { estimator, seed } = job;
      tracks.push(track);
      logger.info('run finished', {
        estimator,
        seed,
        trainElbo: Number(track.final!.trainElbo.toFixed(2)),
        validElbo: Number(track.final!.validElbo.toFixed(2)),
        validIwae: track.final!.validIwae === undefined ? null : Number(track.final!.validIwae.toFixed(2)),
        logVarianceSecondHalf: Number(secondHalfMean(track).toFixed(2)),
        msPerStep: Number(track.final!.msPerStep.toFixed(2)),
      });
    },
  });
  progress.stop();
  // Each run wrote its rows as it went (runs/<estimator>-seed<k>/metrics.jsonl); the experiment's file holds them all, in job order.
  const metrics = new MetricsWriter(join(outDir, 'metrics.jsonl'), { append: false });
  for (const estimator of config.estimators) {
    for (const seed of seeds) {
      const path = vaeRunPaths(runsDir, estimator, seed).metrics;
      if (existsSync(path)) for (const row of readMetrics(path)) metrics.write({ estimator, seed, ...row });
    }
  }
  metrics.close();
  const summary: VaeSummary = {
    model: config.model,
    steps: config.steps,
    seeds,
    estimators: {},
    backend: currentBackend(),
    wallSeconds: (performance.now() - start) / 1000,
  };
  for (const name of config.estimators) {
    const mine = tracks.filter((t) => t.estimator === name).sort((a, b) => a.seed - b.seed);
    summary.estimators[name] = {
      trainElbo: mine.map((t) => t.final!.trainElbo),
      validElbo: mine.map((t) => t.final!.validElbo),
      testElbo: mine.map((t) => t.final!.testElbo),
      validIwae: mine.map((t) => t.final!.validIwae ?? null),
      testIwae: mine.map((t) => t.final!.testIwae ?? null),
      bestValidElbo: mine.map((t) => t.bestValidElbo),
      finalRunningTrainElbo: mine.map(lastTenthMean),
      logVarianceSecondHalf: mine.map(secondHalfMean),
      msPerStep: mean(mine.map((t) => t.final!.msPerStep)),
    };
  }
  writeJsonAtomic(join(outDir, 'summary.json'), summary);
  await writeVaeReport(outDir, config, summary, tracks);
  logger.info('vae experiment written', { out: outDir, seconds: Math.round(summary.wallSeconds) });
  return summary;
}
