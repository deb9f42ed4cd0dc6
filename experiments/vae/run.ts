// `relax-pg experiment vae`: estimators × seeds on one binary-VAE model,
// written to results/vae/<run>/ (or --out): config, metrics, per-run
// checkpoints (resume points) and results, the best-validation model,
// summary.json, plots, image grids and report.md. Runs go one after another
// in this thread: a VAE step is kernel-bound and the machine's cores are shared.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { tf, currentBackend } from '../../src/tf/index.js';
import { MetricsWriter, Progress, readJson, writeJsonAtomic, writeRunInfo, writeImageGrid, mean, type Logger } from '../../src/report/index.js';
import { Rng } from '../../src/random/index.js';
import { BinaryMnist, mnist, PIXELS, IMAGE_SIZE, type Binarisation, type Mnist } from '../../envs/vae/mnist.js';
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

export async function runVaeExperiment(
  config: VaeExperimentConfig,
  outDir: string,
  options: { logger: Logger; resume?: boolean; source?: Mnist },
): Promise<VaeSummary> {
  const { logger } = options;
  const start = performance.now();
  const data = new BinaryMnist(options.source ?? mnist(), config.binarisation, config.dataSeed);
  const runsDir = join(outDir, 'runs');
  mkdirSync(runsDir, { recursive: true });
  writeRunInfo(outDir, config, { backend: currentBackend(), data: data.counts });
  const metrics = new MetricsWriter(join(outDir, 'metrics.jsonl'), { append: Boolean(options.resume) });
  const seeds = Array.from({ length: config.seeds }, (_, i) => config.seed + i);
  const tracks: VaeTrack[] = [];
  const progress = new Progress({ total: config.estimators.length * seeds.length * config.steps, label: `vae ${config.model}`, logger });
  let done = 0;
  for (const estimator of config.estimators) {
    for (const seed of seeds) {
      const runDir = join(runsDir, `${estimator}-seed${seed}`);
      const resultFile = join(runDir, 'result.json');
      // A finished run is reused; one finished with fewer steps than asked continues from its checkpoint.
      if (options.resume && existsSync(resultFile) && readJson<VaeTrack>(resultFile).step >= config.steps) {
        tracks.push(readJson<VaeTrack>(resultFile));
        done += config.steps;
        logger.info('resumed finished run', { estimator, seed });
        continue;
      }
      mkdirSync(runDir, { recursive: true });
      // Metrics are written when a run finishes; a finished run that is extended already wrote its earlier ones.
      const writtenUpTo = options.resume && existsSync(resultFile) ? readJson<VaeTrack>(resultFile).step : -1;
      const trainer = new VaeTrainer(config, data, estimator, seed);
      const checkpointDir = join(runDir, 'checkpoint');
      if (options.resume && VaeTrainer.hasCheckpoint(checkpointDir)) {
        await trainer.loadCheckpoint(checkpointDir);
        logger.info('resumed from checkpoint', { estimator, seed, step: trainer.track.step });
      }
      try {
        const track = await trainVae(trainer, {
          checkpointDir,
          bestDir: join(runDir, 'best'),
          onLog: (t) => {
            const last = t.validElbo[t.validElbo.length - 1];
            progress.update(done + t.step, {
              estimator,
              seed,
              elbo: Number(t.trainElbo[t.trainElbo.length - 1].toFixed(2)),
              valid: last === undefined ? null : Number(last.toFixed(2)),
            });
          },
        });
        const fresh = (step: number) => step > writtenUpTo;
        track.logSteps.forEach((step, i) => {
          if (fresh(step)) metrics.write({ estimator, seed, step, trainElbo: track.trainElbo[i], ...track.cvState[i] });
        });
        track.evalSteps.forEach((step, i) => {
          if (fresh(step)) metrics.write({ estimator, seed, step, validElbo: track.validElbo[i] });
        });
        track.varianceSteps.forEach((step, i) => {
          if (fresh(step)) metrics.write({ estimator, seed, step, logVariance: track.logVariance[i] });
        });
        if (seed === seeds[0]) writeImages(trainer, data, join(outDir, `images-${estimator}.png`));
        writeJsonAtomic(resultFile, track);
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
      } finally {
        trainer.dispose();
      }
      done += config.steps;
    }
  }
  progress.stop();
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
