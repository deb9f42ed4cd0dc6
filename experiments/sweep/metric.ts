// The metric a sweep optimises, computed from a trial's episode returns so
// far (the same number at a rung, in status and in the final summary).
import { UserError } from '../../src/errors.js';

export interface Metric {
  name: string;
  kind: 'last' | 'best' | 'all';
  window: number;
}

const NAMES = 'meanReturnLast<N> (e.g. meanReturnLast100), bestMeanReturn<N>, meanReturn';

export function parseMetric(name: string): Metric {
  if (name === 'meanReturn') return { name, kind: 'all', window: 0 };
  const m = /^(meanReturnLast|bestMeanReturn)([1-9][0-9]*)$/.exec(name);
  if (!m) throw new UserError(`unknown metric '${name}' (choose from ${NAMES})`);
  return { name, kind: m[1] === 'meanReturnLast' ? 'last' : 'best', window: Number(m[2]) };
}

/** The metric of these returns; null before the first episode. Windows longer than the run use what there is. */
export function metricOf(metric: Metric, returns: readonly number[]): number | null {
  const n = returns.length;
  if (n === 0) return null;
  const meanOf = (from: number, to: number) => {
    let s = 0;
    for (let i = from; i < to; i++) s += returns[i];
    return s / (to - from);
  };
  if (metric.kind === 'all') return meanOf(0, n);
  const w = Math.min(metric.window, n);
  if (metric.kind === 'last') return meanOf(n - w, n);
  let best = -Infinity;
  let s = 0;
  for (let i = 0; i < n; i++) {
    s += returns[i];
    if (i >= w) s -= returns[i - w];
    if (i >= w - 1) best = Math.max(best, s / w);
  }
  return best;
}

/** Whether `a` is better than `b` under the sweep's mode. */
export const better = (mode: 'max' | 'min', a: number, b: number) => (mode === 'max' ? a > b : a < b);
