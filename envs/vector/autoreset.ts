// Gymnasium 1.x's three autoreset modes for vector envs (gymnasium.vector.AutoresetMode), shared
// by SyncVectorEnv and the AsyncVectorEnv workers so both step an env the same way:
//
// - 'next_step' (default): an env that ends at step t returns its final observation at t and is
//   reset at t + 1, where its action is ignored, its reward is 0 and both flags are false.
// - 'same_step': an env that ends is reset in the same step; the observation returned is the
//   reset one, the final observation and info are in infos.final_obs / infos.final_info (with
//   masks _final_obs / _final_info); reward and flags are those of the final step.
// - 'disabled': nothing is reset automatically; stepping an env that ended is an error until it
//   is reset with `reset({ options: { reset_mask } })` (a boolean per env) or a full reset.
import { UserError } from '../../src/errors.js';
import type { Env, Info } from '../core/env.js';
import { preview } from '../spaces/util.js';

export const AutoresetMode = { NEXT_STEP: 'next_step', SAME_STEP: 'same_step', DISABLED: 'disabled' } as const;
export type AutoresetMode = (typeof AutoresetMode)[keyof typeof AutoresetMode];

const NAMES: Record<string, AutoresetMode> = {
  next_step: 'next_step',
  NextStep: 'next_step',
  NEXT_STEP: 'next_step',
  same_step: 'same_step',
  SameStep: 'same_step',
  SAME_STEP: 'same_step',
  disabled: 'disabled',
  Disabled: 'disabled',
  DISABLED: 'disabled',
};

/** The mode named by `v` ('next_step', Gymnasium's 'NextStep', ...); undefined means 'next_step'. */
export function parseAutoresetMode(v: unknown, who: string): AutoresetMode {
  if (v === undefined) return 'next_step';
  const mode = typeof v === 'string' ? NAMES[v] : undefined;
  if (mode === undefined) throw new UserError(`${who}: autoresetMode must be 'next_step', 'same_step' or 'disabled', got ${preview(v)}`);
  return mode;
}

/**
 * `options.reset_mask` as one 0/1 per env, or undefined if absent. As Gymnasium: a boolean array
 * (here boolean[] or Uint8Array of 0/1) with one entry per env and at least one true.
 */
export function parseResetMask(options: Record<string, unknown> | undefined, n: number, who: string): Uint8Array | undefined {
  if (options === undefined || !('reset_mask' in options)) return undefined;
  const m = options.reset_mask;
  const ok = (Array.isArray(m) && m.every((b) => typeof b === 'boolean')) || (m instanceof Uint8Array && m.every((b) => b <= 1));
  if (!ok) throw new UserError(`${who}: options.reset_mask must be a boolean[] (or a Uint8Array of 0/1), got ${preview(m)}`);
  const mask = m as ArrayLike<boolean | number>;
  if (mask.length !== n) throw new UserError(`${who}: options.reset_mask must have ${n} entries (one per env), got ${mask.length}`);
  const out = Uint8Array.from(mask as ArrayLike<number>, (b) => (b ? 1 : 0));
  if (!out.includes(1)) throw new UserError(`${who}: options.reset_mask must contain at least one true`);
  return out;
}

/** The options passed on to each env's reset: `options` without reset_mask (undefined if empty). */
export function envResetOptions(options: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (options === undefined || !('reset_mask' in options)) return options;
  const { reset_mask: _mask, ...rest } = options;
  return Object.keys(rest).length > 0 ? rest : undefined;
}

/** The seed of each env: seed + i for a number, the given list, or none. */
export function envSeeds(seed: number | readonly (number | undefined)[] | undefined, n: number, who: string): (number | undefined)[] {
  if (seed === undefined) return new Array<undefined>(n);
  if (typeof seed === 'number') return Array.from({ length: n }, (_, i) => seed + i);
  if (!Array.isArray(seed)) throw new UserError(`${who}: seed must be a number or one per env, got ${preview(seed)}`);
  if (seed.length !== n) throw new UserError(`${who}: got ${seed.length} seeds for ${n} envs`);
  return [...seed];
}

function endedError(i: number, who: string): UserError {
  return new UserError(`${who}: env ${i} ended at the previous step and autoreset is disabled; reset it first with reset({ options: { reset_mask } })`);
}

/** Under 'disabled', refuse a vector step (before anything changes) if an env has ended (ended[i] = 1). */
export function refuseEnded(ended: Uint8Array, who: string): void {
  const i = ended.indexOf(1);
  if (i >= 0) throw endedError(i, who);
}

/** One env's part of a vector step. */
export interface EnvStep {
  obs: unknown;
  reward: number;
  terminated: boolean;
  truncated: boolean;
  info: Info;
  /** Set under 'same_step' when the env ended: its last observation and info (before the reset). */
  final?: { obs: unknown; info: Info };
}

/**
 * Step env i under `mode`. `ended` says whether its previous step ended the episode (the caller
 * keeps it: the returned step's terminated || truncated is the next call's `ended`).
 */
export function stepEnv(env: Env<any, any>, action: unknown, mode: AutoresetMode, ended: boolean, i: number, who: string): EnvStep {
  if (mode === 'next_step' && ended) {
    const [obs, info] = env.reset();
    return { obs, reward: 0, terminated: false, truncated: false, info };
  }
  if (mode === 'disabled' && ended) throw endedError(i, who);
  const [obs, reward, terminated, truncated, info] = env.step(action);
  if (mode === 'same_step' && (terminated || truncated)) {
    const [resetObs, resetInfo] = env.reset();
    return { obs: resetObs, reward, terminated, truncated, info: resetInfo, final: { obs, info } };
  }
  return { obs, reward, terminated, truncated, info };
}
