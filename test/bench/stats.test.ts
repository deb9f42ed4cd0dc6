import { describe, expect, it } from 'vitest';
import { median, ratio, roundRatioRange, unitsPerRound } from '../../bench/ratio/stats.js';

describe('bench statistics', () => {
  it('median of odd and even counts, ignoring non-finite values', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([5, NaN, 1, Infinity, 3])).toBe(3);
    expect(median([])).toBeNaN();
  });
  it('ratio is relax-pg over peer, undefined without a usable peer figure', () => {
    expect(ratio(6, 2)).toBe(3);
    expect(ratio(6, undefined)).toBeUndefined();
    expect(ratio(undefined, 2)).toBeUndefined();
    expect(ratio(6, 0)).toBeUndefined();
    expect(ratio(NaN, 2)).toBeUndefined();
  });
  it('per-round ratio range pairs rounds in order', () => {
    expect(roundRatioRange([2, 6, 3], [1, 2, 3])).toEqual([1, 3]);
    expect(roundRatioRange([2, 6], [])).toBeUndefined();
  });
  it('units per round from the warm-up pace, clamped', () => {
    expect(unitsPerRound(10, 400, 3, 200)).toBe(40);
    expect(unitsPerRound(0.01, 400, 3, 200)).toBe(200);
    expect(unitsPerRound(1000, 400, 3, 200)).toBe(3);
    expect(unitsPerRound(NaN, 400, 3, 200)).toBe(3);
  });
});
