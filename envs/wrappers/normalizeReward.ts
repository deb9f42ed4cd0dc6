// Scales rewards so that the discounted return has roughly unit variance (as
// Gymnasium's NormalizeReward): the running variance is that of the
// discounted sum of rewards, and rewards are divided, not centred.
import type { Env, StepResult } from '../core/env.js';
import { RunningMeanStd } from './runningMeanStd.js';
import { Wrapper } from './wrapper.js';

export interface NormalizeRewardOptions {
  gamma?: number;
  epsilon?: number;
}

export class NormalizeReward<O, A> extends Wrapper<O, A> {
  readonly returnRms = new RunningMeanStd(1);
  readonly gamma: number;
  readonly epsilon: number;
  /** The running discounted return (reset to zero by termination, not truncation). */
  discountedReward = 0;
  updateRunningMean = true;
  private readonly one = new Float64Array(1);

  constructor(env: Env<O, A>, opts: NormalizeRewardOptions = {}) {
    super(env);
    this.gamma = opts.gamma ?? 0.99;
    this.epsilon = opts.epsilon ?? 1e-8;
  }

  override step(action: A): StepResult<O> {
    const result = this.env.step(action);
    const reward = result[1];
    this.discountedReward = this.discountedReward * this.gamma * (result[2] ? 0 : 1) + reward;
    if (this.updateRunningMean) {
      this.one[0] = this.discountedReward;
      this.returnRms.update(this.one, 1);
    }
    result[1] = reward / Math.sqrt(this.returnRms.var[0] + this.epsilon);
    return result;
  }
}
