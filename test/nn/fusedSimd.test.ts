// The WebAssembly SIMD loops (src/nn/fusedSimd.ts) against the JavaScript
// loops of src/nn/fusedKernels.ts they replace, bit for bit (the same order
// of IEEE operations per output), on random shapes with odd sizes and
// remainders; the whole typed-array Mlp on both; the arena
// (src/nn/fusedArena.ts); and the JavaScript fallback when SIMD is off.
import { describe, it, expect, afterEach } from 'vitest';
import { Rng } from '../../src/random/index.js';
import type { Activation } from '../../src/nn/index.js';
import { accumulate, affine, backAffine, toColumns, toRows } from '../../src/nn/fusedKernels.js';
import { backward, backwardTangent, forward, inputTangent, output, parameterTangent, zeroGradients, type Layers } from '../../src/nn/fusedMlp.js';
import { alloc, allocCopy, allocRaw, arenaScope, inArena } from '../../src/nn/fusedArena.js';
import { setSimdKernels, simdKernels } from '../../src/nn/fusedSimd.js';
import { simdAvailable } from '../../src/wasm/wat.js';

afterEach(() => setSimdKernels(true));

/** The bits of a float64 array (so −0 ≠ 0 and any difference in the last bit shows). */
const bits = (a: ArrayLike<number>) => Array.from(new BigUint64Array(Float64Array.from(a).buffer), (b) => b.toString(16));

/** Random values with some exact zeros of both signs (signed zeros are where a changed order of operations shows first). */
function values(rng: Rng, n: number): number[] {
  return Array.from({ length: n }, () => {
    const u = rng.next();
    return u < 0.05 ? 0 : u < 0.1 ? -0 : (rng.next() - 0.5) * 4;
  });
}

/** f run twice, on the SIMD loops and on the JavaScript ones (inputs in the arena both times); both results as bits. */
function bothPaths(f: () => ArrayLike<number>[]): { simd: string[][]; js: string[][] } {
  const run = (on: boolean) => {
    setSimdKernels(on);
    return arenaScope(() => f().map(bits));
  };
  return { simd: run(true), js: run(false) };
}

const SHAPES: [rows: number, nIn: number, nOut: number][] = [
  [1, 1, 1],
  [2, 3, 1],
  [3, 5, 2],
  [7, 10, 10],
  [16, 13, 9],
  [33, 6, 10],
  [100, 4, 10],
  [101, 10, 2],
  [250, 17, 3],
];

describe('the SIMD dense-layer loops', () => {
  it('are there, and assembled, where WebAssembly has SIMD (Node 20)', () => {
    expect(simdAvailable).toBe(true);
    expect(simdKernels()).toBeDefined();
  });

  for (const [rows, nIn, nOut] of SHAPES) {
    it(`give the JavaScript loops' bits: rows ${rows}, ${nIn} → ${nOut}`, () => {
      const rng = new Rng(`simd-${rows}-${nIn}-${nOut}`);
      const xs = values(rng, rows * nIn);
      const gs = values(rng, rows * nOut);
      const ws = values(rng, nIn * nOut);
      const bs = values(rng, nOut);
      const dws = values(rng, nIn * nOut);
      const dbs = values(rng, nOut);
      const from = Math.floor(rng.next() * nIn);
      const r0 = Math.floor(rng.next() * rows);
      const { simd, js } = bothPaths(() => {
        const [x, g, w, b] = [xs, gs, ws, bs].map(allocCopy);
        const [dw, db, dw2] = [dws, dbs, dws].map(allocCopy);
        // Everything is in the arena, so the SIMD path is the one taken when it is on.
        for (const a of [x, g, w, b, dw, db]) expect(inArena(a)).toBe(true);
        accumulate(dw, db, x, g, rows, nIn, nOut, from, r0);
        accumulate(dw2, undefined, x, g, rows, nIn, nOut);
        return [affine(x, rows, w, nIn, nOut, b), affine(x, rows, w, nIn, nOut, undefined, from), backAffine(g, rows, w, nIn, nOut), backAffine(g, rows, w, nIn, nOut, from, r0), dw, db, dw2];
      });
      expect(simd).toEqual(js);
    });
  }

  it('a SIMD kernel differs from a loop with another order of sums (the test can fail)', () => {
    // cols2 computes out + (w0·x0 + w1·x1); (out + w0·x0) + w1·x1 rounds differently here.
    const k = simdKernels()!;
    arenaScope(() => {
      const out = allocCopy([1]);
      const x = allocCopy([1e-16, 1e-16]);
      const w = allocCopy([1, 1]);
      k.cols[2](out.byteOffset, x.byteOffset, 1, w.byteOffset, 8, 0);
      expect(out[0]).toBe(1 + (1e-16 + 1e-16));
      expect(out[0]).not.toBe(1 + 1e-16 + 1e-16);
    });
  });

  it('relu and products on odd lengths, signed zeros and NaN, as the scalar loops', () => {
    const k = simdKernels()!;
    arenaScope(() => {
      const hs = [-0, 0, 1.5, -2, NaN, 3, -1e-300];
      const h = allocCopy(hs);
      const [a, s1, m] = [allocRaw(7), allocRaw(7), allocRaw(7)];
      k.relu(h.byteOffset, a.byteOffset, s1.byteOffset, 7);
      expect(bits(a)).toEqual(bits(hs.map((v) => (v > 0 ? v : 0))));
      expect(bits(s1)).toEqual(bits(hs.map((v) => (v > 0 ? 1 : 0))));
      k.mul(m.byteOffset, h.byteOffset, s1.byteOffset, 7);
      expect(bits(m)).toEqual(bits(hs.map((v, i) => v * s1[i])));
    });
  });
});

function randomLayers(sizes: number[], activation: Activation, rng: Rng): Layers {
  const w = sizes.slice(1).map((n, l) => allocCopy(values(rng, sizes[l] * n)));
  const b = sizes.slice(1).map((n) => allocCopy(values(rng, n)));
  return { sizes, activation, w, b };
}

describe('the typed-array Mlp on the SIMD loops', () => {
  for (const activation of ['relu', 'tanh'] as Activation[]) {
    for (const [rows, sizes] of [
      [1, [3, 2, 1]],
      [9, [6, 10, 10, 1]],
      [201, [4, 10, 10, 2]],
      [64, [5, 7, 3, 4]],
    ] as [number, number[]][]) {
      it(`${activation} ${sizes.join('-')} on ${rows} rows: every pass gives the JavaScript loops' bits`, () => {
        const seed = `mlp-${activation}-${rows}-${sizes.join('-')}`;
        const [d0, dL] = [sizes[0], sizes[sizes.length - 1]];
        const from = Math.min(2, d0 - 1);
        const { simd, js } = bothPaths(() => {
          const rng = new Rng(seed);
          const net = randomLayers(sizes, activation, rng);
          const x = values(rng, rows * d0);
          const xdot = values(rng, rows * d0).map((v, i) => (i % d0 < from ? 0 : v));
          const [g, gdot] = [values(rng, rows * dL), values(rng, rows * dL)];
          const gFrom = Math.floor(rows / 3);
          const gLate = g.map((v, i) => (i < gFrom * dL ? 0 : v)); // backwardTangent's promise: rows before gFrom are 0
          const pass = forward(net, x, rows);
          const into = zeroGradients(net);
          const dx = backward(net, pass, g, into, true, 1);
          const dir = zeroGradients(net);
          for (const a of [...dir.w, ...dir.b]) a.set(values(rng, a.length));
          const tangent = parameterTangent(net, pass, dir);
          const t = inputTangent(net, pass, xdot, from);
          const second = zeroGradients(net);
          const adj = backwardTangent(net, pass, t, gLate, gdot, second, from, gFrom);
          return [output(pass), ...pass.a, ...pass.s1, dx, ...into.w, ...into.b, tangent, ...t.h, adj.x, adj.xdot, ...second.w, ...second.b];
        });
        expect(simd).toEqual(js);
      });
    }
  }

  it('outside a scope works on plain arrays (the JavaScript loops) with the same bits', () => {
    const rng = new Rng('outside');
    const w = values(rng, 6 * 10);
    const x = values(rng, 30 * 6);
    const outside = affine(Float64Array.from(x), 30, Float64Array.from(w), 6, 10);
    expect(inArena(outside)).toBe(false);
    const inside = arenaScope(() => {
      const out = affine(allocCopy(x), 30, allocCopy(w), 6, 10);
      expect(inArena(out)).toBe(true);
      return bits(out);
    });
    expect(bits(outside)).toEqual(inside);
  });
});

describe('the arena', () => {
  it('hands out aligned, zeroed arrays in a scope and reuses the memory after it', () => {
    const first = arenaScope(() => {
      const a = alloc(5);
      a.fill(7);
      const b = allocRaw(3);
      expect(a.byteOffset % 16).toBe(0);
      expect(b.byteOffset % 16).toBe(0);
      expect(b.byteOffset).toBeGreaterThanOrEqual(a.byteOffset + 40);
      return a.byteOffset;
    });
    arenaScope(() => {
      const a = alloc(5);
      expect(a.byteOffset).toBe(first);
      expect(Array.from(a)).toEqual([0, 0, 0, 0, 0]);
      // A nested scope releases its own arrays only.
      const inner = arenaScope(() => alloc(4).byteOffset);
      expect(alloc(4).byteOffset).toBe(inner);
    });
  });

  it('gives plain arrays outside a scope and when full, then grows to fit from the next scope on', () => {
    expect(inArena(alloc(3))).toBe(false);
    const n = 4_000_000; // 32 MB, more than the arena holds at first
    const spilled = arenaScope(() => {
      const a = alloc(n);
      return { inside: inArena(a), zero: a[n - 1] === 0 };
    });
    expect(spilled).toEqual({ inside: false, zero: true });
    expect(arenaScope(() => inArena(alloc(n)))).toBe(true);
  });

  it('falls back to the JavaScript loops when SIMD is off (as where it is missing)', () => {
    setSimdKernels(false);
    expect(simdKernels()).toBeUndefined();
    const rows = 5;
    const out = arenaScope(() => bits(toRows(affine(toColumns([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], rows, 2), rows, allocCopy([1, -1, 0.5, 2]), 2, 2, allocCopy([0.25, 0])), rows, 2)));
    expect(out).toEqual(bits([1 + 0.5 * 2 + 0.25, -1 + 2 * 2, 3 + 0.5 * 4 + 0.25, -3 + 2 * 4, 5 + 0.5 * 6 + 0.25, -5 + 2 * 6, 7 + 0.5 * 8 + 0.25, -7 + 2 * 8, 9 + 0.5 * 10 + 0.25, -9 + 2 * 10]));
    expect(setSimdKernels(true)).toBe(false);
    expect(simdKernels()).toBeDefined();
  });
});
