// One binary-VAE run through the one trainer loop (agents/learn.ts): the
// VaeTrainer (trainer.ts) is the Learner; `learn` logs, measures the
// variance, evaluates and checkpoints on its cadences. Metric rows go to the
// run's metrics.jsonl as they are made; a resumed run first drops the rows
// made after its checkpoint, so none is ever written twice and the file ends
// up as an uninterrupted run's.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { removeStaleTemps } from '../../src/nn/index.js';
import { MetricsWriter, keepMetrics, readMetrics } from '../../src/report/index.js';
import { learn, saveLearner, type MetricRow } from '../../agents/learn.js';
import type { VaeTrainer } from './trainer.js';
import { resumeVae } from './checkpoint.js';

export { VaeTrainer, type VaeTrainConfig } from './trainer.js';
export { VAE_ESTIMATORS, checkVaeEstimator, type VaeEstimatorName } from './estimators.js';

export interface VaeTrack {
  estimator: string;
  seed: number;
  model: string;
  /** Steps done (equals config.steps when finished). */
  step: number;
  logSteps: number[];
  /** Mean f(b) over the training batches since the previous log step (the running training ELBO). */
  trainElbo: number[];
  evalSteps: number[];
  validElbo: number[];
  varianceSteps: number[];
  logVariance: number[];
  /** Learned temperatures and η per layer, at the log steps (REBAR / RELAX). */
  cvState: Record<string, number>[];
  bestValidElbo: number;
  bestStep: number;
  /** Accumulated wall time of training steps (evaluation excluded). */
  trainMs: number;
  final?: {
    trainElbo: number;
    validElbo: number;
    testElbo: number;
    validIwae?: number;
    testIwae?: number;
    msPerStep: number;
  };
}

export interface VaeRunOptions {
  /** The run's folder: checkpoint.json and its weights, metrics.jsonl (as the run goes), best/ (the best-validation model). */
  runDir?: string;
  /** Continue from the checkpoint in runDir, if there is one (otherwise the run starts afresh there). */
  resume?: boolean;
  /** Every metric row as it is made (after it is written). */
  onRow?: (row: MetricRow) => void;
}

/** Train to config.steps (from wherever the trainer is), then evaluate the final model; returns the run's track. */
export async function trainVae(trainer: VaeTrainer, options: VaeRunOptions = {}): Promise<VaeTrack> {
  const { config } = trainer;
  const dir = options.runDir;
  const rows: MetricRow[] = [];
  let metrics: MetricsWriter | undefined;
  try {
    if (dir) {
      mkdirSync(dir, { recursive: true });
      // Leftovers of a killed atomic write (resumeVae also removes the checkpoint's).
      removeStaleTemps(dir);
      removeStaleTemps(join(dir, 'best'));
      const path = join(dir, 'metrics.jsonl');
      const resumed = options.resume ? await resumeVae(trainer, dir) : false;
      const at = trainer.counters.steps;
      // Rows made after the checkpoint are made again: drop them first (all of them when starting afresh).
      keepMetrics(path, resumed ? (r) => (r.step as number) <= at : () => false);
      if (existsSync(path)) rows.push(...(readMetrics(path) as MetricRow[]));
      metrics = new MetricsWriter(path);
      trainer.bestDir = join(dir, 'best');
    }
    const emit = (row: MetricRow) => {
      // A log row at step 0 of an estimator without learned state says nothing.
      if (Object.keys(row).length === 1) return;
      rows.push(row);
      metrics?.write(row);
      options.onRow?.(row);
    };
    // Checkpoints are written here, not by `learn` at its end: the end of the
    // run is evaluated first, so the last checkpoint already holds it.
    const save = dir ? () => saveLearner(trainer, dir) : undefined;
    await learn(trainer, {
      until: { steps: config.steps },
      logEvery: config.logEvery,
      varianceEvery: config.varianceEvery,
      evalEvery: config.evalEvery,
      checkpointEvery: save ? config.checkpointEvery : 0,
      onRow: emit,
      onCheckpoint: save,
    });
    // The end of the run is always evaluated, once (a resumed finished run already was).
    if (trainer.lastEvalStep !== trainer.counters.steps) emit({ step: trainer.counters.steps, ...(await trainer.heldOut()) });
    await save?.();
    const track = trackOf(trainer, rows);
    track.final = finalEvaluation(trainer);
    return track;
  } finally {
    metrics?.close();
  }
}

/** Training ELBO on all training images, validation and test ELBO and IWAE bounds. */
function finalEvaluation(trainer: VaeTrainer): NonNullable<VaeTrack['final']> {
  const { iwaeSamples, iwaeImages } = trainer.config;
  const valid = trainer.evaluate('valid', { iwaeSamples, iwaeImages });
  const test = trainer.evaluate('test', { iwaeSamples, iwaeImages });
  return {
    trainElbo: trainer.evaluate('train').elbo,
    validElbo: valid.elbo,
    testElbo: test.elbo,
    validIwae: valid.iwae,
    testIwae: test.iwae,
    msPerStep: trainer.trainMs / Math.max(1, trainer.counters.steps),
  };
}

/** The track of a run from its metric rows (log rows carry trainElbo, evaluation rows validElbo, variance rows logVariance). */
export function trackOf(trainer: VaeTrainer, rows: MetricRow[]): VaeTrack {
  const track: VaeTrack = {
    estimator: trainer.estimatorName,
    seed: trainer.seed,
    model: trainer.config.model,
    step: trainer.counters.steps,
    logSteps: [],
    trainElbo: [],
    evalSteps: [],
    validElbo: [],
    varianceSteps: [],
    logVariance: [],
    cvState: [],
    bestValidElbo: trainer.best.validElbo,
    bestStep: trainer.best.step,
    trainMs: trainer.trainMs,
  };
  for (const row of rows) {
    const { step, trainElbo, validElbo, logVariance, ...rest } = row as Record<string, number>;
    if (typeof trainElbo === 'number') {
      track.logSteps.push(step);
      track.trainElbo.push(trainElbo);
      track.cvState.push(rest);
    }
    if (typeof validElbo === 'number') {
      track.evalSteps.push(step);
      track.validElbo.push(validElbo);
    }
    if (typeof logVariance === 'number') {
      track.varianceSteps.push(step);
      track.logVariance.push(logVariance);
    }
  }
  return track;
}
