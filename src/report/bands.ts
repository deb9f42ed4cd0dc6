// Curves over seeds: the mean and the 25–75 % band at each x, and thinning
// long curves so their SVGs stay small. Shared by every experiment's plots.
import type { Series } from './plot.js';
import { mean, quantile } from './stats.js';

/**
 * A series with the mean over seeds and (with two or more seeds) the 25–75 %
 * band. `columns[i]` holds the seeds' values at `x[i]`; non-finite values
 * (e.g. seeds that ended early) are left out of that column.
 */
export function bandSeries(name: string, x: number[], columns: number[][]): Series {
  const cols = columns.map((c) => c.filter((v) => Number.isFinite(v)));
  const seeds = Math.max(0, ...columns.map((c) => c.length));
  return {
    name,
    x,
    y: cols.map((c) => (c.length ? mean(c) : NaN)),
    lower: seeds > 1 ? cols.map((c) => (c.length ? quantile(c, 0.25) : NaN)) : undefined,
    upper: seeds > 1 ? cols.map((c) => (c.length ? quantile(c, 0.75) : NaN)) : undefined,
  };
}

/** Every k-th point, so a series has at most `max` points. */
export function thinSeries(s: Series, max = 400): Series {
  const stride = Math.max(1, Math.ceil(s.x.length / max));
  const pick = <T>(a: ArrayLike<T> | undefined) => (a ? Array.from(a).filter((_, i) => i % stride === 0) : undefined);
  return { ...s, x: pick(s.x)!, y: pick(s.y)!, lower: pick(s.lower), upper: pick(s.upper) };
}
