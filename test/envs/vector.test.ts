import { beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import type { Env } from '../../envs/core/env.js';
import { make } from '../../envs/core/registry.js';
import { Box } from '../../envs/spaces/box.js';
import { MultiDiscrete } from '../../envs/spaces/multiDiscrete.js';
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
