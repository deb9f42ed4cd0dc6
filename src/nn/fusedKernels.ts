// The loops under src/nn/fusedMlp.ts: feature-major layout and the three
// products of a dense layer (forward, adjoint, weight gradient) on float64
// arrays. Arrays are feature-major ([width, rows]: one row of the array per
// unit), so every inner loop runs along the batch, which is long; the
// passes take and give row-major [rows, width] arrays through toColumns and
// toRows. Where every array of a call lives in the arena (fusedArena.ts)
// and WebAssembly SIMD is there, the same loops run as f64x2 code
// (fusedSimd.ts), giving the same bits; otherwise the loops below run.
import { alloc, allocRaw, inArena } from './fusedArena.js';
import { simdKernels } from './fusedSimd.js';

/** Row-major [rows, cols] → feature-major [cols, rows] (and back with toRows). */
export function toColumns(x: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const out = allocRaw(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = x[r * cols + c];
  return out;
}

export function toRows(x: Float64Array, rows: number, cols: number): Float64Array {
  if (cols === 1) return x;
  const out = allocRaw(rows * cols);
  for (let c = 0; c < cols; c++) for (let r = 0; r < rows; r++) out[r * cols + c] = x[c * rows + r];
  return out;
}

// The loops add up to eight products into an output column per pass over
// it (blocks of 8, 4, 2, 1): fewer loads and stores of the column, about 2.4×
// faster in V8 than one product per pass for 10-unit layers.

/**
 * out[o + r] += Σ_{q < n} c[q] · x[xo + q·rows + r] for r in [r0, rows), n ≤ 8 consecutive columns of x:
 * the one inner loop of affine and backAffine (c: the weights, read with stride `stride` from `c0`).
 */
function addColumns(out: Float64Array, o: number, x: Float64Array, xo: number, rows: number, w: Float64Array, c0: number, stride: number, n: number, r0: number): void {
  const c = (q: number) => w[c0 + q * stride];
  const [x0, x1, x2, x3] = [xo, xo + rows, xo + 2 * rows, xo + 3 * rows];
  if (n === 8) {
    const [w0, w1, w2, w3, w4, w5, w6, w7] = [c(0), c(1), c(2), c(3), c(4), c(5), c(6), c(7)];
    const [x4, x5, x6, x7] = [xo + 4 * rows, xo + 5 * rows, xo + 6 * rows, xo + 7 * rows];
    for (let r = r0; r < rows; r++) {
      out[o + r] += w0 * x[x0 + r] + w1 * x[x1 + r] + w2 * x[x2 + r] + w3 * x[x3 + r] + w4 * x[x4 + r] + w5 * x[x5 + r] + w6 * x[x6 + r] + w7 * x[x7 + r];
    }
  } else if (n === 4) {
    const [w0, w1, w2, w3] = [c(0), c(1), c(2), c(3)];
    for (let r = r0; r < rows; r++) out[o + r] += w0 * x[x0 + r] + w1 * x[x1 + r] + w2 * x[x2 + r] + w3 * x[x3 + r];
  } else if (n === 2) {
    const [w0, w1] = [c(0), c(1)];
    for (let r = r0; r < rows; r++) out[o + r] += w0 * x[x0 + r] + w1 * x[x1 + r];
  } else {
    const w0 = c(0);
    for (let r = r0; r < rows; r++) out[o + r] += w0 * x[x0 + r];
  }
}

/** Block sizes of addColumns, largest first. */
const BLOCKS = [8, 4, 2, 1];

/** out[j] = (bias_j or 0) + Σ_i w_ij x[i] (feature-major), for inputs i ≥ from. */
export function affine(x: Float64Array, rows: number, w: Float64Array, nIn: number, nOut: number, bias?: Float64Array, from = 0): Float64Array {
  // With a bias every entry is written before it is read.
  const out = bias ? allocRaw(rows * nOut) : alloc(rows * nOut);
  const k = simdKernels();
  if (k && inArena(out) && inArena(x) && inArena(w)) {
    for (let j = 0; j < nOut; j++) {
      const jo = j * rows;
      if (bias) out.fill(bias[j], jo, jo + rows);
      let i = from;
      for (const n of BLOCKS) for (; i + n <= nIn; i += n) k.cols[n](out.byteOffset + 8 * jo, x.byteOffset + 8 * i * rows, rows, w.byteOffset + 8 * (i * nOut + j), 8 * nOut, 0);
    }
    return out;
  }
  for (let j = 0; j < nOut; j++) {
    const jo = j * rows;
    if (bias) out.fill(bias[j], jo, jo + rows);
    let i = from;
    for (const n of BLOCKS) for (; i + n <= nIn; i += n) addColumns(out, jo, x, i * rows, rows, w, i * nOut + j, nOut, n, 0);
  }
  return out;
}

/** out[i] = Σ_j w_ij g[j]: adjoints back through the weights (feature-major), for inputs i ≥ from; rows of g before r0 are 0 (and stay 0). */
export function backAffine(g: Float64Array, rows: number, w: Float64Array, nIn: number, nOut: number, from = 0, r0 = 0): Float64Array {
  const out = alloc(rows * nIn);
  const k = simdKernels();
  if (k && inArena(out) && inArena(g) && inArena(w)) {
    for (let i = from; i < nIn; i++) {
      let j = 0;
      for (const n of BLOCKS) for (; j + n <= nOut; j += n) k.cols[n](out.byteOffset + 8 * i * rows, g.byteOffset + 8 * j * rows, rows, w.byteOffset + 8 * (i * nOut + j), 8, r0);
    }
    return out;
  }
  for (let i = from; i < nIn; i++) {
    const io = i * rows;
    let j = 0;
    for (const n of BLOCKS) for (; j + n <= nOut; j += n) addColumns(out, io, g, j * rows, rows, w, i * nOut + j, 1, n, r0);
  }
  return out;
}

/** dw_ij += Σ_r x[i, r] g[j, r], db_j += Σ_r g[j, r] (db optional; feature-major), for inputs i ≥ from; rows of g before r0 are 0. */
export function accumulate(dw: Float64Array, db: Float64Array | undefined, x: Float64Array, g: Float64Array, rows: number, nIn: number, nOut: number, from = 0, r0 = 0): void {
  const k = simdKernels();
  if (k && inArena(dw) && inArena(x) && inArena(g)) {
    for (let j = 0; j < nOut; j++) {
      const jo = j * rows;
      if (db) {
        let s = 0;
        for (let r = r0; r < rows; r++) s += g[jo + r];
        db[j] += s;
      }
      // The blocks and the order of each sum are those of the loops below.
      const [dwAt, xAt, gAt] = [dw.byteOffset + 8 * j, x.byteOffset, g.byteOffset + 8 * jo];
      let i = from;
      for (; i + 7 < nIn; i += 8) k.dots8(dwAt + 8 * i * nOut, 8 * nOut, xAt + 8 * i * rows, gAt, rows, r0);
      for (; i + 3 < nIn; i += 4) k.dots4(dwAt + 8 * i * nOut, 8 * nOut, xAt + 8 * i * rows, gAt, rows, r0);
      for (; i < nIn; i++) k.dot1(dwAt + 8 * i * nOut, xAt + 8 * i * rows, gAt, rows, r0);
    }
    return;
  }
  for (let j = 0; j < nOut; j++) {
    const jo = j * rows;
    if (db) {
      let s = 0;
      for (let r = r0; r < rows; r++) s += g[jo + r];
      db[j] += s;
    }
    let i = from;
    // Eight (then four) inputs against one load of g, and independent sums, not one latency-bound chain.
    for (; i + 7 < nIn; i += 8) {
      const i0 = i * rows;
      const [i1, i2, i3, i4, i5, i6, i7] = [i0 + rows, i0 + 2 * rows, i0 + 3 * rows, i0 + 4 * rows, i0 + 5 * rows, i0 + 6 * rows, i0 + 7 * rows];
      let [s0, s1, s2, s3, s4, s5, s6, s7] = [0, 0, 0, 0, 0, 0, 0, 0];
      for (let r = r0; r < rows; r++) {
        const gr = g[jo + r];
        s0 += x[i0 + r] * gr;
        s1 += x[i1 + r] * gr;
        s2 += x[i2 + r] * gr;
        s3 += x[i3 + r] * gr;
        s4 += x[i4 + r] * gr;
        s5 += x[i5 + r] * gr;
        s6 += x[i6 + r] * gr;
        s7 += x[i7 + r] * gr;
      }
      const sums = [s0, s1, s2, s3, s4, s5, s6, s7];
      for (let q = 0; q < 8; q++) dw[(i + q) * nOut + j] += sums[q];
    }
    for (; i + 3 < nIn; i += 4) {
      const i0 = i * rows;
      const [i1, i2, i3] = [i0 + rows, i0 + 2 * rows, i0 + 3 * rows];
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let r = r0; r < rows; r++) {
        const gr = g[jo + r];
        s0 += x[i0 + r] * gr;
        s1 += x[i1 + r] * gr;
        s2 += x[i2 + r] * gr;
        s3 += x[i3 + r] * gr;
      }
      dw[i * nOut + j] += s0;
      dw[(i + 1) * nOut + j] += s1;
      dw[(i + 2) * nOut + j] += s2;
      dw[(i + 3) * nOut + j] += s3;
    }
    for (; i < nIn; i++) {
      const io = i * rows;
      let s0 = 0;
      let s1 = 0;
      let r = r0;
      for (; r + 1 < rows; r += 2) {
        s0 += x[io + r] * g[jo + r];
        s1 += x[io + r + 1] * g[jo + r + 1];
      }
      if (r < rows) s0 += x[io + r] * g[jo + r];
      dw[i * nOut + j] += s0 + s1;
    }
  }
}
