// Classic control against cases recorded from Gymnasium 1.4.0's own source with NumPy 2 on
// glibc (test/fixtures/gymnasium/generate.py): out-of-range Box actions clipped inside step,
// the MountainCarContinuous goal boundary, long episodes. Our sin/cos are correctly rounded and
// glibc's are not always (nor is its pow for x**2), so the replay (gymFixtures.ts) is exact up
// to the first libm misrounding the generator found and bounded after it; the steps where
// anything does differ are pinned here, so a change in the physics that stays within the bound
// still fails.
import { describe, expect, it } from 'vitest';
import { DYNAMICS, loadGymFixture, replayGym } from './gymFixtures.js';

/** [first step whose observation differs, first step whose reward differs] (-1: none); every other case: [-1, -1]. */
const DIVERGES: Record<string, [number, number]> = {
  // Misroundings from step 18 on (19 steps, 17 in the dynamics); the float32 observation shows
  // the difference from step 347, and by step 475 it is ~1e-3 (the episode is chaotic).
  'Acrobot-v1 seed 97/497: 500 random torques': [347, -1],
  // glibc's pow/powf misround θ², θ̇² or u² at steps 8 and 62 (62 changes the reward's last bits),
  // its sin at 134; the state's last bits differ from there, the float32 observation never.
  'Pendulum-v1 seed 11/511: 200 random torques': [-1, 62],
};

describe.each(['clip', 'goal', 'long'] as const)('Gymnasium 1.4.0 cases: %s', (name) => {
  const fixture = loadGymFixture(name);
  it('were made by Gymnasium 1.4.0 with NumPy 2', () => {
    expect(fixture.gymnasium).toBe('1.4.0');
    expect(Number(fixture.numpy.split('.')[0])).toBeGreaterThanOrEqual(2);
    expect(fixture.cases.length).toBeGreaterThan(5);
  });
  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s', (_label, c) => {
    const r = replayGym(c);
    expect(r.error).toBeNull();
    expect([r.obsDiverges, r.rewardDiverges]).toEqual(DIVERGES[c.name] ?? [-1, -1]);
  });
});

describe('the recorded cases exercise what they claim', () => {
  it('clip: many actions outside the Box, some infinite', () => {
    const { cases } = loadGymFixture('clip');
    let outside = 0;
    let infinite = 0;
    for (const c of cases) {
      const a = Buffer.from(c.actions as string, 'base64');
      const v = new Float32Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.length));
      const bound = c.env === 'Pendulum-v1' ? 2 : 1;
      for (const x of v) {
        if (Math.abs(x) > bound) outside++;
        if (!Number.isFinite(x)) infinite++;
      }
    }
    expect(outside).toBeGreaterThan(500);
    expect(infinite).toBeGreaterThan(10);
    // Some MountainCarContinuous episodes reach the goal (reward 100 − 0.1·a² on that step).
    expect(cases.filter((c) => c.terminated.includes('1')).length).toBeGreaterThan(0);
  });

  it('goal: both sides of the boundary, float64 and float32 states, misrounded cos(3p)', () => {
    const { cases } = loadGymFixture('goal');
    const first = cases.map((c) => c.terminated[0] === '1');
    expect(first.filter(Boolean).length).toBeGreaterThan(10);
    expect(first.filter((t) => !t).length).toBeGreaterThan(10);
    expect(cases.some((c) => c.stateDtype === 'float32')).toBe(true);
    // States whose first step has glibc's cos(3·position) one ulp off: matched exactly all the same.
    expect(cases.filter((c) => c.libm?.some(([t, m]) => t === 0 && m & DYNAMICS)).length).toBeGreaterThanOrEqual(5);
  });

  it('long: CartPole past termination and the 500-step limit; libm misroundings along most episodes', () => {
    const { cases } = loadGymFixture('long');
    const cp = cases.filter((c) => c.env === 'CartPole-v1');
    expect(cp.length).toBeGreaterThanOrEqual(2);
    for (const c of cp) {
      expect(c.terminated.length).toBe(600);
      expect(c.truncated.indexOf('1')).toBe(499);
    }
    const misrounded = cases.filter((c) => c.libm?.some(([, m]) => m & DYNAMICS)).map((c) => c.env);
    expect(new Set(misrounded)).toEqual(new Set(['CartPole-v1', 'Acrobot-v1', 'Pendulum-v1', 'MountainCar-v0', 'MountainCarContinuous-v0']));
  });
});

describe('the comparison can fail', () => {
  const long = loadGymFixture('long').cases;
  const byName = (prefix: string) => long.find((c) => c.name.startsWith(prefix))!;
  const acrobot = byName('Acrobot-v1');

  it('on a wrong constant or equation', () => {
    expect(replayGym(byName('Pendulum-v1'), { kwargs: { g: 9.81 } }).error).toMatch(/^step 0: obs/);
    expect(replayGym(acrobot, { kwargs: { book_or_nips: 'nips' } }).error).toMatch(/^step 0: obs/);
  });

  it('on one float64 ulp in a constant, before any misrounding (Pendulum g = 10 + 2⁻⁴⁹)', () => {
    expect(replayGym(byName('Pendulum-v1'), { kwargs: { g: 10 + 2 ** -49 } }).error).toMatch(/^step 5: reward/);
  });

  it('on a start state 1e-9 off (CartPole under control: caught at once)', () => {
    const c = byName('CartPole-v1 seed 4');
    const s = c.state.slice();
    s[3]! += 1e-9;
    expect(replayGym(c, { state: s }).error).toMatch(/^step 1: obs/);
  });

  it('on a drift larger than libm nudges explain (Acrobot with θ̇1 1e-12 off: beyond the bound)', () => {
    const s = acrobot.state.slice();
    s[2]! += 1e-12;
    expect(replayGym(acrobot, { state: s }).error).toMatch(/^step \d+: obs.*drifting/);
  });

  it('on a drift within the bound that shows at another step (θ̇1 2⁻⁵⁰ off: diverges at 344, not 347)', () => {
    const s = acrobot.state.slice();
    s[2]! += 2 ** -50;
    const r = replayGym(acrobot, { state: s });
    expect(r.error).toBeNull();
    expect(r.obsDiverges).not.toBe(DIVERGES[acrobot.name]![0]);
  });
});
