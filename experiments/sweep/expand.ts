// A sweep definition → its trials: every grid point × random draw × seed,
// each with a stable id, the hash of its canonical (sorted-key) JSON config.
// The id depends only on what the trial trains, so the same trial has the
// same id whichever engine runs it, and a re-run finds its folder.
import { createHash } from 'node:crypto';
import { Rng } from '../../src/random/index.js';
import type { Distribution, SweepDefinition } from './definition.js';
import type { ParamValue } from './params.js';

/** What one trial trains: everything that changes its numbers, and nothing else. */
export interface TrialConfig {
  agent: string;
  env?: string;
  experiment?: string;
  envOptions?: Record<string, unknown>;
  params: Record<string, ParamValue>;
  seed: number;
  episodes?: number;
  frames?: number;
}

export interface Trial {
  id: string;
  config: TrialConfig;
  /** The configuration without the seed: trials that differ only by seed share it. */
  group: string;
}

/** JSON with object keys sorted at every depth (arrays keep their order). */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function trialId(config: TrialConfig): string {
  return createHash('sha256').update(canonicalJson(config)).digest('hex').slice(0, 12);
}

function cartesian(grid: Record<string, ParamValue[]>): Record<string, ParamValue>[] {
  let points: Record<string, ParamValue>[] = [{}];
  for (const [name, values] of Object.entries(grid)) points = points.flatMap((p) => values.map((v) => ({ ...p, [name]: v })));
  return points;
}

function draw(d: Distribution, rng: Rng): ParamValue {
  if ('choice' in d) return d.choice[rng.integer(d.choice.length)];
  if ('int' in d) return d.int[0] + rng.integer(d.int[1] - d.int[0] + 1);
  // Rounded to 6 significant digits: ids and tables stay readable, the JSON round-trips.
  if ('uniform' in d) return Number(rng.uniform(d.uniform[0], d.uniform[1]).toPrecision(6));
  const [lo, hi] = d.logUniform;
  return Number(Math.exp(rng.uniform(Math.log(lo), Math.log(hi))).toPrecision(6));
}

/** The trials of a definition, in a fixed order (grid point, then draw, then seed). */
export function expandTrials(def: SweepDefinition): Trial[] {
  const rng = new Rng(`sweep:${def.searchSeed ?? 1}`);
  const random = Object.entries(def.random ?? {});
  const draws = random.length ? (def.samples ?? 1) : 1;
  const trials: Trial[] = [];
  const seen = new Set<string>();
  for (const point of cartesian(def.grid ?? {})) {
    for (let k = 0; k < draws; k++) {
      const params: Record<string, ParamValue> = { ...def.fixed, ...point };
      for (const [name, d] of random) params[name] = draw(d, rng);
      const base: Omit<TrialConfig, 'seed'> = {
        agent: def.agent,
        env: def.experiment === undefined ? def.env : undefined,
        experiment: def.experiment,
        envOptions: def.envOptions,
        params,
        episodes: def.episodes,
        frames: def.frames ?? def.steps,
      };
      const group = canonicalJson(base);
      // Two random draws can coincide (a small choice list): one trial each.
      if (seen.has(group)) continue;
      seen.add(group);
      for (const seed of def.seeds) {
        const config = { ...base, seed } as TrialConfig;
        trials.push({ id: trialId(config), config, group });
      }
    }
  }
  return trials;
}

/** The swept parameters' values of a trial, for tables and plots. */
export function sweptValues(def: SweepDefinition, t: Trial): Record<string, ParamValue> {
  const names = [...Object.keys(def.grid ?? {}), ...Object.keys(def.random ?? {})];
  return Object.fromEntries(names.map((n) => [n, t.config.params[n]]));
}
