// Records episodes to animated GIFs through the env's rgb_array renderer (as Gymnasium's
// RecordVideo, which writes MP4s): episode k is recorded when `episodeTrigger(k)` says so —
// every N-th episode with `every: N`, else Gymnasium's default schedule (episodes 0, 1, 8, 27,
// …, k³ up to 1000, then every 1000th). Frames are the one after reset and one after every step;
// the GIF `<folder>/<namePrefix>-episode-<k>.gif` is written when the episode ends (or at the
// next reset, at close, or after `videoLength` frames). Episodes are counted from 0 by reset().
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../src/errors.js';
import type { Env, Info, ResetOptions, RgbFrame, StepResult } from '../core/env.js';
import { encodeGif } from '../render/record.js';
import { Wrapper } from './wrapper.js';

export interface RecordVideoOptions {
  /** Folder for the GIFs (created if missing). */
  folder: string;
  /** Record every N-th episode (0, N, 2N, …); overrides the default schedule. */
  every?: number;
  /** Which episodes to record (episode index from 0); default: Gymnasium's capped cubic schedule. */
  episodeTrigger?: (episode: number) => boolean;
  /** File name prefix (default 'rl-video'). */
  namePrefix?: string;
  /** Frames per second of the GIF (default the env's metadata.renderFps, else 30). */
  fps?: number;
  /** At most this many frames per video (default 0: the whole episode). */
  videoLength?: number;
}

/** Gymnasium's capped_cubic_video_schedule: 0, 1, 8, 27, …, 729, 1000, 2000, 3000, … */
export function cappedCubicVideoSchedule(episode: number): boolean {
  if (episode < 1000) return Math.round(Math.cbrt(episode)) ** 3 === episode;
  return episode % 1000 === 0;
}

function isFrame(x: unknown): x is RgbFrame {
  return typeof x === 'object' && x !== null && 'data' in x && 'width' in x && 'height' in x;
}

export class RecordVideo<O, A> extends Wrapper<O, A> {
  readonly folder: string;
  readonly namePrefix: string;
  readonly fps: number;
  readonly videoLength: number;
  /** Paths of the GIFs written so far. */
  readonly recordedFiles: string[] = [];
  /** Index of the current episode (−1 before the first reset). */
  episodeId = -1;
  private readonly trigger: (episode: number) => boolean;
  private frames: RgbFrame[] | null = null;

  constructor(env: Env<O, A>, opts: RecordVideoOptions) {
    super(env);
    if (opts === null || typeof opts !== 'object' || typeof opts.folder !== 'string' || opts.folder === '') {
      throw new UserError('RecordVideo: give a folder, e.g. new RecordVideo(env, { folder: "videos" })');
    }
    if (env.renderMode !== 'rgb_array') {
      throw new UserError(`RecordVideo: the env must be made with renderMode 'rgb_array' (it has ${String(env.renderMode)})`);
    }
    const { every } = opts;
    if (every !== undefined && (!Number.isInteger(every) || every < 1)) throw new UserError(`RecordVideo: every must be a positive integer, got ${every}`);
    this.trigger = opts.episodeTrigger ?? (every !== undefined ? (k: number) => k % every === 0 : cappedCubicVideoSchedule);
    this.namePrefix = opts.namePrefix ?? 'rl-video';
    this.fps = opts.fps ?? env.metadata?.renderFps ?? 30;
    if (!(this.fps > 0)) throw new UserError(`RecordVideo: fps must be positive, got ${this.fps}`);
    this.videoLength = opts.videoLength ?? 0;
    if (!Number.isInteger(this.videoLength) || this.videoLength < 0) throw new UserError(`RecordVideo: videoLength must be an integer ≥ 0, got ${this.videoLength}`);
    this.folder = opts.folder;
    if (existsSync(this.folder) && !statSync(this.folder).isDirectory()) throw new UserError(`RecordVideo: ${this.folder} exists and is not a folder`);
    try {
      mkdirSync(this.folder, { recursive: true });
    } catch (e) {
      throw new UserError(`RecordVideo: cannot create the folder ${this.folder}: ${(e as Error).message.split('\n')[0]}`);
    }
  }

  /** Whether the current episode is being recorded. */
  get recording(): boolean {
    return this.frames !== null;
  }

  private capture(): void {
    const f = this.env.render();
    if (!isFrame(f)) throw new UserError(`RecordVideo: render() returned ${typeof f}, not an rgb_array frame`);
    // Copy: a renderer may reuse its buffer between calls.
    this.frames!.push({ width: f.width, height: f.height, data: new Uint8ClampedArray(f.data) });
    if (this.videoLength > 0 && this.frames!.length >= this.videoLength) this.stopRecording();
  }

  /** Write the frames recorded so far (if any) and stop recording. */
  stopRecording(): void {
    const frames = this.frames;
    this.frames = null;
    if (frames === null || frames.length === 0) return;
    const path = join(this.folder, `${this.namePrefix}-episode-${this.episodeId}.gif`);
    try {
      writeFileSync(path, encodeGif(frames, { fps: this.fps }));
    } catch (e) {
      throw new UserError(`RecordVideo: cannot write ${path}: ${(e as Error).message.split('\n')[0]}`);
    }
    this.recordedFiles.push(path);
  }

  override reset(opts: ResetOptions = {}): [O, Info] {
    this.stopRecording();
    const result = this.env.reset(opts);
    this.episodeId++;
    if (this.trigger(this.episodeId)) {
      this.frames = [];
      this.capture();
    }
    return result;
  }

  override step(action: A): StepResult<O> {
    const result = this.env.step(action);
    if (this.frames !== null) {
      this.capture();
      if (result[2] || result[3]) this.stopRecording();
    }
    return result;
  }

  override close(): void {
    try {
      this.stopRecording();
    } finally {
      super.close();
    }
  }
}
