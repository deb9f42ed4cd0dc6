import { beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import '../../envs/index.js';
import { Env, type Info, type ResetOptions, type StepResult } from '../../envs/core/env.js';
import { make } from '../../envs/core/registry.js';
import { readBatch } from '../../envs/spaces/batch.js';
import { Box } from '../../envs/spaces/box.js';
import { Discrete } from '../../envs/spaces/discrete.js';
import { MultiBinary } from '../../envs/spaces/multiBinary.js';
import { MultiDiscrete } from '../../envs/spaces/multiDiscrete.js';
import type { Space } from '../../envs/spaces/space.js';
import { Tuple } from '../../envs/spaces/tuple.js';
import { SyncVectorEnv, addInfo, makeVec } from '../../envs/vector/index.js';
import { RecordEpisodeStatistics } from '../../envs/wrappers/recordEpisodeStatistics.js';
import { TimeLimit } from '../../envs/wrappers/timeLimit.js';
import { CounterEnv, registerTestEnvs } from './counterEnv.js';

beforeAll(registerTestEnvs);

describe('SyncVectorEnv', () => {
  it('has single and batched spaces', () => {
    const vec = makeVec('TestCounter-v0', 3);
    expect(vec.numEnvs).toBe(3);
    expect(vec.singleObservationSpace.toString()).toBe('Box(-1000, 1000, [2], float32)');
    expect((vec.observationSpace as unknown as Box).shape).toEqual([3, 2]);
    expect(vec.singleActionSpace.toString()).toBe('Discrete(3)');
    expect(vec.actionSpace).toBeInstanceOf(MultiDiscrete);
    expect(vec.actionSpace.toString()).toBe('MultiDiscrete([3, 3, 3])');
    expect(vec.spec?.id).toBe('TestCounter-v0');
    expect(vec.metadata.autoresetMode).toBe('next_step');
  });

  it('seeds env i with seed + i', () => {
    const vec = makeVec('TestCounter-v0', 3);
    const [obs] = vec.reset({ seed: 10 });
    expect(obs).toBeInstanceOf(Float32Array);
    expect(obs.length).toBe(6);
    for (let i = 0; i < 3; i++) {
      const single = make('TestCounter-v0');
      const [o] = single.reset({ seed: 10 + i });
      expect(Array.from(obs.subarray(2 * i, 2 * i + 2))).toEqual(Array.from(o as Float32Array));
    }
    const [again] = vec.reset({ seed: 10 });
    expect(Array.from(again)).toEqual(Array.from(obs));
    const [other] = vec.reset({ seed: [10, undefined, 12] });
    expect(Array.from(other.subarray(0, 2))).toEqual(Array.from(obs.subarray(0, 2)));
  });

  it('follows NEXT_STEP autoreset step by step, against hand-stepped envs', () => {
    // Episodes of 2 and 3 steps, so the envs end and restart at different times.
    const lengths = [2, 3];
    const vec = new SyncVectorEnv(lengths.map((n) => () => new TimeLimit(new CounterEnv({ terminateAt: n }), 100)));
    const hand = lengths.map((n) => new TimeLimit(new CounterEnv({ terminateAt: n }), 100));
    const [obs0] = vec.reset({ seed: 0 });
    const handObs = hand.map((e, i) => e.reset({ seed: i })[0]);
    expect(Array.from(obs0)).toEqual([...handObs[0], ...handObs[1]]);

    const needsReset = [false, false];
    const actions = [
      [2, 0],
      [1, 2],
      [0, 0], // env 0 ended on the previous step: this action is ignored, env 0 resets
      [2, 1], // env 1 ended on the previous step: reset
      [1, 1],
      [2, 2],
    ];
    for (const [t, a] of actions.entries()) {
      const [obs, rew, term, trunc, infos] = vec.step(Int32Array.from(a));
      for (let i = 0; i < 2; i++) {
        let o: Float32Array;
        let r = 0;
        let te = false;
        let tr = false;
        if (needsReset[i]) {
          [o] = hand[i].reset();
          needsReset[i] = false;
        } else {
          [o, r, te, tr] = hand[i].step(a[i]);
          needsReset[i] = te || tr;
        }
        expect(Array.from(obs.subarray(2 * i, 2 * i + 2)), `t=${t} env ${i} obs`).toEqual(Array.from(o));
        expect(rew[i], `t=${t} env ${i} reward`).toBe(r);
        expect(term[i], `t=${t} env ${i} terminated`).toBe(te ? 1 : 0);
        expect(trunc[i], `t=${t} env ${i} truncated`).toBe(tr ? 1 : 0);
      }
      // Explicit expectations for the first steps, independent of the hand model.
      if (t === 1) {
        expect(Array.from(term)).toEqual([1, 0]);
        expect(Array.from(infos._t as Uint8Array)).toEqual([1, 1]);
      }
      if (t === 2) {
        expect(rew[0]).toBe(0);
        expect(term[0]).toBe(0);
        expect(obs[0]).toBe(0); // env 0's reset observation
        expect(Array.from(term)).toEqual([0, 1]);
        // The reset env reports its reset info, masked per env.
        expect(Array.from(infos._resets as Uint8Array)).toEqual([1, 0]);
        expect(Array.from(infos._t as Uint8Array)).toEqual([0, 1]);
        expect((infos.t as Float64Array)[1]).toBe(3);
      }
    }
  });

  it('reports truncation (not termination) from TimeLimit and batches nested infos', () => {
    const vec = makeVec('TestCounterLong-v0', 2, { wrappers: [(e: Env<any, any>) => new RecordEpisodeStatistics(e)] });
    vec.reset({ seed: 1 });
    let last = vec.step(new Int32Array([2, 2]));
    for (let t = 1; t < 4; t++) last = vec.step(new Int32Array([2, 2]));
    const [, , term, trunc, infos] = last;
    expect(Array.from(term)).toEqual([0, 0]);
    expect(Array.from(trunc)).toEqual([1, 1]);
    const ep = infos.episode as { r: Float64Array; l: Float64Array; _r: Uint8Array };
    expect(Array.from(ep.r)).toEqual([8, 8]);
    expect(Array.from(ep.l)).toEqual([4, 4]);
    expect(Array.from(infos._episode as Uint8Array)).toEqual([1, 1]);
  });

  it('returns fresh arrays by default and reused buffers with copy: false', () => {
    const a = makeVec('TestCounter-v0', 2);
    a.reset({ seed: 0 });
    const r1 = a.step([1, 1]);
    const r2 = a.step([1, 1]);
    expect(r1[0]).not.toBe(r2[0]);
    expect(r1[0][0]).toBe(1);
    const b = makeVec('TestCounter-v0', 2, { copy: false });
    b.reset({ seed: 0 });
    const s1 = b.step([1, 1]);
    const s2 = b.step([1, 1]);
    expect(s1[0]).toBe(s2[0]);
    expect(s1[1]).toBe(s2[1]);
  });

  it('batches continuous actions as one flat array (or per-env arrays)', () => {
    const vec = makeVec('TestDrift-v0', 3);
    expect((vec.actionSpace as unknown as Box).shape).toEqual([3, 2]);
    vec.reset({ seed: 0 });
    const before = vec.envs.map((e) => (e.unwrapped as unknown as { x: number }).x);
    vec.step(new Float32Array([0.5, 0.25, -1, 0, 0, 0]));
    const after = vec.envs.map((e) => (e.unwrapped as unknown as { x: number }).x);
    expect(after[0] - before[0]).toBeCloseTo(0.75, 6);
    expect(after[1] - before[1]).toBeCloseTo(-1, 6);
    expect(after[2] - before[2]).toBeCloseTo(0, 6);
    vec.step([new Float32Array([1, 0]), new Float32Array([0, 0]), new Float32Array([0, -1])]);
    const later = vec.envs.map((e) => (e.unwrapped as unknown as { x: number }).x);
    expect(later[0] - after[0]).toBeCloseTo(1, 6);
    expect(later[2] - after[2]).toBeCloseTo(-1, 6);
  });

  it('rejects bad input with UserErrors', () => {
    const vec = makeVec('TestCounter-v0', 2);
    expect(() => vec.step(new Int32Array([1, 1]))).toThrow(/step\(\) called before reset/);
    vec.reset();
    expect(() => vec.step(new Int32Array([1]))).toThrow(UserError);
    expect(() => vec.step(new Int32Array([1, 5]))).toThrow(/invalid action 5/);
    expect(() => vec.reset({ seed: [1] })).toThrow(/got 1 seeds for 2 envs/);
    expect(() => makeVec('TestCounter-v0', 0)).toThrow(UserError);
    expect(() => new SyncVectorEnv([() => new CounterEnv(), () => new TimeLimit(new CounterEnv(), 2)])).not.toThrow();
    vec.close();
    expect(() => vec.reset()).toThrow(/closed/);
  });
});

// An env whose observations take each batch layout the vector env handles
// (float32 and float64 Box, Discrete, MultiBinary, Tuple); episodes end after
// `endAt` steps, by termination or truncation; info is empty on most steps.
type ObsKind = 'f32' | 'f64' | 'discrete' | 'multibinary' | 'tuple';

class PatternEnv extends Env<unknown, number> {
  readonly observationSpace: Space<unknown>;
  readonly actionSpace = new Discrete(2);
  private t = 0;
  private x = 0;

  constructor(
    readonly kind: ObsKind,
    readonly endAt: number,
    readonly truncates: boolean,
  ) {
    super();
    const spaces: Record<ObsKind, Space<unknown>> = {
      f32: new Box(-1000, 1000, [2], 'float32'),
      f64: new Box<Float64Array>(-1000, 1000, [2], 'float64'),
      discrete: new Discrete(1000),
      multibinary: new MultiBinary(2),
      tuple: new Tuple([new Discrete(1000), new Box(-1000, 1000, [1], 'float32')]),
    };
    this.observationSpace = spaces[kind];
  }

  private obs(): unknown {
    const { t, x } = this;
    switch (this.kind) {
      case 'f32':
        return Float32Array.of(t, x + 0.25);
      case 'f64':
        return Float64Array.of(t, x / 3);
      case 'discrete':
        return 10 * t + x;
      case 'multibinary':
        return Int8Array.of(t & 1, (t + x) & 1);
      case 'tuple':
        return [t + x, Float32Array.of(x - t)];
    }
  }

  override reset(opts: ResetOptions = {}): [unknown, Info] {
    super.reset(opts);
    this.t = 0;
    this.x = Math.floor(this.npRandom.uniform(0, 50));
    return [this.obs(), this.x % 2 === 0 ? { start: this.x } : {}];
  }

  step(action: number): StepResult<unknown> {
    this.t += 1;
    this.x += action;
    const end = this.t >= this.endAt;
    const info: Info = this.t % 3 === 0 ? { t: this.t } : {};
    if (end) info.last = true;
    return [this.obs(), action + this.t / 8, end && !this.truncates, end && this.truncates, info];
  }
}

/** Deterministic pseudo-random actions in {0, 1}. */
function actionSequence(steps: number, n: number, seed: number): Int32Array[] {
  let s = seed >>> 0;
  return Array.from({ length: steps }, () =>
    Int32Array.from({ length: n }, () => {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      return s >>> 31;
    }),
  );
}

/** What a SyncVectorEnv must return, computed by stepping the envs by hand (NEXT_STEP autoreset). */
function handRollout(envs: Env<any, number>[], actions: Int32Array[], seed: number) {
  const n = envs.length;
  const needsReset = new Array<boolean>(n).fill(false);
  let infos: Record<string, unknown> = {};
  const obs0 = envs.map((e, i) => {
    const [o, info] = e.reset({ seed: seed + i });
    infos = addInfo(infos, info, i, n);
    return o;
  });
  const out = [{ obs: obs0, infos }] as { obs: unknown[]; rewards?: number[]; terms?: number[]; truncs?: number[]; infos: Record<string, unknown> }[];
  for (const a of actions) {
    const obs: unknown[] = [];
    const rewards: number[] = [];
    const terms: number[] = [];
    const truncs: number[] = [];
    let stepInfos: Record<string, unknown> = {};
    envs.forEach((e, i) => {
      let o: unknown;
      let info: Info;
      if (needsReset[i]) {
        [o, info] = e.reset();
        rewards.push(0);
        terms.push(0);
        truncs.push(0);
        needsReset[i] = false;
      } else {
        const [so, r, te, tr, si] = e.step(a[i]);
        [o, info] = [so, si];
        rewards.push(r);
        terms.push(te ? 1 : 0);
        truncs.push(tr ? 1 : 0);
        needsReset[i] = te || tr;
      }
      obs.push(o);
      stepInfos = addInfo(stepInfos, info, i, n);
    });
    out.push({ obs, rewards, terms, truncs, infos: stepInfos });
  }
  return out;
}

/** Env i's observation in a batch, as a plain value (arrays for typed arrays). */
function plain(v: unknown): unknown {
  if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<number>);
  if (Array.isArray(v)) return v.map(plain);
  return v;
}

describe('SyncVectorEnv against stepping by hand', () => {
  const kinds: ObsKind[] = ['f32', 'f64', 'discrete', 'multibinary', 'tuple'];
  for (const kind of kinds) {
    for (const copy of [true, false]) {
      it(`${kind} observations, copy ${copy}: same results on every step, including those where envs end and restart`, () => {
        // Episodes of 2, 3 and 5 steps, ending by termination or truncation.
        const specs: [number, boolean][] = [
          [2, false],
          [3, true],
          [5, false],
        ];
        const build = () => specs.map(([endAt, truncates]) => new PatternEnv(kind, endAt, truncates));
        const vec = new SyncVectorEnv(build().map((e) => () => e), { copy });
        const actions = actionSequence(40, specs.length, 7);
        const want = handRollout(build(), actions, 3);
        const got: unknown[][] = [];
        // With copy on, results are kept and checked at the end: a later call must not overwrite them.
        const check = (res: unknown[], t: number) => {
          const w = want[t];
          const [obs] = res;
          for (let i = 0; i < specs.length; i++) {
            expect(plain(readBatch(vec.singleObservationSpace, obs, i)), `t=${t} env ${i} obs`).toEqual(plain(w.obs[i]));
          }
          if (t > 0) {
            expect(Array.from(res[1] as Float64Array), `t=${t} rewards`).toEqual(w.rewards);
            expect(Array.from(res[2] as Uint8Array), `t=${t} terminated`).toEqual(w.terms);
            expect(Array.from(res[3] as Uint8Array), `t=${t} truncated`).toEqual(w.truncs);
          }
          expect(res[t === 0 ? 1 : 4], `t=${t} infos`).toEqual(w.infos);
        };
        const reset = vec.reset({ seed: 3 });
        if (copy) got.push(reset);
        else check(reset, 0);
        for (const [t, a] of actions.entries()) {
          const res = vec.step(a);
          if (copy) got.push(res);
          else check(res, t + 1);
        }
        if (copy) {
          got.forEach((res, t) => check(res, t));
          // Every call returned its own arrays.
          expect(new Set(got.map((r) => r[0])).size).toBe(got.length);
          expect(new Set(got.slice(1).flatMap((r) => [r[1], r[2], r[3]])).size).toBe(3 * (got.length - 1));
        }
        // Steps where some env ended were exercised, with and without infos.
        expect(want.some((w) => w.terms?.includes(1))).toBe(true);
        expect(want.some((w) => w.truncs?.includes(1))).toBe(true);
        expect(want.some((w, t) => t > 0 && Object.keys(w.infos).length === 0)).toBe(true);
      });
    }
  }

  it('CartPole-v1 ×8: copy on and off agree, and kept results survive many later calls', () => {
    const actions = actionSequence(1500, 8, 11);
    const copying = makeVec('CartPole-v1', 8);
    const reusing = makeVec('CartPole-v1', 8, { copy: false });
    const kept: unknown[][] = [copying.reset({ seed: 5 })];
    const snap = (r: unknown[]) => r.map((v) => (ArrayBuffer.isView(v) ? (v as Float32Array).slice() : v));
    const snaps: unknown[][] = [snap(reusing.reset({ seed: 5 }))];
    for (const a of actions) {
      kept.push(copying.step(a));
      snaps.push(snap(reusing.step(a)));
    }
    let ends = 0;
    for (let t = 0; t < kept.length; t++) {
      expect(Array.from(kept[t][0] as Float32Array), `t=${t} obs`).toEqual(Array.from(snaps[t][0] as Float32Array));
      if (t > 0) {
        for (let j = 1; j < 4; j++) expect(Array.from(kept[t][j] as Float64Array), `t=${t} [${j}]`).toEqual(Array.from(snaps[t][j] as Float64Array));
        ends += (kept[t][2] as Uint8Array).reduce((s, v) => s + v, 0);
        expect(kept[t][4]).toEqual({});
      }
    }
    expect(ends).toBeGreaterThan(100);
  });
});

describe('addInfo', () => {
  it('gathers keys with masks, nests objects, and falls back to plain arrays for mixed types', () => {
    let infos = {};
    infos = addInfo(infos, { a: 1, ok: true, name: 'x', sub: { b: 2 } }, 0, 3);
    infos = addInfo(infos, { a: 'two', ok: false }, 2, 3);
    const i = infos as Record<string, unknown>;
    expect(i.a).toEqual([1, undefined, 'two']);
    expect(Array.from(i._a as Uint8Array)).toEqual([1, 0, 1]);
    expect(Array.from(i.ok as Uint8Array)).toEqual([1, 0, 0]);
    expect(Array.from(i._ok as Uint8Array)).toEqual([1, 0, 1]);
    expect(i.name).toEqual(['x', undefined, undefined]);
    expect(Array.from((i.sub as Record<string, Float64Array>).b)).toEqual([2, 0, 0]);
    expect(Array.from((i.sub as Record<string, Uint8Array>)._b)).toEqual([1, 0, 0]);
    expect(Array.from(i._sub as Uint8Array)).toEqual([1, 0, 0]);
  });
});
