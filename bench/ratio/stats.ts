// Medians and ratios of interleaved rounds. Medians, not means: on a shared
// machine a round that lost its core to another job is an outlier, not a sample.

export function median(xs: readonly number[]): number {
  const v = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const mid = v.length >> 1;
  return v.length % 2 === 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

/** relax-pg / peer, or undefined when either side is missing or not a positive number. */
export function ratio(relax: number | undefined, peer: number | undefined): number | undefined {
  if (relax === undefined || peer === undefined || !(peer > 0) || !Number.isFinite(relax) || !Number.isFinite(peer)) return undefined;
  return relax / peer;
}

/** Smallest and largest of the per-round ratios a[i] / b[i] (rounds paired in the order run). */
export function roundRatioRange(a: readonly number[], b: readonly number[]): [number, number] | undefined {
  const r = a.slice(0, b.length).map((x, i) => ratio(x, b[i])).filter((x): x is number => x !== undefined);
  return r.length === 0 ? undefined : [Math.min(...r), Math.max(...r)];
}

/** Timed units per round so one relax-pg round takes about `roundMs`, from its warm-up's pace. */
export function unitsPerRound(msPerUnit: number, roundMs: number, min: number, max: number): number {
  if (!(msPerUnit > 0) || !Number.isFinite(msPerUnit)) return min;
  return Math.max(min, Math.min(max, Math.ceil(roundMs / msPerUnit)));
}
