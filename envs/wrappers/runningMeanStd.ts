// Running mean and variance of a stream of vectors, merged batch by batch
// with the parallel (Chan et al.) form of Welford's update, as Gymnasium's
// RunningMeanStd: it starts at mean 0, variance 1 with a tiny count.
import { UserError } from '../../src/errors.js';

export class RunningMeanStd {
  readonly size: number;
  readonly mean: Float64Array;
  readonly var: Float64Array;
  count: number;

  constructor(size: number, epsilon = 1e-4) {
    this.size = size;
    this.mean = new Float64Array(size);
    this.var = new Float64Array(size).fill(1);
    this.count = epsilon;
  }

  /** Adds `batchCount` vectors stored one after another in `x`. */
  update(x: ArrayLike<number>, batchCount = 1): void {
    const d = this.size;
    if (x.length !== d * batchCount) throw new UserError(`RunningMeanStd: expected ${d * batchCount} values, got ${x.length}`);
    for (let j = 0; j < d; j++) {
      let m = 0;
      for (let b = 0; b < batchCount; b++) m += x[b * d + j];
      m /= batchCount;
      let v = 0;
      for (let b = 0; b < batchCount; b++) v += (x[b * d + j] - m) ** 2;
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
}
