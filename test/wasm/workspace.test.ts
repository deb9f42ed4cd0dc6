import { describe, expect, it } from 'vitest';
import { Workspace } from '../../src/wasm/workspace.js';
import { simdAvailable } from '../../src/wasm/wat.js';
import { fma32, kernelStep, stepOf, unfused, type Step } from '../tf/naiveProduct.js';
import { wasmMatMul } from '../../src/tf/matMulWasm.js';
import { fusedMultiplyAdd } from '../../src/wasm/wat.js';

const f = Math.fround;

/** The naive float32 loop: Σ_k in increasing k, each step as `step` rounds it. */
function naive(a: ArrayLike<number>, b: ArrayLike<number>, M: number, K: number, N: number, aAt: (i: number, k: number) => number, step: Step): Float32Array {
  const c = new Float32Array(M * N);
  for (let i = 0; i < M; i++)
    for (let j = 0; j < N; j++) {
      let acc = 0;
      for (let k = 0; k < K; k++) acc = step(acc, a[aAt(i, k)], b[k * N + j]);
      c[i * N + j] = acc;
    }
  return c;
}

function filled(ws: Workspace, n: number, seed: number): Float32Array {
  const x = ws.alloc(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    x[i] = s / 2147483648 - 0.5;
  }
  return x;
}

const shapes: [number, number, number][] = [
  [1, 1, 1],
  [3, 5, 7],
  [4, 8, 8],
  [9, 13, 17],
  [24, 200, 33],
  // Fewer rows than a block: the row-streaming path, its vectors and its tail.
  [1, 200, 784],
  [2, 37, 70],
  [3, 9, 101],
];

describe.each([true, false].filter((s) => simdAvailable || !s))('Workspace (simd %s)', (simd) => {
  it.each(shapes)('mm [%i,%i]·[%i cols] equals the naive float32 loop bit for bit, plain and transposed', (M, K, N) => {
    const ws = new Workspace(4 * (M * K + K * N + M * N) + 64, { simd });
    const a = filled(ws, M * K, 1);
    const b = filled(ws, K * N, 2);
    const c = ws.alloc(M * N);
    ws.mm(a, b, c, M, K, N);
    expect(Array.from(c)).toEqual(Array.from(naive(a, b, M, K, N, (i, k) => i * K + k, stepOf(simd))));
    // a read as [K, M]: aᵀ·b.
    ws.mm(a, b, c, M, K, N, true);
    expect(Array.from(c)).toEqual(Array.from(naive(a, b, M, K, N, (i, k) => k * M + i, stepOf(simd))));
  });

  it.each(shapes)('mmT [%i,%i]·[%i,·]ᵀ equals the naive loop on bᵀ bit for bit', (M, K, N) => {
    const ws = new Workspace(2 * (M * K + K * N + M * N) + 64, { simd });
    const a = filled(ws, M * K, 3);
    const b = filled(ws, N * K, 4);
    const c = ws.alloc(M * N);
    ws.mmT(a, b, c, M, K, N);
    const bT = new Float32Array(K * N);
    for (let n = 0; n < N; n++) for (let k = 0; k < K; k++) bT[k * N + n] = b[n * K + k];
    expect(Array.from(c)).toEqual(Array.from(naive(a, bT, M, K, N, (i, k) => i * K + k, stepOf(simd))));
    // The operands are left as they were.
    expect(Array.from(b)).toEqual(Array.from(filled(new Workspace(N * K, { simd }), N * K, 4)));
  });

  it.each([
    [1, 1],
    [3, 17],
    [16, 16],
    [33, 20],
    [4, 4],
    [5, 9],
    [8, 7],
    [200, 784],
  ])('transpose [%i, %i]: every entry moves to its mirror place, whole 4 × 4 blocks and the edges alike', (rows, cols) => {
    const ws = new Workspace(2 * rows * cols + 8, { simd });
    const x = filled(ws, rows * cols, 5);
    const out = ws.alloc(rows * cols);
    ws.transpose(x, out, rows, cols);
    let wrong = 0;
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) wrong += +(out[j * rows + i] !== x[i * cols + j]);
    expect(wrong).toBe(0);
  });

  it('hands out zeroed, aligned, disjoint arrays and refuses what does not fit or is foreign', () => {
    const ws = new Workspace(20, { simd });
    const x = ws.alloc(5);
    const y = ws.alloc(7);
    expect(y.byteOffset - x.byteOffset).toBe(32);
    expect(y.byteOffset % 16).toBe(0);
    expect(Array.from(y)).toEqual(new Array(7).fill(0));
    expect(ws.used).toBe(16);
    expect(() => ws.alloc(5)).toThrow(/do not fit/);
    expect(() => ws.mm(new Float32Array(1), y, x, 1, 1, 1)).toThrow(/not an array of this workspace/);
    expect(() => ws.mm(x, y, x, 3, 3, 3)).toThrow(/needs 9/);
  });
});

describe('the two kinds of product step', () => {
  const q = 1 + 2 ** -12;
  it('fma32 rounds once: (1 + 2⁻¹²)² − 1 keeps its 2⁻²⁴, and a sum on a float32 midpoint goes the exact value’s way', () => {
    expect(fma32(q, q, -1)).toBe(2 ** -11 + 2 ** -24);
    expect(unfused(-1, q, q)).toBe(2 ** -11);
    // q² = 1 + 2⁻¹¹ + 2⁻²⁴ is a float32 midpoint; ± 2⁻⁶⁰ decides, where float64 would round to the midpoint and tie to even.
    expect(fma32(q, q, 2 ** -60)).toBe(1 + 2 ** -11 + 2 ** -23);
    expect(fma32(q, q, -(2 ** -60))).toBe(1 + 2 ** -11);
    expect(fma32(q, q, 0)).toBe(1 + 2 ** -11);
  });

  it.runIf(simdAvailable)('the kernel takes the step of its kind on that midpoint, and the mul + add kernel the unfused one', () => {
    const ws = new Workspace(64);
    const a = ws.alloc(2);
    const b = ws.alloc(2);
    const c = ws.alloc(1);
    a.set([2 ** -30, q]);
    b.set([2 ** -30, q]);
    ws.mm(a, b, c, 1, 2, 1);
    expect(c[0]).toBe(kernelStep(kernelStep(0, a[0], b[0]), a[1], b[1]));
    if (fusedMultiplyAdd) expect(c[0]).toBe(1 + 2 ** -11 + 2 ** -23);
    const plain = wasmMatMul(ws.memory!, 4, 2, false)!;
    plain(a.byteOffset, b.byteOffset, c.byteOffset, 1, 2, 1, 8, 4);
    expect(c[0]).toBe(1 + 2 ** -11);
  });

  it.runIf(simdAvailable)('the mul + add kernel equals the unfused naive loop on every block and tail', () => {
    for (const [M, K, N] of shapes) {
      const ws = new Workspace(4 * (M * K + K * N + M * N) + 64);
      const a = filled(ws, M * K, 1);
      const b = filled(ws, K * N, 2);
      const c = ws.alloc(M * N);
      wasmMatMul(ws.memory!, 4, 2, false)!(a.byteOffset, b.byteOffset, c.byteOffset, M, K, N, 4 * K, 4);
      expect(Array.from(c)).toEqual(Array.from(naive(a, b, M, K, N, (i, k) => i * K + k, unfused)));
    }
  });
});
