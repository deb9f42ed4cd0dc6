// Rendering of the classic-control envs: frame sizes, content, determinism, text mode, recording.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it, vi } from 'vitest';
import { AcrobotEnv } from '../../envs/classic/acrobot.js';
import { CartPoleEnv } from '../../envs/classic/cartpole.js';
import { MountainCarContinuousEnv } from '../../envs/classic/continuousMountainCar.js';
import { MountainCarEnv } from '../../envs/classic/mountainCar.js';
import { PendulumEnv } from '../../envs/classic/pendulum.js';
import '../../envs/classic/register.js';
import type { Env, RgbFrame } from '../../envs/core/env.js';
import { make } from '../../envs/core/registry.js';
import { Canvas } from '../../envs/render/canvas.js';
import { encodeGif, recordEpisode, writeGif, writePngStrip } from '../../envs/render/record.js';
import { UserError } from '../../src/errors.js';
import { tempDir } from '../helpers.js';

type Maker = (mode?: 'ansi' | 'rgb_array') => Env<Float32Array, any> & { state: unknown };
const ENVS: [string, Maker, number, number, number[], unknown][] = [
  ['CartPole', (m) => new CartPoleEnv({ renderMode: m }), 600, 400, [0.5, 0, 0.1, 0], 1],
  ['Acrobot', (m) => new AcrobotEnv({ renderMode: m }), 500, 500, [0.4, 0.8, 0, 0], 2],
  ['MountainCar', (m) => new MountainCarEnv({ renderMode: m }), 600, 400, [-0.7, 0], 2],
  ['MountainCarContinuous', (m) => new MountainCarContinuousEnv({ renderMode: m }), 600, 400, [0.2, 0], Float32Array.of(1)],
  ['Pendulum', (m) => new PendulumEnv({ renderMode: m }), 500, 500, [1.0, 0], Float32Array.of(1.5)],
];

/** Count of pixels of exactly this colour. */
function count(f: RgbFrame, [r, g, b]: number[]): number {
  let n = 0;
  for (let i = 0; i < f.data.length; i += 4) if (f.data[i] === r && f.data[i + 1] === g && f.data[i + 2] === b) n++;
  return n;
}

function nonWhite(f: RgbFrame): number {
  return f.width * f.height - count(f, [255, 255, 255]);
}

describe.each(ENVS)('%s rgb_array', (_name, mk, w, h, state, action) => {
  it('has the right size, is opaque and not blank, and is deterministic', () => {
    const env = mk('rgb_array');
    env.reset({ seed: 0 });
    env.state = state;
    env.step(action);
    const f = env.render() as RgbFrame;
    expect([f.width, f.height, f.data.length]).toEqual([w, h, w * h * 4]);
    expect(f.data).toBeInstanceOf(Uint8ClampedArray);
    for (let i = 3; i < f.data.length; i += 4) if (f.data[i] !== 255) throw new Error('transparent pixel');
    expect(nonWhite(f)).toBeGreaterThan(500);
    expect(nonWhite(f)).toBeLessThan(w * h * 0.2);
    const again = env.render() as RgbFrame;
    expect(Buffer.from(again.data).equals(Buffer.from(f.data))).toBe(true);
    // Another env in the same state draws the same picture.
    const other = mk('rgb_array');
    other.reset({ seed: 9 });
    other.state = env.state as number[];
    if (env instanceof PendulumEnv) (other as PendulumEnv).lastU = env.lastU;
    expect(Buffer.from((other.render() as RgbFrame).data).equals(Buffer.from(f.data))).toBe(true);
  });

  it('changes when the state changes', () => {
    const env = mk('rgb_array');
    env.reset({ seed: 0 });
    env.state = state;
    const a = Buffer.from((env.render() as RgbFrame).data);
    env.state = state.map((v, i) => (i === 0 ? v + 0.3 : v));
    const b = Buffer.from((env.render() as RgbFrame).data);
    expect(a.equals(b)).toBe(false);
  });

  it('ansi mode gives a text summary', () => {
    const env = mk('ansi');
    env.reset({ seed: 0 });
    const text = env.render();
    expect(typeof text).toBe('string');
    expect(text as string).toContain(_name);
  });

  it('warns and returns undefined without a render mode', () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const env = mk();
    env.reset({ seed: 0 });
    expect(env.render()).toBeUndefined();
    expect(warn).toHaveBeenCalled();
    warn.mockRestore();
  });
});

describe('pictures look like Gymnasium', () => {
  it('CartPole: black cart, tan pole, blue axle, track line', () => {
    const env = new CartPoleEnv({ renderMode: 'rgb_array' });
    env.reset({ seed: 0 });
    env.state = [0, 0, 0, 0];
    const f = env.render() as RgbFrame;
    expect(count(f, [0, 0, 0])).toBeGreaterThan(50 * 30 * 0.9 + 500);
    expect(count(f, [202, 152, 101])).toBeGreaterThan(800);
    expect(count(f, [129, 132, 203])).toBeGreaterThan(40);
    // Cart centred at x = 300, its top 100 px above the bottom (y is flipped).
    const px = (x: number, y: number) => Array.from(f.data.subarray((y * 600 + x) * 4, (y * 600 + x) * 4 + 3));
    expect(px(300, 400 - 100 + 10)).toEqual([0, 0, 0]);
    expect(px(300, 400 - 100 - 60)).toEqual([202, 152, 101]); // the upright pole
    expect(px(10, 400 - 101)).toEqual([0, 0, 0]); // the track
  });

  it('Pendulum: red rod pointing up at θ = 0, with a torque arrow after a step', () => {
    const env = new PendulumEnv({ renderMode: 'rgb_array' });
    env.reset({ seed: 0 });
    env.state = [0, 0];
    const before = env.render() as RgbFrame;
    const px = (f: RgbFrame, x: number, y: number) => Array.from(f.data.subarray((y * 500 + x) * 4, (y * 500 + x) * 4 + 3));
    expect(px(before, 250, 250 - 80)).toEqual([204, 77, 77]);
    expect(px(before, 250, 250 + 80)).toEqual([255, 255, 255]);
    env.state = [0, 0];
    env.step(Float32Array.of(2));
    const after = env.render() as RgbFrame;
    expect(nonWhite(after)).toBeGreaterThan(nonWhite(before));
  });
});

describe('Canvas', () => {
  it('fills an axis-aligned square exactly and a disc about πr²', () => {
    const c = new Canvas(40, 40, [255, 255, 255]);
    c.fillPolygon(
      [
        [5, 5],
        [15, 5],
        [15, 15],
        [5, 15],
      ],
      [0, 0, 0],
    );
    let black = 0;
    for (let i = 0; i < c.data.length; i += 4) if (c.data[i] === 0) black++;
    expect(black).toBe(100);
    const d = new Canvas(40, 40, [0, 0, 0]);
    d.fillCircle(20, 20, 10, [255, 255, 255]);
    let ink = 0;
    for (let i = 0; i < d.data.length; i += 4) ink += d.data[i]! / 255;
    expect(Math.abs(ink - Math.PI * 100)).toBeLessThan(12);
  });

  it('flipY mirrors rows', () => {
    const c = new Canvas(2, 3, [0, 0, 0]);
    c.blend(1, 0, [255, 0, 0]);
    c.flipY();
    expect(Array.from(c.data.subarray((2 * 2 + 1) * 4, (2 * 2 + 1) * 4 + 3))).toEqual([255, 0, 0]);
  });

  it('ignores shapes with non-finite coordinates instead of hanging', () => {
    const c = new Canvas(10, 10);
    c.fillPolygon([[0, 0], [Number.NaN, 5], [5, 5]], [0, 0, 0]);
    c.line(0, 0, Infinity, 3, [0, 0, 0]);
    c.fillCircle(Number.NaN, 2, 3, [0, 0, 0]);
    expect(c.data.every((v) => v === 255)).toBe(true);
  });
});

describe('recording', () => {
  const dir = tempDir('relax-pg-render-');

  it('recordEpisode gives the reset frame plus one per step, until the end of the episode', () => {
    const env = new CartPoleEnv({ renderMode: 'rgb_array' });
    const frames = recordEpisode(env, () => 1, { seed: 0, maxSteps: 500 });
    let steps = 0;
    env.reset({ seed: 0 });
    for (;;) {
      steps++;
      if (env.step(1)[2]) break;
    }
    expect(frames.length).toBe(steps + 1);
    const capped = recordEpisode(env, () => 1, { seed: 0, maxSteps: 3 });
    expect(capped.length).toBe(4);
    expect(() => recordEpisode(new CartPoleEnv(), () => 0, { seed: 0 })).toThrow(UserError);
  });

  it('writes an animated GIF and a PNG strip', () => {
    const env = new PendulumEnv({ renderMode: 'rgb_array' });
    const frames = recordEpisode(env, () => Float32Array.of(1), { seed: 1, maxSteps: 12 });
    const gifPath = join(dir, 'sub', 'pendulum.gif');
    writeGif(frames, gifPath, { fps: 30 });
    const gif = readFileSync(gifPath);
    expect(gif.subarray(0, 6).toString('latin1')).toBe('GIF89a');
    expect(gif.readUInt16LE(6)).toBe(500);
    expect(gif.readUInt16LE(8)).toBe(500);
    expect(Buffer.from(encodeGif(frames, { fps: 30 })).equals(gif)).toBe(true); // deterministic

    const pngPath = join(dir, 'strip.png');
    writePngStrip(frames, pngPath, { every: 5 });
    const png = PNG.sync.read(readFileSync(pngPath));
    expect([png.width, png.height]).toEqual([500 * 4, 500]); // 13 frames: 0, 5, 10 and the last (12)
  });

  it('records through make(id, {renderMode}) as well', () => {
    const env = make('Acrobot-v1', { renderMode: 'rgb_array' });
    const frames = recordEpisode(env, () => 2, { seed: 0, maxSteps: 5 });
    expect(frames.length).toBe(6);
    expect([frames[0]!.width, frames[0]!.height]).toEqual([500, 500]);
    expect(Buffer.from(frames[0]!.data).equals(Buffer.from(frames[5]!.data))).toBe(false);
  });

  it('rejects frames of different sizes', () => {
    const a = new Canvas(4, 4).toFrame();
    const b = new Canvas(5, 4).toFrame();
    expect(() => encodeGif([a, b])).toThrow(UserError);
    expect(() => encodeGif([])).toThrow(UserError);
  });
});
