// One training run on a toy problem: the toy env (BernoulliToy / CategoricalToy)
// trained by a OneStepLearner through the one trainer loop — Adam on the
// logits along ĝ and, for learned control variates, Adam on φ along ∂φ Σ ĝ²
// at the same step. Records p, the exact expected loss and, every so often,
// the estimator's log-variance from many draws at the current parameters.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { tf } from '../../src/tf/index.js';
import type { Rng } from '../../src/random/index.js';
import { logVarianceOf, DoubleCvScale } from '../../src/estimators/index.js';
import type { ControlVariate } from '../../src/controlVariates/index.js';
import { MetricsWriter, keepMetrics, readMetrics } from '../../src/report/index.js';
import { OneStepLearner } from '../../agents/oneStep.js';
import { learn, resumeLearner, type MetricRow } from '../../agents/learn.js';
import type { ToyProblem } from './problem.js';
import type { ToyEstimator, ToyEstimatorOptions } from './setup.js';

export interface ToyTrainConfig extends ToyEstimatorOptions {
  steps: number;
  batch: number;
  lr: number;
  cvLr: number;
  logEvery: number;
  varianceEvery: number;
  varianceSamples: number;
}

export interface ToyTrack {
  estimator: string;
  seed: number;
  steps: number[];
  p: number[];
  expectedLoss: number[];
  varianceSteps: number[];
  logVariance: number[];
  finalLogits: number[];
  finalP: number;
  /** Wall time per training step (variance measurements excluded). */
  msPerStep: number;
  /** Learned c(z) against f(H(z)) on a grid of z at the final θ (single-latent Bernoulli only). */
  controlVariateCurve?: { z: number[]; c: number[]; f: number[]; fRelaxed: number[] };
}

/** p reported per problem: P(b = 1) averaged over latents, or P(best class). */
function reportedP(problem: ToyProblem, logits: number[]): number {
  if (problem.name === 'toy') return logits.reduce((s, l) => s + 1 / (1 + Math.exp(-l)), 0) / logits.length;
  const m = Math.max(...logits);
  const e = logits.map((l) => Math.exp(l - m));
  return e[0] / e.reduce((a, b) => a + b, 0);
}

/** log of the estimator's variance at fixed θ, averaged over θ's components, from n draws. */
export function logVarianceAt(problem: ToyProblem, est: ToyEstimator, logits: number[], n: number, rng: Rng): number {
  const k = logits.length;
  const g = tf.tidy(() => {
    const theta = tf.tile(tf.tensor2d(logits, [1, k]), [n, 1]);
    const u = tf.tensor2d(rng.uniforms(n * k), [n, k]);
    const v = tf.tensor2d(rng.uniforms(n * k), [n, k]);
    return est.estimator(est.input(problem, theta, u, v)).gradient;
  });
  const value = logVarianceOf(g);
  g.dispose();
  return value;
}

function controlVariateCurve(problem: ToyProblem, est: { cv?: ControlVariate; config: { temperature: number } }) {
  // double-cv's learned scale has no curve c(z) to draw.
  if (!est.cv || est.cv instanceof DoubleCvScale || problem.name !== 'toy' || problem.size !== 1) return undefined;
  const z = Array.from({ length: 121 }, (_, i) => -6 + 0.1 * i);
  return tf.tidy(() => {
    const zt = tf.tensor2d(z, [z.length, 1]);
    // c learns the reward −f: drawn as a loss beside f.
    const c = Array.from(tf.neg(est.cv!.apply(zt)).dataSync());
    const f = Array.from(problem.f(problem.dist.hard(zt)).dataSync());
    const fRelaxed = Array.from(problem.relaxedF(problem.dist.relax(zt, est.config.temperature)).dataSync());
    return { z, c, f, fRelaxed };
  });
}

/** A learner for one toy run: the toy env, the estimator, the toy's settings. */
export function toyLearner(problem: ToyProblem, estimatorName: string, seed: number, config: ToyTrainConfig): OneStepLearner {
  return new OneStepLearner(
    problem.env,
    {
      estimator: estimatorName,
      seed,
      batch: config.batch,
      lr: config.lr,
      cvLr: config.cvLr,
      eta: config.eta,
      temperature: config.temperature,
      cvHidden: [config.hidden],
      cvActivation: 'tanh',
      varianceSamples: config.varianceSamples,
      k: config.k,
    },
    (logits) => ({ p: reportedP(problem, logits), expectedLoss: problem.exactLoss(logits) }),
  );
}

export interface ToyRunOptions {
  /** The run's folder: its checkpoint and its metrics.jsonl (written as the run goes); a run found there continues. */
  runDir?: string;
  checkpointEvery?: number;
  onStep?: (step: number, p: number) => void;
}

/** One toy run through the one trainer loop; metric rows go to `runDir/metrics.jsonl` as they are made. */
export async function trainToy(problem: ToyProblem, estimatorName: string, seed: number, config: ToyTrainConfig, options: ToyRunOptions = {}): Promise<ToyTrack> {
  const learner = toyLearner(problem, estimatorName, seed, config);
  const rows: MetricRow[] = [];
  let metrics: MetricsWriter | undefined;
  try {
    if (options.runDir) {
      const path = join(options.runDir, 'metrics.jsonl');
      const resumed = await resumeLearner(learner, options.runDir);
      const at = learner.counters.steps;
      // Rows made after the checkpoint are made again: drop them first.
      if (resumed) keepMetrics(path, (r) => (r.step as number) <= at);
      else keepMetrics(path, () => false);
      rows.push(...(existsSync(path) ? (readMetrics(path) as MetricRow[]) : []));
      metrics = new MetricsWriter(path);
    }
    await learn(learner, {
      until: { steps: config.steps },
      logEvery: config.logEvery,
      varianceEvery: config.varianceEvery,
      checkpointEvery: options.checkpointEvery ?? (options.runDir ? Math.max(config.logEvery, Math.floor(config.steps / 10)) : 0),
      checkpointDir: options.runDir,
      onRow: (row) => {
        rows.push(row);
        metrics?.write(row);
        if (row.p !== undefined) options.onStep?.(row.step as number, row.p as number);
      },
    });
    const track = trackOf(estimatorName, seed, rows);
    track.finalLogits = learner.thetaValues();
    track.finalP = reportedP(problem, track.finalLogits);
    track.msPerStep = learner.trainMs / Math.max(1, learner.counters.steps);
    track.controlVariateCurve = controlVariateCurve(problem, learner);
    return track;
  } finally {
    metrics?.close();
    learner.dispose();
  }
}

/** The track of a run from its metric rows. */
function trackOf(estimator: string, seed: number, rows: MetricRow[]): ToyTrack {
  const track: ToyTrack = { estimator, seed, steps: [], p: [], expectedLoss: [], varianceSteps: [], logVariance: [], finalLogits: [], finalP: NaN, msPerStep: NaN };
  for (const r of rows) {
    if (typeof r.p === 'number') {
      track.steps.push(r.step as number);
      track.p.push(r.p);
      track.expectedLoss.push(r.expectedLoss as number);
    }
    if (typeof r.logVariance === 'number') {
      track.varianceSteps.push(r.step as number);
      track.logVariance.push(r.logVariance);
    }
  }
  return track;
}
