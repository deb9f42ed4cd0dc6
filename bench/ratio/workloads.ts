// The compared workloads: relax-pg's side (sides.ts), the matching peer in
// bench/peer/ (same model, estimator, batch, optimiser), the unit, and how a
// round's raw figures become its value.
import type { Cell } from '../table.js';
import { defaultMnistDir } from '../../envs/vae/mnist.js';
import type { Group } from './args.js';
import type { Figure, Unit } from './result.js';
import { envRunner, episodeRunner, toyRunner, updateRunner, vaeRunner, type Raw, type Runner } from './sides.js';

export type Section = 'vae' | 'toy' | 'update' | 'episode' | 'env';

/** What to ask the peer process for: an open workload stepped n times, or env rates. */
export type PeerSpec = { open: string; args: Record<string, unknown> } | { rates: string; seconds: number };

export interface Workload {
  group: Group;
  section: Section;
  /** JSON key prefix. */
  key: string;
  /** The row's label cells in its section's table. */
  label: Cell[];
  unit: Unit;
  /** Untimed units on each side before the rounds (the relax-pg warm-up also sets the timed units per round). */
  warmup: number;
  min: number;
  max: number;
  relax(): Runner;
  peer: PeerSpec;
  /** The peer needs Gymnasium (absent: skipped with a note). */
  needsGym?: boolean;
  figure(raw: Raw, n: number): Figure;
  ratioOn?: string;
}

/** Seconds per figure given to measureEnv and to the Gymnasium peer in each round. */
const ENV_SECONDS = 0.2;

const perUnitMs = (raw: Raw, n: number): Figure => ({ value: raw.ms / n });

export function workloads(): Workload[] {
  const out: Workload[] = [];
  const data = () => defaultMnistDir();
  for (const batch of [24, 100, 500]) {
    for (const estimator of ['reinforce-baseline', 'rebar', 'relax-rebar']) {
      out.push({
        group: 'vae',
        section: 'vae',
        key: `vae.linear1.b${batch}.${estimator}`,
        label: [batch, estimator],
        unit: 'ms',
        warmup: batch >= 500 ? 4 : 10,
        min: 3,
        max: 200,
        relax: () => vaeRunner(estimator, batch),
        peer: { open: 'vae', args: { estimator, batch, data: data() } },
        figure: perUnitMs,
      });
    }
  }
  for (const estimator of ['reinforce', 'rebar', 'relax']) {
    out.push({
      group: 'estimators',
      section: 'toy',
      key: `toy.${estimator}`,
      label: [estimator],
      unit: 'us',
      warmup: 50,
      min: 50,
      max: 5000,
      relax: () => toyRunner(estimator),
      peer: { open: 'toy', args: { estimator } },
      figure: (raw, n) => ({ value: (1000 * raw.ms) / n }),
    });
  }
  for (const agent of ['relax', 'a2c']) {
    for (const T of [100, 500]) {
      out.push({
        group: 'agents',
        section: 'update',
        key: `cartpole.${agent}.update${T}`,
        label: [agent, T],
        unit: 'ms',
        warmup: 20,
        min: 5,
        max: 500,
        relax: () => updateRunner(agent, T),
        peer: { open: 'cartpole-update', args: { agent, T } },
        figure: perUnitMs,
      });
    }
  }
  for (const agent of ['relax', 'a2c']) {
    out.push({
      group: 'agents',
      section: 'episode',
      key: `cartpole.${agent}.episode`,
      label: [agent],
      unit: 'ms',
      warmup: 5,
      min: 5,
      max: 200,
      relax: () => episodeRunner(agent),
      // Gymnasium's CartPole-v1 when the peer has it, else bench/peer/cartpole_env.py.
      peer: { open: 'cartpole-episode', args: { agent } },
      // Episode lengths differ between the sides as their policies learn: compare per env step.
      figure: (raw, n) => ({ value: raw.ms / n, extra: { stepsPerEpisode: raw.steps / n, msPerStep: raw.ms / raw.steps } }),
      ratioOn: 'msPerStep',
    });
  }
  out.push({
    group: 'envs',
    section: 'env',
    key: 'env.CartPole-v1',
    label: ['CartPole-v1'],
    unit: 'stepsPerSecond',
    warmup: 0,
    min: 1,
    max: 1,
    relax: () => envRunner('CartPole-v1', ENV_SECONDS),
    peer: { rates: 'CartPole-v1', seconds: ENV_SECONDS },
    needsGym: true,
    figure: (raw) => ({ value: raw.make, extra: { 'direct.stepsPerSecond': raw.direct } }),
  });
  return out;
}
