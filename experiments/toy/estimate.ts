// Bias and variance of an estimator at fixed parameters, from many draws:
// the mean, its standard error and the z-score against the exact gradient.
// A K-sample estimator (rloo, vimco, arms) draws K samples per estimate: one
// estimate is the mean of its K rows, and costs K evaluations of f. To
// compare estimators at equal cost, `variancePerEvaluation` is the variance
// of one estimate times the evaluations of f it costs (the variance of an
// average of estimates that use the same number of evaluations, times that
// number). VIMCO's exact target is the K-sample objective (multiSample.ts).
import { tf } from '../../src/tf/index.js';
import { Rng } from '../../src/random/index.js';
import { ESTIMATORS, fEvaluations, groupMean } from '../../src/estimators/index.js';
import type { ToyProblem } from './problem.js';
import type { ToyEstimator } from './setup.js';
import { multiSampleExact } from './multiSample.js';

export interface EstimateStatistics {
  problem: string;
  estimator: string;
  logits: number[];
  /** Estimates drawn (each from K samples for a K-sample estimator). */
  samples: number;
  /** Samples per estimate. */
  k: number;
  /** What the exact gradient is of: E f, or the K-sample bound E log mean_k exp f_k (vimco). */
  objective: 'expectation' | 'multi-sample';
  exactGradient: number | number[];
  mean: number | number[];
  standardError: number | number[];
  variance: number | number[];
  zScore: number | number[];
  /** Evaluations of f per estimate. */
  fEvaluations: number;
  /** variance × fEvaluations: the variance at equal numbers of f evaluations. */
  variancePerEvaluation: number | number[];
  seconds: number;
}

/** The exact gradient the estimator's mean should match. */
export function exactTarget(problem: ToyProblem, est: ToyEstimator, logits: number[]): number[] {
  // A variant of a catalog estimator (a test's) may carry a name the catalog does not know: E f then.
  if (ESTIMATORS[est.name]?.needs.objective === 'multi-sample') return multiSampleExact(problem, logits, est.k).gradient;
  return problem.exactGradient(logits);
}

/** Per-component statistics of ĝ over `samples` draws at `logits`, in chunks of `chunk` samples. */
export function estimateStatistics(
  problem: ToyProblem,
  est: ToyEstimator,
  logits: number[],
  samples: number,
  seed: number,
  chunk = 50_000,
): EstimateStatistics {
  const start = performance.now();
  const k = logits.length;
  const K = est.k;
  const exact = exactTarget(problem, est, logits);
  const noise = new Rng(`${seed}:estimate-noise`);
  // Accumulate deviations from the exact value in float64 to avoid cancellation.
  const sum = new Float64Array(k);
  const sumSq = new Float64Array(k);
  const perChunk = Math.max(1, Math.floor(chunk / K));
  for (let done = 0; done < samples; done += perChunk) {
    const n = Math.min(perChunk, samples - done);
    const rows = n * K;
    const g = tf.tidy(() => {
      const theta = tf.tile(tf.tensor2d(logits, [1, k]), [rows, 1]);
      const u = tf.tensor2d(noise.uniforms(rows * k), [rows, k]);
      const v = tf.tensor2d(noise.uniforms(rows * k), [rows, k]);
      return groupMean(est.estimator(est.input(problem, theta, u, v)).gradient, K);
    });
    const data = g.dataSync();
    g.dispose();
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < k; j++) {
        const d = data[i * k + j] - exact[j];
        sum[j] += d;
        sumSq[j] += d * d;
      }
    }
  }
  const mean: number[] = [];
  const variance: number[] = [];
  const se: number[] = [];
  const z: number[] = [];
  for (let j = 0; j < k; j++) {
    const dev = sum[j] / samples;
    // Cancellation can leave a zero variance slightly negative.
    const varj = Math.max(0, (sumSq[j] - samples * dev * dev) / (samples - 1));
    mean.push(exact[j] + dev);
    variance.push(varj);
    se.push(Math.sqrt(varj / samples));
    z.push(se[j] > 0 ? dev / se[j] : dev === 0 ? 0 : Infinity);
  }
  const evaluations = est.name in ESTIMATORS ? fEvaluations(est.name, K > 1 ? K : undefined) : K;
  // A single latent reads better as plain numbers.
  const out = (x: number[]) => (k === 1 && problem.name === 'toy' ? x[0] : x);
  return {
    problem: problem.describe(),
    estimator: est.name,
    logits,
    samples,
    k: K,
    objective: ESTIMATORS[est.name]?.needs.objective ?? 'expectation',
    exactGradient: out(exact),
    mean: out(mean),
    standardError: out(se),
    variance: out(variance),
    zScore: out(z),
    fEvaluations: evaluations,
    variancePerEvaluation: out(variance.map((x) => x * evaluations)),
    seconds: (performance.now() - start) / 1000,
  };
}
