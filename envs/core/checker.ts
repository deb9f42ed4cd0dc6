// checkEnv: a checker users run on their own env (like Gymnasium's
// env_checker). It throws a UserError naming the first real problem and
// returns the softer findings as warnings.
import { UserError } from '../../src/errors.js';
import { Rng } from '../../src/random/index.js';
import { Box } from '../spaces/box.js';
import { explainNotContained } from '../spaces/explain.js';
import { spaceFromJSON, spacesEqual } from '../spaces/json.js';
import { Space } from '../spaces/space.js';
import { isPlainObject, preview } from '../spaces/util.js';
import { Wrapper } from '../wrappers/wrapper.js';
import { Env, type Info } from './env.js';

export interface CheckEnvOptions {
  /** Steps taken by the step-determinism check (default 20). */
  steps?: number;
  /** Also call render() if the env has a render mode (default true). */
  checkRender?: boolean;
}

/** Deep equality for observations, infos and the like (typed arrays by value; NaN equals NaN). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (ArrayBuffer.isView(a) || ArrayBuffer.isView(b)) {
    if (!ArrayBuffer.isView(a) || !ArrayBuffer.isView(b) || a.constructor !== b.constructor) return false;
    const x = a as unknown as ArrayLike<number>;
    const y = b as unknown as ArrayLike<number>;
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) return false;
    return true;
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

function fail(msg: string): never {
  throw new UserError(`checkEnv: ${msg}`);
}

function checkSpace(space: unknown, which: string, warnings: string[]): Space<unknown> {
  if (!(space instanceof Space)) fail(`${which} is not a Space (got ${preview(space)})`);
  let json: Record<string, unknown>;
  try {
    json = space.toJSON();
  } catch (e) {
    fail(`${which}.toJSON() threw: ${(e as Error).message}`);
  }
  try {
    const back = spaceFromJSON(json);
    if (!spacesEqual(back, space)) warnings.push(`${which} does not survive toJSON/spaceFromJSON unchanged`);
  } catch (e) {
    warnings.push(`${which} cannot be rebuilt with spaceFromJSON (${(e as Error).message}); saved agents cannot record it`);
  }
  for (let i = 0; i < 5; i++) {
    const s = space.sample();
    const why = explainNotContained(space, s);
    if (why !== undefined) fail(`${which}.sample() gave a value outside ${space.toString()}: ${why}`);
  }
  if (space instanceof Box) {
    let degenerate = false;
    for (let i = 0; i < space.size; i++) if (space.low[i] === space.high[i]) degenerate = true;
    if (degenerate) warnings.push(`${which} ${space.toString()} has an element with low == high`);
    if (which === 'actionSpace' && space.isBounded('both')) {
      let asymmetric = false;
      for (let i = 0; i < space.size; i++) if (space.low[i] !== -space.high[i]) asymmetric = true;
      if (asymmetric) warnings.push(`actionSpace ${space.toString()} is not symmetric; agents usually assume [-1, 1] (rescale it)`);
    }
    if (which === 'actionSpace' && !space.isBounded('both')) {
      warnings.push(`actionSpace ${space.toString()} is unbounded; agents cannot know the action range`);
    }
  }
  return space;
}

function checkReset(env: Env<unknown, unknown>, opts: Parameters<Env['reset']>[0], what: string): [unknown, Info] {
  let result: unknown;
  try {
    result = env.reset(opts);
  } catch (e) {
    if (e instanceof UserError) fail(`${what} threw: ${e.message}`);
    throw e;
  }
  if (!Array.isArray(result) || result.length !== 2) fail(`${what} must return [observation, info], got ${preview(result)}`);
  const [obs, info] = result as [unknown, unknown];
  if (!isPlainObject(info)) fail(`${what} must return a plain-object info, got ${preview(info)}`);
  const why = explainNotContained(env.observationSpace, obs);
  if (why !== undefined) fail(`the observation from ${what} is not in ${env.observationSpace.toString()}: ${why}`);
  return [obs, info];
}

type Step = [unknown, number, boolean, boolean, Info];

function checkStep(env: Env<unknown, unknown>, action: unknown, warnings: string[]): Step {
  const result: unknown = env.step(action);
  if (!Array.isArray(result) || result.length !== 5) {
    fail(`step() must return [obs, reward, terminated, truncated, info], got ${preview(result)}`);
  }
  const [obs, reward, terminated, truncated, info] = result as unknown[];
  const why = explainNotContained(env.observationSpace, obs);
  if (why !== undefined) fail(`the observation from step() is not in ${env.observationSpace.toString()}: ${why}`);
  if (typeof reward !== 'number') fail(`step() reward must be a number, got ${preview(reward)}`);
  if (Number.isNaN(reward)) fail('step() returned a NaN reward');
  if (!Number.isFinite(reward)) warnings.push(`step() returned an infinite reward (${reward})`);
  if (typeof terminated !== 'boolean') fail(`step() terminated must be a boolean, got ${preview(terminated)}`);
  if (typeof truncated !== 'boolean') fail(`step() truncated must be a boolean, got ${preview(truncated)}`);
  if (!isPlainObject(info)) fail(`step() info must be a plain object, got ${preview(info)}`);
  return [obs, reward, terminated, truncated, info];
}

function rngState(env: Env<unknown, unknown>): string | undefined {
  const rng = (env.unwrapped as unknown as { npRandom?: unknown }).npRandom;
  return rng instanceof Rng ? JSON.stringify(rng.state()) : undefined;
}

function copyValue(x: unknown): unknown {
  if (ArrayBuffer.isView(x)) return (x as Float32Array).slice();
  if (Array.isArray(x)) return x.map(copyValue);
  if (isPlainObject(x)) return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, copyValue(v)]));
  return x;
}

/** Runs `steps` seeded steps from reset({seed}), resetting when an episode ends. */
function rollout(env: Env<unknown, unknown>, seed: number, steps: number, warnings: string[]): unknown[] {
  // Reset infos are left out: they may carry counters; observations must match.
  const trace: unknown[] = [copyValue(checkReset(env, { seed }, `reset({seed: ${seed}})`)[0])];
  env.actionSpace.seed(seed);
  for (let t = 0; t < steps; t++) {
    const step = checkStep(env, env.actionSpace.sample(), warnings);
    trace.push(copyValue(step));
    if (step[2] || step[3]) trace.push(copyValue(checkReset(env, {}, 'reset()')[0]));
  }
  return trace;
}

/**
 * Checks that `env` follows the API: well-formed spaces; reset({seed, options})
 * and step() returning values of the right types with observations in the
 * observation space; the same seed giving the same observations, rewards and
 * flags; reset({seed}) reseeding the env's generator (`super.reset(opts)`).
 * Throws a UserError for the first problem; returns warnings otherwise.
 */
export function checkEnv(env: Env<any, any>, opts: CheckEnvOptions = {}): string[] {
  const warnings: string[] = [];
  const steps = opts.steps ?? 20;
  if (!(env instanceof Env)) fail(`expected an Env, got ${preview(env)}`);
  if (env instanceof Wrapper) {
    warnings.push(`the env is wrapped (${env.toString()}); checkEnv is meant for the env itself (pass env.unwrapped)`);
  }
  checkSpace(env.observationSpace, 'observationSpace', warnings);
  checkSpace(env.actionSpace, 'actionSpace', warnings);
  if (typeof env.reset !== 'function' || typeof env.step !== 'function') fail('reset and step must be methods');

  // Reset determinism and reseeding.
  const [obs1] = copyValue(checkReset(env, { seed: 123 }, 'reset({seed: 123})')) as [unknown, Info];
  const state1 = rngState(env);
  const [obs2] = copyValue(checkReset(env, { seed: 123 }, 'reset({seed: 123}) (second time)')) as [unknown, Info];
  const state2 = rngState(env);
  if (!deepEqual(obs1, obs2)) fail('reset({seed: 123}) is not deterministic: two calls gave different observations');
  if (state1 === undefined) {
    warnings.push("the env's npRandom is not an Rng; cannot check that reset({seed}) reseeds it");
  } else {
    if (state1 !== state2) fail('reset({seed}) does not reseed npRandom: call super.reset(opts) first in reset()');
    checkReset(env, { seed: 456 }, 'reset({seed: 456})');
    if (rngState(env) === state1) fail('reset({seed}) does not reseed npRandom: call super.reset(opts) first in reset()');
    // An unseeded reset must continue the seeded stream, not reseed from entropy.
    checkReset(env, { seed: 123 }, 'reset({seed: 123})');
    const [x] = copyValue(checkReset(env, {}, 'reset() without a seed')) as [unknown, Info];
    checkReset(env, { seed: 123 }, 'reset({seed: 123})');
    const [y] = copyValue(checkReset(env, {}, 'reset() without a seed')) as [unknown, Info];
    if (!deepEqual(x, y)) fail('reset() without a seed after reset({seed}) is not reproducible: it must not reseed npRandom');
  }
  checkReset(env, { options: {} }, 'reset({options: {}})');

  // Step types and determinism.
  const a = rollout(env, 123, steps, warnings);
  const b = rollout(env, 123, steps, warnings);
  for (let i = 0; i < a.length; i++) {
    if (!deepEqual(a[i], b[i])) fail(`step() is not deterministic under the same seed: traces differ at entry ${i}`);
  }

  if (opts.checkRender !== false && env.renderMode !== undefined) {
    if (!env.metadata.renderModes.includes(env.renderMode)) {
      fail(`renderMode '${env.renderMode}' is not in metadata.renderModes (${env.metadata.renderModes.join(', ')})`);
    }
    const frame = env.render();
    if (env.renderMode === 'ansi' && typeof frame !== 'string') fail(`render() in 'ansi' mode must return a string, got ${preview(frame)}`);
    if (env.renderMode === 'rgb_array') {
      const f = frame as { width?: number; height?: number; data?: unknown } | undefined;
      if (!f || !(f.data instanceof Uint8ClampedArray) || f.data.length !== (f.width ?? 0) * (f.height ?? 0) * 4) {
        fail("render() in 'rgb_array' mode must return { width, height, data: Uint8ClampedArray of width × height × 4 }");
      }
    }
  }
  return warnings;
}
