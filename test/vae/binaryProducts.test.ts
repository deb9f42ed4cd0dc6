// The encoder's products with binary images as sums of rows
// (experiments/vae/fused/binaryProducts.ts): the SIMD kernels equal their
// JavaScript fallback bit for bit, and both equal the dense products
// xc·W and xcᵀ·g within float32 rounding; images that are not 0/1 are
// refused, so the step keeps the dense products for them.
import { describe, it, expect } from 'vitest';
import { Rng } from '../../src/random/index.js';
import { Workspace } from '../../src/wasm/workspace.js';
import { simdAvailable } from '../../src/wasm/wat.js';
import { BinaryProducts, OnesIndex } from '../../experiments/vae/fused/binaryProducts.js';
import { SubsetSums } from '../../experiments/vae/fused/subsetSums.js';
import { linearModelGradArrays } from '../../experiments/vae/fused/modelGrads.js';

const EPS = 2 ** -23;

function setUp(B: number, P: number, L: number, simd: boolean, seed: string) {
  const rng = new Rng(seed);
  const ws = new Workspace(BinaryProducts.floats(B, P, L) + 4 * (B * P + 2 * P * L + 2 * B * L + P) + 64);
  const fill = (n: number, draw: () => number) => {
    const a = ws.alloc(n);
    for (let i = 0; i < n; i++) a[i] = draw();
    return a;
  };
  const x = fill(B * P, () => (rng.next() < 0.2 ? 1 : 0));
  const mean = fill(P, () => Math.fround(0.4 * rng.next()));
  const W = fill(P * L, () => Math.fround(rng.next() - 0.5));
  const g = fill(B * L, () => Math.fround(rng.next() - 0.5));
  const theta = ws.alloc(B * L);
  const gW = ws.alloc(P * L);
  const products = new BinaryProducts(ws, B, P, L, { simd });
  return { x, mean, W, g, theta, gW, products };
}

/** xc·W and xcᵀ·g in float64, and the sums of |terms| that bound float32 rounding. */
function dense(s: ReturnType<typeof setUp>, B: number, P: number, L: number) {
  const theta = new Float64Array(B * L);
  const thetaSize = new Float64Array(B * L);
  const gW = new Float64Array(P * L);
  const gWSize = new Float64Array(P * L);
  for (let i = 0; i < B; i++)
    for (let k = 0; k < P; k++) {
      const xc = s.x[i * P + k] - s.mean[k];
      for (let j = 0; j < L; j++) {
        theta[i * L + j] += xc * s.W[k * L + j];
        thetaSize[i * L + j] += (s.x[i * P + k] + s.mean[k]) * Math.abs(s.W[k * L + j]);
        gW[k * L + j] += xc * s.g[i * L + j];
        gWSize[k * L + j] += (s.x[i * P + k] + s.mean[k]) * Math.abs(s.g[i * L + j]);
      }
    }
  return { theta, thetaSize, gW, gWSize };
}

const shapes: [number, number, number][] = [
  [1, 1, 1],
  [3, 7, 5],
  [5, 33, 12],
  [24, 784, 200],
];

describe('binary products', () => {
  it.each(shapes)('B=%i, P=%i, L=%i: both loops equal the dense products within float32 rounding, and each other bit for bit', (B, P, L) => {
    const runs = [false, ...(simdAvailable ? [true] : [])].map((simd) => {
      const s = setUp(B, P, L, simd, `binary-${B}-${P}-${L}`);
      expect(s.products.index(s.x)).toBe(true);
      s.products.encode(s.W, s.mean, s.theta);
      s.products.encoderGradient(s.g, s.mean, s.gW);
      return s;
    });
    const ref = dense(runs[0], B, P, L);
    // Each output is two float32 sums (the ones' rows, the mean's product: ≤ n + P terms) and a difference:
    // within (n + P + 2)·ε of the sum of |terms|, n = the terms of the first sum.
    const bound = (n: number) => (n + P + 2) * EPS;
    for (const s of runs) {
      for (let m = 0; m < B * L; m++) expect(Math.abs(s.theta[m] - ref.theta[m])).toBeLessThanOrEqual(bound(P) * ref.thetaSize[m]);
      for (let m = 0; m < P * L; m++) expect(Math.abs(s.gW[m] - ref.gW[m])).toBeLessThanOrEqual(bound(B) * ref.gWSize[m]);
    }
    if (runs.length === 2) {
      expect(Array.from(runs[1].theta)).toEqual(Array.from(runs[0].theta));
      expect(Array.from(runs[1].gW)).toEqual(Array.from(runs[0].gW));
    }
  });

  it('refuses images that are not exactly 0 or 1', () => {
    const s = setUp(3, 7, 5, simdAvailable, 'non-binary');
    s.x[10] = 0.5;
    expect(s.products.index(s.x)).toBe(false);
    expect(s.products.binary).toBe(false);
    s.x[10] = 1;
    expect(s.products.index(s.x)).toBe(true);
  });

  it('rebuilds its lists from each batch: a pixel switched on moves θ by that row of W', () => {
    const s = setUp(4, 9, 6, simdAvailable, 'mutation');
    s.products.index(s.x);
    s.products.encode(s.W, s.mean, s.theta);
    const before = Float32Array.from(s.theta);
    const k = s.x.subarray(0, 9).indexOf(0);
    s.x[k] = 1;
    s.products.index(s.x);
    s.products.encode(s.W, s.mean, s.theta);
    for (let j = 0; j < 6; j++) expect(s.theta[j] - before[j]).toBeCloseTo(s.W[k * 6 + j], 5);
  });
});

// The general form the decoder uses: out = α·X·M − a ⊗ sub and α·Xᵀ·G − a ⊗ sub, for any 0/1 matrix X,
// through its lists of ones (the images' form) and through its tables of subset sums (the latents').
describe.each([
  ['OnesIndex', OnesIndex],
  ['SubsetSums', SubsetSums],
] as const)('%s', (_, Matrix) => {
  function problem(R: number, C: number, N: number, simd: boolean, seed: string, density = 0.5) {
    const rng = new Rng(seed);
    const ws = new Workspace(Matrix.floats(R, C) + 4 * (R * C + 2 * C * N + 2 * R * N + 2 * N + R + C) + 64);
    const fill = (n: number, draw: () => number) => {
      const v = ws.alloc(n);
      for (let i = 0; i < n; i++) v[i] = draw();
      return v;
    };
    const X = fill(R * C, () => (rng.next() < density ? 1 : 0));
    const M = fill(C * N, () => Math.fround(rng.next() - 0.5));
    const G = fill(R * N, () => Math.fround(rng.next() - 0.5));
    const sub = fill(N, () => Math.fround(rng.next() - 0.5));
    const aRow = fill(R, () => Math.fround(rng.next()));
    const aCol = fill(C, () => Math.fround(rng.next()));
    const alpha = fill(1, () => 1);
    return { ws, X, M, G, sub, aRow, aCol, alpha, index: new Matrix(ws, R, C, { simd }), out: ws.alloc(R * N), outT: ws.alloc(C * N) };
  }

  /** Float64 α·X·M − a ⊗ sub (or with Xᵀ and G) and the sum of |terms| that bounds float32 rounding. */
  function reference(p: ReturnType<typeof problem>, R: number, C: number, N: number, alpha: number, a: ArrayLike<number> | number, transpose: boolean) {
    const nOut = transpose ? C : R;
    const value = new Float64Array(nOut * N);
    const size = new Float64Array(nOut * N);
    for (let o = 0; o < nOut; o++) {
      const ao = typeof a === 'number' ? a : a[o];
      for (let j = 0; j < N; j++) {
        let s = 0;
        let abs = 0;
        const inner = transpose ? R : C;
        for (let t = 0; t < inner; t++) {
          const x = transpose ? p.X[t * C + o] : p.X[o * C + t];
          const m = transpose ? p.G[t * N + j] : p.M[t * N + j];
          s += x * m;
          abs += x * Math.abs(m);
        }
        value[o * N + j] = alpha * s - ao * p.sub[j];
        size[o * N + j] = Math.abs(alpha) * abs + Math.abs(ao * p.sub[j]);
      }
    }
    return { value, size, inner: transpose ? R : C };
  }

  // N = 5, 33, 37, 784: the 32-column block, the 4-column block and the scalar tail each run;
  // R and C of 1, 3, 7, 9, 101: groups of four with one to three rows missing.
  const cases: [number, number, number][] = [
    [1, 1, 1],
    [3, 4, 5],
    [7, 9, 33],
    [24, 200, 37],
    [24, 200, 784],
    [101, 13, 37],
  ];

  it.each(cases)('R=%i, C=%i, N=%i: the decoder forms (2b − 1)·D and (−(2b − 1)/B)ᵀ·r, and per-row a, equal float64 within float32 rounding; SIMD equals JavaScript bit for bit', (R, C, N) => {
    const runs = [false, ...(simdAvailable ? [true] : [])].map((simd) => {
      const p = problem(R, C, N, simd, `ones-${R}-${C}-${N}`);
      expect(p.index.index(p.X)).toBe(true);
      const results: { got: Float32Array; ref: ReturnType<typeof reference> }[] = [];
      // The decoder's hard rows: 2·X·M − colSum(M); sub is taken as given here.
      p.index.times(p.M, p.out, N, 2, p.sub);
      results.push({ got: Float32Array.from(p.out), ref: reference(p, R, C, N, 2, 1, false) });
      // ∂D's form: α = −2/R through the column lists, less sub.
      p.index.transposeTimes(p.G, p.outT, N, -2 / R, p.sub);
      results.push({ got: Float32Array.from(p.outT), ref: reference(p, R, C, N, Math.fround(-2 / R), 1, true) });
      // A per-output a (aStride 1), as the encoder's mean, and α = 1.
      p.index.times(p.M, p.out, N, 1, p.sub, p.aRow, 1);
      results.push({ got: Float32Array.from(p.out), ref: reference(p, R, C, N, 1, p.aRow, false) });
      p.index.transposeTimes(p.G, p.outT, N, 1, p.sub, p.aCol, 1);
      results.push({ got: Float32Array.from(p.outT), ref: reference(p, R, C, N, 1, p.aCol, true) });
      // One number a from a workspace array (aStride 0) other than the built-in 1.
      p.alpha[0] = 0.75;
      p.index.times(p.M, p.out, N, 3, p.sub, p.alpha, 0);
      results.push({ got: Float32Array.from(p.out), ref: reference(p, R, C, N, 3, 0.75, false) });
      return results;
    });
    for (const results of runs)
      for (const { got, ref } of results) {
        // A float32 sum of ≤ inner terms, then a product each side and a difference: (inner + 3)·ε of the size.
        const bound = (ref.inner + 3) * EPS;
        let worst = 0;
        for (let m = 0; m < got.length; m++) worst = Math.max(worst, Math.abs(got[m] - ref.value[m]) / (bound * ref.size[m] + 1e-30));
        expect(worst).toBeLessThanOrEqual(1);
      }
    if (runs.length === 2) for (let r = 0; r < runs[0].length; r++) expect(Array.from(runs[1][r].got)).toEqual(Array.from(runs[0][r].got));
  });

  it('an all-zero and an all-one matrix: out is −a·sub and the full sums', () => {
    for (const density of [0, 1]) {
      const p = problem(4, 6, 9, simdAvailable, `edge-${density}`, density);
      expect(p.index.index(p.X)).toBe(true);
      p.index.times(p.M, p.out, 9, 1, p.sub);
      const ref = reference(p, 4, 6, 9, 1, 1, false);
      for (let m = 0; m < 36; m++) expect(Math.abs(p.out[m] - ref.value[m])).toBeLessThanOrEqual(9 * EPS * ref.size[m] + 1e-30);
    }
  });

  it('refuses a matrix with NaN or 0.5, and then refuses to multiply until a 0/1 matrix is indexed', () => {
    // C = 6: entry 7 falls in a row's block of four, entry 10 in its tail of two.
    for (const bad of [Number.NaN, 0.5, -1, 2])
      for (const at of [7, 10]) {
        const p = problem(3, 6, 5, simdAvailable, 'refuse');
        p.X[at] = bad;
        expect(p.index.index(p.X)).toBe(false);
        expect(() => p.index.times(p.M, p.out, 5, 1, p.sub)).toThrow(/not 0\/1/);
        p.X[at] = 0;
        expect(p.index.index(p.X)).toBe(true);
        expect(() => p.index.times(p.M, p.out, 5, 1, p.sub)).not.toThrow();
      }
  });
});

// The model gradients with and without the lists of ones: ∂W and ∂D through the gathers equal the dense products.
describe.each([
  ['lists of ones', OnesIndex],
  ['tables of subset sums', SubsetSums],
] as const)('linearModelGradArrays, b through its %s', (_, Matrix) => {
  it('∂W, ∂c, ∂D, ∂d and the prior’s gradient are the same with the images’ lists and b’s form and without, within float32 rounding', () => {
    const [B, L, P] = [6, 12, 37];
    const run = (indexed: boolean) => {
      const ws = new Workspace(BinaryProducts.floats(B, P, L) + Matrix.floats(B, L) + 4 * (2 * B * P + 3 * B * L + 3 * P * L + 2 * P + 4 * L + B) + 256);
      const fill = (n: number, draw: () => number) => {
        const v = ws.alloc(n);
        for (let i = 0; i < n; i++) v[i] = draw();
        return v;
      };
      const r2 = new Rng('model-grads');
      const x = fill(B * P, () => (r2.next() < 0.2 ? 1 : 0));
      const mean = fill(P, () => Math.fround(0.3 * r2.next()));
      const xc = fill(B * P, () => 0);
      for (let i = 0; i < B * P; i++) xc[i] = x[i] - mean[i % P];
      const ghat = fill(B * L, () => Math.fround(r2.next() - 0.5));
      const b = fill(B * L, () => (r2.next() < 0.5 ? 1 : 0));
      const r = fill(B * P, () => Math.fround(r2.next() - 0.5));
      const prior = fill(L, () => Math.fround(r2.next() - 0.5));
      const out = { W: fill(P * L, () => 0), c: fill(L, () => 0), D: fill(L * P, () => 0), d: fill(P, () => 0), prior: fill(L, () => 0), scaledGhat: fill(B * L, () => 0), scaledSigned: fill(B * L, () => 0), minusMean: fill(B, () => 0) };
      const products = new BinaryProducts(ws, B, P, L);
      const latents = new Matrix(ws, B, L);
      if (indexed) {
        expect(products.index(x)).toBe(true);
        expect(latents.index(b)).toBe(true);
      }
      linearModelGradArrays(ws, out, { xc, ghat, b, r, prior }, B, L, P, indexed ? { products, mean, latents } : undefined);
      return out;
    };
    const [fast, dense] = [run(true), run(false)];
    // Sums of at most B terms of size ≤ 1 (|ĝ|, |r| ≤ ½, |xc|, |2b − 1| ≤ 1) scaled by 1/B, and one subtraction: (B + 2)·ε.
    const tol = (B + 2) * EPS;
    for (const k of ['W', 'c', 'D', 'd', 'prior'] as const) {
      let worst = 0;
      fast[k].forEach((v, m) => (worst = Math.max(worst, Math.abs(v - dense[k][m]))));
      expect(worst, k).toBeLessThanOrEqual(tol);
    }
    expect(Math.max(...Array.from(dense.D, Math.abs))).toBeGreaterThan(0.05);
  });
});
