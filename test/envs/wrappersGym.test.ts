// NormalizeObservation, NormalizeReward, RescaleAction, ClipAction and TimeAwareObservation
// against Gymnasium 1.4.0 (test/fixtures/gymnasium/wrappers.json), and their saved state.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import '../../envs/classic/register.js';
import type { Env } from '../../envs/core/env.js';
import { make } from '../../envs/core/registry.js';
import {
  ClipAction,
  NormalizeObservation,
  NormalizeReward,
  RescaleAction,
  TimeAwareObservation,
  getWrapperStates,
  setWrapperStates,
  type WrapperState,
} from '../../envs/wrappers/index.js';
import { caseActions, caseRewards, f64, type GymCase } from './gymFixtures.js';

interface WrapperCase extends GymCase {
  wrapperStates: WrapperState[];
  /** A step limit other than the registered one (gym.make's max_episode_steps). */
  maxEpisodeSteps?: number;
}

const fixture = JSON.parse(readFileSync(fileURLToPath(new URL('../fixtures/gymnasium/wrappers.json', import.meta.url)), 'utf8')) as {
  gymnasium: string;
  cases: WrapperCase[];
};

type E = Env<any, any>;
const WRAPS: [RegExp, (e: E) => E][] = [
  [/^NormalizeObservation\(/, (e) => new NormalizeObservation(e)],
  [/^NormalizeReward\(CartPole/, (e) => new NormalizeReward(e, { gamma: 0.9 })],
  [/^NormalizeReward\(NormalizeObservation/, (e) => new NormalizeReward(new NormalizeObservation(e))],
  [/^RescaleAction\(Pendulum-v1, -1, 1\)/, (e) => new RescaleAction(e, -1, 1)],
  [/^RescaleAction\(Pendulum-v1, 0, 0.3\)/, (e) => new RescaleAction(e, 0, 0.3)],
  [/^ClipAction\(/, (e) => new ClipAction(e)],
  [/^TimeAwareObservation\(CartPole-v1\)/, (e) => new TimeAwareObservation(e)],
  [/normalize_time/, (e) => new TimeAwareObservation(e, { normalizeTime: true })],
];

/** Replay a case (reset, recorded state and wrapper statistics, then every step); first difference or null. */
function replay(c: WrapperCase, onStep?: (env: E, t: number) => E): string | null {
  const wrap = WRAPS.find(([re]) => re.test(c.name))?.[1];
  if (!wrap) return `no wrapper for ${c.name}`;
  let env = wrap(make(c.env, c.maxEpisodeSteps ? { ...c.kwargs, maxEpisodeSteps: c.maxEpisodeSteps } : c.kwargs));
  env.reset({ seed: 0 });
  (env.unwrapped as unknown as { state: Float64Array }).state = Float64Array.from(c.state);
  setWrapperStates(env, c.wrapperStates);
  const obs = f64(c.obs);
  const rewards = caseRewards(c);
  const actions = caseActions(c);
  for (let t = 0; t < actions.length; t++) {
    if (onStep) env = onStep(env, t);
    const [o, r, te, tr] = env.step(actions[t] as never) as unknown as [ArrayLike<number>, number, boolean, boolean];
    for (let i = 0; i < c.obsSize; i++) if (!Object.is(o[i], obs[t * c.obsSize + i])) return `step ${t}: obs[${i}] = ${o[i]}, Gymnasium ${obs[t * c.obsSize + i]}`;
    if (!Object.is(r, rewards[t])) return `step ${t}: reward ${r}, Gymnasium ${rewards[t]}`;
    if (te !== (c.terminated[t] === '1') || tr !== (c.truncated[t] === '1')) return `step ${t}: flags differ`;
  }
  return null;
}

describe('wrappers, step for step as Gymnasium 1.4.0', () => {
  it('fixture made by Gymnasium 1.4.0', () => expect(fixture.gymnasium).toBe('1.4.0'));
  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s', (_n, c) => {
    expect(replay(c)).toBeNull();
  });

  it('normalisation state saved mid-episode and restored into a new chain continues exactly', () => {
    const c = fixture.cases.find((k) => k.name.startsWith('NormalizeReward(NormalizeObservation'))!;
    // At step 120, rebuild the chain around a fresh env with the same physical state and the
    // saved statistics (through JSON), and carry on.
    const result = replay(c, (env, t) => {
      if (t !== 120) return env;
      const saved = JSON.parse(JSON.stringify(getWrapperStates(env))) as WrapperState[];
      const state = (env.unwrapped as unknown as { state: Float64Array }).state;
      // The fresh TimeLimit counts from here: 200 − 120 steps are left.
      const fresh = new NormalizeReward(new NormalizeObservation(make(c.env, { maxEpisodeSteps: 80 })));
      fresh.reset({ seed: 5 }); // updates its statistics: setWrapperStates must overwrite them
      (fresh.unwrapped as unknown as { state: Float64Array }).state = state;
      setWrapperStates(fresh, saved);
      return fresh;
    });
    expect(result).toBeNull();
  });

  it('the saved statistics matter (without them the replay differs)', () => {
    const c = fixture.cases.find((k) => k.name.startsWith('NormalizeObservation('))!;
    const env = new NormalizeObservation(make(c.env));
    env.reset({ seed: 0 });
    (env.unwrapped as unknown as { state: Float64Array }).state = Float64Array.from(c.state);
    const [o] = env.step(caseActions(c)[0] as number);
    expect(Array.from(o)).not.toEqual(Array.from(f64(c.obs).subarray(0, 4)));
  });
});
