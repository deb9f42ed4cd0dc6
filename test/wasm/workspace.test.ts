import { describe, expect, it } from 'vitest';
import { Workspace } from '../../src/wasm/workspace.js';
import { simdAvailable } from '../../src/wasm/wat.js';

const f = Math.fround;

/** The naive float32 loop: Σ_k in increasing k, each × and + rounded. */
function naive(a: ArrayLike<number>, b: ArrayLike<number>, M: number, K: number, N: number, aAt: (i: number, k: number) => number): Float32Array {
  const c = new Float32Array(M * N);
  for (let i = 0; i < M; i++)
    for (let j = 0; j < N; j++) {
      let acc = 0;
      for (let k = 0; k < K; k++) acc = f(acc + f(a[aAt(i, k)] * b[k * N + j]));
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
];

describe.each([true, false].filter((s) => simdAvailable || !s))('Workspace (simd %s)', (simd) => {
  it.each(shapes)('mm [%i,%i]·[%i cols] equals the naive float32 loop bit for bit, plain and transposed', (M, K, N) => {
    const ws = new Workspace(4 * (M * K + K * N + M * N) + 64, { simd });
    const a = filled(ws, M * K, 1);
    const b = filled(ws, K * N, 2);
    const c = ws.alloc(M * N);
    ws.mm(a, b, c, M, K, N);
    expect(Array.from(c)).toEqual(Array.from(naive(a, b, M, K, N, (i, k) => i * K + k)));
    // a read as [K, M]: aᵀ·b.
    ws.mm(a, b, c, M, K, N, true);
    expect(Array.from(c)).toEqual(Array.from(naive(a, b, M, K, N, (i, k) => k * M + i)));
  });

  it.each(shapes)('mmT [%i,%i]·[%i,·]ᵀ equals the naive loop on bᵀ bit for bit', (M, K, N) => {
    const ws = new Workspace(2 * (M * K + K * N + M * N) + 64, { simd });
    const a = filled(ws, M * K, 3);
    const b = filled(ws, N * K, 4);
    const c = ws.alloc(M * N);
    ws.mmT(a, b, c, M, K, N);
    const bT = new Float32Array(K * N);
    for (let n = 0; n < N; n++) for (let k = 0; k < K; k++) bT[k * N + n] = b[n * K + k];
    expect(Array.from(c)).toEqual(Array.from(naive(a, bT, M, K, N, (i, k) => i * K + k)));
    // The operands are left as they were.
    expect(Array.from(b)).toEqual(Array.from(filled(new Workspace(N * K, { simd }), N * K, 4)));
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
