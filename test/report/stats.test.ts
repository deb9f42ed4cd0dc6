import { describe, it, expect } from 'vitest';
import {
  exponentialMovingAverage,
  logMeanExp,
  max,
  mean,
  median,
  min,
  movingAverage,
  quantile,
  quantiles,
  quantilesAcross,
  runningMean,
  standardError,
  std,
  sum,
  summarize,
  variance,
} from '../../src/report/stats.js';

// Worked by hand: mean 5, squared deviations 9+1+1+1+0+0+4+16 = 32.
const xs = [2, 4, 4, 4, 5, 5, 7, 9];

describe('moments', () => {
  it('sum, mean, unbiased variance, std and standard error', () => {
    expect(sum(xs)).toBe(40);
    expect(mean(xs)).toBe(5);
    expect(variance(xs)).toBeCloseTo(32 / 7, 12);
    expect(std(xs)).toBeCloseTo(Math.sqrt(32 / 7), 12);
    expect(standardError(xs)).toBeCloseTo(Math.sqrt(32 / 7) / Math.sqrt(8), 12);
  });

  it('works on typed arrays and keeps precision far from zero', () => {
    expect(variance(new Float64Array([1e9 + 1, 1e9 + 2, 1e9 + 3]))).toBeCloseTo(1, 9);
    expect(mean(new Float32Array([1, 2]))).toBe(1.5);
  });

  it('degenerate inputs give NaN instead of throwing', () => {
    expect(mean([])).toBeNaN();
    expect(variance([3])).toBeNaN();
    expect(min([])).toBeNaN();
    expect(max([])).toBeNaN();
    expect(min([3, -1, 2])).toBe(-1);
    expect(max([3, -1, 2])).toBe(3);
  });
});

describe('quantiles', () => {
  it('interpolate linearly between order statistics', () => {
    const v = [4, 1, 3, 2]; // sorted 1 2 3 4; q=0.25 sits at position 0.75
    expect(quantile(v, 0)).toBe(1);
    expect(quantile(v, 0.25)).toBeCloseTo(1.75, 12);
    expect(quantile(v, 0.5)).toBe(2.5);
    expect(quantile(v, 0.75)).toBeCloseTo(3.25, 12);
    expect(quantile(v, 1)).toBe(4);
    expect(median([5, 1, 3])).toBe(3);
    expect(quantiles(v, [0.25, 0.5])).toEqual([1.75, 2.5]);
    expect(v).toEqual([4, 1, 3, 2]); // input not sorted in place
  });

  it('rejects q outside [0, 1]', () => {
    expect(() => quantile([1, 2], 1.5)).toThrow(RangeError);
    expect(() => quantile([1, 2], Number.NaN)).toThrow(RangeError);
  });

  it('quantilesAcross gives a per-step band over runs', () => {
    const runs = [
      [1, 10, 100],
      [3, 30],
      [2, 20, 200],
    ];
    const [lo, mid, hi] = quantilesAcross(runs, [0, 0.5, 1]);
    expect([...mid!]).toEqual([2, 20]);
    expect([...lo!]).toEqual([1, 10]);
    expect([...hi!]).toEqual([3, 30]);
  });

  it('summarize', () => {
    const s = summarize([1, 2, 3, 4]);
    expect(s).toMatchObject({ n: 4, mean: 2.5, min: 1, max: 4, median: 2.5, q25: 1.75, q75: 3.25 });
  });
});

describe('logMeanExp', () => {
  it('matches log of the mean of exponentials', () => {
    expect(logMeanExp([0, Math.log(3)])).toBeCloseTo(Math.log(2), 12);
    expect(logMeanExp([-1, -2, -3])).toBeCloseTo(Math.log((Math.exp(-1) + Math.exp(-2) + Math.exp(-3)) / 3), 12);
  });

  it('does not overflow or underflow', () => {
    expect(logMeanExp([1000, 1000])).toBeCloseTo(1000, 9);
    expect(logMeanExp([-1000, -1000 + Math.log(3)])).toBeCloseTo(-1000 + Math.log(2), 9);
    expect(logMeanExp([Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY])).toBe(Number.NEGATIVE_INFINITY);
    expect(logMeanExp([Number.NEGATIVE_INFINITY, 0])).toBeCloseTo(Math.log(0.5), 12);
  });
});

describe('running and moving averages', () => {
  it('runningMean is the cumulative mean', () => {
    expect([...runningMean([1, 2, 3, 4])]).toEqual([1, 1.5, 2, 2.5]);
  });

  it('movingAverage uses a trailing window, shorter at the start', () => {
    expect([...movingAverage([1, 2, 3, 4, 5], 2)]).toEqual([1, 1.5, 2.5, 3.5, 4.5]);
    expect([...movingAverage([3, 6, 9], 10)]).toEqual([3, 4.5, 6]);
    expect(() => movingAverage([1], 0)).toThrow(RangeError);
  });

  it('exponentialMovingAverage', () => {
    expect([...exponentialMovingAverage([1, 3, 3], 0.5)]).toEqual([1, 2, 2.5]);
  });
});
