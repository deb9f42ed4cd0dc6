// Property tests of LunarLander-v3 on planck: it cannot match Box2D step for step, so
// we test what must hold for any faithful port (crash, landing, reward bookkeeping,
// spaces, determinism, the discrete/continuous correspondence and the wind).
import { describe, expect, it } from 'vitest';
import { LunarLander, LunarLanderContinuous, makeLunarLander } from '../../envs/box2d/index.js';
import { VIEWPORT_H, VIEWPORT_W } from '../../envs/box2d/lunarLander.js';
import { make } from '../../envs/core/registry.js';
import { checkEnv } from '../../envs/core/checker.js';
import { UserError } from '../../src/errors.js';

type Obs = Float32Array;
const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

/**
 * Our own lander pilot: aim the lander's tilt at the pad (PD on the horizontal offset
 * and speed, capped at 0.35 rad), hold that tilt with a PD on angle and spin, and track
 * a sink rate that shrinks with height. After touchdown it only brakes the fall.
 */
function pilot(s: Obs): { turn: number; lift: number } {
  const [x, y, vx, vy, angle, spin, left, right] = s as unknown as number[];
  const aim = clamp(0.6 * x! + 1.2 * vx!, -0.35, 0.35);
  let turn = 2.0 * (aim - angle!) - 1.5 * spin!;
  const sinkTarget = -(0.15 + 0.45 * Math.max(0, y! - 0.35 * Math.abs(x!)));
  let lift = 1.6 * (sinkTarget - vy!);
  if (left || right) {
    turn = 0;
    lift = -1.6 * vy!;
  }
  return { turn, lift };
}

function pilotDiscrete(s: Obs): number {
  const { turn, lift } = pilot(s);
  if (lift > Math.abs(turn) && lift > 0.06) return 2;
  if (turn > 0.12) return 1; // left engine spins the lander counter-clockwise
  if (turn < -0.12) return 3;
  return 0;
}

function pilotContinuous(s: Obs): Float32Array {
  const { turn, lift } = pilot(s);
  return new Float32Array([clamp(lift * 10 - 1, -1, 1), clamp(-turn * 10, -1, 1)]);
}

interface Episode {
  ret: number;
  steps: number;
  lastReward: number;
  terminated: boolean;
  obs: Obs[];
  rewards: number[];
}

function run<A>(env: { reset(o: { seed?: number }): [Obs, unknown]; step(a: A): [Obs, number, boolean, boolean, unknown] }, seed: number, policy: (s: Obs, t: number) => A, maxSteps = 1000): Episode {
  let [obs] = env.reset({ seed });
  const out: Episode = { ret: 0, steps: 0, lastReward: 0, terminated: false, obs: [obs], rewards: [] };
  while (out.steps < maxSteps) {
    const [o, r, term] = env.step(policy(obs, out.steps));
    obs = o;
    out.obs.push(o);
    out.rewards.push(r);
    out.ret += r;
    out.steps++;
    out.lastReward = r;
    if (term) {
      out.terminated = true;
      break;
    }
  }
  return out;
}

/** A fixed pseudo-random action stream (independent of the env's generator). */
function lcgActions(seed: number): (s: Obs, t: number) => number {
  let x = seed * 2654435761 + 12345;
  return () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return Math.floor((x / 2147483648) * 4);
  };
}

describe('LunarLander-v3: physics properties', () => {
  it('a lander that does nothing crashes (−100 at the end) for several seeds', () => {
    const env = new LunarLander();
    for (const seed of [0, 1, 2, 3, 4, 5]) {
      const ep = run(env, seed, () => 0);
      expect(ep.terminated).toBe(true);
      expect(ep.lastReward).toBe(-100);
      expect(ep.steps).toBeLessThan(200); // it falls from the top in a few seconds
      expect(ep.ret).toBeLessThan(0);
    }
  });

  it('our hand pilot lands and earns > 200 on most seeds (discrete)', () => {
    // Criterion: on seeds 0..9, at least 8 episodes score > 200, the mean is > 200, and
    // every episode ends by coming to rest (+100 on the last step) within 1000 steps.
    const env = new LunarLander();
    const returns: number[] = [];
    for (let seed = 0; seed < 10; seed++) {
      const ep = run(env, seed, pilotDiscrete);
      expect(ep.terminated).toBe(true);
      expect(ep.lastReward).toBe(100);
      returns.push(ep.ret);
    }
    const mean = returns.reduce((a, b) => a + b, 0) / returns.length;
    expect(returns.filter((r) => r > 200).length).toBeGreaterThanOrEqual(8);
    expect(mean).toBeGreaterThan(200);
  });

  it('our hand pilot lands and earns > 200 on most seeds (continuous)', () => {
    // Same criterion as the discrete test.
    const env = new LunarLanderContinuous();
    const returns: number[] = [];
    for (let seed = 0; seed < 10; seed++) {
      const ep = run(env, seed, pilotContinuous);
      expect(ep.terminated).toBe(true);
      expect(ep.lastReward).toBe(100);
      returns.push(ep.ret);
    }
    const mean = returns.reduce((a, b) => a + b, 0) / returns.length;
    expect(returns.filter((r) => r > 200).length).toBeGreaterThanOrEqual(8);
    expect(mean).toBeGreaterThan(200);
  });

  it('the shaping reward telescopes: Σ rewards = final shaping − initial shaping − fuel + terminal bonus', () => {
    const fuelOf = (a: number): number => (a === 2 ? 0.3 : a === 1 || a === 3 ? 0.03 : 0);
    const policies: [string, (s: Obs, t: number) => number][] = [
      ['pilot', pilotDiscrete],
      ['idle', () => 0],
      ['random', lcgActions(7)],
    ];
    for (const [name, policy] of policies) {
      for (const seed of [11, 12]) {
        const env = new LunarLander();
        let [obs] = env.reset({ seed });
        const initial = env.shaping!;
        let prev = initial;
        let sum = 0;
        let fuel = 0;
        let terminal = 0;
        for (let t = 0; t < 1000; t++) {
          const a = policy(obs, t);
          const [o, r, term] = env.step(a);
          obs = o;
          sum += r;
          if (term) {
            terminal = r;
            break;
          }
          // Each non-terminal reward is the change in shaping minus this step's fuel.
          expect(r, `${name} seed ${seed} step ${t}`).toBeCloseTo(env.shaping! - prev - fuelOf(a), 9);
          fuel += fuelOf(a);
          prev = env.shaping!;
        }
        expect(Math.abs(terminal)).toBe(100);
        // The terminal step's reward is replaced by ±100 (shaping still advances, as in Gymnasium).
        expect(sum).toBeCloseTo(prev - initial - fuel + terminal, 6);
      }
    }
  });

  it('continuous throttles cost 0.3·m_power and 0.03·s_power per step', () => {
    const env = new LunarLanderContinuous();
    env.reset({ seed: 3 });
    let prev = env.shaping!;
    const actions = [
      [0.5, 0],
      [1, 0.7],
      [-0.2, -0.9],
      [0, 0.5], // exactly 0.5: the side engines stay off, main off at 0
      [0.25, -0.6],
    ];
    for (const [m, l] of actions) {
      const [, r, term] = env.step(new Float32Array([m!, l!]));
      expect(term).toBe(false);
      const mPower = m! > 0 ? (clamp(Math.fround(m!), 0, 1) + 1) * 0.5 : 0;
      const sPower = Math.abs(Math.fround(l!)) > 0.5 ? clamp(Math.abs(Math.fround(l!)), 0.5, 1) : 0;
      expect(r).toBeCloseTo(env.shaping! - prev - 0.3 * mPower - 0.03 * sPower, 9);
      prev = env.shaping!;
    }
  });

  it('observations stay inside the observation space', () => {
    const env = new LunarLander();
    for (const seed of [0, 1, 2]) {
      for (const policy of [pilotDiscrete, lcgActions(seed), () => 0]) {
        const ep = run(env, seed, policy);
        for (const o of ep.obs) {
          expect(o).toBeInstanceOf(Float32Array);
          expect(o.length).toBe(8);
          expect(env.observationSpace.contains(o)).toBe(true);
        }
      }
    }
  });

  it('the same seed gives the same trajectory (and a different seed a different one)', () => {
    const a = run(new LunarLander(), 42, lcgActions(1), 300);
    const b = run(new LunarLander(), 42, lcgActions(1), 300);
    expect(b.steps).toBe(a.steps);
    expect(b.rewards).toEqual(a.rewards);
    for (let t = 0; t < a.obs.length; t++) expect(Array.from(b.obs[t]!)).toEqual(Array.from(a.obs[t]!));
    // Re-seeding the same env reproduces it too, whatever ran before.
    const env = new LunarLander();
    run(env, 5, lcgActions(3), 100);
    const c = run(env, 42, lcgActions(1), 300);
    expect(c.rewards).toEqual(a.rewards);
    // Rendering (exhaust particles) does not change the dynamics.
    const drawn = new LunarLander({ renderMode: 'rgb_array' });
    const e = run({ reset: (o) => drawn.reset(o), step: (x: number) => (drawn.render(), drawn.step(x)) }, 42, lcgActions(1), 300);
    expect(e.rewards).toEqual(a.rewards);
    const d = run(new LunarLander(), 43, lcgActions(1), 300);
    expect(Array.from(d.obs[0]!)).not.toEqual(Array.from(a.obs[0]!));
  });

  it('continuous and discrete versions agree where they should', () => {
    // Zero throttle = no-op, [1, 0] = full main engine, [0, ∓1] = left/right engine at full power.
    const pairs: [number, Float32Array][] = [
      [0, new Float32Array([0, 0])],
      [0, new Float32Array([-1, 0.3])],
      [2, new Float32Array([1, 0])],
      [1, new Float32Array([0, -1])],
      [3, new Float32Array([0, 1])],
    ];
    for (const [d, c] of pairs) {
      const seq = (t: number): boolean => t % 3 !== 0; // mix the action with no-ops
      const disc = run(new LunarLander(), 9, (_s, t) => (seq(t) ? d : 0), 80);
      const cont = run(new LunarLanderContinuous(), 9, (_s, t) => (seq(t) ? c : new Float32Array(2)), 80);
      expect(cont.steps).toBe(disc.steps);
      expect(cont.rewards).toEqual(disc.rewards);
      for (let t = 0; t < disc.obs.length; t++) expect(Array.from(cont.obs[t]!)).toEqual(Array.from(disc.obs[t]!));
    }
  });

  it('wind and turbulence change the trajectory (and are deterministic given the seed)', () => {
    // windPower = turbulencePower = 0 draws the same random numbers as real wind, so any
    // difference comes from the wind forces alone.
    const calm = run(new LunarLander({ enableWind: true, windPower: 0, turbulencePower: 0 }), 4, () => 0, 60);
    const windy = run(new LunarLander({ enableWind: true, windPower: 15, turbulencePower: 1.5 }), 4, () => 0, 60);
    const windy2 = run(new LunarLander({ enableWind: true, windPower: 15, turbulencePower: 1.5 }), 4, () => 0, 60);
    const still = run(new LunarLander(), 4, () => 0, 60);
    expect(windy2.rewards).toEqual(windy.rewards);
    const t = Math.min(calm.steps, windy.steps, 40);
    const dx = Math.abs(windy.obs[t]![0]! - calm.obs[t]![0]!);
    const dAngle = Math.abs(windy.obs[t]![4]! - calm.obs[t]![4]!);
    expect(dx).toBeGreaterThan(1e-3);
    expect(dAngle).toBeGreaterThan(1e-3);
    // Wind off by default; with zero power the only change is the extra draws at reset.
    expect(Array.from(still.obs[0]!)).not.toEqual(Array.from(windy.obs[0]!));
    // Wind offsets are drawn in [−9999, 9999) and advance one per airborne step.
    const env = new LunarLander({ enableWind: true });
    env.reset({ seed: 8 });
    const w0 = env.windState;
    expect(Number.isInteger(w0.windIdx)).toBe(true);
    expect(Math.abs(w0.windIdx)).toBeLessThanOrEqual(9999);
    env.step(0);
    expect(env.windState.windIdx).toBe(w0.windIdx + 1);
    expect(env.windState.torqueIdx).toBe(w0.torqueIdx + 1);
  });

  it('flying out of the viewport (|x| ≥ 1) ends the episode with −100', () => {
    // Hold a 0.4 rad tilt and altitude: the main engine then accelerates the lander sideways.
    const drift = (s: Obs): number => {
      const turn = 2 * (0.4 - s[4]!) - 1.5 * s[5]!;
      const lift = 1.6 * (0.8 - s[1]!) * 0.5 - 1.6 * s[3]!;
      return lift > Math.abs(turn) && lift > 0.06 ? 2 : turn > 0.12 ? 1 : turn < -0.12 ? 3 : 0;
    };
    const ep = run(new LunarLander(), 3, drift);
    expect(ep.terminated).toBe(true);
    expect(ep.lastReward).toBe(-100);
    const last = ep.obs[ep.obs.length - 1]!;
    expect(last[0]).toBeLessThanOrEqual(-1); // positive tilt pushes toward −x
    expect(last[1]).toBeGreaterThan(0.2); // still airborne: it left, it did not crash
  });

  it('gravity sets the fall rate', () => {
    const fallAfter = (gravity: number): number => {
      const env = new LunarLander({ gravity });
      env.reset({ seed: 1 });
      const v0 = env.landerState!.vy;
      for (let t = 0; t < 10; t++) env.step(0);
      return env.landerState!.vy - v0;
    };
    // 10 steps of 1/50 s: Δv ≈ g · 0.2 s (no contact yet).
    expect(fallAfter(-10)).toBeCloseTo(-2, 1);
    expect(fallAfter(-5)).toBeCloseTo(-1, 1);
  });
});

describe('LunarLander-v3: API', () => {
  it('is registered with Gymnasium’s limits and spaces', () => {
    const env = make('LunarLander-v3');
    expect(env.spec?.maxEpisodeSteps).toBe(1000);
    expect(env.spec?.rewardThreshold).toBe(200);
    expect(env.actionSpace.toString()).toBe('Discrete(4)');
    expect(env.observationSpace.toString()).toContain('[8]');
    const cont = make('LunarLanderContinuous-v3');
    expect(cont.spec?.maxEpisodeSteps).toBe(1000);
    expect(cont.spec?.rewardThreshold).toBe(200);
    expect(cont.unwrapped).toBeInstanceOf(LunarLanderContinuous);
    expect(make('LunarLander-v3', { continuous: true }).unwrapped).toBeInstanceOf(LunarLanderContinuous);
    expect(make('LunarLander-v3', { enable_wind: true, wind_power: 10 }).unwrapped).toBeInstanceOf(LunarLander);
    const drawn = make('LunarLander-v3', { renderMode: 'rgb_array' });
    drawn.reset({ seed: 0 });
    expect((drawn.render() as { width: number }).width).toBe(600);
  });

  it('truncates at 1000 steps through make (a hovering lander)', () => {
    const env = make<Obs, number>('LunarLander-v3');
    let [obs] = env.reset({ seed: 2 });
    let steps = 0;
    let truncated = false;
    let terminated = false;
    // Hover: hold the attitude and a zero sink rate well above the ground.
    while (!truncated && !terminated) {
      const s = obs as unknown as number[];
      const turn = 2 * (clamp(0.6 * s[0]! + 1.2 * s[2]!, -0.35, 0.35) - s[4]!) - 1.5 * s[5]!;
      const lift = 1.6 * (0.5 - s[1]!) * 0.5 - 1.6 * s[3]!;
      const a = lift > Math.abs(turn) && lift > 0.06 ? 2 : turn > 0.12 ? 1 : turn < -0.12 ? 3 : 0;
      [obs, , terminated, truncated] = env.step(a);
      steps++;
    }
    expect(terminated).toBe(false);
    expect(truncated).toBe(true);
    expect(steps).toBe(1000);
  });

  it('passes the env checker (both versions, with rendering)', () => {
    expect(checkEnv(new LunarLander({ renderMode: 'rgb_array' }))).toEqual([]);
    expect(checkEnv(new LunarLanderContinuous({ renderMode: 'ansi', enableWind: true }))).toEqual([]);
  });

  it('rejects bad options, bad actions and stepping before reset with a UserError', () => {
    expect(() => new LunarLander({ gravity: -12 })).toThrow(UserError);
    expect(() => new LunarLander({ gravity: 1 })).toThrow(UserError);
    expect(() => new LunarLander({ windy: true })).toThrow(/unknown option 'windy'/);
    expect(() => makeLunarLander({ continuous: 'yes' })).toThrow(UserError);
    expect(() => new LunarLander().step(0)).toThrow(/reset/);
    const env = new LunarLander();
    env.reset({ seed: 0 });
    expect(() => env.step(4)).toThrow(UserError);
    expect(() => env.step(1.5)).toThrow(UserError);
    const cont = new LunarLanderContinuous();
    cont.reset({ seed: 0 });
    expect(() => cont.step(new Float32Array([NaN, 0]))).toThrow(/finite/);
    expect(() => cont.step(new Float32Array([0]))).toThrow(UserError);
    // Out-of-range throttles are clipped, as Gymnasium does.
    expect(() => cont.step(new Float32Array([5, -5]))).not.toThrow();
  });

  it('exposes the lander state read-only', () => {
    const env = new LunarLander();
    expect(env.landerState).toBeNull();
    const [obs] = env.reset({ seed: 6 });
    const s = env.landerState!;
    const { helipadY } = env.terrain;
    // The observation is the state scaled as Gymnasium scales it.
    expect(obs[0]).toBeCloseTo((s.x - VIEWPORT_W / 60) / (VIEWPORT_W / 60), 5);
    expect(obs[1]).toBeCloseTo((s.y - (helipadY + 18 / 30)) / (VIEWPORT_H / 60), 5);
    expect(obs[2]).toBeCloseTo((s.vx * (VIEWPORT_W / 60)) / 50, 5);
    expect(obs[5]).toBeCloseTo((20 * s.angularVelocity) / 50, 5);
    s.x = 1000; // a snapshot: changing it does not move the lander
    expect(env.landerState!.x).not.toBe(1000);
  });

  it('renders rgb_array frames (600×400: black sky, white ground, yellow flags) and ansi text', () => {
    const env = new LunarLander({ renderMode: 'rgb_array' });
    env.reset({ seed: 1 });
    for (let t = 0; t < 20; t++) env.step(2);
    const f = env.render() as { width: number; height: number; data: Uint8ClampedArray };
    expect(f.width).toBe(600);
    expect(f.height).toBe(400);
    expect(f.data.length).toBe(600 * 400 * 4);
    const px = (x: number, y: number): number[] => Array.from(f.data.subarray((y * 600 + x) * 4, (y * 600 + x) * 4 + 4));
    expect(px(5, 5)).toEqual([0, 0, 0, 255]); // sky
    expect(px(300, 395)).toEqual([255, 255, 255, 255]); // moon
    let purple = 0;
    let yellow = 0;
    for (let i = 0; i < f.data.length; i += 4) {
      if (f.data[i] === 128 && f.data[i + 1] === 102 && f.data[i + 2] === 230) purple++;
      if (f.data[i] === 204 && f.data[i + 1] === 204 && f.data[i + 2] === 0) yellow++;
    }
    expect(purple).toBeGreaterThan(100); // the lander
    expect(yellow).toBeGreaterThan(50); // two flags
    const text = new LunarLander({ renderMode: 'ansi' });
    text.reset({ seed: 1 });
    const s = text.render() as string;
    expect(s).toContain('A');
    expect(s).toMatch(/legs 00/);
    expect(new LunarLander().render()).toBeUndefined();
  });
});
