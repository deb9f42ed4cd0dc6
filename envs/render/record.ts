// Recording rollouts: collect rgb_array frames of an episode, write them as an animated GIF
// (gifenc) or a PNG contact strip (pngjs).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import * as gifencModule from 'gifenc';
import { PNG } from 'pngjs';
import { UserError } from '../../src/errors.js';
import type { Env, RgbFrame } from '../core/env.js';

// gifenc is CommonJS under plain Node (everything hangs off the default export) but is loaded as
// ESM with named exports by bundlers and vitest: accept both shapes.
type GifLib = Pick<typeof gifencModule, 'GIFEncoder' | 'quantize' | 'applyPalette'>;
const gifenc: GifLib =
  typeof (gifencModule as Partial<GifLib>).quantize === 'function'
    ? gifencModule
    : (gifencModule as unknown as { default: GifLib }).default;

export interface RecordOptions {
  seed?: number;
  /** Stop after this many steps even if the episode goes on (default 1000). */
  maxSteps?: number;
}

function isFrame(x: unknown): x is RgbFrame {
  return typeof x === 'object' && x !== null && 'data' in x && 'width' in x && 'height' in x;
}

function grab(env: Env<any, any>): RgbFrame {
  const f = env.render();
  if (!isFrame(f)) {
    throw new UserError(`recordEpisode: the env must be made with renderMode 'rgb_array' (render() returned ${typeof f})`);
  }
  // Copy: a renderer may reuse its buffer between calls.
  return { width: f.width, height: f.height, data: new Uint8ClampedArray(f.data) };
}

/**
 * Run one episode with `policy` and return its frames: the frame after reset and one after every
 * step, until terminated, truncated or `maxSteps`.
 */
export function recordEpisode<O, A>(
  env: Env<O, A>,
  policy: (obs: O) => A,
  { seed, maxSteps = 1000 }: RecordOptions = {},
): RgbFrame[] {
  const [first] = env.reset(seed === undefined ? {} : { seed });
  let obs = first;
  const frames = [grab(env)];
  for (let t = 0; t < maxSteps; t++) {
    const [next, , terminated, truncated] = env.step(policy(obs));
    obs = next;
    frames.push(grab(env));
    if (terminated || truncated) break;
  }
  return frames;
}

function checkFrames(frames: RgbFrame[], what: string): void {
  if (!Array.isArray(frames) || frames.length === 0) throw new UserError(`${what}: no frames to write`);
  const { width, height } = frames[0]!;
  for (const f of frames) {
    if (f.width !== width || f.height !== height || f.data.length !== width * height * 4) {
      throw new UserError(`${what}: every frame must be ${width}×${height} RGBA`);
    }
  }
}

function ensureDir(path: string): void {
  mkdirSync(dirname(path), { recursive: true });
}

/** Encode frames as an animated GIF (looping) and return its bytes. One palette for all frames. */
export function encodeGif(frames: RgbFrame[], { fps = 30 }: { fps?: number } = {}): Uint8Array {
  checkFrames(frames, 'writeGif');
  if (!(fps > 0)) throw new UserError(`writeGif: fps must be positive, got ${fps}`);
  const { width, height } = frames[0]!;
  // Palette from a few frames spread over the episode, so colours stay stable between frames.
  const picks = Math.min(frames.length, 8);
  const sample = new Uint8ClampedArray(picks * width * height * 4);
  for (let i = 0; i < picks; i++) {
    const f = frames[Math.floor((i * (frames.length - 1)) / Math.max(1, picks - 1))]!;
    sample.set(f.data, i * width * height * 4);
  }
  const palette = gifenc.quantize(sample, 256);
  const gif = gifenc.GIFEncoder();
  const delay = 1000 / fps;
  frames.forEach((f, i) => {
    const index = gifenc.applyPalette(f.data, palette);
    gif.writeFrame(index, width, height, i === 0 ? { palette, delay, repeat: 0 } : { delay });
  });
  gif.finish();
  return gif.bytes();
}

/** Write frames as an animated GIF at `path` (folders created as needed). */
export function writeGif(frames: RgbFrame[], path: string, opts: { fps?: number } = {}): void {
  const bytes = encodeGif(frames, opts);
  ensureDir(path);
  writeFileSync(path, bytes);
}

/** Every `every`-th frame (and the last), side by side in one PNG; returns the PNG bytes. */
export function encodePngStrip(frames: RgbFrame[], { every = 1 }: { every?: number } = {}): Buffer {
  checkFrames(frames, 'writePngStrip');
  if (!Number.isInteger(every) || every < 1) throw new UserError(`writePngStrip: every must be a positive integer`);
  const picked = frames.filter((_, i) => i % every === 0);
  if ((frames.length - 1) % every !== 0) picked.push(frames[frames.length - 1]!);
  const { width, height } = frames[0]!;
  const png = new PNG({ width: width * picked.length, height });
  const row = width * 4;
  picked.forEach((f, k) => {
    for (let y = 0; y < height; y++) {
      png.data.set(f.data.subarray(y * row, y * row + row), (y * png.width + k * width) * 4);
    }
  });
  return PNG.sync.write(png);
}

/** Write a PNG strip of every `every`-th frame at `path`. */
export function writePngStrip(frames: RgbFrame[], path: string, opts: { every?: number } = {}): void {
  const bytes = encodePngStrip(frames, opts);
  ensureDir(path);
  writeFileSync(path, bytes);
}

/** Write one frame as a PNG. */
export function writePng(frame: RgbFrame, path: string): void {
  writePngStrip([frame], path);
}
