import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import {
  Box,
  Dict,
  Discrete,
  MultiBinary,
  MultiDiscrete,
  Tuple,
  batchSpace,
  flatdim,
  flatten,
  flattenSpace,
  spaceFromJSON,
  spacesEqual,
  unflatten,
  type Space,
} from '../../envs/spaces/index.js';
import { deepEqual } from '../../envs/core/checker.js';

function all(): [string, () => Space<unknown>][] {
  return [
    ['Discrete', () => new Discrete(5)],
    ['Discrete start', () => new Discrete(3, { start: -1 })],
    ['Box bounded', () => new Box(-2, 3, [3])],
    ['Box per-element float64', () => new Box<Float64Array>([-1, 0, 5], [1, 0.5, 6], [3], 'float64')],
    ['Box unbounded', () => new Box(-Infinity, Infinity, [2, 2])],
    ['Box half-bounded', () => new Box([0, -Infinity], [Infinity, 4], [2])],
    ['MultiBinary', () => new MultiBinary(6)],
    ['MultiBinary 2-D', () => new MultiBinary([2, 3])],
    ['MultiDiscrete', () => new MultiDiscrete([2, 3, 4])],
    ['MultiDiscrete start', () => new MultiDiscrete([2, 3], { start: [1, -2] })],
    ['Tuple', () => new Tuple([new Discrete(2), new Box(0, 1, [2])])],
    ['Dict', () => new Dict({ pos: new Box(-1, 1, [2]), gear: new Discrete(4), flags: new MultiBinary(2) })],
    ['nested', () => new Dict({ a: new Tuple([new MultiDiscrete([3, 3]), new Discrete(2, { start: 5 })]), b: new Box(-1, 1, []) })],
  ];
}

describe('every space', () => {
  for (const [name, make] of all()) {
    describe(name, () => {
      it('samples inside itself for many seeds', () => {
        const s = make();
        for (let seed = 0; seed < 200; seed++) {
          s.seed(seed);
          const x = s.sample();
          expect(s.contains(x), `seed ${seed}: ${String(x)}`).toBe(true);
        }
      });

      it('reproduces samples under the same seed', () => {
        const a = make();
        const b = make();
        a.seed(42);
        b.seed(42);
        const xs = Array.from({ length: 10 }, () => a.sample());
        const ys = Array.from({ length: 10 }, () => b.sample());
        expect(deepEqual(xs, ys)).toBe(true);
        b.seed(43);
        const zs = Array.from({ length: 10 }, () => b.sample());
        expect(deepEqual(xs, zs)).toBe(false);
      });

      it('round-trips flatten/unflatten with flatdim elements inside flattenSpace', () => {
        const s = make();
        s.seed(7);
        const fs = flattenSpace(s);
        for (let k = 0; k < 20; k++) {
          const x = s.sample();
          const f = flatten(s, x);
          expect(f.length).toBe(flatdim(s));
          expect(fs.contains(f)).toBe(true);
          expect(deepEqual(unflatten(s, f), x)).toBe(true);
        }
      });

      it('round-trips toJSON/spaceFromJSON (also through a JSON string)', () => {
        const s = make();
        const back = spaceFromJSON(JSON.parse(JSON.stringify(s.toJSON())));
        expect(back.toString()).toBe(s.toString());
        expect(spacesEqual(back, s)).toBe(true);
        s.seed(3);
        for (let k = 0; k < 20; k++) expect(back.contains(s.sample())).toBe(true);
      });

      it('rejects values of the wrong type', () => {
        const s = make();
        for (const bad of [undefined, null, 'a', {}, true, () => 1]) expect(s.contains(bad)).toBe(false);
      });
    });
  }
});

describe('Discrete', () => {
  it('contains exactly the integers start..start+n-1', () => {
    const s = new Discrete(3, { start: -1 });
    expect([-1, 0, 1].map((v) => s.contains(v))).toEqual([true, true, true]);
    expect([-2, 2, 0.5, NaN, Infinity].map((v) => s.contains(v))).toEqual([false, false, false, false, false]);
    expect(s.contains([0])).toBe(false);
    expect(s.contains(new Int32Array([0]))).toBe(false);
  });
  it('samples every value roughly uniformly and respects a mask', () => {
    const s = new Discrete(4, { seed: 1 });
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 4000; i++) counts[s.sample()]++;
    for (const c of counts) expect(c).toBeGreaterThan(850);
    for (let i = 0; i < 50; i++) expect([1, 3]).toContain(s.sample([0, 1, 0, 1]));
  });
  it('rejects bad construction', () => {
    expect(() => new Discrete(0)).toThrow(UserError);
    expect(() => new Discrete(2.5)).toThrow(UserError);
  });
});

describe('Box', () => {
  it('is strict about type, shape, bounds and NaN', () => {
    const s = new Box(-1, 1, [3]);
    expect(s.contains(new Float32Array([0, 0.5, -1]))).toBe(true);
    expect(s.contains([0, 0.5, 1])).toBe(true);
    expect(s.contains(new Float64Array([0, 0, 0]))).toBe(false); // would lose precision in a float32 box
    expect(s.contains(new Int32Array([0, 0, 0]))).toBe(false);
    expect(s.contains(new Float32Array([0, 0]))).toBe(false);
    expect(s.contains(new Float32Array([0, 0, 0, 0]))).toBe(false);
    expect(s.contains(new Float32Array([0, 1.5, 0]))).toBe(false);
    expect(s.contains(new Float32Array([0, NaN, 0]))).toBe(false);
    expect(s.contains(0)).toBe(false);
    expect(s.contains([0, '1', 0])).toBe(false);
    const d = new Box<Float64Array>(-1, 1, [2], 'float64');
    expect(d.contains(new Float64Array([0, 1]))).toBe(true);
    expect(d.contains(new Float32Array([0, 1]))).toBe(true);
  });
  it('samples uniform, exponential or normal by boundedness', () => {
    const s = new Box([0, -Infinity, -Infinity, 2], [Infinity, 3, Infinity, 4], [4], 'float64', 5);
    const n = 20000;
    const sums = [0, 0, 0, 0];
    const sq = [0, 0, 0, 0];
    for (let i = 0; i < n; i++) {
      const x = s.sample();
      for (let j = 0; j < 4; j++) {
        sums[j] += x[j];
        sq[j] += x[j] * x[j];
      }
    }
    const mean = sums.map((v) => v / n);
    const variance = sq.map((v, j) => v / n - mean[j] ** 2);
    expect(mean[0]).toBeCloseTo(1, 1); // 0 + Exp(1)
    expect(mean[1]).toBeCloseTo(2, 1); // 3 − Exp(1)
    expect(mean[2]).toBeCloseTo(0, 1); // N(0, 1)
    expect(variance[2]).toBeCloseTo(1, 1);
    expect(mean[3]).toBeCloseTo(3, 1); // U(2, 4)
    expect(variance[3]).toBeCloseTo(1 / 3, 1);
    expect(s.isBounded('both')).toBe(false);
  });
  it('rejects bad construction with a UserError', () => {
    expect(() => new Box(1, -1, [2])).toThrow(UserError);
    expect(() => new Box([0, 0], [1, 1, 1])).toThrow(UserError);
    expect(() => new Box(NaN, 1, [1])).toThrow(UserError);
    expect(() => new Box(0, 1, [1.5])).toThrow(UserError);
  });
  it('writes infinite bounds in JSON as strings', () => {
    const s = new Box(-Infinity, 1, [2]);
    const text = JSON.stringify(s);
    expect(text).toContain('"-Infinity"');
    const back = spaceFromJSON(text) as Box;
    expect(back.low[0]).toBe(-Infinity);
  });
});

describe('MultiBinary, MultiDiscrete, Tuple, Dict', () => {
  it('MultiBinary gives Int8Array and checks 0/1 and length', () => {
    const s = new MultiBinary(3, 0);
    expect(s.sample()).toBeInstanceOf(Int8Array);
    expect(s.contains(new Int8Array([0, 1, 1]))).toBe(true);
    expect(s.contains(new Uint8Array([0, 1, 1]))).toBe(true);
    expect(s.contains([1, 0, 1])).toBe(true);
    expect(s.contains(new Int8Array([0, 2, 1]))).toBe(false);
    expect(s.contains(new Int8Array([0, 1]))).toBe(false);
    expect(s.contains(new Float32Array([0, 1, 1]))).toBe(false);
    expect(s.contains([0, NaN, 1])).toBe(false);
  });
  it('MultiDiscrete gives Int32Array and checks each range', () => {
    const s = new MultiDiscrete([2, 3], { start: [1, -2] });
    expect(s.sample()).toBeInstanceOf(Int32Array);
    expect(s.contains(new Int32Array([1, -2]))).toBe(true);
    expect(s.contains([2, 0])).toBe(true);
    expect(s.contains([0, 0])).toBe(false);
    expect(s.contains([1, 1])).toBe(false);
    expect(s.contains([1.5, 0])).toBe(false);
    expect(s.contains([1, NaN])).toBe(false);
    expect(s.contains(new Float32Array([1, 0]))).toBe(false);
    expect(s.contains([1, 0, 0])).toBe(false);
  });
  it('Tuple and Dict check length/keys and members', () => {
    const t = new Tuple([new Discrete(2), new Box(0, 1, [1])]);
    expect(t.contains([1, new Float32Array([0.5])])).toBe(true);
    expect(t.contains([2, new Float32Array([0.5])])).toBe(false);
    expect(t.contains([1])).toBe(false);
    const d = new Dict({ b: new Discrete(2), a: new Box(0, 1, [1]) });
    expect(d.keys).toEqual(['a', 'b']);
    expect(d.contains({ a: new Float32Array([1]), b: 0 })).toBe(true);
    expect(d.contains({ a: new Float32Array([1]) })).toBe(false);
    expect(d.contains({ a: new Float32Array([1]), b: 0, c: 1 })).toBe(false);
    expect(d.contains({ a: new Float32Array([NaN]), b: 0 })).toBe(false);
  });
  it('one seed on a composite space fixes all its parts', () => {
    const make = () => new Dict({ a: new Discrete(100), b: new Box(0, 1, [3]) });
    const a = make();
    const b = make();
    a.seed(9);
    b.seed(9);
    expect(deepEqual(a.sample(), b.sample())).toBe(true);
  });
});

describe('flatten', () => {
  it('one-hot encodes Discrete and MultiDiscrete with their start', () => {
    expect(Array.from(flatten(new Discrete(3, { start: 1 }), 2))).toEqual([0, 1, 0]);
    expect(Array.from(flatten(new MultiDiscrete([2, 3], { start: [0, 1] }), [1, 3]))).toEqual([0, 1, 0, 0, 1]);
    expect(flatdim(new Tuple([new Discrete(3), new Box(0, 1, [2, 2])]))).toBe(7);
  });
  it('keeps float64 when a float64 Box is inside', () => {
    const s = new Tuple([new Discrete(2), new Box<Float64Array>(0, 1, [1], 'float64')]);
    expect(flatten(s, [1, new Float64Array([0.1])])).toBeInstanceOf(Float64Array);
    expect(flattenSpace(s).dtype).toBe('float64');
    expect(flatten(new Discrete(2), 1)).toBeInstanceOf(Float32Array);
  });
  it('rejects values outside the space and malformed flat arrays', () => {
    expect(() => flatten(new Discrete(2), 2)).toThrow(UserError);
    expect(() => unflatten(new Discrete(2), [0, 0])).toThrow(UserError);
    expect(() => unflatten(new Discrete(2), [0, 0, 1])).toThrow(UserError);
  });
  it('rejects unknown JSON', () => {
    expect(() => spaceFromJSON({ type: 'Graph' })).toThrow(UserError);
    expect(() => spaceFromJSON(3)).toThrow(UserError);
  });
});

describe('batchSpace', () => {
  it('batches as Gymnasium: Box gains a dimension, Discrete becomes MultiDiscrete', () => {
    const b = batchSpace(new Box(-1, 2, [3]), 4) as Box;
    expect(b.shape).toEqual([4, 3]);
    expect(b.size).toBe(12);
    const d = batchSpace(new Discrete(3, { start: 1 }), 2) as MultiDiscrete;
    expect(d).toBeInstanceOf(MultiDiscrete);
    expect(d.toString()).toBe('MultiDiscrete([3, 3], start=[1, 1])');
  });
});
