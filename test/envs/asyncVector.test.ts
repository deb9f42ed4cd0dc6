// AsyncVectorEnv on real worker threads (compiled first, see asyncBuild.ts): the same
// trajectories as SyncVectorEnv for the same seeds, Gymnasium's autoreset modes, and errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AsyncVectorEnv as AsyncFromSource } from '../../envs/vector/asyncVectorEnv.js';
import { buildForWorkers, type Build } from './asyncBuild.js';
import { loadVectorFixture, replayVector } from './vectorReplay.js';

type Mod = typeof import('../../envs/index.js');
let build: Build;
let m: Mod;
const open: { close(): void }[] = [];

beforeAll(async () => {
  build = buildForWorkers();
  m = (await import(build.url('envs/index.ts'))) as Mod;
  await import(build.url('test/envs/stepsEnvs.ts')); // registers the test envs in this thread too
  await m.mujocoReady();
}, 120_000);

afterAll(() => {
  for (const v of open) v.close();
  build?.remove();
});

function both(id: string, n: number, opts: Record<string, unknown> = {}) {
  const { autoresetMode, ...options } = opts as { autoresetMode?: never };
  const a = new m.AsyncVectorEnv(Array(n).fill({ id, options }), { workers: 2, autoresetMode });
  const s = m.makeVec(id, n, opts);
  open.push(a, s);
  return [a, s] as const;
}

/** Steps both with the same actions; returns the first difference (or null). */
function compare(a: InstanceType<Mod['AsyncVectorEnv']>, s: InstanceType<Mod['SyncVectorEnv']>, steps: number, seed: number): string | null {
  const same = (x: ArrayLike<number>, y: ArrayLike<number>) => x.length === y.length && Array.from(x).every((v, i) => Object.is(v, y[i]));
  const [oa] = a.reset({ seed });
  const [os] = s.reset({ seed });
  if (!same(oa as Float32Array, os as Float32Array)) return 'reset observations differ';
  s.actionSpace.seed(seed);
  for (let t = 0; t < steps; t++) {
    const act = s.actionSpace.sample() as ArrayLike<number>;
    if (act instanceof Float32Array) for (let i = 0; i < act.length; i += 7) act[i] *= 3; // some out of range
    const ra = a.step(act as never);
    const rs = s.step(act as never);
    for (let k = 0; k < 4; k++) if (!same(ra[k] as ArrayLike<number>, rs[k] as ArrayLike<number>)) return `step ${t}: output ${k} differs`;
    if (JSON.stringify(Object.keys(ra[4]).sort()) !== JSON.stringify(Object.keys(rs[4]).sort())) return `step ${t}: info keys differ`;
  }
  return null;
}

describe('AsyncVectorEnv with 2 workers gives SyncVectorEnv trajectories', () => {
  it.each([
    ['LunarLander-v3', 4, 400, {}],
    ['LunarLander-v3', 3, 300, { continuous: true }],
    ['InvertedPendulum-v5', 4, 400, {}],
    ['CartPole-v1', 5, 300, { autoresetMode: 'same_step' }],
  ] as const)('%s ×%i, %i steps %j', (id, n, steps, opts) => {
    const [a, s] = both(id, n, opts);
    expect(a.numWorkers).toBe(2);
    expect(compare(a, s, steps, 11)).toBeNull();
    // Envs that ended were autoreset along the way (the comparison covered resets).
    expect(a.toString()).toMatch(/workers=2/);
  });

  it("makeVec(id, n, { vectorizationMode: 'async' }) is the same AsyncVectorEnv", () => {
    const a = m.makeVec('Acrobot-v1', 4, { vectorizationMode: 'async', workers: 2 });
    const s = m.makeVec('Acrobot-v1', 4);
    open.push(a, s);
    expect(a).toBeInstanceOf(m.AsyncVectorEnv);
    expect(compare(a, s, 200, 5)).toBeNull();
    expect(() => m.makeVec('Acrobot-v1', 2, { vectorizationMode: 'async', wrappers: [(e) => e] })).toThrow(/use wrapModule/);
  });

  it('steps on two other threads', () => {
    const a = new m.AsyncVectorEnv(Array(4).fill('TestThread-v0'), { workers: 2, imports: [build.url('test/envs/stepsEnvs.ts')] });
    open.push(a);
    a.reset({ seed: 0 });
    const [, , , , infos] = a.step(Int32Array.of(0, 0, 0, 0));
    const threads = Array.from(infos.thread as Float64Array);
    expect(threads.every((t) => t > 0)).toBe(true); // the main thread's id is 0
    expect(new Set(threads).size).toBe(2);
    expect(threads[0]).toBe(threads[1]); // envs 0, 1 on worker 0; 2, 3 on worker 1
  });
});

describe("AsyncVectorEnv follows Gymnasium's autoreset modes (vector.json)", () => {
  const fixture = loadVectorFixture();
  it.each(Object.keys(fixture))('%s', (mode) => {
    for (const copy of [true, false]) {
      const a = new m.AsyncVectorEnv(['TestSteps2-v0', 'TestSteps4-v0', 'TestSteps100-v0'], {
        workers: 2,
        autoresetMode: mode as never,
        copy,
        imports: [build.url('test/envs/stepsEnvs.ts')],
      });
      open.push(a);
      expect(replayVector(a as never, fixture[mode as keyof typeof fixture])).toBeNull();
    }
  });
});

describe('AsyncVectorEnv errors', () => {
  it("reports an env's UserError from its worker as one line, and stays usable", () => {
    const [a] = both('CartPole-v1', 2);
    a.reset({ seed: 0 });
    let err: unknown;
    try {
      a.step(Int32Array.of(0, 7));
    } catch (e) {
      err = e;
    }
    expect((err as Error).name).toBe('UserError'); // the compiled build's UserError class
    expect((err as Error).message).toBe('CartPole-v1: invalid action 7: 7 is outside {0, ..., 1}; the action space is Discrete(2)');
    expect(() => a.step(Int32Array.of(0, 1))).not.toThrow();
    expect(() => a.step(Int32Array.of(0))).toThrow(/expected 2 action values/);
  });

  it('disabled mode refuses to step an ended env; closed is closed', () => {
    const a = new m.AsyncVectorEnv(['TestSteps2-v0', 'TestSteps4-v0'], { workers: 2, autoresetMode: 'disabled', imports: [build.url('test/envs/stepsEnvs.ts')] });
    a.reset();
    a.step(Int32Array.of(0, 0));
    a.step(Int32Array.of(0, 0));
    expect(() => a.step(Int32Array.of(0, 0))).toThrow(/env 0 ended at the previous step and autoreset is disabled/);
    a.reset({ options: { reset_mask: [true, false] } });
    expect(() => a.step(Int32Array.of(0, 0))).not.toThrow();
    a.close();
    expect(() => a.step(Int32Array.of(0, 0))).toThrow(/closed/);
  });

  it('says what to do when used from TypeScript sources, or with an unknown id or space', () => {
    expect(() => new AsyncFromSource(['CartPole-v1'])).toThrow(/workers run compiled JavaScript/);
    expect(() => new m.AsyncVectorEnv(['NoSuchEnv-v0'])).toThrow(/unknown environment/);
    expect(() => new m.AsyncVectorEnv(['CartPole-v1', 'Acrobot-v1'])).toThrow(/has spaces/);
    expect(() => new m.AsyncVectorEnv(['CartPole-v1'], { workers: 0 })).toThrow(/workers must be a positive integer/);
  });
});
