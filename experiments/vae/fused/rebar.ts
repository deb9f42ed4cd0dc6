// REBAR's ĝ and the control variate's ∂φ (1/B) Σ ĝ² on arrays, for
// c = η f(σ_λ(·)) on the linear decoder (fast.ts's formulas):
//   ĝ = (f(b) − η f(s̃)) score + η (∂f(s) a(s) − ∂f(s̃) a(s̃) dz̃ + s̃ − s) [+ residual terms],
// a(R) = R(1 − R)/λ, s = σ(z/λ), s̃ = σ(z̃/λ). ĝ is linear in η, so ∂η is a
// sum; λ is a scalar, so ∂logλ is forward mode: every quantity's tangent
// (′ = d/dlogλ) through the decoder, ∂f/∂R′ = −2 (σ'(ℓ) ⊙ 2R′·D)·Dᵀ.
import type { Workspace } from '../../../src/wasm/workspace.js';
import { throughDecoderT } from './decoder.js';

export interface RelaxedArrays {
  z: Float32Array;
  zt: Float32Array;
  /** s, s̃ [B, L] and their tangents s′, s̃′ stacked [2B, L]. */
  s: Float32Array;
  st: Float32Array;
  tangent: Float32Array;
  /** 2R − 1 for R = b, s, s̃ stacked [3B, L] (the decoder's input). */
  signed: Float32Array;
  b: Float32Array;
}

/** s, s̃, their tangents and the decoder's signed rows [2b − 1; 2s − 1; 2s̃ − 1] at temperature λ. */
export function relaxRows(a: RelaxedArrays, lambda: number, B: number, L: number): void {
  const { z, zt, s, st, tangent, signed, b } = a;
  const n = B * L;
  for (let m = 0; m < n; m++) {
    signed[m] = 2 * b[m] - 1;
    // σ(t) with t = z/λ rounded as the tensor path's division is; s(1 − s) = e/(1 + e)² with e = e^−|t|,
    // which keeps its precision where s rounds to 1.
    const t = Math.fround(z[m] / lambda);
    const tt = Math.fround(zt[m] / lambda);
    const e = Math.exp(-Math.abs(t));
    const et = Math.exp(-Math.abs(tt));
    s[m] = t >= 0 ? 1 / (1 + e) : e / (1 + e);
    st[m] = tt >= 0 ? 1 / (1 + et) : et / (1 + et);
    signed[n + m] = 2 * s[m] - 1;
    signed[2 * n + m] = 2 * st[m] - 1;
    tangent[m] = (-e / ((1 + e) * (1 + e))) * t;
    tangent[n + m] = (-et / ((1 + et) * (1 + et))) * tt;
  }
}

export interface TangentArrays {
  /** The decoder's weights D [L, P] and DT = Dᵀ [P, L]. */
  D: Float32Array;
  DT: Float32Array;
  /** σ(ℓ)(1 − σ(ℓ)) at the relaxed rows [2B, P]. */
  curvature: Float32Array;
  /** Scratch [2B, P]: ℓ′ / 2, then the cotangent through σ. */
  logitTangent: Float32Array;
  /** ∂f/∂R′ at [s; s̃] [2B, L] (output). */
  dfdRTangent: Float32Array;
}

/** ∂f/∂R′ = −2 (σ(ℓ)(1 − σ(ℓ)) ⊙ 2 R′·D)·Dᵀ for the relaxed rows, from `tangent` = [s′; s̃′]. */
export function decoderTangent(ws: Workspace, t: TangentArrays, tangent: Float32Array, B: number, L: number, P: number): void {
  const { D, DT, curvature, logitTangent, dfdRTangent } = t;
  ws.mm(tangent, D, logitTangent, 2 * B, L, P);
  const n = 2 * B * P;
  for (let m = 0; m < n; m++) logitTangent[m] = 2 * curvature[m] * logitTangent[m];
  throughDecoderT(ws, logitTangent, DT, dfdRTangent, 2 * B, L, P, -2);
}

export interface EstimateArrays {
  s: Float32Array;
  st: Float32Array;
  tangent: Float32Array;
  score: Float32Array;
  dzt: Float32Array;
  /** ∂f/∂R and its tangent at [s; s̃] [2B, L]. */
  dfdR: Float32Array;
  dfdRTangent: Float32Array;
  /** f at [b; s; s̃] [3B]. */
  f: Float32Array;
  /** ĝ [B, L] and G = 2ĝ/B, the loss's cotangent (outputs). */
  ghat: Float32Array;
  G: Float32Array;
  /** RELAX's residual at [z; z̃]: N [2B] and ∂N/∂z [2B, L] (absent for REBAR). */
  N?: Float32Array;
  dN?: Float32Array;
}

/** ĝ, G and the loss (1/B) Σ ĝ² with its derivatives in η and log λ. */
export function rebarEstimate(a: EstimateArrays, eta: number, lambda: number, B: number, L: number): { loss: number; dEta: number; dLogLambda: number } {
  const { s, st, tangent, score, dzt, dfdR, dfdRTangent, f, ghat, G, N, dN } = a;
  const n = B * L;
  let loss = 0;
  let dEta = 0;
  let dLogLambda = 0;
  for (let i = 0; i < B; i++) {
    const fb = f[i];
    const fst = f[2 * B + i];
    // f(s̃)′ = Σ_j ∂f/∂s̃ · s̃′.
    let fstT = 0;
    for (let j = 0; j < L; j++) fstT += dfdR[n + i * L + j] * tangent[n + i * L + j];
    for (let j = 0; j < L; j++) {
      const m = i * L + j;
      const sv = s[m];
      const tv = st[m];
      const as = (sv * (1 - sv)) / lambda;
      const at = (tv * (1 - tv)) / lambda;
      const dfs = dfdR[m];
      const dft = dfdR[n + m];
      const sc = score[m];
      const dz = dzt[m];
      const inner = dfs * as - dft * at * dz + (tv - sv);
      let g = (fb - eta * fst) * sc + eta * inner;
      if (N && dN) g += dN[m] - dN[n + m] * dz - N[B + i] * sc;
      ghat[m] = g;
      const gv = ghat[m];
      loss += gv * gv;
      const Gm = (G[m] = (2 * gv) / B);
      dEta += Gm * (-fst * sc + inner);
      const sT = tangent[m];
      const tT = tangent[n + m];
      const asT = (sT * (1 - 2 * sv)) / lambda - as;
      const atT = (tT * (1 - 2 * tv)) / lambda - at;
      const innerT = dfdRTangent[m] * as + dfs * asT - (dfdRTangent[n + m] * at + dft * atT) * dz + tT - sT;
      dLogLambda += Gm * (-eta * fstT * sc + eta * innerT);
    }
  }
  return { loss: loss / B, dEta, dLogLambda };
}

/** The residual's cotangents from G: ∂N(z) gets G, ∂N(z̃) gets −G dz̃, N(z̃) gets −Σ_j G score. */
export function residualCotangents(G: Float32Array, score: Float32Array, dzt: Float32Array, cotN: Float32Array, cotDN: Float32Array, B: number, L: number): void {
  const n = B * L;
  for (let i = 0; i < B; i++) {
    let sum = 0;
    for (let j = 0; j < L; j++) {
      const m = i * L + j;
      cotDN[m] = G[m];
      cotDN[n + m] = -G[m] * dzt[m];
      sum += G[m] * score[m];
    }
    cotN[i] = 0;
    cotN[B + i] = -sum;
  }
}
