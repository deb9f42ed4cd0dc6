// Running mean and variance of a stream of vectors, merged batch by batch
// with the parallel (Chan et al.) form of Welford's update, as Gymnasium's
// RunningMeanStd: it starts at mean 0, variance 1 with a tiny count.
//
// Precision: float64 by default. With `dtype: 'float32'` the mean and variance are float32, and
// updating them with float32 values is done as NumPy 2 does it in Gymnasium's NormalizeObservation
// (whose statistics have the observation space's float32 dtype): every product and quotient of a
// float32 array with the Python-float count is made in float32. A float64 value promotes the
// statistics to float64 for good, as NumPy's result type does.
import { UserError } from '../../src/errors.js';

/** The JSON form of a RunningMeanStd (`getState` / `setState`). */
export interface RunningMeanStdState {
  mean: number[];
  var: number[];
  count: number;
  dtype: 'float32' | 'float64';
}

const f32 = Math.fround;

export class RunningMeanStd {
  readonly size: number;
  readonly mean: Float64Array;
  readonly var: Float64Array;
  count: number;
  /** Whether mean and var are float32 values (see the note above). */
  dtype: 'float32' | 'float64';

  constructor(size: number, epsilon = 1e-4, dtype: 'float32' | 'float64' = 'float64') {
    this.size = size;
    this.mean = new Float64Array(size);
    this.var = new Float64Array(size).fill(1);
    this.count = epsilon;
    this.dtype = dtype;
  }

  /** Adds `batchCount` vectors stored one after another in `x` (float32 values if a Float32Array). */
  update(x: ArrayLike<number>, batchCount = 1): void {
    const d = this.size;
    if (x.length !== d * batchCount) throw new UserError(`RunningMeanStd: expected ${d * batchCount} values, got ${x.length}`);
    if (this.dtype === 'float32' && x instanceof Float32Array && batchCount === 1) {
      this.updateOneF32(x);
      return;
    }
    this.dtype = 'float64';
    for (let j = 0; j < d; j++) {
      let m = 0;
      for (let b = 0; b < batchCount; b++) m += x[b * d + j];
      m /= batchCount;
      let v = 0;
      for (let b = 0; b < batchCount; b++) v += (x[b * d + j] - m) * (x[b * d + j] - m);
      v /= batchCount;
      this.merge(j, m, v, batchCount);
    }
    this.count += batchCount;
  }

  private merge(j: number, batchMean: number, batchVar: number, batchCount: number): void {
    const total = this.count + batchCount;
    const delta = batchMean - this.mean[j];
    this.mean[j] += (delta * batchCount) / total;
    const m2 = this.var[j] * this.count + batchVar * batchCount + ((delta * delta * this.count) * batchCount) / total;
    this.var[j] = m2 / total;
  }

  /** One float32 vector into float32 statistics, operation for operation as NumPy 2. */
  private updateOneF32(x: Float32Array): void {
    const count = this.count;
    const total = count + 1;
    const c = f32(count);
    const t = f32(total);
    for (let j = 0; j < this.size; j++) {
      const delta = f32(x[j]! - this.mean[j]!);
      this.mean[j] = f32(this.mean[j]! + f32(delta / t));
      const m2 = f32(f32(this.var[j]! * c) + f32(f32(f32(delta * delta) * c) / t)); // + batch var 0
      this.var[j] = f32(m2 / t);
    }
    this.count = total;
  }

  /** The statistics as plain JSON (numbers; float32 values are exact in JSON). */
  getState(): RunningMeanStdState {
    return { mean: Array.from(this.mean), var: Array.from(this.var), count: this.count, dtype: this.dtype };
  }

  /** Restore statistics from `getState()`; a UserError if they do not fit. */
  setState(state: RunningMeanStdState, what = 'RunningMeanStd'): void {
    const s = state as Partial<RunningMeanStdState> | null;
    const vec = (v: unknown, name: string): number[] => {
      if (!Array.isArray(v) || v.length !== this.size || !v.every((e) => typeof e === 'number' && Number.isFinite(e))) {
        throw new UserError(`${what}: state.${name} must be ${this.size} finite numbers`);
      }
      return v as number[];
    };
    if (s === null || typeof s !== 'object') throw new UserError(`${what}: state must be an object { mean, var, count, dtype }`);
    const mean = vec(s.mean, 'mean');
    const variance = vec(s.var, 'var');
    if (variance.some((v) => v < 0)) throw new UserError(`${what}: state.var must be ≥ 0`);
    if (typeof s.count !== 'number' || !(s.count > 0) || !Number.isFinite(s.count)) throw new UserError(`${what}: state.count must be a positive number`);
    const dtype = s.dtype ?? 'float64';
    if (dtype !== 'float32' && dtype !== 'float64') throw new UserError(`${what}: state.dtype must be 'float32' or 'float64'`);
    this.mean.set(mean);
    this.var.set(variance);
    this.count = s.count;
    this.dtype = dtype;
  }
}
