// `relax-pg experiment frozen-vae`: at one frozen binary-VAE model (a run's
// checkpoint, or linear1 trained here to a mid-point), how much of REBAR's
// encoder-gradient variance does RELAX's learned control variate remove?
// Both control variates are trained for variance only, from the same start,
// with the same noise, on one fixed minibatch; both averages are compared
// with a many-sample REINFORCE reference gradient (all three are unbiased).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { currentBackend } from '../../src/tf/index.js';
import { stream } from '../../src/random/index.js';
import { writeJsonAtomic, writeRunInfo, type Logger } from '../../src/report/index.js';
import { UserError } from '../../src/errors.js';
import { BinaryMnist, mnist, loadMnist, type Mnist } from '../../envs/vae/mnist.js';
import { VaeTrainer, type VaeTrainConfig } from '../vae/trainer.js';
import { readFrozenCheckpoint, loadFrozenModel, trainMidpoint, type FrozenCheckpoint } from './model.js';
import { runStudy, encoderSlices, type StudySettings, type StudyTrack } from './study.js';
import { closeness, logVariances, norm, trace } from './draws.js';
import { referenceGradient } from './reference.js';
import { writeFrozenReport } from './report.js';

export const FROZEN_ESTIMATORS = ['rebar', 'relax-rebar'] as const;

export interface FrozenVaeConfig extends StudySettings {
  /** A run folder of `experiment vae` (null: train linear1 to trainSteps here). */
  checkpoint: string | null;
  trainSteps: number;
  trainEstimator: string;
  /** Latents per layer of the model trained here (200 in the paper; small in tests). */
  latents: number;
  /** The fixed minibatch: training images 0 … images − 1 (0: the checkpoint's batch size). */
  images: number;
  /** Control-variate learning rate (0: the checkpoint run's lr × cvLrScale). */
  cvLr: number;
  referenceSamples: number;
  referenceChunk: number;
  /** Draws per image of the reference's baselines (0: plain REINFORCE, no baseline). */
  referenceBaselineSamples: number;
}

export const FROZEN_DEFAULTS: FrozenVaeConfig = {
  checkpoint: null,
  trainSteps: 5000,
  trainEstimator: 'relax-rebar',
  latents: 200,
  seed: 1,
  images: 0,
  cvLr: 0,
  steps: 2000,
  varianceEvery: 100,
  varianceSamples: 100,
  finalSamples: 10_000,
  meanSamples: [10, 100, 1000, 10_000],
  chunk: 100,
  referenceSamples: 100_000,
  referenceChunk: 500,
  referenceBaselineSamples: 1000,
};

export interface Comparison {
  n: number;
  cosine: number;
  relativeError: number;
  /** √(tr Σ_est / n + tr Σ_ref / N) / ‖g_ref‖: what the relative error should be if both are unbiased. */
  expectedRelativeError: number;
}

export interface FrozenEstimatorResult {
  track: StudyTrack;
  comparisons: Comparison[];
  /** The learned η, λ (and residual scale) at the end. */
  cvState: Record<string, number>;
}

export interface FrozenVaeResult {
  checkpoint: { dir: string; estimator: string; seed: number; step: number; model: string; trainedHere: boolean };
  images: number;
  cvLr: number;
  reference: { draws: number; trace: number; norm: number; logVariance: Record<string, number>; baselineSamples: number; baselines: number[] | null };
  estimators: Record<string, FrozenEstimatorResult>;
  /** RELAX against REBAR from the same draws' means: ‖ḡ_relax − ḡ_rebar‖ / ‖g_ref‖, measured and expected. */
  rebarVsRelax: { n: number; relativeDifference: number; expected: number } | null;
  /** 1 − Var_relax / Var_rebar of the final measurement (mean over encoder parameters). */
  varianceRemoved: number;
  backend: string;
  wallSeconds: number;
}

export interface FrozenRunOptions {
  logger: Logger;
  source?: Mnist;
  mnistDir?: string;
}

export async function runFrozenVae(config: FrozenVaeConfig, outDir: string, options: FrozenRunOptions): Promise<FrozenVaeResult> {
  const { logger } = options;
  const start = performance.now();
  // A bad checkpoint is refused before anything is loaded or written.
  let ckpt: FrozenCheckpoint | undefined = config.checkpoint ? readFrozenCheckpoint(config.checkpoint) : undefined;
  const source = options.source ?? (options.mnistDir === undefined ? mnist() : loadMnist(options.mnistDir));
  mkdirSync(outDir, { recursive: true });
  writeRunInfo(outDir, config, { backend: currentBackend() });
  const data = new BinaryMnist(source, ckpt?.config.binarisation ?? 'fixed', ckpt?.config.dataSeed ?? 0);
  if (!ckpt) {
    const dir = join(outDir, 'midpoint');
    mkdirSync(dir, { recursive: true });
    logger.info('training linear1 to the mid-point', { steps: config.trainSteps, estimator: config.trainEstimator });
    let last = -Infinity;
    ckpt = await trainMidpoint(dir, data, { steps: config.trainSteps, estimator: config.trainEstimator, seed: config.seed, batch: 24, latents: config.latents }, (step, elbo) => {
      if (step - last >= config.trainSteps / 10) {
        last = step;
        logger.info('mid-point training', { step, trainElbo: Number(elbo.toFixed(2)) });
      }
    });
  }
  const images = config.images || ckpt.config.batch;
  if (images > data.counts.train) throw new UserError(`--images ${images} is more than the training set's ${data.counts.train} images`);
  // The fixed minibatch: training images 0 … images − 1 (binarised as the run's data were).
  const x = data.trainBatch(Array.from({ length: images }, (_, i) => i), stream(config.seed, 'frozen-batch'));
  const lr = ckpt.config.lr;
  const cvLr = config.cvLr || lr * ckpt.config.cvLrScale;
  const trainConfig: VaeTrainConfig = { ...ckpt.config, batch: images, cvLrScale: cvLr / lr };

  const estimators: Record<string, FrozenEstimatorResult> = {};
  const stats: Record<string, ReturnType<typeof runStudy>['stats']> = {};
  let slices: ReturnType<typeof encoderSlices> = [];
  let reference: FrozenVaeResult['reference'] | undefined;
  let refMean: Float64Array | undefined;
  for (const name of FROZEN_ESTIMATORS) {
    const trainer = new VaeTrainer(trainConfig, data, name, config.seed);
    try {
      loadFrozenModel(trainer, ckpt);
      slices = encoderSlices(trainer.model);
      if (!reference) {
        // REINFORCE's average over many draws at the same model and images (reference.ts).
        logger.info('reference gradient', { estimator: 'reinforce', samples: config.referenceSamples, baselineSamples: config.referenceBaselineSamples });
        const r = referenceGradient(
          trainer.model,
          trainConfig,
          x,
          { samples: config.referenceSamples, chunk: config.referenceChunk, baselineSamples: config.referenceBaselineSamples },
          { init: stream(config.seed, 'reference-init'), baseline: stream(config.seed, 'reference-baseline'), draws: stream(config.seed, 'frozen-reference') },
        );
        refMean = r.mean;
        reference = {
          draws: r.draws,
          trace: trace(r.variance),
          norm: norm(r.mean),
          logVariance: logVariances(r.variance, slices),
          baselineSamples: config.referenceBaselineSamples,
          baselines: r.baselines,
        };
        logger.info('reference done', { norm: Number(reference.norm.toPrecision(4)), logVariance: Number(reference.logVariance.all.toFixed(3)) });
      }
      logger.info('training the control variate for variance only', { estimator: name, steps: config.steps });
      const run = runStudy(trainer, x, config, (step) => step % Math.max(1, Math.floor(config.steps / 5)) === 0 && logger.info('cv step', { estimator: name, step }));
      stats[name] = run.stats;
      const comparisons = run.stats.meansAt.map(({ n, mean }) => ({
        n,
        ...closeness(mean, refMean!),
        expectedRelativeError: Math.sqrt(run.track.final.trace / n + reference!.trace / reference!.draws) / reference!.norm,
      }));
      estimators[name] = { track: run.track, comparisons, cvState: trainer.estimators.cvState() };
      logger.info('estimator done', { estimator: name, finalLogVariance: Number(run.track.final.logVariance.all.toFixed(3)) });
    } finally {
      trainer.dispose();
    }
  }
  const a = stats.rebar;
  const b = stats['relax-rebar'];
  const rebarVsRelax =
    a && b && reference
      ? {
          n: a.draws,
          relativeDifference: closeness(b.mean, a.mean).relativeError * (norm(a.mean) / reference.norm),
          expected: Math.sqrt(estimators.rebar.track.final.trace / a.draws + estimators['relax-rebar'].track.final.trace / b.draws) / reference.norm,
        }
      : null;
  const result: FrozenVaeResult = {
    checkpoint: { dir: ckpt.dir, estimator: ckpt.estimator, seed: ckpt.seed, step: ckpt.step, model: ckpt.config.model, trainedHere: !config.checkpoint },
    images,
    cvLr,
    reference: reference!,
    estimators,
    rebarVsRelax,
    varianceRemoved: 1 - estimators['relax-rebar'].track.final.trace / estimators.rebar.track.final.trace,
    backend: currentBackend(),
    wallSeconds: (performance.now() - start) / 1000,
  };
  writeJsonAtomic(join(outDir, 'results.json'), result);
  await writeFrozenReport(outDir, config, result, slices.map((s) => s.name));
  return result;
}
