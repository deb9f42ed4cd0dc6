// A wrapper that maps each reward.
import type { StepResult } from '../core/env.js';
import { Wrapper } from './wrapper.js';

export abstract class RewardWrapper<O, A> extends Wrapper<O, A> {
  abstract reward(reward: number): number;

  override step(action: A): StepResult<O> {
    const [obs, reward, terminated, truncated, info] = this.env.step(action);
    return [obs, this.reward(reward), terminated, truncated, info];
  }
}
