// A wrapper that maps each action before the wrapped env sees it.
import type { StepResult } from '../core/env.js';
import { Wrapper } from './wrapper.js';

export abstract class ActionWrapper<O, A, InnerA> extends Wrapper<O, A, O, InnerA> {
  abstract action(action: A): InnerA;

  override step(action: A): StepResult<O> {
    return this.env.step(this.action(action));
  }
}
