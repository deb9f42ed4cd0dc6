// Seeded weight initialisers returning typed arrays (row-major [fanIn, fanOut]).
import type { Rng } from '../random/index.js';

export type Initializer = 'glorot' | 'orthogonal' | 'zeros';

/** Glorot/Xavier uniform: U(±√(6 / (fanIn + fanOut))). */
export function glorotUniform(rng: Rng, fanIn: number, fanOut: number): Float32Array {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  const out = new Float32Array(fanIn * fanOut);
  for (let i = 0; i < out.length; i++) out[i] = rng.uniform(-limit, limit);
  return out;
}

/**
 * A (semi-)orthogonal matrix times `gain`, by Gram–Schmidt on a Gaussian
 * matrix: rows orthonormal if fanIn ≤ fanOut, columns otherwise.
 */
export function orthogonal(rng: Rng, fanIn: number, fanOut: number, gain = 1): Float32Array {
  const rows = Math.min(fanIn, fanOut);
  const cols = Math.max(fanIn, fanOut);
  const q: Float64Array[] = [];
  for (let r = 0; r < rows; r++) {
    const v = new Float64Array(cols);
    for (let c = 0; c < cols; c++) v[c] = rng.normal();
    // Two passes of Gram–Schmidt keep it orthogonal in floating point.
    for (let pass = 0; pass < 2; pass++) {
      for (const w of q) {
        let dot = 0;
        for (let c = 0; c < cols; c++) dot += v[c] * w[c];
        for (let c = 0; c < cols; c++) v[c] -= dot * w[c];
      }
    }
    let norm = 0;
    for (let c = 0; c < cols; c++) norm += v[c] * v[c];
    norm = Math.sqrt(norm);
    for (let c = 0; c < cols; c++) v[c] /= norm;
    q.push(v);
  }
  const out = new Float32Array(fanIn * fanOut);
  for (let i = 0; i < fanIn; i++) {
    for (let j = 0; j < fanOut; j++) {
      // q is rows × cols; lay it out as fanIn × fanOut.
      out[i * fanOut + j] = gain * (fanIn <= fanOut ? q[i][j] : q[j][i]);
    }
  }
  return out;
}

export function initWeights(kind: Initializer, rng: Rng, fanIn: number, fanOut: number, gain = 1): Float32Array {
  if (kind === 'zeros') return new Float32Array(fanIn * fanOut);
  if (kind === 'orthogonal') return orthogonal(rng, fanIn, fanOut, gain);
  const w = glorotUniform(rng, fanIn, fanOut);
  if (gain !== 1) for (let i = 0; i < w.length; i++) w[i] *= gain;
  return w;
}
