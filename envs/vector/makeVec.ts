// makeVec: n copies of a registered env in a SyncVectorEnv, or with vectorizationMode 'async'
// an AsyncVectorEnv (the envs stepped on worker threads), as Gymnasium's make_vec.
import { UserError } from '../../src/errors.js';
import type { Env } from '../core/env.js';
import { make, type MakeOptions } from '../core/registry.js';
import { AsyncVectorEnv, type AsyncVectorEnvOptions } from './asyncVectorEnv.js';
import { SyncVectorEnv, type SyncVectorEnvOptions } from './syncVectorEnv.js';

export interface MakeVecOptions extends MakeOptions {
  /** Return fresh arrays from reset/step (default true); see SyncVectorEnv. */
  copy?: boolean;
  /** Gymnasium's autoreset mode: 'next_step' (default), 'same_step' or 'disabled'. */
  autoresetMode?: SyncVectorEnvOptions['autoresetMode'];
  /** Wrappers applied to each env after make, innermost first (sync only: functions cannot reach a worker). */
  wrappers?: ((env: Env<any, any>) => Env<any, any>)[];
  /** 'sync' (default): SyncVectorEnv; 'async': AsyncVectorEnv. */
  vectorizationMode?: 'sync' | 'async';
  /** AsyncVectorEnv only: worker threads, modules to import, wrapping module, timeout. */
  workers?: number;
  imports?: AsyncVectorEnvOptions['imports'];
  wrapModule?: AsyncVectorEnvOptions['wrapModule'];
  timeoutMs?: number;
}

export function makeVec<BO = Float32Array, BA = any>(
  id: string,
  numEnvs: number,
  options: MakeVecOptions & { vectorizationMode: 'async' },
): AsyncVectorEnv<BO, BA>;
export function makeVec<BO = Float32Array, BA = any>(id: string, numEnvs: number, options?: MakeVecOptions): SyncVectorEnv<BO, BA>;
export function makeVec<BO = Float32Array, BA = any>(
  id: string,
  numEnvs: number,
  options: MakeVecOptions = {},
): SyncVectorEnv<BO, BA> | AsyncVectorEnv<BO, BA> {
  if (!Number.isInteger(numEnvs) || numEnvs <= 0) throw new UserError(`makeVec(${id}): numEnvs must be a positive integer, got ${numEnvs}`);
  const { copy, wrappers, autoresetMode, vectorizationMode, workers, imports, wrapModule, timeoutMs, ...makeOptions } = options;
  if (vectorizationMode === 'async') {
    if (wrappers !== undefined) throw new UserError(`makeVec(${id}): wrappers (functions) cannot be sent to worker threads; use wrapModule`);
    const specs = Array.from({ length: numEnvs }, () => ({ id, options: makeOptions }));
    return new AsyncVectorEnv<BO, BA>(specs, { copy, autoresetMode, workers, imports, wrapModule, timeoutMs });
  }
  if (vectorizationMode !== undefined && vectorizationMode !== 'sync') {
    throw new UserError(`makeVec(${id}): vectorizationMode must be 'sync' or 'async', got ${String(vectorizationMode)}`);
  }
  const fns = Array.from({ length: numEnvs }, () => () => {
    let env: Env<any, any> = make(id, makeOptions);
    for (const w of wrappers ?? []) env = w(env);
    return env;
  });
  return new SyncVectorEnv<BO, BA>(fns, { copy, autoresetMode });
}
