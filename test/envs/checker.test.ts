import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { checkEnv } from '../../envs/core/checker.js';
import type { Info, ResetOptions, StepResult } from '../../envs/core/env.js';
import { Box } from '../../envs/spaces/box.js';
import { TimeLimit } from '../../envs/wrappers/timeLimit.js';
import { CounterEnv, DriftEnv } from './counterEnv.js';

function problem(env: CounterEnv): string {
  try {
    checkEnv(env);
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    expect((e as Error).message).not.toContain('\n');
    return (e as Error).message;
  }
  throw new Error('checkEnv accepted a broken env');
}

describe('checkEnv', () => {
  it('accepts well-behaved envs (warning only about soft issues)', () => {
    expect(checkEnv(new CounterEnv({ renderMode: 'ansi' }))).toEqual([]);
    const drift = checkEnv(new DriftEnv());
    expect(drift).toEqual([]);
    const wrapped = checkEnv(new TimeLimit(new CounterEnv(), 3));
    expect(wrapped.join(' ')).toMatch(/the env is wrapped/);
  });

  it('catches an observation outside the observation space', () => {
    class Escaping extends CounterEnv {
      override step(a: number): StepResult<Float32Array> {
        const r = super.step(a);
        r[0][0] = 5000;
        return r;
      }
    }
    expect(problem(new Escaping())).toMatch(/observation from step\(\) is not in Box\(-1000, 1000, \[2\], float32\): element 0 = 5000 is outside/);
    class WrongType extends CounterEnv {
      override reset(opts: ResetOptions = {}): [Float32Array, Info] {
        const [o, i] = super.reset(opts);
        return [Float64Array.from(o) as unknown as Float32Array, i];
      }
    }
    expect(problem(new WrongType())).toMatch(/observation from reset\(\{seed: 123\}\) is not in .*Float64Array/);
  });

  it('catches a non-deterministic reset', () => {
    class Noisy extends CounterEnv {
      override reset(opts: ResetOptions = {}): [Float32Array, Info] {
        const r = super.reset(opts);
        r[0][1] = Math.random();
        return r;
      }
    }
    expect(problem(new Noisy())).toMatch(/reset\(\{seed: 123\}\) is not deterministic/);
  });

  it('catches a reset that ignores the seed', () => {
    class Unseeded extends CounterEnv {
      override reset(): [Float32Array, Info] {
        this.state[0] = 0;
        this.state[1] = 0.5;
        return [Float32Array.from(this.state), {}];
      }
    }
    expect(problem(new Unseeded())).toMatch(/does not reseed npRandom: call super.reset\(opts\)/);
  });

  it('catches a non-deterministic step', () => {
    class Jittery extends CounterEnv {
      override step(a: number): StepResult<Float32Array> {
        const r = super.step(a);
        r[1] += Math.random();
        return r;
      }
    }
    expect(problem(new Jittery())).toMatch(/step\(\) is not deterministic/);
  });

  it('catches wrong return types', () => {
    class BadFlag extends CounterEnv {
      override step(a: number): StepResult<Float32Array> {
        const r = super.step(a);
        (r as unknown[])[2] = 0;
        return r;
      }
    }
    expect(problem(new BadFlag())).toMatch(/terminated must be a boolean, got 0/);
    class FourTuple extends CounterEnv {
      override step(a: number): StepResult<Float32Array> {
        return super.step(a).slice(0, 4) as unknown as StepResult<Float32Array>;
      }
    }
    expect(problem(new FourTuple())).toMatch(/step\(\) must return \[obs, reward, terminated, truncated, info\]/);
    class NaNReward extends CounterEnv {
      override step(a: number): StepResult<Float32Array> {
        const r = super.step(a);
        r[1] = NaN;
        return r;
      }
    }
    expect(problem(new NaNReward())).toMatch(/NaN reward/);
  });

  it('catches a malformed space', () => {
    class BadSpace extends CounterEnv {
      constructor() {
        super();
        (this as { observationSpace: unknown }).observationSpace = { sample: () => 0 };
      }
    }
    expect(problem(new BadSpace())).toMatch(/observationSpace is not a Space/);
  });

  it('warns about an asymmetric continuous action space', () => {
    class Skewed extends DriftEnv {
      override readonly actionSpace = new Box(0, 2, [2]);
    }
    expect(checkEnv(new Skewed()).join(' ')).toMatch(/not symmetric/);
  });
});
