// Property tests of InvertedPendulum-v5 on mujoco-js: the model's facts, the v5 reward
// and termination rules, reset noise, determinism and input checking.
import { beforeAll, describe, expect, it } from 'vitest';
import { InvertedPendulum, INVERTED_PENDULUM_XML, isMujocoLoaded, mujocoReady } from '../../envs/mujoco/index.js';
import { compiledModel } from '../../envs/mujoco/runtime.js';
import { make } from '../../envs/core/registry.js';
import { checkEnv } from '../../envs/core/checker.js';
import { UserError } from '../../src/errors.js';

const act = (u: number): Float32Array => new Float32Array([u]);

/**
 * Our own balancing law: push the cart toward the side the pole leans (PD on angle and
 * angular velocity), plus a weak term on cart position and velocity that walks the cart
 * back to the middle (same sign as the angle terms: to go left the cart first moves right
 * so that the pole leans left). Gains hand-tuned on this model at dt = 0.04 s.
 */
function balance(s: Float32Array): Float32Array {
  const u = 1.0 * s[0]! + 20 * s[1]! + 1.5 * s[2]! + 3 * s[3]!;
  return act(Math.max(-3, Math.min(3, u)));
}

describe('InvertedPendulum-v5 before MuJoCo is loaded', () => {
  // Only meaningful in a fresh module graph (vitest isolates test files by default).
  it.runIf(!isMujocoLoaded())('explains that mujocoReady() must be awaited first', () => {
    expect(() => new InvertedPendulum()).toThrow(UserError);
    expect(() => new InvertedPendulum()).toThrow(/await mujocoReady\(\)/);
  });
});

describe('InvertedPendulum-v5', () => {
  beforeAll(async () => {
    await mujocoReady();
  });

  it('compiles our MJCF with Gymnasium’s geometry, masses, limits, actuator and timestep', async () => {
    const mj = await mujocoReady();
    const m = compiledModel(mj, 'inverted_pendulum', INVERTED_PENDULUM_XML);
    expect([m.nq, m.nv, m.nu]).toEqual([2, 2, 1]);
    expect(m.opt.timestep).toBe(0.02);
    expect(m.opt.integrator).toBe(mj.mjtIntegrator.mjINT_RK4.value);
    // Capsule masses at density 1000: π r² (2h) + 4/3 π r³.
    const capsule = (r: number, halfLength: number): number =>
      1000 * (Math.PI * r * r * 2 * halfLength + (4 / 3) * Math.PI * r ** 3);
    const mass = m.body_mass as Float64Array;
    expect(mass[1]).toBeCloseTo(capsule(0.1, 0.1), 6); // cart
    expect(mass[2]).toBeCloseTo(capsule(0.049, Math.hypot(0.001, 0.6) / 2), 6); // pole
    const range = Array.from(m.jnt_range as Float64Array);
    expect(range[0]).toBe(-1);
    expect(range[1]).toBe(1);
    expect(range[2]).toBeCloseTo(-Math.PI / 2, 12);
    expect(range[3]).toBeCloseTo(Math.PI / 2, 12);
    expect(Array.from(m.dof_damping as Float64Array)).toEqual([1, 1]);
    expect((m.actuator_gear as Float64Array)[0]).toBe(100);
    expect(Array.from(m.actuator_ctrlrange as Float64Array)).toEqual([-3, 3]);
    const env = new InvertedPendulum();
    expect(env.dt).toBeCloseTo(0.04, 15);
    expect(env.frameSkip).toBe(2);
    expect(env.actionSpace.toString()).toBe('Box(-3, 3, [1], float32)');
    env.close();
  });

  it('with zero action a small tilt falls and terminates within a few dozen steps', () => {
    const env = new InvertedPendulum();
    for (const tilt of [0.05, -0.05, 0.01]) {
      env.reset({ seed: 0 });
      env.state = [0, tilt, 0, 0];
      let steps = 0;
      let last = -1;
      let terminated = false;
      while (!terminated && steps < 100) {
        const [obs, r, term] = env.step(act(0));
        steps++;
        terminated = term;
        last = r;
        if (!term) {
          expect(r).toBe(1);
          expect(Math.abs(obs[1]!)).toBeLessThanOrEqual(0.2);
        } else {
          expect(Math.abs(obs[1]!)).toBeGreaterThan(0.2);
          expect(Math.sign(obs[1]!)).toBe(Math.sign(tilt)); // it falls the way it leaned
        }
      }
      expect(terminated).toBe(true);
      expect(last).toBe(0); // v5: no reward on the step that ends unhealthy
      expect(steps).toBeLessThan(40);
    }
    env.close();
  });

  it('our balancing controller keeps the pole up for the full 1000 steps (return 1000 ≥ 950)', () => {
    const env = make<Float32Array, Float32Array>('InvertedPendulum-v5');
    expect(env.spec?.maxEpisodeSteps).toBe(1000);
    expect(env.spec?.rewardThreshold).toBe(950);
    for (const seed of [0, 1, 2, 3, 4]) {
      let [obs] = env.reset({ seed });
      let ret = 0;
      let steps = 0;
      let terminated = false;
      let truncated = false;
      while (!terminated && !truncated) {
        let r: number;
        [obs, r, terminated, truncated] = env.step(balance(obs));
        ret += r;
        steps++;
      }
      expect(terminated).toBe(false);
      expect(truncated).toBe(true);
      expect(steps).toBe(1000);
      expect(ret).toBe(1000);
      expect(Math.abs(obs[1]!)).toBeLessThan(0.05);
    }
    env.close();
  });

  it('resets to zero plus uniform noise within ±0.01 on qpos and qvel', () => {
    const env = new InvertedPendulum();
    const all: number[] = [];
    for (let seed = 0; seed < 200; seed++) {
      const [obs, info] = env.reset({ seed });
      expect(info).toEqual({});
      expect(obs).toBeInstanceOf(Float32Array);
      expect(obs.length).toBe(4);
      for (const v of obs) {
        expect(Math.abs(v)).toBeLessThanOrEqual(Math.fround(0.01));
        all.push(v);
      }
      const state = env.state;
      for (let i = 0; i < 4; i++) expect(Math.fround(state[i]!)).toBe(obs[i]);
    }
    // Spread over the whole interval, centred on 0.
    const mean = all.reduce((a, b) => a + b, 0) / all.length;
    expect(Math.abs(mean)).toBeLessThan(0.001);
    expect(Math.max(...all)).toBeGreaterThan(0.009);
    expect(Math.min(...all)).toBeLessThan(-0.009);
    const wide = new InvertedPendulum({ reset_noise_scale: 0.1 });
    const [obs] = wide.reset({ seed: 3 });
    expect(Math.max(...Array.from(obs, Math.abs))).toBeGreaterThan(0.01);
    env.close();
    wide.close();
  });

  it('passes the env checker', () => {
    const env = new InvertedPendulum({ renderMode: 'rgb_array' });
    expect(checkEnv(env)).toEqual([]);
    env.close();
  });

  it('the same seed gives the same trajectory', () => {
    const rollout = (seed: number): number[][] => {
      const env = new InvertedPendulum();
      env.actionSpace.seed(99);
      let [obs] = env.reset({ seed });
      const out = [Array.from(obs)];
      for (let t = 0; t < 50; t++) {
        const [o, r, term] = env.step(env.actionSpace.sample());
        obs = o;
        out.push([...Array.from(o), r]);
        if (term) [obs] = env.reset();
      }
      env.close();
      return out;
    };
    expect(rollout(7)).toEqual(rollout(7));
    expect(rollout(7)[0]).not.toEqual(rollout(8)[0]);
  });

  it('rejects non-finite and misshaped actions with a clear error', () => {
    const wrapped = make('InvertedPendulum-v5');
    wrapped.reset({ seed: 0 });
    expect(() => wrapped.step(act(NaN))).toThrow(UserError);
    expect(() => wrapped.step(act(Infinity))).toThrow(UserError);
    wrapped.close();
    const env = new InvertedPendulum();
    expect(() => env.step(act(0))).toThrow(/reset/);
    env.reset({ seed: 0 });
    expect(() => env.step(act(NaN))).toThrow(/finite/);
    expect(() => env.step(new Float32Array([0, 0]))).toThrow(UserError);
    expect(() => new InvertedPendulum({ frameSkip: 0 })).toThrow(UserError);
    expect(() => new InvertedPendulum({ xml_file: 'x.xml' })).toThrow(/unknown option/);
    // Out-of-range actions are clamped by MuJoCo's control range: 5 acts as 3.
    const a = new InvertedPendulum();
    const b = new InvertedPendulum();
    a.reset({ seed: 1 });
    b.reset({ seed: 1 });
    expect(Array.from(a.step(act(5))[0])).toEqual(Array.from(b.step(act(3))[0]));
    env.close();
    a.close();
    b.close();
    expect(() => a.step(act(0))).toThrow(/closed/);
  });

  it('through make, an out-of-range control reaches MuJoCo, which clamps it to ±3 (as Gymnasium)', () => {
    const wide = make('InvertedPendulum-v5');
    const clipped = make('InvertedPendulum-v5');
    wide.reset({ seed: 4 });
    clipped.reset({ seed: 4 });
    let far = 0;
    for (let t = 0; t < 60; t++) {
      const u = 9 * Math.sin(t * 2.1);
      if (Math.abs(u) > 3) far++;
      const [o1, r1, te1, tr1] = wide.step(act(u));
      const [o2, r2, te2, tr2] = clipped.step(act(Math.max(-3, Math.min(3, u))));
      expect(Array.from(o1)).toEqual(Array.from(o2));
      expect([r1, te1, tr1]).toEqual([r2, te2, tr2]); // stepped on past termination too
    }
    expect(far).toBeGreaterThan(3);
    wide.close();
    clipped.close();
  });

  it('renders ansi text and rgb_array side views', () => {
    const env = new InvertedPendulum({ renderMode: 'ansi' });
    env.reset({ seed: 0 });
    const s = env.render() as string;
    expect(s).toContain('C');
    expect(s).toMatch(/angle [+-]0\.0\d\d/);
    expect(new InvertedPendulum().render()).toBeUndefined();
    env.close();
    const rgb = make('InvertedPendulum-v5', { renderMode: 'rgb_array' });
    rgb.reset({ seed: 0 });
    const f = rgb.render() as { width: number; height: number; data: Uint8ClampedArray };
    expect([f.width, f.height, f.data.length]).toEqual([480, 480, 480 * 480 * 4]);
    // The upright pole (teal) is drawn above the cart, i.e. in the upper part of the frame.
    let teal = 0;
    for (let i = 0; i < f.data.length; i += 4) {
      if (f.data[i] === 0 && f.data[i + 1] === 179 && f.data[i + 2] === 179 && i / 4 / 480 < 0.6 * 480) teal++;
    }
    expect(teal).toBeGreaterThan(500);
    rgb.close();
  });
});
