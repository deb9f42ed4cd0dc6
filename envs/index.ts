// relax-pg/envs: the Gymnasium 1.x API (Env, spaces, registry, wrappers,
// checker, vector envs) and, by importing this module, every bundled env
// registered under its Gymnasium id.
export {
  Env,
  type EnvSpec,
  type Info,
  type RenderMode,
  type ResetOptions,
  type RgbFrame,
  type StepResult,
} from './core/env.js';
export {
  register,
  unregister,
  make,
  spec,
  listEnvs,
  type EnvOptions,
  type EnvRegistration,
  type MakeOptions,
  type RegisteredSpec,
} from './core/registry.js';
export type { MadeEnv, RegisteredEnvs } from './core/registeredEnvs.js';
export { checkEnv, deepEqual, type CheckEnvOptions } from './core/checker.js';
export { isOneStepEnv, type OneStepEnv, type OneStepDistribution } from './core/oneStep.js';
export * from './spaces/index.js';
export * from './wrappers/index.js';
export * from './vector/index.js';

// Side-effect modules registering the bundled environments.
import './classic/register.js';
import './box2d/register.js';
import './mujoco/register.js';
import './toy/register.js';
// The binary VAE (MNIST) needs tfjs, so it lives at 'relax-pg/envs/vae' and
// registers BinaryVAE-v0 when imported: importing this module stays cheap.

// The bundled environments' classes and helpers (e.g. CartPoleEnv, mujocoReady).
export * from './classic/index.js';
export * from './box2d/index.js';
export * from './mujoco/index.js';
export * from './toy/index.js';
