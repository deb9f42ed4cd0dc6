// Bias and variance of an estimator at fixed parameters, from many draws:
// the mean, its standard error and the z-score against the exact gradient.
import { tf } from '../../src/tf/index.js';
import { Rng } from '../../src/random/index.js';
import type { ToyProblem } from './problem.js';
import type { ToyEstimator } from './setup.js';

export interface EstimateStatistics {
  problem: string;
  estimator: string;
  logits: number[];
  samples: number;
  exactGradient: number | number[];
  mean: number | number[];
  standardError: number | number[];
  variance: number | number[];
  zScore: number | number[];
  seconds: number;
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
  const exact = problem.exactGradient(logits);
  const noise = new Rng(`${seed}:estimate-noise`);
  // Accumulate deviations from the exact value in float64 to avoid cancellation.
  const sum = new Float64Array(k);
  const sumSq = new Float64Array(k);
  for (let done = 0; done < samples; done += chunk) {
    const n = Math.min(chunk, samples - done);
    const g = tf.tidy(() => {
      const theta = tf.tile(tf.tensor2d(logits, [1, k]), [n, 1]);
      const u = tf.tensor2d(noise.uniforms(n * k), [n, k]);
      const v = tf.tensor2d(noise.uniforms(n * k), [n, k]);
      return est.estimator(est.input(problem, theta, u, v)).gradient;
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
    const varj = (sumSq[j] - samples * dev * dev) / (samples - 1);
    mean.push(exact[j] + dev);
    variance.push(varj);
    se.push(Math.sqrt(varj / samples));
    z.push(se[j] > 0 ? dev / se[j] : dev === 0 ? 0 : Infinity);
  }
  // A single latent reads better as plain numbers.
  const out = (x: number[]) => (k === 1 && problem.name === 'toy' ? x[0] : x);
  return {
    problem: problem.describe(),
    estimator: est.name,
    logits,
    samples,
    exactGradient: out(exact),
    mean: out(mean),
    standardError: out(se),
    variance: out(variance),
    zScore: out(z),
    seconds: (performance.now() - start) / 1000,
  };
}
