// What one compared workload measured (per-round figures of both sides) and
// its summary (medians, ratio), shared by the tables and the JSON keys.
import { median, ratio, roundRatioRange } from './stats.js';

/** The JSON name of a workload's unit: per-step wall time in ms or µs, or a rate. */
export type Unit = 'ms' | 'us' | 'stepsPerSecond';

/** One side's figure for one round: the main value in the workload's unit, plus named extras. */
export interface Figure {
  value: number;
  extra?: Record<string, number>;
}

export interface Measured {
  /** Dotted key prefix, e.g. 'vae.linear1.b24.rebar'. */
  key: string;
  unit: Unit;
  relax: Figure[];
  /** Absent when the peer did not run (no torch, no Gymnasium, or an error). */
  peer?: Figure[];
  /** The extra the ratio is taken on instead of the value (e.g. ms per env step for whole episodes). */
  ratioOn?: string;
  /** Timed units (steps, updates, episodes) per round on each side. */
  timed?: number;
  /** 1-minute load average when the workload started. */
  load?: number;
  /** Why the peer is missing, or what failed. */
  note?: string;
}

export interface Summary {
  key: string;
  unit: Unit;
  relax: number;
  peer?: number;
  ratio?: number;
  /** Smallest and largest per-round ratio. */
  range?: [number, number];
  extras: Record<string, { relax: number; peer?: number }>;
  timed?: number;
  load?: number;
  note?: string;
}

const pick = (figures: Figure[], name?: string): number[] => figures.map((f) => (name ? (f.extra?.[name] ?? NaN) : f.value));

export function summarise(m: Measured): Summary {
  const relax = median(pick(m.relax));
  const peer = m.peer && m.peer.length > 0 ? median(pick(m.peer)) : undefined;
  const a = pick(m.relax, m.ratioOn);
  const b = m.peer ? pick(m.peer, m.ratioOn) : [];
  const extras: Summary['extras'] = {};
  for (const name of Object.keys(m.relax[0]?.extra ?? {})) {
    extras[name] = { relax: median(pick(m.relax, name)) };
    if (m.peer && m.peer.length > 0) extras[name].peer = median(pick(m.peer, name));
  }
  return {
    key: m.key,
    unit: m.unit,
    relax,
    peer,
    ratio: m.peer ? ratio(median(a), median(b)) : undefined,
    range: m.peer ? roundRatioRange(a, b) : undefined,
    extras,
    timed: m.timed,
    load: m.load,
    note: m.note,
  };
}
