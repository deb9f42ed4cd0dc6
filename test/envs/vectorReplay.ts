// Replays Gymnasium's SyncVectorEnv calls recorded in test/fixtures/gymnasium/vector.json (three
// autoreset modes on a small deterministic env) against a vector env of ours.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Env, type Info, type ResetOptions, type StepResult } from '../../envs/core/env.js';
import { register } from '../../envs/core/registry.js';
import { Box } from '../../envs/spaces/box.js';
import { Discrete } from '../../envs/spaces/discrete.js';

/** The generator's `Steps` env: obs [episode, 10·t + a], reward t + a/10, ends after `terminateAt` steps. */
export class StepsEnv extends Env<Float32Array, number> {
  readonly observationSpace = new Box(-1000, 1000, [2], 'float32');
  readonly actionSpace = new Discrete(3);
  episode = 0;
  t = 0;

  constructor(readonly terminateAt: number) {
    super();
  }

  override reset(opts: ResetOptions = {}): [Float32Array, Info] {
    super.reset(opts);
    this.episode++;
    this.t = 0;
    return [Float32Array.of(this.episode, 0), { episode: this.episode }];
  }

  step(a: number): StepResult<Float32Array> {
    this.t++;
    return [Float32Array.of(this.episode, this.t * 10 + a), this.t + a / 10, this.t >= this.terminateAt, false, { t: this.t }];
  }
}

/** As the generator: envs ending after 2 and 4 steps (terminated) and 3 (truncated, TimeLimit 3). */
export function registerStepsEnvs(): void {
  register({ id: 'TestSteps2-v0', entryPoint: () => new StepsEnv(2) });
  register({ id: 'TestSteps4-v0', entryPoint: () => new StepsEnv(4) });
  register({ id: 'TestSteps100-v0', entryPoint: () => new StepsEnv(100), maxEpisodeSteps: 3 });
}

export interface VectorCall {
  call: 'reset' | 'step';
  seed?: number;
  mask?: number[];
  actions?: number[];
  obs: number[][];
  rewards?: number[];
  terminated?: number[];
  truncated?: number[];
  infos: Record<string, unknown>;
}

export function loadVectorFixture(): Record<'NextStep' | 'SameStep' | 'Disabled', VectorCall[]> {
  const url = new URL('../fixtures/gymnasium/vector.json', import.meta.url);
  return JSON.parse(readFileSync(fileURLToPath(url), 'utf8')).modes;
}

/** Typed arrays to number arrays, undefined to null, recursively (the fixture's JSON form). */
export function plain(x: unknown): unknown {
  if (x === undefined || x === null) return null;
  if (ArrayBuffer.isView(x)) return Array.from(x as unknown as ArrayLike<number>);
  if (Array.isArray(x)) return x.map(plain);
  if (typeof x === 'object') return Object.fromEntries(Object.entries(x as object).map(([k, v]) => [k, plain(v)]));
  return x;
}

interface VectorLike {
  reset(opts?: { seed?: number; options?: Record<string, unknown> }): [unknown, Record<string, unknown>];
  step(actions: Int32Array): [unknown, Float64Array, Uint8Array, Uint8Array, Record<string, unknown>];
}

/** Replay the calls; returns the first difference found, or null. */
export function replayVector(vec: VectorLike, calls: VectorCall[]): string | null {
  for (const [k, c] of calls.entries()) {
    let got: Record<string, unknown>;
    if (c.call === 'reset') {
      const opts = c.mask ? { options: { reset_mask: c.mask.map(Boolean) } } : { seed: c.seed };
      const [obs, infos] = vec.reset(opts);
      got = { obs: plain(obs), infos: plain(infos) };
    } else {
      const [obs, rewards, terminated, truncated, infos] = vec.step(Int32Array.from(c.actions!));
      got = { obs: plain(obs), rewards: plain(rewards), terminated: plain(terminated), truncated: plain(truncated), infos: plain(infos) };
    }
    const want: Record<string, unknown> = { obs: c.obs.flat(), infos: c.infos };
    if (c.call === 'step') Object.assign(want, { rewards: c.rewards, terminated: c.terminated, truncated: c.truncated });
    // final_obs entries are per-env observations (arrays), null for the envs that did not end.
    const a = JSON.stringify(sortKeys(got));
    const b = JSON.stringify(sortKeys(want));
    if (a !== b) return `call ${k} (${c.call}): got ${a}, Gymnasium ${b}`;
  }
  return null;
}

function sortKeys(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(sortKeys);
  if (x !== null && typeof x === 'object') {
    return Object.fromEntries(
      Object.keys(x)
        .sort()
        .map((k) => [k, sortKeys((x as Record<string, unknown>)[k])]),
    );
  }
  return x;
}
