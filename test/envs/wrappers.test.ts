import { beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { make } from '../../envs/core/registry.js';
import { Box } from '../../envs/spaces/box.js';
import { Discrete } from '../../envs/spaces/discrete.js';
import { MultiDiscrete } from '../../envs/spaces/multiDiscrete.js';
import {
  ClipAction,
  FrameStackObservation,
  NormalizeObservation,
  NormalizeReward,
  RecordEpisodeStatistics,
  RunningMeanStd,
  TimeLimit,
  TransformObservation,
  TransformReward,
  type EpisodeStatistics,
} from '../../envs/wrappers/index.js';
import { CounterEnv, DriftEnv, registerTestEnvs } from './counterEnv.js';

beforeAll(registerTestEnvs);

describe('Wrapper base', () => {
  it('forwards spaces, spec, renderMode, metadata, render and reaches the inner env', () => {
    const inner = new CounterEnv({ renderMode: 'ansi' });
    inner.spec = { id: 'X-v0' };
    const env = new TransformReward(new TimeLimit(inner, 3), (r) => r * 2);
    expect(env.observationSpace).toBe(inner.observationSpace);
    expect(env.actionSpace).toBe(inner.actionSpace);
    expect(env.spec?.id).toBe('X-v0');
    expect(env.renderMode).toBe('ansi');
    expect(env.metadata.renderModes).toEqual(['ansi']);
    expect(env.unwrapped).toBe(inner);
    env.reset({ seed: 3 });
    expect(env.render()).toBe(inner.render());
    // Extra properties of the env (its `state`) through unwrapped and getWrapperAttr.
    const u = env.unwrapped as CounterEnv;
    u.state[1] = 10;
    expect(env.step(2)[0][1]).toBe(11);
    expect(env.getWrapperAttr('state')).toBe(inner.state);
    expect(env.getWrapperAttr('maxEpisodeSteps')).toBe(3);
    env.setWrapperAttr('resets', 99);
    expect(inner.resets).toBe(99);
    expect(() => env.getWrapperAttr('nope')).toThrow(UserError);
    let closed = 0;
    inner.close = () => void closed++;
    env.close();
    expect(closed).toBe(1);
  });

  it('lets a wrapper replace spec and metadata without touching the inner env', () => {
    const inner = new CounterEnv();
    inner.spec = { id: 'X-v0' };
    const env = new TimeLimit(inner, 3);
    env.spec = { id: 'Y-v0', maxEpisodeSteps: 3 };
    env.metadata = { renderModes: [] };
    expect(env.spec.id).toBe('Y-v0');
    expect(inner.spec.id).toBe('X-v0');
    expect(inner.metadata.renderModes).toEqual(['ansi']);
    env.renderMode = 'ansi';
    expect(inner.renderMode).toBe('ansi');
  });
});

describe('TimeLimit', () => {
  it('truncates exactly at the limit, never terminates, and restarts on reset', () => {
    const env = new TimeLimit(new CounterEnv({ terminateAt: 100 }), 5);
    for (let episode = 0; episode < 2; episode++) {
      env.reset({ seed: episode });
      for (let t = 1; t <= 5; t++) {
        const [, , term, trunc] = env.step(1);
        expect(term).toBe(false);
        expect(trunc).toBe(t === 5);
      }
    }
  });
  it('keeps a real termination as termination (and may report both at the limit)', () => {
    const env = new TimeLimit(new CounterEnv({ terminateAt: 3 }), 3);
    env.reset();
    env.step(1);
    env.step(1);
    const [, , term, trunc] = env.step(1);
    expect(term).toBe(true);
    expect(trunc).toBe(true);
    const early = new TimeLimit(new CounterEnv({ terminateAt: 2 }), 5);
    early.reset();
    early.step(0);
    expect(early.step(0).slice(2, 4)).toEqual([true, false]);
  });
});

describe('RecordEpisodeStatistics', () => {
  it('reports return, length and time at the end of each episode only', () => {
    const env = new RecordEpisodeStatistics(new CounterEnv({ terminateAt: 4 }));
    env.reset({ seed: 0 });
    const actions = [2, 0, 1, 2];
    let last: EpisodeStatistics | undefined;
    actions.forEach((a, t) => {
      const [, , term, , info] = env.step(a);
      if (t < 3) expect(info.episode).toBeUndefined();
      else {
        expect(term).toBe(true);
        last = info.episode as EpisodeStatistics;
        expect(info.t).toBe(4); // the env's own info is kept
      }
    });
    expect(last?.r).toBe(5);
    expect(last?.l).toBe(4);
    expect(last?.t).toBeGreaterThanOrEqual(0);
    expect(last?.t).toBeLessThan(5);
    env.reset();
    env.step(1);
    env.step(1);
    env.step(1);
    const [, , , , info] = env.step(1);
    expect((info.episode as EpisodeStatistics).r).toBe(4);
    expect(env.returnQueue).toEqual([5, 4]);
    expect(env.lengthQueue).toEqual([4, 4]);
  });
  it('ends episodes on truncation too, through make', () => {
    const env = new RecordEpisodeStatistics(make('TestCounterLong-v0'));
    env.reset({ seed: 0 });
    let info = {} as Record<string, unknown>;
    for (let t = 0; t < 4; t++) info = env.step(0)[4];
    expect((info.episode as EpisodeStatistics).l).toBe(4);
  });
});

describe('ClipAction', () => {
  it('clips to the inner Box and widens its own space', () => {
    const inner = new DriftEnv();
    const env = new ClipAction(inner);
    expect((env.actionSpace as Box).isBounded('below')).toBe(false);
    env.reset({ seed: 0 });
    env.step(new Float32Array([5, -0.25]));
    expect(Array.from(inner.lastAction!)).toEqual([1, -0.25]);
    expect(() => new ClipAction(new CounterEnv() as never)).toThrow(UserError);
  });
  it('composes with make: out-of-range actions are clipped, NaN is still rejected', () => {
    const env = new ClipAction(make('TestDrift-v0'));
    env.reset({ seed: 0 });
    expect(() => env.step(new Float32Array([-3, 3]))).not.toThrow();
    expect(() => env.step(new Float32Array([NaN, 0]))).toThrow(/element 0 is NaN/);
  });
});

describe('NormalizeObservation', () => {
  it('tracks the running mean and variance of all observations (reset and step) as a direct computation', () => {
    const env = new NormalizeObservation(new CounterEnv({ terminateAt: 1000 }));
    const raw: number[][] = [];
    const [first] = env.reset({ seed: 5 });
    const inner = env.unwrapped as CounterEnv;
    raw.push(Array.from(inner.state, Math.fround));
    const actions = [2, 2, 0, 1, 2, 0, 0, 2, 1, 2, 2, 2];
    let out = first;
    for (const a of actions) {
      out = env.step(a)[0];
      raw.push(Array.from(inner.state, Math.fround));
    }
    // Gymnasium's RunningMeanStd starts with mean 0, var 1 and count 1e-4.
    const eps = 1e-4;
    const n = raw.length;
    for (let j = 0; j < 2; j++) {
      const xs = raw.map((r) => r[j]);
      const sum = xs.reduce((a, b) => a + b, 0);
      const mean = sum / (n + eps);
      // Pooled: prior (mean 0, var 1, weight eps) with the sample.
      const m2 = eps * 1 + xs.reduce((a, x) => a + (x - sum / n) ** 2, 0) + ((sum / n) ** 2 * eps * n) / (eps + n);
      const variance = m2 / (n + eps);
      // float32 statistics, as Gymnasium's (bit-exact checks against it in wrappersGym.test.ts).
      expect(env.obsRms.mean[j]).toBeCloseTo(mean, 5);
      expect(env.obsRms.var[j]).toBeCloseTo(variance, 4);
      expect(out[j]).toBeCloseTo((xs[n - 1] - mean) / Math.sqrt(variance + 1e-8), 5);
    }
    expect(env.obsRms.count).toBeCloseTo(n + eps, 12);
    expect(out).toBeInstanceOf(Float32Array);
    expect(env.observationSpace.contains(out)).toBe(true);
  });
  it('freezes the statistics when updateRunningMean is false', () => {
    const env = new NormalizeObservation(new CounterEnv());
    env.reset({ seed: 0 });
    env.updateRunningMean = false;
    const mean = Float64Array.from(env.obsRms.mean);
    env.step(2);
    expect(Array.from(env.obsRms.mean)).toEqual(Array.from(mean));
  });
  it('batched RunningMeanStd updates agree with one-by-one updates', () => {
    const a = new RunningMeanStd(2);
    const b = new RunningMeanStd(2);
    const xs = [1, 2, 3, -4, 5, 0.5, 7, 8];
    a.update(xs, 4);
    for (let i = 0; i < 4; i++) b.update(xs.slice(2 * i, 2 * i + 2), 1);
    for (let j = 0; j < 2; j++) {
      expect(a.mean[j]).toBeCloseTo(b.mean[j], 12);
      expect(a.var[j]).toBeCloseTo(b.var[j], 12);
    }
  });
});

describe('NormalizeReward', () => {
  it('divides rewards by the running std of the discounted return', () => {
    const gamma = 0.9;
    const env = new NormalizeReward(new CounterEnv({ terminateAt: 3 }), { gamma });
    const rms = new RunningMeanStd(1);
    let g = 0;
    env.reset({ seed: 0 });
    const actions = [2, 1, 0, 2, 2, 1, 1];
    for (const a of actions) {
      const [, r, term] = env.step(a);
      // As Gymnasium: the step that terminates starts the discounted sum afresh.
      g = g * gamma * (term ? 0 : 1) + a;
      rms.update([g]);
      expect(r).toBeCloseTo(a / Math.sqrt(rms.var[0] + 1e-8), 12);
      if (term) env.reset();
    }
  });
});

describe('TransformReward, TransformObservation', () => {
  it('apply their functions and optionally change the space', () => {
    const env = new TransformObservation(
      new TransformReward(new CounterEnv(), (r) => -r),
      (o: Float32Array) => o[0],
      new Discrete(100),
    );
    expect(env.observationSpace.toString()).toBe('Discrete(100)');
    expect(env.reset({ seed: 0 })[0]).toBe(0);
    const [obs, r] = env.step(2);
    expect(obs).toBe(1);
    expect(r).toBe(-2);
  });
});

describe('FrameStackObservation', () => {
  it('keeps the last k observations, oldest first, padded with the reset observation', () => {
    const env = new FrameStackObservation(new CounterEnv({ terminateAt: 100 }), 3);
    expect((env.observationSpace as Box).shape).toEqual([3, 2]);
    const [o0] = env.reset({ seed: 1 });
    const x0 = o0[5];
    expect(Array.from(o0)).toEqual([0, x0, 0, x0, 0, x0]);
    const [o1] = env.step(2);
    expect(Array.from(o1)).toEqual([0, x0, 0, x0, 1, Math.fround(x0 + 1)]);
    env.step(2);
    const [o3] = env.step(0);
    expect(Array.from(o3.subarray(0, 2))).toEqual([1, Math.fround(x0 + 1)]);
    expect(Array.from(o3.subarray(4))).toEqual([3, Math.fround(x0 + 1)]);
    expect(env.observationSpace.contains(o3)).toBe(true);
  });
  it("pads with zeros when asked, and batches Discrete observations as MultiDiscrete", () => {
    const env = new FrameStackObservation(
      new TransformObservation(new CounterEnv(), (o: Float32Array) => o[0], new Discrete(10)),
      2,
      { padding: 'zero' },
    );
    expect(env.observationSpace).toBeInstanceOf(MultiDiscrete);
    expect(Array.from(env.reset()[0] as Int32Array)).toEqual([0, 0]);
    expect(Array.from(env.step(1)[0] as Int32Array)).toEqual([0, 1]);
    expect(Array.from(env.step(1)[0] as Int32Array)).toEqual([1, 2]);
  });
});

describe('composition', () => {
  it('stacks many wrappers over make and keeps the semantics of each', () => {
    const env = new RecordEpisodeStatistics(
      new NormalizeReward(new NormalizeObservation(new FrameStackObservation(make('TestCounterLong-v0'), 2) as never)),
    );
    expect(env.spec?.id).toBe('TestCounterLong-v0');
    expect((env.observationSpace as Box).shape).toEqual([2, 2]);
    env.reset({ seed: 0 });
    let last: unknown[] = [];
    for (let t = 0; t < 4; t++) last = env.step(2);
    expect(last[2]).toBe(false);
    expect(last[3]).toBe(true);
    expect((last[4] as { episode: EpisodeStatistics }).episode.l).toBe(4);
    expect(env.unwrapped).toBeInstanceOf(CounterEnv);
    expect(() => env.step(7)).toThrow(/invalid action 7/);
  });
});
