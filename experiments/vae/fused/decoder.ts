// The linear decoder on rows of latents R (hard b, or relaxed s, s̃), on
// arrays: ℓ = (2R − 1)·D + d, the row's log p(x|R) = Σ_k (x ℓ − softplus(ℓ)),
// and what the derivatives need, x − σ(ℓ) and σ(ℓ)(1 − σ(ℓ)). One exp and
// one product per pixel give softplus and σ together (a row's
// logs are one log of a product).
import type { Workspace } from '../../../src/wasm/workspace.js';

export interface DecoderArrays {
  /** d [P], a copy of the decoder's bias. */
  d: Float32Array;
  /** (2R − 1)·D [rows, P] (input), then ℓ. */
  logits: Float32Array;
  /** x − σ(ℓ) [rows, P]. */
  resid: Float32Array;
  /** σ(ℓ)(1 − σ(ℓ)) [rows, P], for rows ≥ `curvatureFrom` only (the relaxed ones). */
  curvature: Float32Array;
  /** Σ_k (x ℓ − softplus(ℓ)) per row [rows]. */
  logLik: Float32Array;
}

/**
 * The decoder on `rows` rows whose products (2R − 1)·D are already in
 * `logits` (the caller's: the hard rows through b's tables of subset sums, subsetSums.ts);
 * row ρ reconstructs image ρ mod B of x [B, P]. Rows from `curvatureFrom` on
 * also get σ(ℓ)(1 − σ(ℓ)) at curvature[ρ − curvatureFrom].
 */
export function decode(a: DecoderArrays, x: Float32Array, rows: number, B: number, P: number, curvatureFrom = rows): void {
  const { d, logits, resid, curvature, logLik } = a;
  for (let r = 0; r < rows; r++) {
    const o = r * P;
    const ox = (r % B) * P;
    const oc = (r - curvatureFrom) * P;
    const withCurvature = r >= curvatureFrom;
    // softplus(ℓ) = max(ℓ, 0) + log(1 + e), e = exp(−|ℓ|): the logs of a row as one log of a product.
    let sum = 0;
    let product = 1;
    for (let k = 0; k < P; k++) {
      // ℓ rounded to float32, as the tensor path's bias add is.
      const l = Math.fround(logits[o + k] + d[k]);
      logits[o + k] = l;
      const e = Math.exp(-Math.abs(l));
      const inv = 1 / (1 + e);
      const xk = x[ox + k];
      sum += xk * l - Math.max(l, 0);
      product *= 1 + e;
      if (product > 1e300) {
        sum -= Math.log(product);
        product = 1;
      }
      resid[o + k] = xk - (l >= 0 ? inv : e * inv);
      // σ(1 − σ) = e/(1 + e)² for either sign, without 1 − σ's cancellation.
      if (withCurvature) curvature[oc + k] = e * inv * inv;
    }
    logLik[r] = sum - Math.log(product);
  }
}

/**
 * out = scale · g·Dᵀ + add (add [B, L], tiled over the row blocks), with g
 * [rows, P] and DT = Dᵀ [P, L] (transposed once a step: g is as large as D,
 * so mmT's transposes of g would cost more): ∂f/∂R = 2 (x − σ(ℓ))·Dᵀ + (p − θ) and its tangent.
 */
export function throughDecoderT(ws: Workspace, g: Float32Array, DT: Float32Array, out: Float32Array, rows: number, L: number, P: number, scale: number, add?: Float32Array, B = rows): void {
  ws.mm(g, DT, out, rows, P, L);
  const n = rows * L;
  const period = B * L;
  if (add) for (let m = 0; m < n; m++) out[m] = scale * out[m] + add[m % period];
  else for (let m = 0; m < n; m++) out[m] = scale * out[m];
}
