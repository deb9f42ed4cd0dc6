// Clips continuous actions to the wrapped env's Box; the wrapper's own action
// space is the unbounded Box of the same shape (as Gymnasium's ClipAction).
import { UserError } from '../../src/errors.js';
import type { Env } from '../core/env.js';
import { Box, type BoxValue } from '../spaces/box.js';
import { ActionWrapper } from './actionWrapper.js';

export class ClipAction<O, T extends BoxValue = Float32Array> extends ActionWrapper<O, T, T> {
  private readonly inner: Box<T>;

  constructor(env: Env<O, T>) {
    super(env);
    if (!(env.actionSpace instanceof Box)) {
      throw new UserError(`ClipAction: the action space must be a Box, got ${env.actionSpace.toString()}`);
    }
    this.inner = env.actionSpace as Box<T>;
    this.actionSpace = new Box<T>(-Infinity, Infinity, this.inner.shape, this.inner.dtype);
  }

  action(action: T): T {
    const { low, high, size } = this.inner;
    // Leave malformed actions alone so the env checker below reports them.
    if (!(ArrayBuffer.isView(action) || Array.isArray(action)) || action.length !== size) return action;
    const out = this.inner.empty();
    for (let i = 0; i < size; i++) {
      const a = action[i];
      out[i] = a < low[i] ? low[i] : a > high[i] ? high[i] : a; // NaN passes through, to be rejected below
    }
    return out;
  }
}
