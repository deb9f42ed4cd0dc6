import { beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { listEnvs, make, register, spec, unregister } from '../../envs/core/registry.js';
import { OrderEnforcing } from '../../envs/wrappers/orderEnforcing.js';
import { PassiveEnvChecker } from '../../envs/wrappers/passiveEnvChecker.js';
import { TimeLimit } from '../../envs/wrappers/timeLimit.js';
import { Wrapper } from '../../envs/wrappers/wrapper.js';
import { CounterEnv, registerTestEnvs } from './counterEnv.js';

beforeAll(registerTestEnvs);

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    const m = (e as Error).message;
    expect(m).not.toContain('\n');
    return m;
  }
  throw new Error('expected a UserError');
}

describe('registry', () => {
  it('lists and describes registered envs', () => {
    expect(listEnvs()).toContain('TestCounter-v0');
    const s = spec('TestCounter-v0');
    expect(s.maxEpisodeSteps).toBe(10);
    expect(s.rewardThreshold).toBe(3);
  });

  it('rejects an unknown id, suggesting close matches', () => {
    expect(message(() => make('TestCountr-v0'))).toMatch(/unknown environment 'TestCountr-v0'.*TestCounter-v0/);
    expect(message(() => make('TestCounter-v7'))).toMatch(/TestCounter exists as TestCounter-v0/);
    expect(message(() => spec('Nope-v0'))).toMatch(/unknown environment 'Nope-v0'/);
  });

  it('wraps as Gymnasium: PassiveEnvChecker, OrderEnforcing, TimeLimit; sets spec', () => {
    const env = make<Float32Array, number, CounterEnv>('TestCounter-v0');
    expect(env).toBeInstanceOf(TimeLimit);
    const order = (env as unknown as Wrapper).env;
    expect(order).toBeInstanceOf(OrderEnforcing);
    expect((order as Wrapper).env).toBeInstanceOf(PassiveEnvChecker);
    expect(env.unwrapped).toBeInstanceOf(CounterEnv);
    expect(env.spec).toEqual({ id: 'TestCounter-v0', maxEpisodeSteps: 10, rewardThreshold: 3, kwargs: {} });
    expect(env.unwrapped.spec?.id).toBe('TestCounter-v0');
    expect(env.toString()).toBe('TimeLimit<OrderEnforcing<PassiveEnvChecker<CounterEnv<TestCounter-v0>>>>');
  });

  it('lets maxEpisodeSteps be overridden', () => {
    const env = make('TestCounterLong-v0', { maxEpisodeSteps: 7 });
    expect(env.spec?.maxEpisodeSteps).toBe(7);
    env.reset({ seed: 0 });
    let steps = 0;
    for (;;) {
      const [, , term, trunc] = env.step(1);
      steps++;
      if (term || trunc) {
        expect(term).toBe(false);
        expect(trunc).toBe(true);
        break;
      }
    }
    expect(steps).toBe(7);
    expect(message(() => make('TestCounterLong-v0', { maxEpisodeSteps: 0 }))).toMatch(/maxEpisodeSteps must be a positive integer/);
  });

  it('passes env options and renderMode to the entry point', () => {
    const env = make<Float32Array, number, CounterEnv>('TestCounterLong-v0', { terminateAt: 2, renderMode: 'ansi' });
    expect(env.unwrapped.terminateAt).toBe(2);
    expect(env.renderMode).toBe('ansi');
    expect(env.spec?.kwargs).toEqual({ terminateAt: 2, renderMode: 'ansi' });
    env.reset({ seed: 1 });
    expect(env.render()).toMatch(/^t=0 x=/);
    expect(message(() => make('TestCounter-v0', { renderMode: 'rgb_array' }))).toMatch(/renderMode 'rgb_array' is not supported/);
  });

  it('can skip the checker and order enforcing', () => {
    const env = make('TestCounter-v0', { disableEnvChecker: true, orderEnforce: false });
    expect(env.toString()).toBe('TimeLimit<CounterEnv<TestCounter-v0>>');
  });

  it('validates registrations and can unregister', () => {
    expect(() => register({ id: 'bad id!', entryPoint: () => new CounterEnv() })).toThrow(UserError);
    expect(() => register({ id: 'X-v0', entryPoint: () => new CounterEnv(), maxEpisodeSteps: -1 })).toThrow(UserError);
    register({ id: 'Temp-v0', entryPoint: () => new CounterEnv() });
    expect(make('Temp-v0')).toBeInstanceOf(OrderEnforcing); // no limit registered: no TimeLimit
    expect(unregister('Temp-v0')).toBe(true);
    expect(listEnvs()).not.toContain('Temp-v0');
  });
});

describe('clear errors for bad use (each a one-line UserError)', () => {
  it('step before reset', () => {
    const env = make('TestCounter-v0');
    expect(message(() => env.step(1))).toBe('TestCounter-v0: step() called before reset(); call env.reset() first');
    expect(message(() => env.render())).toMatch(/render\(\) called before reset/);
  });

  it('action outside the space, naming the space', () => {
    const env = make('TestCounter-v0');
    env.reset({ seed: 0 });
    expect(message(() => env.step(3))).toBe(
      'TestCounter-v0: invalid action 3: 3 is outside {0, ..., 2}; the action space is Discrete(3)',
    );
    expect(message(() => env.step(1.5))).toMatch(/1.5 is not an integer; the action space is Discrete\(3\)/);
    expect(message(() => env.step('1' as unknown as number))).toMatch(/is a string, expected an integer/);
  });

  it('NaN action', () => {
    const d = make('TestCounter-v0');
    d.reset();
    expect(message(() => d.step(NaN))).toMatch(/invalid action NaN: is NaN; the action space is Discrete\(3\)/);
    const c = make('TestDrift-v0');
    c.reset({ seed: 0 });
    expect(message(() => c.step(new Float32Array([0, NaN])))).toMatch(
      /invalid action Float32Array\[0, NaN\]: element 1 is NaN; the action space is Box\(-1, 1, \[2\], float32\)/,
    );
  });

  it('wrong shape or type of a continuous action', () => {
    const c = make('TestDrift-v0');
    c.reset({ seed: 0 });
    expect(message(() => c.step(new Float32Array([0.1])))).toMatch(/has 1 element\(s\), expected 2 \(wrong shape\); the action space is Box/);
    expect(message(() => c.step('0.1' as never))).toMatch(/is a string, expected a Float32Array \(or number\[\]\) of 2/);
    expect(message(() => c.step(0.1 as never))).toMatch(/is a number, expected a Float32Array/);
    expect(message(() => c.step(['0.1', 0.2] as never))).toMatch(/element 0 is a string/);
    expect(c.step(new Float32Array([0.1, 0.2]))[0]).toBeInstanceOf(Float32Array); // still usable after the errors
  });

  it('lets a Box action outside the bounds through to the env, as Gymnasium (the env clips or not)', () => {
    const c = make('TestDrift-v0');
    c.reset({ seed: 0 });
    expect(() => c.step(new Float32Array([0.1, 2]))).not.toThrow();
    expect(() => c.step(new Float64Array([-Infinity, 0.2]))).not.toThrow();
    expect(() => c.step([0.1, 0.2])).not.toThrow();
  });
});

describe('seeds', () => {
  it('rejects a seed that is not a non-negative integer', () => {
    const env = make('TestCounter-v0');
    expect(message(() => env.reset({ seed: -1 }))).toBe('reset: seed must be a non-negative integer, got -1');
    expect(message(() => env.reset({ seed: 1.5 }))).toMatch(/non-negative integer, got 1.5/);
    expect(env.reset({ seed: 0 })[0]).toBeInstanceOf(Float32Array);
  });
});
