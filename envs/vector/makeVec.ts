// makeVec: n copies of a registered env in a SyncVectorEnv.
import { UserError } from '../../src/errors.js';
import type { Env } from '../core/env.js';
import { make, type MakeOptions } from '../core/registry.js';
import { SyncVectorEnv } from './syncVectorEnv.js';

export interface MakeVecOptions extends MakeOptions {
  /** Return fresh arrays from reset/step (default true); see SyncVectorEnv. */
  copy?: boolean;
  /** Wrappers applied to each env after make, innermost first. */
  wrappers?: ((env: Env<any, any>) => Env<any, any>)[];
}

export function makeVec<BO = Float32Array, BA = any>(id: string, numEnvs: number, options: MakeVecOptions = {}): SyncVectorEnv<BO, BA> {
  if (!Number.isInteger(numEnvs) || numEnvs <= 0) throw new UserError(`makeVec(${id}): numEnvs must be a positive integer, got ${numEnvs}`);
  const { copy, wrappers, ...makeOptions } = options;
  const fns = Array.from({ length: numEnvs }, () => () => {
    let env = make(id, makeOptions);
    for (const w of wrappers ?? []) env = w(env);
    return env;
  });
  const vec = new SyncVectorEnv<BO, BA>(fns, { copy });
  return vec;
}
