// Asynchronous successive halving (ASHA; Li et al. 2020) as a stopping rule:
// when a trial reaches a rung (a fraction of its budget) it records its
// metric there, and goes on only if it is among the best max(1, ⌊n/η⌋) of
// the n trials recorded at that rung so far. Records live in the sweep's
// folder (asha/rung<k>/<id>.json), which every worker reaches, so both
// engines decide alike; a trial's own record is its decision, so a resumed
// trial repeats it. Decisions depend on the order trials arrive in, as in
// any asynchronous ASHA.
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readJson, writeJsonAtomic } from '../../src/report/index.js';
import { better } from './metric.js';

export interface AshaSettings {
  /** Rung positions in the budget's unit (episodes or frames), increasing. */
  rungs: number[];
  eta: number;
  /** Below this many trials at a rung, every trial goes on. */
  minTrials: number;
}

interface RungRecord {
  id: string;
  metric: number;
  decision: 'continue' | 'stop';
}

const rungDir = (sweepDir: string, k: number) => join(sweepDir, 'asha', `rung${k}`);

/** The decision recorded for trial `id` at rung k, if any. */
export function recordedDecision(sweepDir: string, k: number, id: string): RungRecord['decision'] | undefined {
  const path = join(rungDir(sweepDir, k), `${id}.json`);
  return existsSync(path) ? readJson<RungRecord>(path).decision : undefined;
}

/** Decide (and record) whether trial `id`, with `metric` at rung k, goes on. */
export function decideAtRung(sweepDir: string, k: number, id: string, metric: number, mode: 'max' | 'min', s: AshaSettings): RungRecord['decision'] {
  const earlier = recordedDecision(sweepDir, k, id);
  if (earlier) return earlier;
  const dir = rungDir(sweepDir, k);
  mkdirSync(dir, { recursive: true });
  const others = readdirSync(dir)
    .filter((f) => f.endsWith('.json') && f !== `${id}.json`)
    .map((f) => readJson<RungRecord>(join(dir, f)).metric);
  const n = others.length + 1;
  const keep = Math.max(1, Math.floor(n / s.eta));
  const rank = others.filter((m) => better(mode, m, metric)).length;
  const decision = n < s.minTrials || rank < keep ? 'continue' : 'stop';
  writeJsonAtomic(join(dir, `${id}.json`), { id, metric, decision } satisfies RungRecord);
  return decision;
}
