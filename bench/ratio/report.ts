// The comparison's tables: one per section, relax-pg and peer medians side
// by side with their ratio, the spread of the per-round ratios, and the
// machine load (absolute times drift with it; ratios taken in one run much less).
import { formatRate, type Cell, type Table } from '../table.js';
import type { Summary } from './result.js';
import type { Section } from './workloads.js';

interface SectionInfo {
  title: string;
  columns: string[];
  unit: string;
  peerName: string;
  extras?: { name: string; label: string; unit: string }[];
  note?: string;
}

export const SECTIONS: Record<Section, SectionInfo> = {
  vae: {
    title: 'VAE linear1 training step (VaeTrainer, VAE_DEFAULTS; fixed binarisation)',
    columns: ['batch', 'estimator'],
    unit: 'ms/step',
    peerName: 'PyTorch',
  },
  toy: {
    title: 'Toy step: one Bernoulli, f(b) = (b − 0.499)², batch 1 (the toy learner, TOY_DEFAULTS)',
    columns: ['estimator'],
    unit: 'µs/step',
    peerName: 'PyTorch',
  },
  update: {
    title: 'CartPole policy update on one episode of exactly T steps (agent.update, agent defaults)',
    columns: ['agent', 'T'],
    unit: 'ms/update',
    peerName: 'PyTorch',
  },
  episode: {
    title: 'CartPole-v1 whole episode, acting + update (agent.learn, one episode per update)',
    columns: ['agent'],
    unit: 'ms/episode',
    peerName: 'PyTorch+env',
    extras: [
      { name: 'stepsPerEpisode', label: 'steps/ep', unit: 'count' },
      { name: 'msPerStep', label: 'ms/step', unit: 'ms' },
    ],
    note: 'Every round: the first n training episodes of a fresh agent (seed 1). Episode lengths differ between the sides: the ratio is on ms per env step.',
  },
  env: {
    title: 'Env steps per second (bench/envs.ts measureEnv: through make(), per CPU second, best slice)',
    columns: ['env'],
    unit: 'steps/s',
    peerName: 'Gymnasium',
    extras: [{ name: 'direct.stepsPerSecond', label: 'direct (unwrapped)', unit: 'steps/s' }],
    note: 'A rate: ratio > 1 means relax-pg is faster here.',
  },
};

export function formatValue(v: number | undefined, unit: string): string {
  if (v === undefined || !Number.isFinite(v)) return '—';
  if (unit.startsWith('steps')) return formatRate(v);
  const a = Math.abs(v);
  return a >= 100 ? v.toFixed(0) : a >= 10 ? v.toFixed(1) : a >= 0.1 ? v.toFixed(2) : v.toPrecision(2);
}

export interface SectionRun {
  section: Section;
  rows: { label: Cell[]; summary?: Summary; error?: string }[];
  rounds: number;
  loadStart: number[];
  loadEnd: number[];
  /** What was compared, e.g. "relax-pg on wasm vs PyTorch 1.13.0a0 (1 thread, no Gymnasium)". */
  peer: string;
  /** Why no peer ran at all (one line). */
  skip?: string;
}

const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');

export function sectionTable(run: SectionRun): Table {
  const info = SECTIONS[run.section];
  const extras = info.extras ?? [];
  const columns = [
    ...info.columns,
    `relax-pg ${info.unit}`,
    `${info.peerName} ${info.unit}`,
    'ratio',
    'round ratios',
    ...extras.flatMap((e) => [e.label, `${e.label} peer`]),
    'timed/round',
  ];
  // Notes grouped by text, so a reason shared by several rows is printed once.
  const notes = new Map<string, string[]>();
  const note = (label: Cell[], text: string) => notes.set(text, [...(notes.get(text) ?? []), label.join(' ')]);
  const rows = run.rows.map(({ label, summary: s, error }) => {
    if (!s) {
      note(label, `error: ${error}`);
      return [...label, 'error'];
    }
    if (s.note) note(label, s.note);
    return [
      ...label,
      formatValue(s.relax, info.unit),
      formatValue(s.peer, info.unit),
      s.ratio === undefined ? '—' : `${s.ratio.toFixed(2)}×`,
      s.range ? `${s.range[0].toFixed(2)}–${s.range[1].toFixed(2)}` : '—',
      ...extras.flatMap((e) => [formatValue(s.extras[e.name]?.relax, e.unit), formatValue(s.extras[e.name]?.peer, e.unit)]),
      s.timed ?? '—',
    ];
  });
  return {
    title: `${info.title}\n  ${run.peer}; ${run.rounds} interleaved round${run.rounds === 1 ? "" : "s"}; load ${load(run.loadStart)} at start, ${load(run.loadEnd)} at end`,
    columns,
    rows,
    notes: [
      `ratio = relax-pg median / ${info.peerName} median${info.note ? `. ${info.note}` : ' (> 1: relax-pg slower)'}`,
      ...(run.skip ? [run.skip] : []),
      ...[...notes].map(([text, labels]) => `${labels.join(', ')}: ${text}`),
    ],
  };
}
