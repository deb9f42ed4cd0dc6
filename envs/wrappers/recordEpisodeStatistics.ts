// Adds `info.episode = { r, l, t }` (return, length, seconds since reset) to
// the info of the step that ends an episode, and keeps the last few episodes'
// values in queues.
import { UserError } from '../../src/errors.js';
import type { Env, Info, ResetOptions, StepResult } from '../core/env.js';
import { Wrapper } from './wrapper.js';

export interface EpisodeStatistics {
  /** Sum of rewards. */
  r: number;
  /** Number of steps. */
  l: number;
  /** Wall-clock seconds since the episode's reset (6 decimals). */
  t: number;
}

export interface RecordEpisodeStatisticsOptions {
  /** How many recent episodes the queues keep (default 100). */
  bufferLength?: number;
  /** The info key (default 'episode'). */
  statsKey?: string;
}

export class RecordEpisodeStatistics<O, A> extends Wrapper<O, A> {
  readonly statsKey: string;
  readonly bufferLength: number;
  episodeReturn = 0;
  episodeLength = 0;
  private episodeStart = performance.now();
  readonly returnQueue: number[] = [];
  readonly lengthQueue: number[] = [];
  readonly timeQueue: number[] = [];
  /** Episodes finished since construction. */
  episodeCount = 0;

  constructor(env: Env<O, A>, opts: RecordEpisodeStatisticsOptions = {}) {
    super(env);
    this.bufferLength = opts.bufferLength ?? 100;
    if (!Number.isInteger(this.bufferLength) || this.bufferLength <= 0) {
      throw new UserError(`RecordEpisodeStatistics: bufferLength must be a positive integer, got ${this.bufferLength}`);
    }
    this.statsKey = opts.statsKey ?? 'episode';
  }

  override reset(opts: ResetOptions = {}): [O, Info] {
    const result = this.env.reset(opts);
    this.episodeReturn = 0;
    this.episodeLength = 0;
    this.episodeStart = performance.now();
    return result;
  }

  override step(action: A): StepResult<O> {
    const result = this.env.step(action);
    this.episodeReturn += result[1];
    this.episodeLength += 1;
    if (result[2] || result[3]) {
      const info = result[4];
      if (this.statsKey in info) {
        throw new UserError(`RecordEpisodeStatistics: the info already has a '${this.statsKey}' key; choose another statsKey`);
      }
      const t = Math.round((performance.now() - this.episodeStart) * 1e3) / 1e6;
      const episode: EpisodeStatistics = { r: this.episodeReturn, l: this.episodeLength, t };
      // A new info object: the env may reuse or share its own.
      result[4] = { ...info, [this.statsKey]: episode };
      this.push(this.returnQueue, episode.r);
      this.push(this.lengthQueue, episode.l);
      this.push(this.timeQueue, episode.t);
      this.episodeCount++;
    }
    return result;
  }

  private push(queue: number[], v: number): void {
    queue.push(v);
    if (queue.length > this.bufferLength) queue.shift();
  }
}
