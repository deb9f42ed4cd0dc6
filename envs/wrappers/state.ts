// Saving and restoring the running state of a wrapper chain (NormalizeObservation's and
// NormalizeReward's statistics, and any wrapper with getState()/setState()) as JSON, so that an
// agent saved with its env wrappers loads with the same normalisation.
import { UserError } from '../../src/errors.js';
import type { Env } from '../core/env.js';
import { Wrapper } from './wrapper.js';

export interface WrapperState {
  /** The wrapper's class name, checked on restore. */
  wrapper: string;
  state: unknown;
}

interface Stateful {
  getState(): unknown;
  setState(state: unknown): void;
}

function statefulChain(env: Env<any, any>): (Wrapper<any, any> & Stateful)[] {
  const out: (Wrapper<any, any> & Stateful)[] = [];
  for (let e: Env<any, any> = env; e instanceof Wrapper; e = e.env) {
    const s = e as unknown as Partial<Stateful>;
    if (typeof s.getState === 'function' && typeof s.setState === 'function') out.push(e as Wrapper<any, any> & Stateful);
  }
  return out;
}

/** The states of the stateful wrappers around `env`, outermost first (JSON-serialisable). */
export function getWrapperStates(env: Env<any, any>): WrapperState[] {
  return statefulChain(env).map((w) => ({ wrapper: w.constructor.name, state: w.getState() }));
}

/** Restore states from getWrapperStates() into a chain built the same way (UserError otherwise). */
export function setWrapperStates(env: Env<any, any>, states: readonly WrapperState[]): void {
  const chain = statefulChain(env);
  const names = chain.map((w) => w.constructor.name);
  const saved = Array.isArray(states) ? states.map((s) => s?.wrapper) : [];
  if (!Array.isArray(states) || names.join(',') !== saved.join(',')) {
    throw new UserError(`setWrapperStates: the env's stateful wrappers are [${names.join(', ')}], the saved states are for [${saved.join(', ')}]`);
  }
  chain.forEach((w, i) => w.setState(states[i]!.state));
}
