// Small statistics for summaries and tests. Plain loops on ArrayLike<number>
// so typed arrays from tfjs' dataSync() go in without copying; empty input
// gives NaN rather than throwing, so a summary of a failed run still prints.

export function sum(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i]!;
  return s;
}

export function mean(xs: ArrayLike<number>): number {
  return xs.length === 0 ? Number.NaN : sum(xs) / xs.length;
}

/** Unbiased sample variance (divides by n − 1); NaN for fewer than two values. */
export function variance(xs: ArrayLike<number>): number {
  const n = xs.length;
  if (n < 2) return Number.NaN;
  const m = mean(xs);
  // Two-pass with the compensating term keeps precision when the mean is large.
  let ss = 0;
  let c = 0;
  for (let i = 0; i < n; i++) {
    const d = xs[i]! - m;
    ss += d * d;
    c += d;
  }
  return (ss - (c * c) / n) / (n - 1);
}

export function std(xs: ArrayLike<number>): number {
  return Math.sqrt(variance(xs));
}

/** Standard error of the mean: std / √n. */
export function standardError(xs: ArrayLike<number>): number {
  return std(xs) / Math.sqrt(xs.length);
}

export function min(xs: ArrayLike<number>): number {
  let m = Number.POSITIVE_INFINITY;
  for (let i = 0; i < xs.length; i++) if (xs[i]! < m) m = xs[i]!;
  return xs.length === 0 ? Number.NaN : m;
}

export function max(xs: ArrayLike<number>): number {
  let m = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < xs.length; i++) if (xs[i]! > m) m = xs[i]!;
  return xs.length === 0 ? Number.NaN : m;
}

/**
 * Quantile q ∈ [0, 1] with linear interpolation between order statistics
 * (position q·(n − 1), the common default of numpy and R type 7).
 */
export function quantile(xs: ArrayLike<number>, q: number): number {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile: q must be in [0, 1], got ${q}`);
  if (xs.length === 0) return Number.NaN;
  return sortedQuantile(Float64Array.from(xs).sort(), q);
}

/** Several quantiles with one sort. */
export function quantiles(xs: ArrayLike<number>, qs: readonly number[]): number[] {
  for (const q of qs) if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile: q must be in [0, 1], got ${q}`);
  if (xs.length === 0) return qs.map(() => Number.NaN);
  const sorted = Float64Array.from(xs).sort();
  return qs.map((q) => sortedQuantile(sorted, q));
}

/**
 * Quantiles at each index across runs (e.g. seeds): result[k][i] is quantile
 * qs[k] of runs[·][i]. Runs of unequal length are cut to the shortest. This is
 * what a median line with a 25–75 % band over seeds needs.
 */
export function quantilesAcross(runs: readonly ArrayLike<number>[], qs: readonly number[]): Float64Array[] {
  const n = runs.length === 0 ? 0 : Math.min(...runs.map((r) => r.length));
  const out = qs.map(() => new Float64Array(n));
  const column = new Float64Array(runs.length);
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < runs.length; r++) column[r] = runs[r]![i]!;
    const values = quantiles(column, qs);
    for (let k = 0; k < qs.length; k++) out[k]![i] = values[k]!;
  }
  return out;
}

export function median(xs: ArrayLike<number>): number {
  return quantile(xs, 0.5);
}

function sortedQuantile(sorted: Float64Array, q: number): number {
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  const frac = pos - lo;
  return frac === 0 ? sorted[lo]! : sorted[lo]! + frac * (sorted[hi]! - sorted[lo]!);
}

/**
 * log((1/n) Σ exp(xᵢ)) without overflow: shift by the maximum first. Used for
 * importance-weighted bounds (e.g. a VAE's log-likelihood estimate).
 */
export function logMeanExp(xs: ArrayLike<number>): number {
  const n = xs.length;
  if (n === 0) return Number.NaN;
  const m = max(xs);
  if (m === Number.NEGATIVE_INFINITY) return m;
  if (!Number.isFinite(m)) return m; // +∞ or NaN dominate
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.exp(xs[i]! - m);
  return m + Math.log(s / n);
}

/** Cumulative mean: out[i] = mean(xs[0..i]). */
export function runningMean(xs: ArrayLike<number>): Float64Array {
  const out = new Float64Array(xs.length);
  let s = 0;
  for (let i = 0; i < xs.length; i++) {
    s += xs[i]!;
    out[i] = s / (i + 1);
  }
  return out;
}

/**
 * Trailing moving average over `window` values; the first entries average
 * what is available so the output has the input's length.
 */
export function movingAverage(xs: ArrayLike<number>, window: number): Float64Array {
  if (!Number.isInteger(window) || window < 1) throw new RangeError(`movingAverage: window must be a positive integer, got ${window}`);
  const out = new Float64Array(xs.length);
  let s = 0;
  for (let i = 0; i < xs.length; i++) {
    s += xs[i]!;
    if (i >= window) s -= xs[i - window]!;
    out[i] = s / Math.min(i + 1, window);
  }
  return out;
}

/** Exponential moving average, out[i] = α·xs[i] + (1 − α)·out[i − 1], out[0] = xs[0]. */
export function exponentialMovingAverage(xs: ArrayLike<number>, alpha: number): Float64Array {
  if (!(alpha > 0 && alpha <= 1)) throw new RangeError(`exponentialMovingAverage: alpha must be in (0, 1], got ${alpha}`);
  const out = new Float64Array(xs.length);
  for (let i = 0; i < xs.length; i++) out[i] = i === 0 ? xs[0]! : alpha * xs[i]! + (1 - alpha) * out[i - 1]!;
  return out;
}

export interface Summary {
  n: number;
  mean: number;
  std: number;
  se: number;
  min: number;
  q25: number;
  median: number;
  q75: number;
  max: number;
}

/** The usual numbers for a table row over seeds. */
export function summarize(xs: ArrayLike<number>): Summary {
  const [q25, med, q75] = quantiles(xs, [0.25, 0.5, 0.75]) as [number, number, number];
  return {
    n: xs.length,
    mean: mean(xs),
    std: std(xs),
    se: standardError(xs),
    min: min(xs),
    q25,
    median: med,
    q75,
    max: max(xs),
  };
}
