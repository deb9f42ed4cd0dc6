// Scales rewards so that the discounted return has roughly unit variance (as
// Gymnasium's NormalizeReward): the running variance is that of the
// discounted sum of rewards, and rewards are divided, not centred (float64,
// as Gymnasium's). `getState()` / `setState()` save and restore the running
// statistics and the running discounted return as JSON.
import { UserError } from '../../src/errors.js';
import type { Env, StepResult } from '../core/env.js';
import { RunningMeanStd, type RunningMeanStdState } from './runningMeanStd.js';
import { Wrapper } from './wrapper.js';

export interface NormalizeRewardOptions {
  gamma?: number;
  epsilon?: number;
}

/** What NormalizeReward.getState() returns (plain JSON). */
export interface NormalizeRewardState {
  returnRms: RunningMeanStdState;
  discountedReward: number;
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
    if (!(this.gamma >= 0 && this.gamma <= 1)) throw new UserError(`NormalizeReward: gamma must be in [0, 1], got ${this.gamma}`);
    if (!(this.epsilon >= 0) || !Number.isFinite(this.epsilon)) throw new UserError(`NormalizeReward: epsilon must be a finite number ≥ 0, got ${this.epsilon}`);
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

  /** The running statistics and discounted return, as JSON. */
  getState(): NormalizeRewardState {
    return { returnRms: this.returnRms.getState(), discountedReward: this.discountedReward };
  }

  /** Restore what getState() returned (a UserError if it does not fit). */
  setState(state: NormalizeRewardState): void {
    if (state === null || typeof state !== 'object') throw new UserError('NormalizeReward: state must be { returnRms, discountedReward }');
    if (typeof state.discountedReward !== 'number' || !Number.isFinite(state.discountedReward)) {
      throw new UserError('NormalizeReward: state.discountedReward must be a finite number');
    }
    this.returnRms.setState(state.returnRms, 'NormalizeReward');
    this.discountedReward = state.discountedReward;
  }
}
