// RescaleAction, TimeAwareObservation and RecordVideo behaviour and errors; wrapper state
// (getState / setState, getWrapperStates / setWrapperStates) validation.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import '../../envs/classic/register.js';
import { PendulumEnv } from '../../envs/classic/pendulum.js';
import { make } from '../../envs/core/registry.js';
import { Box } from '../../envs/spaces/box.js';
import { Dict } from '../../envs/spaces/dict.js';
import {
  NormalizeObservation,
  NormalizeReward,
  RecordVideo,
  RescaleAction,
  TimeAwareObservation,
  cappedCubicVideoSchedule,
  getWrapperStates,
  setWrapperStates,
} from '../../envs/wrappers/index.js';
import { CounterEnv } from './counterEnv.js';

const tmp = mkdtempSync(join(tmpdir(), 'relax-pg-wrappers-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function oneLine(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    expect((e as Error).message).not.toContain('\n');
    return (e as Error).message;
  }
  throw new Error('expected a UserError');
}

describe('RescaleAction', () => {
  it('maps the new bounds onto the env bounds exactly', () => {
    const env = new RescaleAction(new PendulumEnv(), -1, 1);
    expect(env.actionSpace.toString()).toBe('Box(-1, 1, [1], float32)');
    const a = new PendulumEnv();
    env.reset({ seed: 3 });
    a.reset({ seed: 3 });
    for (const [wrapped, raw] of [[1, 2], [-1, -2], [0, 0], [0.25, 0.5]]) {
      const [o1, r1] = env.step(Float32Array.of(wrapped));
      const [o2, r2] = a.step(Float32Array.of(raw));
      expect(Array.from(o1)).toEqual(Array.from(o2));
      expect(r1).toBe(r2);
    }
  });
  it('refuses what Gymnasium refuses (and min = max)', () => {
    expect(oneLine(() => new RescaleAction(make('CartPole-v1') as never, -1, 1))).toMatch(/must be a Box, got Discrete\(2\)/);
    expect(oneLine(() => new RescaleAction(new PendulumEnv(), 1, -1))).toMatch(/minAction must be below maxAction/);
    expect(oneLine(() => new RescaleAction(new PendulumEnv(), 0.5, 0.5))).toMatch(/below/);
    expect(oneLine(() => new RescaleAction(new PendulumEnv(), -Infinity, 1))).toMatch(/unbounded components/);
    expect(oneLine(() => new RescaleAction(new PendulumEnv(), [0, 1], 2))).toMatch(/minAction must be a number or 1 numbers/);
  });
});

describe('TimeAwareObservation', () => {
  it('appends t (float64 when flattened, as Gymnasium) or t / limit (float32)', () => {
    const env = new TimeAwareObservation(make('CartPole-v1'));
    const space = env.observationSpace as Box<Float64Array>;
    expect(space.dtype).toBe('float64');
    expect(space.shape).toEqual([5]);
    expect(space.high[4]).toBe(500);
    const [o0] = env.reset({ seed: 0 });
    expect(o0[4]).toBe(0);
    const [o1] = env.step(1);
    expect(o1[4]).toBe(1);
    const norm = new TimeAwareObservation(make('CartPole-v1'), { normalizeTime: true });
    norm.reset({ seed: 0 });
    expect((norm.step(0)[0] as Float32Array)[4]).toBe(Math.fround(1 / 500));
    expect((norm.observationSpace as Box).dtype).toBe('float32');
  });
  it('keeps structure without flatten; a Dict observation gets a time key', () => {
    const env = new TimeAwareObservation(make('CartPole-v1'), { flatten: false });
    expect(env.observationSpace).toBeInstanceOf(Dict);
    const [o] = env.reset({ seed: 0 });
    expect(Object.keys(o as object)).toEqual(['obs', 'time']);
    expect(oneLine(() => new TimeAwareObservation(new CounterEnv()))).toMatch(/must have a step limit/);
  });
  it('flattens observations outside the space (CartPole past termination)', () => {
    const env = new TimeAwareObservation(make('CartPole-v1'));
    env.reset({ seed: 0 });
    let done = false;
    for (let t = 0; t < 60; t++) done = env.step(1)[2] || done;
    expect(done).toBe(true);
  });
});

describe('RecordVideo', () => {
  it('writes every N-th episode as a GIF', () => {
    const folder = join(tmp, 'every2');
    const env = new RecordVideo(make('CartPole-v1', { renderMode: 'rgb_array' }), { folder, every: 2 });
    for (let ep = 0; ep < 5; ep++) {
      env.reset({ seed: ep });
      for (let t = 0; t < 500; t++) {
        const [, , te, tr] = env.step(t % 2);
        if (te || tr) break;
      }
    }
    env.close();
    expect(readdirSync(folder).sort()).toEqual(['rl-video-episode-0.gif', 'rl-video-episode-2.gif', 'rl-video-episode-4.gif']);
    expect(env.recordedFiles).toHaveLength(3);
    const gif = readFileSync(join(folder, 'rl-video-episode-0.gif'));
    expect(gif.subarray(0, 6).toString('latin1')).toBe('GIF89a');
    expect(gif.readUInt16LE(6)).toBe(600); // CartPole frames are 600 × 400
  });
  it('uses Gymnasium’s capped cubic schedule by default; videoLength cuts a video', () => {
    expect([0, 1, 2, 7, 8, 27, 64, 999, 1000, 1500, 2000].map(cappedCubicVideoSchedule)).toEqual([
      true, true, false, false, true, true, true, false, true, false, true,
    ]);
    const folder = join(tmp, 'short');
    const env = new RecordVideo(make('Pendulum-v1', { renderMode: 'rgb_array' }), { folder, videoLength: 5, namePrefix: 'p' });
    env.reset({ seed: 0 });
    for (let t = 0; t < 20; t++) env.step(Float32Array.of(1));
    expect(env.recording).toBe(false);
    expect(env.recordedFiles).toEqual([join(folder, 'p-episode-0.gif')]);
  });
  it('clear one-line errors', () => {
    expect(oneLine(() => new RecordVideo(make('CartPole-v1'), { folder: join(tmp, 'x') }))).toMatch(/renderMode 'rgb_array'/);
    const file = join(tmp, 'a-file');
    writeFileSync(file, 'x');
    expect(oneLine(() => new RecordVideo(make('CartPole-v1', { renderMode: 'rgb_array' }), { folder: file }))).toMatch(/exists and is not a folder/);
    expect(oneLine(() => new RecordVideo(make('CartPole-v1', { renderMode: 'rgb_array' }), { folder: join(file, 'sub') }))).toMatch(/cannot create the folder/);
    expect(existsSync(join(tmp, 'x'))).toBe(false);
  });
});

describe('normalisation state', () => {
  it('is plain JSON and validated on restore', () => {
    const env = new NormalizeReward(new NormalizeObservation(make('CartPole-v1')));
    env.reset({ seed: 1 });
    env.step(0);
    const states = getWrapperStates(env);
    expect(states.map((s) => s.wrapper)).toEqual(['NormalizeReward', 'NormalizeObservation']);
    expect(JSON.parse(JSON.stringify(states))).toEqual(states);
    const obs = env.env as NormalizeObservation<number>;
    expect(oneLine(() => obs.setState({ obsRms: { mean: [0, 0], var: [1, 1], count: 1, dtype: 'float32' } }))).toMatch(/state.mean must be 4 finite numbers/);
    expect(oneLine(() => obs.setState({ obsRms: { mean: [0, 0, 0, 0], var: [1, -1, 1, 1], count: 1, dtype: 'float32' } }))).toMatch(/var must be ≥ 0/);
    expect(oneLine(() => env.setState({ returnRms: states[0]!.state as never, discountedReward: NaN }))).toMatch(/discountedReward/);
    expect(oneLine(() => setWrapperStates(new NormalizeObservation(make('CartPole-v1')), states))).toMatch(
      /stateful wrappers are \[NormalizeObservation\], the saved states are for \[NormalizeReward, NormalizeObservation\]/,
    );
    expect(oneLine(() => new NormalizeReward(make('CartPole-v1'), { gamma: 2 }))).toMatch(/gamma must be in \[0, 1\]/);
  });
});
