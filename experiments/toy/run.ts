// `relax-pg experiment toy`: several estimators × seeds on the toy problem,
// written to results/toy/<run>/ with config, metrics, per-run results (the
// resume points), summary.json, plots and report.md.
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { currentBackend } from '../../src/tf/index.js';
import {
  MetricsWriter,
  readMetrics,
  Progress,
  readJson,
  writeJsonAtomic,
  writeRunInfo,
  mean,
  type Logger,
} from '../../src/report/index.js';
import { toyProblem } from './problem.js';
import { trainToy, runDir, type ToyTrack, type ToyTrainConfig } from './train.js';
import { writeToyReport } from './report.js';
import { runPool, defaultWorkers } from '../pool.js';

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

type Job = { estimator: string; seed: number };

export async function runToyExperiment(
  config: ToyExperimentConfig,
  outDir: string,
  options: { logger: Logger; resume?: boolean; workers?: number },
): Promise<ToySummary> {
  const { logger } = options;
  const start = performance.now();
  const problem = toyProblem(config);
  const runsDir = join(outDir, 'runs');
  mkdirSync(runsDir, { recursive: true });
  writeRunInfo(outDir, config, { backend: currentBackend(), problem: problem.describe() });
  const seeds = Array.from({ length: config.seeds }, (_, i) => config.seed + i);
  const tracks: ToyTrack[] = [];
  const progress = new Progress({
    total: config.estimators.length * seeds.length * config.steps,
    label: 'toy',
    logger,
  });
  const jobs: Job[] = [];
  const stepsDone = new Map<string, number>();
  const key = (j: Job) => `${j.estimator}:${j.seed}`;
  const total = () => [...stepsDone.values()].reduce((a, b) => a + b, 0);
  for (const estimator of config.estimators) {
    for (const seed of seeds) {
      const file = join(runsDir, `${estimator}-seed${seed}.json`);
      if (!options.resume) rmSync(join(runsDir, `${estimator}-seed${seed}`), { recursive: true, force: true });
      if (options.resume && existsSync(file)) {
        tracks.push(readJson<ToyTrack>(file));
        stepsDone.set(key({ estimator, seed }), config.steps);
        logger.info('resumed finished run', { estimator, seed });
      } else {
        jobs.push({ estimator, seed });
      }
    }
  }
  progress.update(total());
  await runPool<Job, ToyTrack>({
    jobs,
    workers: options.workers ?? defaultWorkers(),
    workerUrl: new URL('./worker.js', import.meta.url),
    workerData: {
      backend: currentBackend(),
      problem: { problem: config.problem, target: config.target, latents: config.latents, weights: config.weights },
      config,
      runsDir,
    },
    inline: (job, onProgress) => trainToy(problem, job.estimator, job.seed, config, { runDir: runDir(runsDir, job), onStep: (step, p) => onProgress({ step, p }) }),
    onProgress: (job, { step, p }) => {
      stepsDone.set(key(job), step);
      progress.update(total(), { estimator: job.estimator, seed: job.seed, p: Number(p.toFixed(4)) });
    },
    onDone: (job, track) => {
      // Each finished run is written atomically: a killed experiment resumes after it.
      writeJsonAtomic(join(runsDir, `${job.estimator}-seed${job.seed}.json`), track);
      tracks.push(track);
      logger.info('run finished', {
        estimator: job.estimator,
        seed: job.seed,
        finalP: Number(track.finalP.toFixed(4)),
        logVarianceSecondHalf: Number(secondHalfMean(track).toFixed(2)),
        msPerStep: Number(track.msPerStep.toFixed(3)),
      });
    },
  });
  progress.stop();
  // Each run wrote its rows as it went (runs/<estimator>-seed<k>/metrics.jsonl); the experiment's file holds them all, in job order.
  const metrics = new MetricsWriter(join(outDir, 'metrics.jsonl'), { append: false });
  for (const estimator of config.estimators) {
    for (const seed of seeds) {
      for (const row of readMetrics(join(runDir(runsDir, { estimator, seed }), 'metrics.jsonl'))) metrics.write({ estimator, seed, ...row });
    }
  }
  metrics.close();

  const summary: ToySummary = {
    problem: problem.describe(),
    target: config.target,
    steps: config.steps,
    seeds,
    estimators: {},
    backend: currentBackend(),
    wallSeconds: (performance.now() - start) / 1000,
  };
  for (const name of config.estimators) {
    const mine = tracks.filter((t) => t.estimator === name).sort((a, b) => a.seed - b.seed);
    summary.estimators[name] = {
      finalP: mine.map((t) => t.finalP),
      finalPMean: mean(mine.map((t) => t.finalP)),
      logVarianceSecondHalf: mine.map(secondHalfMean),
      msPerStep: mean(mine.map((t) => t.msPerStep)),
      stepPBelow005: mine.map((t) => firstBelow(t, 0.05)),
    };
  }
  writeJsonAtomic(join(outDir, 'summary.json'), summary);
  await writeToyReport(outDir, config, summary, tracks);
  logger.info('toy experiment written', { out: outDir, seconds: Math.round(summary.wallSeconds) });
  return summary;
}
