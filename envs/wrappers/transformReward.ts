// Applies a function to every reward.
import type { Env } from '../core/env.js';
import { RewardWrapper } from './rewardWrapper.js';

export class TransformReward<O, A> extends RewardWrapper<O, A> {
  constructor(
    env: Env<O, A>,
    private readonly fn: (reward: number) => number,
  ) {
    super(env);
  }

  reward(reward: number): number {
    return this.fn(reward);
  }
}
