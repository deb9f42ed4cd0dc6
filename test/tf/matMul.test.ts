// The unpacked SIMD product (src/tf/matMul.ts, matMulWasm.ts) on the wasm
// backend:
//   - the same bits as the naive float32 loop Σ_k a_ik·b_kj summed from 0 in
//     increasing k (each step rounded as the kernel rounds it: once with a
//     fused multiply-add, else × and + each), on shapes that hit every block
//     and tail of the kernel, for a·b and aᵀ·b;
//   - within the dot-product bound |ĉ − c| ≤ γ_K Σ_k |a_ik||b_kj|,
//     γ_K = K·u/(1 − K·u), u = 2⁻²⁴, of the float64 product (the inputs are
//     float32, so the float64 reference is exact to ~K·2⁻⁵³);
//   - first derivatives equal to tf.matMul's to float32 rounding, and the
//     second-order ∂x Σ(∂x f)² through it against finite differences;
//   - tf.matMul itself where the kernel is off or on cpu.
import { describe, it, expect, beforeAll } from 'vitest';
import { tf, initBackend } from '../../src/tf/index.js';
import { Rng } from '../../src/random/index.js';
import { freshMatMul, freshMatMulActive, fixedFreshMul, setFreshMatMul } from '../../src/tf/matMul.js';
import { kernelStep } from './naiveProduct.js';
import { autodiffSecondOrder, finiteDifferenceSecondOrder, relativeError, type Fn } from './secondOrder.js';

const u = 2 ** -24;
const f = Math.fround;

function randomMatrix(rng: Rng, rows: number, cols: number): Float32Array {
  return Float32Array.from(rng.uniforms(rows * cols), (v) => f((v - 0.5) * 4));
}

/** The naive float32 loop, and the float64 product with its bound, for a [M, K] (or [K, M] transposed) and b [K, N]. */
function references(a: Float32Array, b: Float32Array, M: number, K: number, N: number, transposeA: boolean) {
  const naive = new Float32Array(M * N);
  const exact = new Float64Array(M * N);
  const bound = new Float64Array(M * N);
  const gamma = (K * u) / (1 - K * u);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0;
      let e = 0;
      let abs = 0;
      for (let k = 0; k < K; k++) {
        const aik = transposeA ? a[k * M + i] : a[i * K + k];
        const p = aik * b[k * N + j];
        s = kernelStep(s, aik, b[k * N + j]);
        e += p;
        abs += Math.abs(p);
      }
      naive[i * N + j] = s;
      exact[i * N + j] = e;
      bound[i * N + j] = gamma * abs;
    }
  }
  return { naive, exact, bound };
}

// M, K, N: 4-row strips and a 1-row tail, 8-wide panels, a 4-wide and scalar columns, K = 1 and K = 0.
const SHAPES: [number, number, number][] = [
  [24, 784, 200],
  [48, 200, 200],
  [7, 13, 11],
  [5, 3, 13],
  [1, 9, 3],
  [9, 1, 17],
  [6, 0, 5],
  [200, 24, 72],
];

describe('freshMatMul on wasm', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('runs the SIMD kernel here', () => {
    expect(freshMatMulActive()).toBe(true);
  });

  it.each(SHAPES.flatMap((s) => [[...s, false], [...s, true]] as [number, number, number, boolean][]))(
    '%i×%i·%i (transposeA %s): the naive float32 loop bit for bit, within γ_K Σ|a||b| of float64',
    (M, K, N, transposeA) => {
      const rng = new Rng(M * 1000 + K * 10 + N);
      const a = randomMatrix(rng, M, K);
      const b = randomMatrix(rng, K, N);
      const { naive, exact, bound } = references(a, b, M, K, N, transposeA);
      const before = tf.memory().numTensors;
      const got = tf.tidy(() => {
        const at = transposeA ? tf.tensor2d(a, [K, M]) : tf.tensor2d(a, [M, K]);
        const c = freshMatMul(at, tf.tensor2d(b, [K, N]), transposeA);
        expect(c.shape).toEqual([M, N]);
        return c.dataSync() as Float32Array;
      });
      expect(tf.memory().numTensors).toBe(before);
      let mismatches = 0;
      for (let i = 0; i < M * N; i++) {
        if (got[i] !== naive[i]) mismatches++;
        expect(Math.abs(got[i] - exact[i])).toBeLessThanOrEqual(bound[i]);
      }
      expect(mismatches).toBe(0);
    },
  );

  it('first derivatives (a·b and aᵀ·b, and fixedFreshMul) equal tf.matMul’s within float32 rounding', () => {
    const rng = new Rng(5);
    const [M, K, N] = [6, 10, 9];
    const a = tf.tensor2d(randomMatrix(rng, M, K), [M, K]);
    const aT = tf.transpose(a);
    const b = tf.tensor2d(randomMatrix(rng, K, N), [K, N]);
    const w = tf.tensor2d(randomMatrix(rng, M, N), [M, N]);
    const loss = (mm: (x: tf.Tensor, y: tf.Tensor) => tf.Tensor) => (x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(mm(x, y), w));
    const check = (ours: tf.Tensor[], theirs: tf.Tensor[], terms: number) => {
      ours.forEach((g, i) => {
        const o = g.dataSync();
        const t = theirs[i].dataSync();
        // Each entry is a float32 sum of `terms` products, as is tf.matMul's (in its own order): 2γ_terms·Σ|products| between them.
        const tol = 2 * 1.01 * terms * u * (4 * terms); // entries in [−2, 2]: Σ|products| ≤ 4·terms
        for (let j = 0; j < t.length; j++) expect(Math.abs(o[j] - t[j])).toBeLessThanOrEqual(tol);
      });
    };
    check(tf.grads(loss((x, y) => freshMatMul(x, y)))([a, b]), tf.grads(loss((x, y) => tf.matMul(x as tf.Tensor2D, y as tf.Tensor2D)))([a, b]), Math.max(M, N));
    check(
      tf.grads(loss((x, y) => freshMatMul(x, y, true)))([aT, b]),
      tf.grads(loss((x, y) => tf.matMul(x as tf.Tensor2D, y as tf.Tensor2D, true)))([aT, b]),
      Math.max(M, N),
    );
    const bT = tf.transpose(b);
    check([tf.grad((x: tf.Tensor) => loss((p) => fixedFreshMul(p, b, bT))(x, b))(a)], [tf.grads(loss((x, y) => tf.matMul(x as tf.Tensor2D, y as tf.Tensor2D)))([a, b])[0]], N);
    tf.dispose([a, aT, b, bT, w]);
  });

  it('second order: ∂x Σ(∂x f)² and the mixed ∂φ through it match finite differences', () => {
    // f(x, φ) = Σ tanh(X·Φ)·c with X [3, 4] from x and Φ [4, 5] from φ: ∂x f runs the kernel's gradient, the outer pass its gradient's.
    const c = tf.tensor2d(Array.from({ length: 15 }, (_, i) => Math.sin(i + 1)), [3, 5]);
    const fn: Fn = (x, phi) => tf.sum(tf.mul(tf.tanh(freshMatMul(tf.reshape(x, [3, 4]), tf.reshape(phi, [4, 5]))), c)) as tf.Scalar;
    const rng = new Rng(9);
    const x = Array.from(rng.uniforms(12), (v) => v - 0.5);
    const phi = Array.from(rng.uniforms(20), (v) => v - 0.5);
    for (const wrt of ['x', 'phi'] as const) {
      const auto = autodiffSecondOrder(fn, x, phi, wrt);
      const fd = finiteDifferenceSecondOrder(fn, x, phi, wrt);
      expect(relativeError(auto, fd)).toBeLessThan(2e-2);
    }
    c.dispose();
  });

  it('is tf.matMul when turned off', () => {
    const old = setFreshMatMul(false);
    try {
      expect(freshMatMulActive()).toBe(false);
      const y = tf.tidy(() => freshMatMul(tf.ones([2, 3]), tf.ones([3, 4])).dataSync());
      expect(Array.from(y)).toEqual(new Array(8).fill(3));
    } finally {
      setFreshMatMul(old);
    }
  });
});

describe('freshMatMul on cpu', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });
  it('falls back to tf.matMul (with transposeA)', () => {
    expect(freshMatMulActive()).toBe(false);
    const y = tf.tidy(() => freshMatMul(tf.tensor2d([1, 2, 3, 4], [2, 2]), tf.tensor2d([1, 0, 0, 1], [2, 2]), true).dataSync());
    expect(Array.from(y)).toEqual([1, 3, 2, 4]);
  });
});
