// Collecting whole episodes with the typed-array policy: observations, the
// actions with the noise that drew them, rewards, and how each episode ended.
import type { Env } from '../envs/index.js';
import { stream, type Rng } from '../src/random/index.js';
import type { Policy } from './policy.js';

export interface Rollout {
  /** Row-major [T, obsSize]. */
  obs: Float32Array;
  /** Row-major [T, size]: one-hot / 0-1 / unclipped actions. */
  b: Float32Array;
  /** Row-major [T, size]: the noise that drew each action. */
  noise: Float32Array;
  rewards: Float32Array;
  /** Cumulative step counts at which episodes end (exclusive). */
  episodeEnds: number[];
  /** Per episode: whether it was truncated (time limit) rather than terminated. */
  truncated: boolean[];
  /** Per episode: the observation after the last step (to bootstrap truncated episodes). */
  finalObs: Float32Array[];
  /** Per episode: undiscounted return and length. */
  returns: number[];
  lengths: number[];
  steps: number;
}

/** Play episodes until `minEpisodes` are done and at least `minSteps` steps taken. */
export function collect(env: Env<any, any>, policy: Policy, rng: Rng, minEpisodes: number, minSteps = 0, seedFor?: () => number | undefined): Rollout {
  const obsSize = policy.observationSize;
  const k = policy.size;
  const obs: number[] = [];
  const b: number[] = [];
  const noise: number[] = [];
  const rewards: number[] = [];
  const r: Rollout = {
    obs: new Float32Array(),
    b: new Float32Array(),
    noise: new Float32Array(),
    rewards: new Float32Array(),
    episodeEnds: [],
    truncated: [],
    finalObs: [],
    returns: [],
    lengths: [],
    steps: 0,
  };
  while (r.episodeEnds.length < minEpisodes || rewards.length < minSteps) {
    let [o] = env.reset({ seed: seedFor?.() }) as [Float32Array, unknown];
    let total = 0;
    let length = 0;
    for (;;) {
      const a = policy.sample(o, rng);
      for (let i = 0; i < obsSize; i++) obs.push(o[i]);
      for (let i = 0; i < k; i++) {
        b.push(a.b[i]);
        noise.push(a.noise[i]);
      }
      const [next, reward, terminated, truncated] = env.step(a.action);
      rewards.push(reward);
      total += reward;
      length++;
      o = next as Float32Array;
      if (terminated || truncated) {
        r.episodeEnds.push(rewards.length);
        r.truncated.push(Boolean(truncated) && !terminated);
        r.finalObs.push(Float32Array.from(o));
        r.returns.push(total);
        r.lengths.push(length);
        break;
      }
    }
  }
  r.obs = Float32Array.from(obs);
  r.b = Float32Array.from(b);
  r.noise = Float32Array.from(noise);
  r.rewards = Float32Array.from(rewards);
  r.steps = rewards.length;
  return r;
}

/** Consecutive rollouts as one (episode ends shifted). */
export function joinRollouts(parts: Rollout[]): Rollout {
  if (parts.length === 1) return parts[0];
  const cat = (key: 'obs' | 'b' | 'noise' | 'rewards') => {
    const out = new Float32Array(parts.reduce((n, p) => n + p[key].length, 0));
    parts.reduce((at, p) => (out.set(p[key], at), at + p[key].length), 0);
    return out;
  };
  let offset = 0;
  const episodeEnds: number[] = [];
  for (const p of parts) {
    for (const end of p.episodeEnds) episodeEnds.push(end + offset);
    offset += p.steps;
  }
  return {
    obs: cat('obs'),
    b: cat('b'),
    noise: cat('noise'),
    rewards: cat('rewards'),
    episodeEnds,
    truncated: parts.flatMap((p) => p.truncated),
    finalObs: parts.flatMap((p) => p.finalObs),
    returns: parts.flatMap((p) => p.returns),
    lengths: parts.flatMap((p) => p.lengths),
    steps: offset,
  };
}

/**
 * The batch of whole episodes an update trains on: `e` episodes and at least
 * `s` steps, but never more than `left` episodes, so a budget is exact.
 */
export function collectBatch(env: Env<any, any>, policy: Policy, rng: Rng, e: number, s: number, left: number, seedFor: () => number | undefined): Rollout {
  if (s <= 0 && e <= left) return collect(env, policy, rng, e, s, seedFor);
  // One episode at a time: the very draws one collect(e, s) call makes, but able to stop at the budget.
  const parts: Rollout[] = [];
  for (let steps = 0; parts.length < Math.max(1, left) && (parts.length < e || steps < s); steps += parts[parts.length - 1].steps) {
    parts.push(collect(env, policy, rng, 1, 0, seedFor));
  }
  return joinRollouts(parts);
}

/** Returns and lengths of `episodes` episodes with the policy (its mode if `deterministic`), the first reset seeded with `seed`. */
export function evaluateEpisodes(policy: Policy, env: Env<any, any>, episodes: number, seed: number, deterministic: boolean): { returns: number[]; lengths: number[] } {
  const rng = stream(seed, 'evaluate');
  const returns: number[] = [];
  const lengths: number[] = [];
  for (let e = 0; e < episodes; e++) {
    let [obs] = env.reset({ seed: e === 0 ? seed : undefined }) as [Float32Array, unknown];
    let total = 0;
    let length = 0;
    for (;;) {
      const a = policy.sample(obs, rng, deterministic);
      const [next, reward, terminated, truncated] = env.step(a.action);
      total += reward;
      length++;
      obs = next as Float32Array;
      if (terminated || truncated) break;
    }
    returns.push(total);
    lengths.push(length);
  }
  return { returns, lengths };
}

/** Returns of `episodes` episodes with the policy (its mode if `deterministic`), the first reset seeded with `seed`. */
export function evaluatePolicy(policy: Policy, env: Env<any, any>, episodes: number, seed: number, deterministic: boolean): number[] {
  return evaluateEpisodes(policy, env, episodes, seed, deterministic).returns;
}
