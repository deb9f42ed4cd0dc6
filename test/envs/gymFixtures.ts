// Loader and replay for the cases recorded from Gymnasium 1.4.0 itself
// (test/fixtures/gymnasium/generate.py): observations and Box actions are base64 little-endian
// float32 arrays, rewards a list of integers or base64 float64, flags strings of 0/1, and `libm`
// the steps where a libm result inside Gymnasium's step was not correctly rounded.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import '../../envs/classic/register.js';
import type { Env } from '../../envs/core/env.js';
import { make } from '../../envs/core/registry.js';

export interface GymCase {
  name: string;
  env: string;
  kwargs: Record<string, unknown>;
  state: number[];
  stateDtype: 'float64' | 'float32';
  actions: string | number[];
  actionSize: number;
  obs: string;
  obsSize: number;
  rewards: string | number[];
  terminated: string;
  truncated: string;
  /** [step, mask]: 1 a misrounded value entered the new state, 2 only the reward, 4 only the observation or termination test. */
  libm?: [number, number][];
}

export interface GymFixture {
  gymnasium: string;
  numpy: string;
  cases: GymCase[];
}

export const DYNAMICS = 1;
export const REWARD = 2;
export const OUTPUT = 4;

export function loadGymFixture(name: 'clip' | 'goal' | 'long'): GymFixture {
  const url = new URL(`../fixtures/gymnasium/${name}.json`, import.meta.url);
  return JSON.parse(readFileSync(fileURLToPath(url), 'utf8')) as GymFixture;
}

function bytes(b64: string): Buffer {
  return Buffer.from(b64, 'base64');
}

export function f64(b64: string): Float64Array {
  const b = bytes(b64);
  return new Float64Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length));
}

export function f32(b64: string): Float32Array {
  const b = bytes(b64);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length));
}

export function caseRewards(c: { rewards: string | number[] }): ArrayLike<number> {
  return typeof c.rewards === 'string' ? f64(c.rewards) : c.rewards;
}

/** The case's actions, one per step (numbers for Discrete, Float32Array for Box). */
export function caseActions(c: GymCase): (number | Float32Array)[] {
  if (Array.isArray(c.actions)) return c.actions;
  const flat = f32(c.actions);
  const n = flat.length / c.actionSize;
  return Array.from({ length: n }, (_, t) => flat.slice(t * c.actionSize, (t + 1) * c.actionSize));
}

/** The gap from x to the next float of the same precision: float64, or float32 with f32. */
export function ulp(x: number, f32 = false): number {
  const a = Math.abs(x);
  if (!Number.isFinite(a)) return 0;
  const e = Math.max(Math.floor(Math.log2(a || 2 ** -1074)), f32 ? -126 : -1022);
  return 2 ** (e - (f32 ? 23 : 52));
}

type Unwrapped = Env<Float32Array, any> & { state: ArrayLike<number> };

/**
 * A copy of `u` (same id and options, same scalar fields such as CartPole's steps-past-the-end
 * count) whose state component i is moved by `sign` × one nudge: one float32 ulp for a float32
 * state, else one float64 ulp of max(|x|, 1), the size a one-ulp libm error can move it by.
 */
function nudged(c: GymCase, u: Unwrapped, i: number, sign: number): Unwrapped {
  const copy = make(c.env, c.kwargs).unwrapped as Unwrapped;
  copy.reset({ seed: 0 });
  for (const [k, v] of Object.entries(u)) if (v === null || typeof v !== 'object') (copy as any)[k] = v;
  const s = u.state;
  const isF32 = s instanceof Float32Array;
  const next = Array.from(s);
  next[i] += sign * ulp(isF32 ? next[i]! : Math.max(Math.abs(next[i]!), 1), isF32);
  copy.state = isF32 ? Float32Array.from(next) : Float64Array.from(next);
  return copy;
}

/** What a replay found: null error when every difference is one the recorded libm misroundings explain. */
export interface Replay {
  error: string | null;
  /** First step whose observation differs from Gymnasium's (-1: none), and likewise for the reward. */
  obsDiverges: number;
  rewardDiverges: number;
  /** First step with a misrounded libm value in the dynamics (-1: none). */
  firstMisround: number;
}

/**
 * Replay a case through `make` (checker, order enforcing, time limit), from the recorded state.
 *
 * Flags must match on every step. Observations and rewards must match bit for bit, except where
 * a misrounded libm value recorded by the generator explains a difference (relax-pg's sin/cos
 * are correctly rounded and its squares are x·x rounded once):
 * - a misrounding only in the observation (mask 4): one float32 ulp per element at that step;
 * - only in the reward (mask 2, Pendulum's θ², θ̇² in float64 and u² in float32): 4 float64 ulps
 *   of the reward plus 2^-30 (two float32 ulps of 0.001·u² ≤ 0.004) at that step;
 * - in the dynamics (mask 1) at step m: from m on the float64 state may differ. To first order
 *   the difference is a sum over the state components of (change of the outputs when that
 *   component is nudged at m) × (nudge), and a one-ulp error in sin, cos or x² moves the next
 *   state by at most about one nudge (see `nudged`; e.g. CartPole: tau·g·ulp(sin)/(l·1.27) ≈
 *   0.2 ulp of θ̇). So for every such step the replay runs 2 × (state size) copies of the env,
 *   its new state nudged up or down in one component, alongside from step m + 1, and allows, per element, twice the sum over components of the larger of the two nudged
 *   changes, summed over all misrounded steps so far, plus two float32 ulps (float64 ulps for
 *   rewards). This bound grows with the chaos by itself: tight (zero) while the nudges stay
 *   invisible in float32, large once the episode has forgotten its last bits.
 */
export function replayGym(c: GymCase, change: { kwargs?: Record<string, unknown>; state?: number[] } = {}): Replay {
  // `change` (for tests of this check): other env options (the nudged copies get them too) or start state.
  if (change.kwargs) c = { ...c, kwargs: { ...c.kwargs, ...change.kwargs } };
  const env = make(c.env, c.kwargs);
  env.reset({ seed: 0 });
  const u = env.unwrapped as unknown as Unwrapped;
  const start = change.state ?? c.state;
  u.state = c.stateDtype === 'float32' ? Float32Array.from(start) : Float64Array.from(start);
  const obs = f32(c.obs);
  const rewards = caseRewards(c);
  const actions = caseActions(c);
  const masks = new Map(c.libm ?? []);
  const dims = u.state.length;
  const copies: Unwrapped[][] = []; // per misrounded dynamics step: 2 · dims nudged copies
  const out: Replay = { error: null, obsDiverges: -1, rewardDiverges: -1, firstMisround: -1 };
  const fail = (msg: string): Replay => ({ ...out, error: msg });
  for (let t = 0; t < actions.length; t++) {
    const mask = masks.get(t) ?? 0;
    if (mask & DYNAMICS && out.firstMisround < 0) out.firstMisround = t;
    let r: [Float32Array, number, boolean, boolean, unknown];
    try {
      r = env.step(actions[t]) as typeof r;
    } catch (e) {
      return fail(`step ${t}: threw ${(e as Error).message}`);
    }
    const [o, reward, terminated, truncated] = r;
    if (!(o instanceof Float32Array)) return fail(`step ${t}: observation is not a Float32Array`);
    if (terminated !== (c.terminated[t] === '1')) return fail(`step ${t}: terminated ${terminated}, Gymnasium ${c.terminated[t] === '1'}`);
    if (truncated !== (c.truncated[t] === '1')) return fail(`step ${t}: truncated ${truncated}, Gymnasium ${c.truncated[t] === '1'}`);
    // Nudged copies: per output element, Σ over misrounded steps and components of the larger change.
    const spread = new Float64Array(c.obsSize + 1);
    for (const group of copies) {
      for (let k = 0; k < group.length; k += 2) {
        const [a, b] = [group[k]!.step(actions[t]), group[k + 1]!.step(actions[t])];
        for (let i = 0; i < c.obsSize; i++) spread[i] += Math.max(Math.abs(a[0][i]! - o[i]!), Math.abs(b[0][i]! - o[i]!));
        spread[c.obsSize] += Math.max(Math.abs(a[1] - reward), Math.abs(b[1] - reward));
      }
    }
    const drifting = out.firstMisround >= 0;
    for (let i = 0; i < c.obsSize; i++) {
      const want = obs[t * c.obsSize + i]!;
      if (Object.is(o[i], want)) continue;
      if (out.obsDiverges < 0) out.obsDiverges = t;
      const allowed = 2 * spread[i]! + (drifting ? 2 : mask & OUTPUT ? 1 : 0) * ulp(want, true);
      if (!(Math.abs(o[i]! - want) <= allowed)) {
        return fail(`step ${t}: obs[${i}] = ${o[i]}, Gymnasium ${want}, allowed ±${allowed.toPrecision(3)} (libm mask ${mask}${drifting ? ', drifting' : ''})`);
      }
    }
    const want = rewards[t]!;
    if (!Object.is(reward, want)) {
      if (out.rewardDiverges < 0) out.rewardDiverges = t;
      const allowed = 2 * spread[c.obsSize]! + (drifting ? 2 * ulp(want) : 0) + (mask & REWARD ? 4 * ulp(want) + 2 ** -30 : 0);
      if (!(Math.abs(reward - want) <= allowed)) return fail(`step ${t}: reward ${reward}, Gymnasium ${want}, allowed ±${allowed.toPrecision(3)}`);
    }
    // The misrounded value went into this step's new state: follow its nudged copies from here.
    if (mask & DYNAMICS) copies.push(Array.from({ length: 2 * dims }, (_, k) => nudged(c, u, k >> 1, k & 1 ? 1 : -1)));
  }
  env.close();
  return out;
}
