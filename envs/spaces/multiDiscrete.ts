// Several discrete choices at once: element i takes values in
// {start[i], ..., start[i] + nvec[i] − 1}. Values are flat Int32Array
// (Gymnasium uses int64; int32 is enough here and typed arrays stay fast).
import { UserError } from '../../src/errors.js';
import { Space } from './space.js';
import { checkShape, shapeSize } from './util.js';

export interface MultiDiscreteOptions {
  start?: number | ArrayLike<number>;
  /** Shape of the value (row-major); defaults to [nvec.length]. */
  shape?: readonly number[];
  seed?: number;
}

export class MultiDiscrete extends Space<Int32Array> {
  readonly nvec: Int32Array;
  readonly start: Int32Array;
  readonly shape: readonly number[];
  readonly size: number;

  constructor(nvec: ArrayLike<number>, opts: MultiDiscreteOptions = {}) {
    super(opts.seed);
    this.shape = checkShape(opts.shape ?? [nvec.length], 'MultiDiscrete');
    this.size = shapeSize(this.shape);
    if (nvec.length !== this.size) {
      throw new UserError(`MultiDiscrete: nvec has ${nvec.length} elements, shape [${this.shape.join(', ')}] needs ${this.size}`);
    }
    this.nvec = new Int32Array(this.size);
    this.start = new Int32Array(this.size);
    for (let i = 0; i < this.size; i++) {
      const n = nvec[i];
      if (!Number.isInteger(n) || n <= 0) throw new UserError(`MultiDiscrete: nvec[${i}] must be a positive integer, got ${n}`);
      this.nvec[i] = n;
      const s = typeof opts.start === 'number' ? opts.start : (opts.start?.[i] ?? 0);
      if (!Number.isInteger(s)) throw new UserError(`MultiDiscrete: start[${i}] must be an integer, got ${s}`);
      this.start[i] = s;
    }
    if (opts.start !== undefined && typeof opts.start !== 'number' && opts.start.length !== this.size) {
      throw new UserError(`MultiDiscrete: start has ${opts.start.length} elements, expected ${this.size}`);
    }
  }

  sample(): Int32Array {
    const out = new Int32Array(this.size);
    for (let i = 0; i < this.size; i++) out[i] = this.start[i] + this.rng.integer(this.nvec[i]);
    return out;
  }

  /** Int32Array, another integer typed array or a number[] of integers, each in its range. */
  contains(x: unknown): boolean {
    if (
      !(
        x instanceof Int32Array ||
        x instanceof Int16Array ||
        x instanceof Int8Array ||
        x instanceof Uint8Array ||
        x instanceof Uint16Array ||
        Array.isArray(x)
      )
    ) {
      return false;
    }
    if (x.length !== this.size) return false;
    for (let i = 0; i < x.length; i++) {
      const v = x[i];
      if (typeof v !== 'number' || !Number.isInteger(v) || v < this.start[i] || v >= this.start[i] + this.nvec[i]) return false;
    }
    return true;
  }

  private hasStart(): boolean {
    return this.start.some((s) => s !== 0);
  }

  toString(): string {
    const shape = this.shape.length === 1 ? '' : `, shape=[${this.shape.join(', ')}]`;
    const start = this.hasStart() ? `, start=[${Array.from(this.start).join(', ')}]` : '';
    return `MultiDiscrete([${Array.from(this.nvec).join(', ')}]${start}${shape})`;
  }

  toJSON(): Record<string, unknown> {
    return { type: 'MultiDiscrete', nvec: Array.from(this.nvec), start: Array.from(this.start), shape: [...this.shape] };
  }
}
