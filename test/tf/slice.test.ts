// The wasm Slice / SplitV replacements (src/tf/slice.ts) give what slicing
// the nested arrays gives, for ranks 1–4, contiguous and strided slices,
// float32, int32 and bool, and leave slice's gradient as it was.
import { describe, it, expect } from 'vitest';
import { tf, currentBackend } from '../../src/tf/index.js';
import { Rng } from '../../src/random/index.js';
import { wasmSliceInstalled } from '../../src/tf/slice.js';

type Nested = number | boolean | Nested[];
const sliceNested = (a: Nested, begin: number[], size: number[]): Nested =>
  begin.length === 0 ? a : (a as Nested[]).slice(begin[0], begin[0] + size[0]).map((r) => sliceNested(r, begin.slice(1), size.slice(1)));

describe('wasm slice', () => {
  it('runs on wasm (the replacement is what is tested)', () => {
    expect(currentBackend()).toBe('wasm');
    expect(wasmSliceInstalled()).toBe(true);
  });

  it('random slices of ranks 1–4 and three dtypes equal slicing the nested arrays', () => {
    const rng = new Rng('slice');
    for (let trial = 0; trial < 200; trial++) {
      const rank = 1 + (trial % 4);
      const shape = Array.from({ length: rank }, () => 1 + rng.integer(6));
      const n = shape.reduce((a, b) => a * b, 1);
      const dtype = (['float32', 'int32', 'bool'] as const)[trial % 3];
      const values = Array.from({ length: n }, () => (dtype === 'float32' ? rng.normal() : rng.integer(2)));
      const x = tf.tensor(values, shape, dtype);
      const begin = shape.map((d) => rng.integer(d));
      const size = shape.map((d, i) => (rng.uniform() < 0.2 ? -1 : 1 + rng.integer(d - begin[i])));
      const out = tf.slice(x, begin, size);
      const resolved = size.map((s, i) => (s === -1 ? shape[i] - begin[i] : s));
      expect(out.shape).toEqual(resolved);
      expect(out.arraySync()).toEqual(sliceNested(x.arraySync() as Nested, begin, resolved));
      tf.dispose([x, out]);
    }
  });

  it('split along each axis equals the pieces of the nested arrays', () => {
    const x = tf.tensor3d(Array.from({ length: 4 * 6 * 5 }, (_, i) => i), [4, 6, 5]);
    for (const [axis, sizes] of [[0, [1, 3]], [1, [2, 1, 3]], [2, [5]], [2, [2, -1]]] as [number, number[]][]) {
      const pieces = tf.split(x, sizes, axis);
      let at = 0;
      for (const p of pieces) {
        const begin = [0, 0, 0];
        begin[axis] = at;
        expect(p.arraySync()).toEqual(sliceNested(x.arraySync() as Nested, begin, p.shape));
        at += p.shape[axis]!;
      }
      tf.dispose(pieces);
    }
    x.dispose();
  });

  it('gradients through slice and split are unchanged', () => {
    const x = tf.tensor2d([[1, 2, 3], [4, 5, 6], [7, 8, 9]]);
    const g = tf.grad((t: tf.Tensor) => tf.add(tf.sum(tf.mul(tf.slice(t, [1, 0], [2, 2]), 3)), tf.sum(tf.split(t, [1, 2], 1)[1])))(x);
    expect(g.arraySync()).toEqual([[0, 1, 1], [3, 4, 1], [3, 4, 1]]);
    tf.dispose([x, g]);
  });
});
