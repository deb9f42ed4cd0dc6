// Affinely rescales a Box action space to [min, max] (as Gymnasium's RescaleAction): the agent
// acts in the new Box, and each action a becomes (a − intercept) / gradient for the env, with
// gradient = (max − min) / (high − low) and intercept = min − gradient·low per component (for
// components whose new bounds are infinite, the bounds must equal the env's and the map is the
// identity shifted by max − high). gradient and intercept are stored in the Box's dtype and the
// map is computed in it, as NumPy does (float32 for float32 boxes; Gymnasium's float128
// high − low is float64 here, a difference at most in the last bit of a float32 gradient in rare
// cases). Unlike Gymnasium 1.4.0, min = max is refused (it makes a zero gradient; later
// Gymnasium versions refuse it too).
import { UserError } from '../../src/errors.js';
import type { Env } from '../core/env.js';
import { Box, type BoxValue } from '../spaces/box.js';
import { preview } from '../spaces/util.js';
import { ActionWrapper } from './actionWrapper.js';

function bounds(v: number | ArrayLike<number>, size: number, what: string): Float64Array {
  if (typeof v === 'number') return new Float64Array(size).fill(v);
  if (v === null || typeof v !== 'object' || v.length !== size || !Array.from(v).every((x) => typeof x === 'number')) {
    throw new UserError(`RescaleAction: ${what} must be a number or ${size} numbers, got ${preview(v)}`);
  }
  return Float64Array.from(v);
}

export class RescaleAction<O, T extends BoxValue = Float32Array> extends ActionWrapper<O, T, T> {
  readonly minAction: Float64Array;
  readonly maxAction: Float64Array;
  private readonly inner: Box<T>;
  private readonly gradient: Float64Array;
  private readonly intercept: Float64Array;

  constructor(env: Env<O, T>, minAction: number | ArrayLike<number>, maxAction: number | ArrayLike<number>) {
    super(env);
    const box = env.actionSpace;
    if (!(box instanceof Box)) throw new UserError(`RescaleAction: the action space must be a Box, got ${box.toString()}`);
    this.inner = box as Box<T>;
    const n = box.size;
    const lo = bounds(minAction, n, 'minAction');
    const hi = bounds(maxAction, n, 'maxAction');
    const r = box.dtype === 'float32' ? Math.fround : (x: number) => x;
    for (let i = 0; i < n; i++) {
      if (Number.isNaN(lo[i]!) || Number.isNaN(hi[i]!)) throw new UserError('RescaleAction: minAction and maxAction must not be NaN');
      if ((!Number.isFinite(lo[i]!) || !Number.isFinite(box.low[i]!)) && lo[i] !== box.low[i]) {
        throw new UserError('RescaleAction: for unbounded components the new bounds must equal the original infinite bounds');
      }
      if ((!Number.isFinite(hi[i]!) || !Number.isFinite(box.high[i]!)) && hi[i] !== box.high[i]) {
        throw new UserError('RescaleAction: for unbounded components the new bounds must equal the original infinite bounds');
      }
      if (!(lo[i]! < hi[i]!)) throw new UserError(`RescaleAction: minAction must be below maxAction, got ${lo[i]} and ${hi[i]} at ${i}`);
    }
    this.minAction = lo;
    this.maxAction = hi;
    this.gradient = new Float64Array(n).fill(1);
    this.intercept = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const minFinite = Number.isFinite(lo[i]!);
      const maxFinite = Number.isFinite(hi[i]!);
      if (minFinite && maxFinite) this.gradient[i] = r((hi[i]! - lo[i]!) / (box.high[i]! - box.low[i]!));
      if (maxFinite) this.intercept[i] = r(hi[i]! - box.high[i]!);
      // Where both are finite the lower bound's intercept wins, as in Gymnasium.
      if (minFinite) this.intercept[i] = r(r(this.gradient[i]! * -box.low[i]!) + lo[i]!);
    }
    this.actionSpace = new Box<T>(lo, hi, box.shape, box.dtype) as Box<T>;
  }

  action(action: T): T {
    const n = this.inner.size;
    // Leave malformed actions alone so the env checker below reports them.
    if (!(ArrayBuffer.isView(action) || Array.isArray(action)) || action.length !== n) return action;
    const out = this.inner.empty();
    const r = this.inner.dtype === 'float32' ? Math.fround : (x: number) => x;
    for (let i = 0; i < n; i++) out[i] = r(r(action[i]! - this.intercept[i]!) / this.gradient[i]!);
    return out;
  }
}
