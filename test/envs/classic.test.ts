// Classic control: reference trajectories (test/fixtures/classic, made by generate.py from the
// Gymnasium equations with NumPy), registrations, spaces, state access and bad input.
import { describe, expect, it, vi } from 'vitest';
import { AcrobotEnv } from '../../envs/classic/acrobot.js';
import { CartPoleEnv } from '../../envs/classic/cartpole.js';
import { MountainCarContinuousEnv } from '../../envs/classic/continuousMountainCar.js';
import { MountainCarEnv } from '../../envs/classic/mountainCar.js';
import { PendulumEnv, angleNormalize } from '../../envs/classic/pendulum.js';
import { cos, sin } from '../../envs/classic/trig.js';
import { floorMod } from '../../envs/classic/utils.js';
import '../../envs/classic/register.js';
import { make, spec } from '../../envs/core/registry.js';
import { UserError } from '../../src/errors.js';
import { FIXTURES, loadFixture, replay } from './classicFixtures.js';

describe.each(FIXTURES)('reference trajectories: %s', (name) => {
  const fixture = loadFixture(name);
  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s', (_label, c) => {
    expect(replay(c.env ?? fixture.env, c)).toBeNull();
  });
});

describe('reference trajectories through make (TimeLimit truncates at the registered limit)', () => {
  const cases = [
    ['cartpole', 'CartPole-v1', 'v1 balanced to the time limit'],
    ['cartpole', 'CartPole-v0', 'v0 balanced to the time limit'],
    ['mountain_car', 'MountainCar-v0', 'no push to the time limit'],
    ['pendulum', 'Pendulum-v1', 'random torques beyond ±2 to the time limit'],
    ['acrobot', 'Acrobot-v1', 'random torques to the time limit'],
    ['mountain_car_continuous', 'MountainCarContinuous-v0', 'gentle forces to the time limit'],
  ] as const;
  it.each(cases)('%s %s', (file, id, caseName) => {
    const c = loadFixture(file).cases.find((k) => k.name === caseName)!;
    // The checker rejects out-of-range actions; Pendulum's fixture deliberately sends some (the env clips).
    const env = make(id, { disableEnvChecker: id === 'Pendulum-v1' });
    env.reset({ seed: 1 });
    (env.unwrapped as unknown as { state: number[] }).state = c.state;
    let steps = 0;
    for (let t = 0; t < c.actions.length; t++) {
      const a = c.actions[t]!;
      const [obs, r, term, trunc] = env.step(typeof a === 'number' ? a : Float32Array.from(a));
      expect([...(obs as Float32Array)]).toEqual(c.obs[t]);
      expect(r).toBe(c.rewards[t]);
      expect(term).toBe(c.terminated[t]);
      expect(trunc).toBe(c.truncated[t]);
      steps++;
    }
    expect(steps).toBe(spec(id).maxEpisodeSteps);
  });
});

describe('registrations', () => {
  it('has Gymnasium 1.x limits and thresholds', () => {
    const want: [string, number, number | undefined][] = [
      ['CartPole-v0', 200, 195],
      ['CartPole-v1', 500, 475],
      ['Acrobot-v1', 500, -100],
      ['MountainCar-v0', 200, -110],
      ['MountainCarContinuous-v0', 999, 90],
      ['Pendulum-v1', 200, undefined],
    ];
    for (const [id, steps, threshold] of want) {
      const s = spec(id);
      expect(s.maxEpisodeSteps, id).toBe(steps);
      expect(s.rewardThreshold, id).toBe(threshold);
    }
  });

  it('passes options through make (snake_case as in Gymnasium, or camelCase)', () => {
    const e1 = make('CartPole-v1', { sutton_barto_reward: true });
    expect((e1.unwrapped as CartPoleEnv).suttonBartoReward).toBe(true);
    const e2 = make('Pendulum-v1', { g: 9.81 });
    expect((e2.unwrapped as PendulumEnv).g).toBe(9.81);
    const e3 = make('MountainCarContinuous-v0', { goalVelocity: 0.1 });
    expect((e3.unwrapped as MountainCarContinuousEnv).goalVelocity).toBe(0.1);
    expect(() => make('CartPole-v1', { sutton_barto: true })).toThrow(UserError);
  });
});

describe('spaces', () => {
  it('match Gymnasium', () => {
    const cp = new CartPoleEnv();
    const th = (12 * 2 * Math.PI) / 360;
    expect([...cp.observationSpace.high]).toEqual([Math.fround(4.8), Infinity, Math.fround(th * 2), Infinity]);
    expect(cp.actionSpace.n).toBe(2);
    const ac = new AcrobotEnv();
    expect([...ac.observationSpace.high]).toEqual([1, 1, 1, 1, Math.fround(4 * Math.PI), Math.fround(9 * Math.PI)]);
    expect(ac.actionSpace.n).toBe(3);
    const mc = new MountainCarEnv();
    expect([...mc.observationSpace.low]).toEqual([Math.fround(-1.2), Math.fround(-0.07)]);
    expect(mc.actionSpace.n).toBe(3);
    const mcc = new MountainCarContinuousEnv();
    expect([...mcc.actionSpace.low, ...mcc.actionSpace.high]).toEqual([-1, 1]);
    const pe = new PendulumEnv();
    expect([...pe.observationSpace.high]).toEqual([1, 1, 8]);
    expect([...pe.actionSpace.low, ...pe.actionSpace.high]).toEqual([-2, 2]);
  });
});

describe('state access', () => {
  it('is null before reset, a float64 copy after, and replays from a set state', () => {
    const env = new CartPoleEnv();
    expect(env.state).toBeNull();
    env.reset({ seed: 3 });
    const s = env.state!;
    expect(s).toBeInstanceOf(Float64Array);
    s[0] = 99; // a copy: does not move the cart
    expect(env.state![0]).not.toBe(99);
    env.state = [0.1, 0.2, 0.03, -0.04];
    const a = env.step(1);
    env.state = Float64Array.of(0.1, 0.2, 0.03, -0.04);
    const b = env.step(1);
    expect([...a[0]]).toEqual([...b[0]]);
    expect(() => {
      env.state = [1, 2, 3];
    }).toThrow(UserError);
  });

  it('observations are fresh arrays (safe to keep)', () => {
    const env = new CartPoleEnv();
    const [o0] = env.reset({ seed: 1 });
    const [o1] = env.step(0);
    const [o2] = env.step(0);
    expect(o1).not.toBe(o2);
    expect(o0).not.toBe(o1);
  });

  it('MountainCarContinuous state is float64 after reset, float32 after a step', () => {
    const env = new MountainCarContinuousEnv();
    env.reset({ seed: 0 });
    expect(env.state).toBeInstanceOf(Float64Array);
    env.step(Float32Array.of(0.5));
    expect(env.state).toBeInstanceOf(Float32Array);
  });

  it('Acrobot reset state is float32-valued (as Gymnasium casts it)', () => {
    const env = new AcrobotEnv();
    env.reset({ seed: 5 });
    for (const v of env.state!) expect(Math.fround(v)).toBe(v);
  });
});

describe('bad input', () => {
  it('rejects step before reset and actions outside the space', () => {
    expect(() => new CartPoleEnv().step(0)).toThrow(/reset/);
    expect(() => new PendulumEnv().step(Float32Array.of(0))).toThrow(UserError);
    const cp = new CartPoleEnv();
    cp.reset({ seed: 0 });
    expect(() => cp.step(2)).toThrow(UserError);
    expect(() => cp.step(0.5)).toThrow(UserError);
    const ac = new AcrobotEnv();
    ac.reset({ seed: 0 });
    expect(() => ac.step(3)).toThrow(UserError);
    const mcc = new MountainCarContinuousEnv();
    mcc.reset({ seed: 0 });
    expect(() => mcc.step([] as number[])).toThrow(UserError);
  });

  it('Pendulum and MountainCarContinuous clip any number but reject NaN and a wrong shape (no checker needed)', () => {
    const pe = new PendulumEnv();
    pe.reset({ seed: 0 });
    const mcc = new MountainCarContinuousEnv();
    mcc.reset({ seed: 0 });
    for (const env of [pe, mcc]) {
      expect(() => env.step(Float32Array.of(Infinity))).not.toThrow();
      expect(() => env.step(Float32Array.of(-1e6))).not.toThrow();
      expect(() => env.step(Float32Array.of(NaN))).toThrow(/NaN/);
      expect(() => env.step(Float32Array.of(0.1, 0.2))).toThrow(/array of 1 number, got/);
    }
  });

  it('rejects unknown constructor options and bad render modes', () => {
    expect(() => new CartPoleEnv({ kinematicsIntegrator: 'rk4' } as never)).toThrow(UserError);
    expect(() => new AcrobotEnv({ bookOrNips: 'paper' } as never)).toThrow(UserError);
    expect(() => new MountainCarEnv({ renderMode: 'human' } as never)).toThrow(UserError);
    expect(() => new PendulumEnv({ gravity: 9 } as never)).toThrow(/unknown option/);
  });
});

describe('stepping after termination (CartPole)', () => {
  it('keeps integrating, pays 0 and warns once', () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const env = new CartPoleEnv();
    env.reset({ seed: 0 });
    env.state = [0, 0, 0.25, 0];
    expect(env.step(1).slice(1, 3)).toEqual([1, true]);
    expect(env.step(1).slice(1, 3)).toEqual([0, true]);
    expect(env.step(1).slice(1, 3)).toEqual([0, true]);
    expect(warn).toHaveBeenCalledTimes(1);
    warn.mockRestore();
  });
});

describe('numerics', () => {
  it('floorMod is a floored modulo like Python', () => {
    expect(floorMod(-1, 3)).toBe(2);
    expect(floorMod(5.5, 2)).toBe(1.5);
    expect(floorMod(-7.5 + Math.PI, 2 * Math.PI)).toBeCloseTo(-7.5 + 3 * Math.PI, 12);
    expect(angleNormalize(-Math.PI)).toBe(-Math.PI);
    expect(angleNormalize(Math.PI)).toBe(-Math.PI);
    expect(angleNormalize(3 * Math.PI / 2)).toBeCloseTo(-Math.PI / 2, 12);
  });

  it('sin/cos are correctly rounded at spot values (mpmath references)', () => {
    // Values where V8's Math.sin/Math.cos are one ulp off the correctly rounded result.
    expect(sin(2.5)).toBe(0.5984721441039565);
    expect(cos(-0.23477865441552334)).toBe(0.9725658562753223);
    expect(sin(0)).toBe(0);
    expect(Object.is(sin(-0), -0)).toBe(true);
    expect(cos(0)).toBe(1);
    for (const x of [1e-300, 1e-8, 0.3, 1, Math.PI, -100, 12345.678]) {
      expect(Math.abs(sin(x) - Math.sin(x))).toBeLessThanOrEqual(Math.abs(Math.sin(x)) * 2.3e-16);
      expect(Math.abs(cos(x) - Math.cos(x))).toBeLessThanOrEqual(Math.abs(Math.cos(x)) * 2.3e-16 + 1e-300);
    }
    expect(Number.isNaN(sin(Number.NaN))).toBe(true);
    expect(sin(1e6)).toBe(Math.sin(1e6)); // outside the reduced range: falls back to Math
  });
});
