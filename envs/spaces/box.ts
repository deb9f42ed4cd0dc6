// A (possibly unbounded) box in R^shape. Values are flat, row-major typed
// arrays: Float32Array for dtype 'float32', Float64Array for 'float64'.
import { UserError } from '../../src/errors.js';
import { Space } from './space.js';
import { checkShape, decodeNumber, encodeNumber, shapeSize } from './util.js';

export type BoxDtype = 'float32' | 'float64';
export type BoxValue = Float32Array | Float64Array;

export class Box<T extends BoxValue = Float32Array> extends Space<T> {
  readonly shape: readonly number[];
  readonly dtype: BoxDtype;
  readonly size: number;
  /** Bounds per element, stored in the box's dtype (as Gymnasium casts them). */
  readonly low: T;
  readonly high: T;

  /**
   * `low`/`high` are scalars or arrays of `prod(shape)` elements. Without
   * `shape`, it is taken from an array bound, or [] (one element) for scalars.
   */
  constructor(
    low: number | ArrayLike<number>,
    high: number | ArrayLike<number>,
    shape?: readonly number[],
    dtype: BoxDtype = 'float32',
    seed?: number,
  ) {
    super(seed);
    if (dtype !== 'float32' && dtype !== 'float64') {
      throw new UserError(`Box: dtype must be 'float32' or 'float64', got ${String(dtype)}`);
    }
    const inferred = typeof low !== 'number' ? [low.length] : typeof high !== 'number' ? [high.length] : [];
    this.shape = checkShape(shape ?? inferred, 'Box');
    this.dtype = dtype;
    this.size = shapeSize(this.shape);
    this.low = this.fill(low, 'low');
    this.high = this.fill(high, 'high');
    for (let i = 0; i < this.size; i++) {
      if (Number.isNaN(this.low[i]) || Number.isNaN(this.high[i])) throw new UserError('Box: bounds must not be NaN');
      if (this.low[i] > this.high[i]) {
        throw new UserError(`Box: low[${i}] = ${this.low[i]} is above high[${i}] = ${this.high[i]}`);
      }
      if (this.low[i] === Infinity || this.high[i] === -Infinity) {
        throw new UserError(`Box: element ${i} has an empty range [${this.low[i]}, ${this.high[i]}]`);
      }
    }
  }

  private fill(bound: number | ArrayLike<number>, name: string): T {
    const out = this.empty();
    if (typeof bound === 'number') {
      out.fill(bound);
    } else {
      if (bound.length !== this.size) {
        throw new UserError(`Box: ${name} has ${bound.length} elements, shape [${this.shape.join(', ')}] needs ${this.size}`);
      }
      for (let i = 0; i < this.size; i++) out[i] = bound[i];
    }
    return out;
  }

  /** A zero-filled array of this box's dtype and size. */
  empty(): T {
    return (this.dtype === 'float32' ? new Float32Array(this.size) : new Float64Array(this.size)) as T;
  }

  /** Whether every element is bounded on both sides ('both'), or below/above only. */
  isBounded(manner: 'both' | 'below' | 'above' = 'both'): boolean {
    for (let i = 0; i < this.size; i++) {
      const below = this.low[i] > -Infinity;
      const above = this.high[i] < Infinity;
      if (manner === 'both' ? !(below && above) : manner === 'below' ? !below : !above) return false;
    }
    return true;
  }

  /**
   * Per element, as Gymnasium: uniform on [low, high) when bounded on both
   * sides, low + Exp(1) or high − Exp(1) when bounded on one side, N(0, 1)
   * when unbounded.
   */
  sample(): T {
    const out = this.empty();
    const rng = this.rng;
    for (let i = 0; i < this.size; i++) {
      const lo = this.low[i];
      const hi = this.high[i];
      const below = lo > -Infinity;
      const above = hi < Infinity;
      if (below && above) out[i] = rng.uniform(lo, hi);
      else if (below) out[i] = lo - Math.log(1 - rng.next());
      else if (above) out[i] = hi + Math.log(1 - rng.next());
      else out[i] = rng.normal();
      // Rounding to float32 can land just past a bound: keep it inside.
      if (out[i] > hi) out[i] = hi;
      if (out[i] < lo) out[i] = lo;
    }
    return out;
  }

  /**
   * A Float32Array (or, for float64 boxes, a Float32Array or Float64Array) or
   * a plain number array of the right length, every element within bounds.
   * A Float64Array is not in a float32 box (it would lose precision, as numpy's
   * can_cast rule). NaN is never inside.
   */
  contains(x: unknown): boolean {
    let v: ArrayLike<number>;
    if (x instanceof Float32Array) v = x;
    else if (x instanceof Float64Array) {
      if (this.dtype !== 'float64') return false;
      v = x;
    } else if (Array.isArray(x)) {
      if (!x.every((e) => typeof e === 'number')) return false;
      v = this.dtype === 'float32' ? Float32Array.from(x) : x;
    } else return false;
    if (v.length !== this.size) return false;
    const low = this.low;
    const high = this.high;
    for (let i = 0; i < v.length; i++) {
      const e = v[i];
      if (!(e >= low[i] && e <= high[i])) return false;
    }
    return true;
  }

  private boundString(b: T): string {
    const first = b[0];
    if (this.size > 0 && b.every((e) => e === first)) return String(first);
    return `[${Array.from(b).join(', ')}]`;
  }

  toString(): string {
    return `Box(${this.boundString(this.low)}, ${this.boundString(this.high)}, [${this.shape.join(', ')}], ${this.dtype})`;
  }

  toJSON(): Record<string, unknown> {
    const bound = (b: T): unknown => {
      const first = b[0];
      if (this.size > 0 && b.every((e) => e === first)) return encodeNumber(first);
      return Array.from(b, encodeNumber);
    };
    return { type: 'Box', low: bound(this.low), high: bound(this.high), shape: [...this.shape], dtype: this.dtype };
  }

  static fromJSON(j: Record<string, unknown>): Box<BoxValue> {
    const bound = (b: unknown, name: string): number | number[] =>
      Array.isArray(b) ? b.map((e) => decodeNumber(e, `Box.${name}`)) : decodeNumber(b, `Box.${name}`);
    return new Box<BoxValue>(bound(j.low, 'low'), bound(j.high, 'high'), j.shape as number[], j.dtype as BoxDtype);
  }
}
