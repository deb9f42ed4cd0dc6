// Ends an episode by truncation after `maxEpisodeSteps` steps. It only ever
// sets `truncated`: a time limit is not a terminal state, so value targets
// must still bootstrap through it (truncation is never termination).
import { UserError } from '../../src/errors.js';
import type { Env, Info, ResetOptions, StepResult } from '../core/env.js';
import { Wrapper } from './wrapper.js';

export class TimeLimit<O, A> extends Wrapper<O, A> {
  readonly maxEpisodeSteps: number;
  /** Steps taken since the last reset. */
  elapsedSteps = 0;

  constructor(env: Env<O, A>, maxEpisodeSteps: number) {
    super(env);
    if (!Number.isInteger(maxEpisodeSteps) || maxEpisodeSteps <= 0) {
      throw new UserError(`TimeLimit: maxEpisodeSteps must be a positive integer, got ${maxEpisodeSteps}`);
    }
    this.maxEpisodeSteps = maxEpisodeSteps;
  }

  override reset(opts: ResetOptions = {}): [O, Info] {
    this.elapsedSteps = 0;
    return this.env.reset(opts);
  }

  override step(action: A): StepResult<O> {
    const result = this.env.step(action);
    // The tuple is fresh from the env: update it in place rather than copy it.
    if (++this.elapsedSteps >= this.maxEpisodeSteps) result[3] = true;
    return result;
  }
}
