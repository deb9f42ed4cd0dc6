// `relax-pg experiment toy`: several estimators × seeds on the toy problem,
// written to results/toy/<run>/ with config, metrics, per-run results (the
// resume points), summary.json, plots and report.md.
import { currentBackend } from '../../src/tf/index.js';
import { mean, type Logger } from '../../src/report/index.js';
import { toyProblem } from './problem.js';
import { DEFAULT_K } from '../../src/estimators/index.js';
import { trainToy, type ToyTrack, type ToyTrainConfig } from './train.js';
import { writeToyReport } from './report.js';
import { runExperiment, perMethod } from '../harness.js';
import type { ToyWorkerData } from './worker.js';

export interface ToyExperimentConfig extends ToyTrainConfig {
  problem: 'toy' | 'toy-categorical';
  target: number;
  latents: number;
  weights?: number[];
  estimators: string[];
  seeds: number;
  /** Seeds are seed, seed + 1, ... */
  seed: number;
}

export const TOY_DEFAULTS: ToyExperimentConfig = {
  problem: 'toy',
  target: 0.499,
  latents: 1,
  estimators: ['reinforce', 'rebar', 'relax', 'lax'],
  seeds: 5,
  seed: 1,
  steps: 10_000,
  batch: 1,
  lr: 0.01,
  cvLr: 0.01,
  eta: 1,
  temperature: 0.5,
  hidden: 10,
  logEvery: 10,
  varianceEvery: 100,
  varianceSamples: 1000,
  k: DEFAULT_K,
};

export interface ToySummary {
  problem: string;
  target: number;
  steps: number;
  seeds: number[];
  estimators: Record<
    string,
    {
      finalP: number[];
      finalPMean: number;
      logVarianceSecondHalf: number[];
      msPerStep: number;
      /** First logged step at which p fell below 0.05 (null if never), per seed. */
      stepPBelow005: (number | null)[];
    }
  >;
  backend: string;
  wallSeconds: number;
}

function secondHalfMean(track: ToyTrack): number {
  const half = track.steps[track.steps.length - 1] / 2;
  const xs = track.logVariance.filter((_, i) => track.varianceSteps[i] > half);
  return xs.length ? mean(xs) : NaN;
}

function firstBelow(track: ToyTrack, level: number): number | null {
  const i = track.p.findIndex((p) => p < level);
  return i < 0 ? null : track.steps[i];
}

export async function runToyExperiment(
  config: ToyExperimentConfig,
  outDir: string,
  options: { logger: Logger; resume?: boolean; workers?: number },
): Promise<ToySummary> {
  const { logger } = options;
  const problem = toyProblem(config);
  const seeds = Array.from({ length: config.seeds }, (_, i) => config.seed + i);
  return runExperiment<'estimator', ToyTrack, ToySummary>(
    {
      label: 'toy',
      methodKey: 'estimator',
      methods: config.estimators,
      seeds,
      budget: config.steps,
      config,
      runInfo: { problem: problem.describe() },
      complete: (t) => t.steps[t.steps.length - 1] >= config.steps,
      train: (job, onProgress) => trainToy(problem, job.estimator, job.seed, config, { runDir: job.dir, onStep: (step, p) => onProgress({ step, p }) }),
      worker: {
        url: new URL('./worker.js', import.meta.url),
        data: {
          backend: currentBackend(),
          problem: { problem: config.problem, target: config.target, latents: config.latents, weights: config.weights },
          config,
        } satisfies ToyWorkerData,
      },
      progress: ({ step, p }) => ({ done: step, show: { p: Number(p.toFixed(4)) } }),
      finished: (track) => ({
        finalP: Number(track.finalP.toFixed(4)),
        logVarianceSecondHalf: Number(secondHalfMean(track).toFixed(2)),
        msPerStep: Number(track.msPerStep.toFixed(3)),
      }),
      summarise: (tracks, wallSeconds) => summarise(config, problem.describe(), seeds, tracks, wallSeconds),
      report: async (summary, tracks) => {
        await writeToyReport(outDir, config, summary, tracks);
        logger.info('toy experiment written', { out: outDir, seconds: Math.round(summary.wallSeconds) });
      },
    },
    outDir,
    options,
  );
}

function summarise(config: ToyExperimentConfig, problem: string, seeds: number[], tracks: ToyTrack[], wallSeconds: number): ToySummary {
  return {
    problem,
    target: config.target,
    steps: config.steps,
    seeds,
    estimators: perMethod(config.estimators, tracks, (t) => t.estimator, (mine) => ({
      finalP: mine.map((t) => t.finalP),
      finalPMean: mean(mine.map((t) => t.finalP)),
      logVarianceSecondHalf: mine.map(secondHalfMean),
      msPerStep: mean(mine.map((t) => t.msPerStep)),
      stepPBelow005: mine.map((t) => firstBelow(t, 0.05)),
    })),
    backend: currentBackend(),
    wallSeconds,
  };
}
