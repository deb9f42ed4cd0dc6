// A wrapper that changes only observations (on reset and step).
import type { Info, ResetOptions, StepResult } from '../core/env.js';
import { Wrapper } from './wrapper.js';

export abstract class ObservationWrapper<O, A, InnerO> extends Wrapper<O, A, InnerO, A> {
  abstract observation(obs: InnerO): O;

  override reset(opts: ResetOptions = {}): [O, Info] {
    const [obs, info] = this.env.reset(opts);
    return [this.observation(obs), info];
  }

  override step(action: A): StepResult<O> {
    const [obs, reward, terminated, truncated, info] = this.env.step(action);
    return [this.observation(obs), reward, terminated, truncated, info];
  }
}
