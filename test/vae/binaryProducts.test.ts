// The encoder's products with binary images as sums of rows
// (experiments/vae/fused/binaryProducts.ts): the SIMD kernels equal their
// JavaScript fallback bit for bit, and both equal the dense products
// xc·W and xcᵀ·g within float32 rounding; images that are not 0/1 are
// refused, so the step keeps the dense products for them.
import { describe, it, expect } from 'vitest';
import { Rng } from '../../src/random/index.js';
import { Workspace } from '../../src/wasm/workspace.js';
import { simdAvailable } from '../../src/wasm/wat.js';
import { BinaryProducts } from '../../experiments/vae/fused/binaryProducts.js';

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
