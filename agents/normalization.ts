// Observation statistics that belong to an agent. A policy trained on an env
// wrapped in NormalizeObservation acts on normalised observations, so its
// running mean and variance are part of the agent (SB3's VecNormalize
// problem): saved with it, and applied, frozen, wherever it acts outside
// training (evaluation, the eval callback, variance probes, render).
import { NormalizeObservation, Wrapper, getWrapperStates, setWrapperStates, type Env, type WrapperState } from '../envs/index.js';
import type { NormalizeObservationState } from '../envs/index.js';
import { UserError } from '../src/errors.js';

/** What evaluation needs of a NormalizeObservation: its statistics and its epsilon. */
export interface ObservationStats extends NormalizeObservationState {
  epsilon: number;
}

/** The outermost NormalizeObservation around `env`, if any. */
export function findNormalizeObservation(env: Env<any, any>): NormalizeObservation<unknown> | undefined {
  for (let e: Env<any, any> = env; e instanceof Wrapper; e = e.env) if (e instanceof NormalizeObservation) return e;
  return undefined;
}

export function observationStatsOf(env: Env<any, any>): ObservationStats | undefined {
  const w = findNormalizeObservation(env);
  return w ? { epsilon: w.epsilon, ...w.getState() } : undefined;
}

/**
 * `env` as a policy with these statistics sees it: wrapped in a
 * NormalizeObservation holding them, frozen. An env that already normalises
 * its observations (or no statistics) is returned as it is.
 */
export function withObservationStats(env: Env<any, any>, stats: ObservationStats | undefined): Env<any, any> {
  if (!stats || findNormalizeObservation(env)) return env;
  const w = new NormalizeObservation(env, { epsilon: stats.epsilon });
  w.setState({ obsRms: stats.obsRms });
  w.updateRunningMean = false;
  return w;
}

/** The stateful wrappers' states of the env trained on (restored into the next, so resume is exact). */
export function wrapperStatesOf(env: Env<any, any>): WrapperState[] {
  return getWrapperStates(env);
}

/** Restore saved wrapper states into `env`; one line naming the wrappers when its chain differs. */
export function restoreWrapperStates(env: Env<any, any>, states: readonly WrapperState[]): void {
  if (states.length === 0) return;
  const have = getWrapperStates(env).map((s) => s.wrapper);
  const want = states.map((s) => s.wrapper);
  if (have.join(',') !== want.join(',')) {
    const flag = want.includes('NormalizeObservation') ? ' (relax-pg train: --normalize-obs)' : '';
    throw new UserError(`the agent learned on an env wrapped in [${want.join(', ')}], this one has [${have.join(', ')}]: wrap it the same way${flag}`);
  }
  setWrapperStates(env, states);
}
