// SyncVectorEnv's autoreset modes against Gymnasium 1.4.0's SyncVectorEnv (recorded in
// test/fixtures/gymnasium/vector.json), and their errors.
import { beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { make } from '../../envs/core/registry.js';
import { AutoresetMode, SyncVectorEnv, makeVec } from '../../envs/vector/index.js';
import { registerTestEnvs } from './counterEnv.js';
import { loadVectorFixture, registerStepsEnvs, replayVector } from './vectorReplay.js';

beforeAll(() => {
  registerTestEnvs();
  registerStepsEnvs();
});

const fixture = loadVectorFixture();
const stepsVec = (mode: string, copy = true) =>
  new SyncVectorEnv(['TestSteps2-v0', 'TestSteps4-v0', 'TestSteps100-v0'].map((id) => () => make(id)), {
    autoresetMode: mode as never,
    copy,
  });

describe('SyncVectorEnv autoreset modes, call for call as Gymnasium 1.4.0', () => {
  it.each(Object.keys(fixture))('%s', (mode) => {
    const calls = fixture[mode as keyof typeof fixture];
    expect(replayVector(stepsVec(mode), calls)).toBeNull();
    expect(replayVector(stepsVec(mode, false), calls)).toBeNull();
  });

  it('the records tell the modes apart (so the replays above can fail)', () => {
    expect(replayVector(stepsVec('next_step'), fixture.SameStep)).toMatch(/call 2 \(step\)/);
    expect(replayVector(stepsVec('same_step'), fixture.NextStep)).not.toBeNull();
    // (Disabled with a reset_mask after every end gives what NEXT_STEP gives: no check there.)
  });

  it('the recorded calls cover what matters', () => {
    const same = fixture.SameStep.filter((c) => c.call === 'step' && 'final_obs' in c.infos);
    expect(same.length).toBeGreaterThan(2);
    const masked = fixture.Disabled.filter((c) => c.call === 'reset' && c.mask);
    expect(masked.length).toBeGreaterThan(2);
  });
});

describe('autoreset modes: options and errors', () => {
  it('names the mode in metadata; accepts Gymnasium names and constants', () => {
    expect(makeVec('TestCounter-v0', 2).metadata.autoresetMode).toBe('next_step');
    expect(makeVec('TestCounter-v0', 2, { autoresetMode: 'SameStep' }).metadata.autoresetMode).toBe('same_step');
    expect(makeVec('TestCounter-v0', 2, { autoresetMode: AutoresetMode.DISABLED }).autoresetMode).toBe('disabled');
    expect(() => makeVec('TestCounter-v0', 2, { autoresetMode: 'later' as never })).toThrow(/autoresetMode must be 'next_step', 'same_step' or 'disabled'/);
  });

  it('disabled: stepping an env that ended is a UserError until it is reset by mask', () => {
    const vec = stepsVec('disabled');
    vec.reset({ seed: 0 });
    vec.step(Int32Array.of(0, 0, 0));
    const [obs] = vec.step(Int32Array.of(0, 0, 0)); // env 0 ends (2 steps)
    let err: unknown;
    try {
      vec.step(Int32Array.of(0, 0, 0));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(/env 0 ended at the previous step and autoreset is disabled; reset it first with reset\(\{ options: \{ reset_mask \} \}\)/);
    // The refused step changed nothing: env 1 is still at t = 2.
    const [after] = vec.reset({ options: { reset_mask: [true, false, false] } });
    expect(Array.from(after.subarray(0, 2))).toEqual([2, 0]);
    expect(Array.from(after.subarray(2))).toEqual(Array.from(obs.subarray(2)));
    const [o3] = vec.step(Int32Array.of(1, 1, 1));
    expect(Array.from(o3)).toEqual([2, 11, 1, 31, 1, 31]);
  });

  it('rejects malformed reset masks with one line', () => {
    const vec = stepsVec('disabled');
    vec.reset();
    expect(() => vec.reset({ options: { reset_mask: [true, false] } })).toThrow(/reset_mask must have 3 entries/);
    expect(() => vec.reset({ options: { reset_mask: [false, false, false] } })).toThrow(/at least one true/);
    expect(() => vec.reset({ options: { reset_mask: 'all' } })).toThrow(/reset_mask must be a boolean\[\]/);
    expect(() => vec.reset({ options: { reset_mask: Uint8Array.of(1, 0, 2) } })).toThrow(UserError);
  });

  it('same_step: the reset observation is returned, the final one is in infos', () => {
    const vec = stepsVec('same_step');
    vec.reset({ seed: 0 });
    vec.step(Int32Array.of(2, 0, 0));
    const [obs, rewards, terminated, , infos] = vec.step(Int32Array.of(1, 0, 0));
    expect(terminated[0]).toBe(1);
    expect(rewards[0]).toBe(2.1);
    expect(Array.from(obs.subarray(0, 2))).toEqual([2, 0]); // episode 2 has started
    expect(Array.from((infos.final_obs as Float32Array[])[0]!)).toEqual([1, 21]);
    expect(Array.from(infos._final_obs as Uint8Array)).toEqual([1, 0, 0]);
    expect((infos.final_info as Record<string, unknown>).t).toEqual(Float64Array.of(2, 0, 0));
  });
});
