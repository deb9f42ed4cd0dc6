// The types `make` gives the bundled ids: [observation, action, unwrapped env]. The action type
// is the action space's value (Float32Array for a Box, as its sample()); step() also takes what
// the env itself accepts (e.g. a number[] for Pendulum). For any other id (your own, or an id
// only known at run time) make still returns Env<any, any> unless given type arguments, e.g.
// make<Float64Array, number, MyEnv>('MyEnv-v0'): it cannot know better, and a narrower default
// would break code that wraps such envs.
import type { LunarLander, LunarLanderContinuous } from '../box2d/lunarLander.js';
import type { Env, StepResult } from './env.js';
import type { AcrobotEnv } from '../classic/acrobot.js';
import type { CartPoleEnv } from '../classic/cartpole.js';
import type { MountainCarContinuousEnv } from '../classic/continuousMountainCar.js';
import type { MountainCarEnv } from '../classic/mountainCar.js';
import type { PendulumEnv } from '../classic/pendulum.js';
import type { InvertedPendulum } from '../mujoco/invertedPendulum.js';
import type { BernoulliToyEnv } from '../toy/bernoulliToy.js';
import type { CategoricalToyEnv } from '../toy/categoricalToy.js';

export interface RegisteredEnvs {
  'CartPole-v0': [Float32Array, number, CartPoleEnv];
  'CartPole-v1': [Float32Array, number, CartPoleEnv];
  'Acrobot-v1': [Float32Array, number, AcrobotEnv];
  'MountainCar-v0': [Float32Array, number, MountainCarEnv];
  'MountainCarContinuous-v0': [Float32Array, Float32Array, MountainCarContinuousEnv];
  'Pendulum-v1': [Float32Array, Float32Array, PendulumEnv];
  /** Discrete(4) actions, or a Box with `continuous: true`. */
  'LunarLander-v3': [Float32Array, number | Float32Array, LunarLander | LunarLanderContinuous];
  'LunarLanderContinuous-v3': [Float32Array, Float32Array, LunarLanderContinuous];
  'InvertedPendulum-v5': [Float32Array, Float32Array, InvertedPendulum];
  'BernoulliToy-v0': [Float32Array, Int8Array, BernoulliToyEnv];
  'CategoricalToy-v0': [Float32Array, number, CategoricalToyEnv];
}

/** What make(id) returns for a bundled id. */
export type MadeEnv<K extends keyof RegisteredEnvs> = Env<RegisteredEnvs[K][0], RegisteredEnvs[K][1]> & {
  readonly unwrapped: RegisteredEnvs[K][2];
  /** Also what the env itself takes (e.g. number[] for a Box action). */
  step(action: Parameters<RegisteredEnvs[K][2]['step']>[0]): StepResult<RegisteredEnvs[K][0]>;
};
