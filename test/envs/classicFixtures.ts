// Shared loader for the classic-control reference trajectories (test/fixtures/classic/*.json).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AcrobotEnv } from '../../envs/classic/acrobot.js';
import { CartPoleEnv } from '../../envs/classic/cartpole.js';
import { MountainCarContinuousEnv } from '../../envs/classic/continuousMountainCar.js';
import { MountainCarEnv } from '../../envs/classic/mountainCar.js';
import { PendulumEnv } from '../../envs/classic/pendulum.js';
import type { Env } from '../../envs/core/env.js';

export interface FixtureCase {
  name: string;
  /** Set in long_cr.json, which mixes envs. */
  env?: string;
  trig: 'libm' | 'cr';
  state: number[];
  stateDtype: 'float64' | 'float32';
  maxEpisodeSteps: number;
  kwargs?: Record<string, unknown>;
  attrs?: Record<string, unknown>;
  actions: (number | number[])[];
  obs: number[][];
  rewards: number[];
  terminated: boolean[];
  truncated: boolean[];
}

export interface Fixture {
  env: string;
  cases: FixtureCase[];
}

/** Per-env libm-mode fixtures, plus long_cr.json (long chaotic episodes, correctly rounded libm). */
export const FIXTURES = ['cartpole', 'acrobot', 'mountain_car', 'mountain_car_continuous', 'pendulum', 'long_cr'] as const;

export function loadFixture(name: (typeof FIXTURES)[number]): Fixture {
  const url = new URL(`../fixtures/classic/${name}.json`, import.meta.url);
  return JSON.parse(readFileSync(fileURLToPath(url), 'utf8')) as Fixture;
}

type AnyEnv = Env<Float32Array, any> & { state: unknown };

export function makeDirect(id: string, kwargs: Record<string, unknown> = {}): AnyEnv {
  switch (id) {
    case 'CartPole-v0':
    case 'CartPole-v1':
      return new CartPoleEnv(kwargs);
    case 'Acrobot-v1':
      return new AcrobotEnv(kwargs);
    case 'MountainCar-v0':
      return new MountainCarEnv(kwargs);
    case 'MountainCarContinuous-v0':
      return new MountainCarContinuousEnv(kwargs);
    case 'Pendulum-v1':
      return new PendulumEnv(kwargs);
    default:
      throw new Error(`no env ${id}`);
  }
}

/**
 * Replay one case on the unwrapped env (truncation counted here, as TimeLimit does) and return
 * a description of the first step that differs, or null when every step matches exactly.
 */
export function replay(envId: string, c: FixtureCase): string | null {
  const env = makeDirect(envId, c.kwargs);
  Object.assign(env, c.attrs ?? {});
  env.reset({ seed: 0 });
  env.state = c.stateDtype === 'float32' ? Float32Array.from(c.state) : c.state.slice();
  for (let t = 0; t < c.actions.length; t++) {
    const a = c.actions[t]!;
    const [obs, reward, terminated, truncatedByEnv] = env.step(typeof a === 'number' ? a : Float32Array.from(a));
    const truncated = truncatedByEnv || t + 1 >= c.maxEpisodeSteps;
    if (!(obs instanceof Float32Array)) return `step ${t}: observation is not a Float32Array`;
    const want = c.obs[t]!;
    for (let i = 0; i < want.length; i++) {
      if (obs[i] !== want[i]) return `step ${t}: obs[${i}] = ${obs[i]}, expected ${want[i]} (obs ${[...obs]})`;
    }
    if (reward !== c.rewards[t]) return `step ${t}: reward ${reward}, expected ${c.rewards[t]}`;
    if (terminated !== c.terminated[t]) return `step ${t}: terminated ${terminated}, expected ${c.terminated[t]}`;
    if (truncated !== c.truncated[t]) return `step ${t}: truncated ${truncated}, expected ${c.truncated[t]}`;
  }
  return null;
}
