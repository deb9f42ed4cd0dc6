// Seeding and reset options of the classic-control envs.
import { describe, expect, it } from 'vitest';
import { AcrobotEnv } from '../../envs/classic/acrobot.js';
import { CartPoleEnv } from '../../envs/classic/cartpole.js';
import { MountainCarContinuousEnv } from '../../envs/classic/continuousMountainCar.js';
import { MountainCarEnv } from '../../envs/classic/mountainCar.js';
import { PendulumEnv } from '../../envs/classic/pendulum.js';
import '../../envs/classic/register.js';
import { make } from '../../envs/core/registry.js';
import { UserError } from '../../src/errors.js';

type AnyEnv = {
  reset(o?: { seed?: number; options?: Record<string, unknown> }): [Float32Array, Record<string, unknown>];
  readonly state: ArrayLike<number> | null;
};
const MAKERS: [string, () => AnyEnv][] = [
  ['CartPole', () => new CartPoleEnv()],
  ['Acrobot', () => new AcrobotEnv()],
  ['MountainCar', () => new MountainCarEnv()],
  ['MountainCarContinuous', () => new MountainCarContinuousEnv()],
  ['Pendulum', () => new PendulumEnv()],
];

const arr = (x: ArrayLike<number> | null) => Array.from(x ?? []);

describe.each(MAKERS)('%s seeding', (_name, mk) => {
  it('same seed, same reset state and observation; different seed, different state', () => {
    const a = mk();
    const b = mk();
    const [oa] = a.reset({ seed: 42 });
    const [ob] = b.reset({ seed: 42 });
    expect(arr(a.state)).toEqual(arr(b.state));
    expect(Array.from(oa)).toEqual(Array.from(ob));
    expect(oa).toBeInstanceOf(Float32Array);
    b.reset({ seed: 43 });
    expect(arr(a.state)).not.toEqual(arr(b.state));
  });

  it('an unseeded reset continues the seeded stream', () => {
    const a = mk();
    const b = mk();
    a.reset({ seed: 7 });
    b.reset({ seed: 7 });
    a.reset();
    b.reset();
    expect(arr(a.state)).toEqual(arr(b.state));
    const first = mk();
    first.reset({ seed: 7 });
    expect(arr(a.state)).not.toEqual(arr(first.state));
  });

  it('the observation is the float32 cast of the state', () => {
    const env = mk();
    const [obs] = env.reset({ seed: 3 });
    const s = arr(env.state);
    if (env instanceof AcrobotEnv || env instanceof PendulumEnv) return; // observations are cos/sin of angles
    expect(Array.from(obs)).toEqual(s.map(Math.fround));
  });
});

function draws(env: AnyEnv, options: Record<string, unknown> | undefined, n = 200): number[][] {
  const out: number[][] = [];
  env.reset({ seed: 11 });
  for (let i = 0; i < n; i++) {
    env.reset(options === undefined ? {} : { options });
    out.push(arr(env.state));
  }
  return out;
}

function expectWithin(rows: number[][], lows: number[], highs: number[]): void {
  for (const r of rows) {
    r.forEach((v, i) => {
      expect(v).toBeGreaterThanOrEqual(lows[i]!);
      expect(v).toBeLessThanOrEqual(highs[i]!);
    });
  }
  // The draws spread over the range (not all the same value).
  for (let i = 0; i < lows.length; i++) {
    if (lows[i] === highs[i]) continue;
    const col = rows.map((r) => r[i]!);
    expect(Math.max(...col) - Math.min(...col)).toBeGreaterThan((highs[i]! - lows[i]!) * 0.8);
  }
}

describe('reset ranges and options', () => {
  it('CartPole: ±0.05 by default, options low/high', () => {
    expectWithin(draws(new CartPoleEnv(), undefined), [-0.05, -0.05, -0.05, -0.05], [0.05, 0.05, 0.05, 0.05]);
    expectWithin(draws(new CartPoleEnv(), { low: 0, high: 1 }), [0, 0, 0, 0], [1, 1, 1, 1]);
    expectWithin(draws(new CartPoleEnv(), { high: 0.2 }), [-0.05, -0.05, -0.05, -0.05], [0.2, 0.2, 0.2, 0.2]);
  });

  it('Acrobot: ±0.1 by default (float32 values), options low/high', () => {
    expectWithin(draws(new AcrobotEnv(), undefined), [-0.1, -0.1, -0.1, -0.1], [0.1, 0.1, 0.1, 0.1].map(Math.fround));
    expectWithin(draws(new AcrobotEnv(), { low: -0.2, high: 0.2 }), [-0.2, -0.2, -0.2, -0.2].map(Math.fround), [0.2, 0.2, 0.2, 0.2].map(Math.fround));
  });

  it('MountainCar and MountainCarContinuous: position in [-0.6, -0.4), velocity 0', () => {
    for (const mk of [() => new MountainCarEnv(), () => new MountainCarContinuousEnv()]) {
      expectWithin(draws(mk(), undefined), [-0.6, 0], [-0.4, 0]);
      expectWithin(draws(mk(), { low: -0.7, high: -0.5 }), [-0.7, 0], [-0.5, 0]);
    }
  });

  it('Pendulum: θ in ±π, θ̇ in ±1; options x_init / y_init', () => {
    expectWithin(draws(new PendulumEnv(), undefined), [-Math.PI, -1], [Math.PI, 1]);
    expectWithin(draws(new PendulumEnv(), { x_init: 0.5, y_init: 0.25 }), [-0.5, -0.25], [0.5, 0.25]);
    expectWithin(draws(new PendulumEnv(), { y_init: 0 }), [-Math.PI, 0], [Math.PI, 0]);
  });

  it('numeric strings are accepted, bad options are one-line UserErrors', () => {
    const env = new CartPoleEnv();
    env.reset({ seed: 0, options: { low: '-0.01', high: '0.01' } });
    for (const v of env.state!) expect(Math.abs(v)).toBeLessThanOrEqual(0.01);
    expect(() => env.reset({ options: { low: 1, high: 0 } })).toThrow(UserError);
    expect(() => env.reset({ options: { low: 'abc' } })).toThrow(/could not be converted/);
    expect(() => new PendulumEnv().reset({ options: { x_init: [1] } })).toThrow(UserError);
    expect(() => new MountainCarEnv().reset({ options: { high: -0.9 } })).toThrow(/low/);
  });

  it('make(id).reset({seed}) equals the unwrapped env reset with that seed', () => {
    const wrapped = make('CartPole-v1');
    const [o1] = wrapped.reset({ seed: 5 });
    const [o2] = new CartPoleEnv().reset({ seed: 5 });
    expect(Array.from(o1 as Float32Array)).toEqual(Array.from(o2));
  });
});
