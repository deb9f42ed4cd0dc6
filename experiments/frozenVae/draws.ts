// Many encoder-gradient draws at the frozen model, in chunks: the pooled
// per-parameter mean and variance, and the running mean at chosen sample
// counts (for the comparison with the reference gradient). Per-draw
// gradients come from experiments/vae/variance.ts (one batched pass a chunk).
import type { Rng } from '../../src/random/index.js';
import type { BinaryVaeModel } from '../../envs/vae/model.js';
import type { VaeEstimators } from '../vae/estimators.js';
import { encoderGradientStats } from '../vae/variance.js';

export interface DrawStats {
  draws: number;
  mean: Float64Array;
  variance: Float64Array;
  /** The mean of the first n draws, for each n of `marks`. */
  meansAt: { n: number; mean: Float64Array }[];
}

/** `draws` estimates on the images `x`, `chunk` at a time, all noise from `rng`; marks are multiples of chunk (rounded up). */
export function drawStats(model: BinaryVaeModel, estimators: VaeEstimators, x: Float32Array, draws: number, rng: Rng, options: { chunk?: number; marks?: number[] } = {}): DrawStats {
  const chunk = Math.max(2, Math.min(options.chunk ?? 100, draws));
  let sum: Float64Array | undefined;
  let sumSq: Float64Array | undefined;
  const marks = [...(options.marks ?? [])].sort((a, b) => a - b);
  const meansAt: DrawStats['meansAt'] = [];
  let done = 0;
  while (done < draws) {
    // Chunks end at the marks and hold at least 2 draws (a chunk's variance needs them).
    const next = Math.min(done + chunk, marks.find((m) => m > done) ?? draws, draws);
    const n = draws - next < 2 ? draws - done : Math.max(2, next - done);
    const s = encoderGradientStats(model, estimators, x, n, rng);
    sum ??= new Float64Array(s.mean.length);
    sumSq ??= new Float64Array(s.mean.length);
    for (let i = 0; i < s.mean.length; i++) {
      sum[i] += n * s.mean[i];
      sumSq[i] += (n - 1) * s.variance[i] + n * s.mean[i] * s.mean[i];
    }
    done += n;
    while (marks.length && marks[0] <= done) {
      marks.shift();
      meansAt.push({ n: done, mean: sum.map((v) => v / done) });
    }
  }
  const mean = sum!.map((v) => v / done);
  const variance = sumSq!.map((v, i) => Math.max(0, (v - done * mean[i] * mean[i]) / (done - 1)));
  return { draws: done, mean, variance, meansAt };
}

/** Σ variance: E‖ḡ_n − g‖² = trace / n for the mean of n draws. */
export function trace(variance: Float64Array): number {
  let t = 0;
  for (const v of variance) t += v;
  return t;
}

export function norm(a: Float64Array): number {
  let t = 0;
  for (const v of a) t += v * v;
  return Math.sqrt(t);
}

/** Cosine similarity and relative error ‖a − ref‖ / ‖ref‖. */
export function closeness(a: Float64Array, ref: Float64Array): { cosine: number; relativeError: number } {
  let dot = 0;
  let diff = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * ref[i];
    diff += (a[i] - ref[i]) ** 2;
  }
  const r = norm(ref);
  return { cosine: dot / (norm(a) * r), relativeError: Math.sqrt(diff) / r };
}

/** log of the mean variance over each slice (one per encoder variable) and over all of them. */
export function logVariances(variance: Float64Array, slices: { name: string; size: number }[]): Record<string, number> {
  const out: Record<string, number> = {};
  let offset = 0;
  for (const { name, size } of slices) {
    let t = 0;
    for (let i = offset; i < offset + size; i++) t += variance[i];
    out[name] = Math.log(Math.max(t / size, 1e-300));
    offset += size;
  }
  out.all = Math.log(Math.max(trace(variance) / variance.length, 1e-300));
  return out;
}
