// The φ-independent part of a linear1 step on arrays, per latent: the
// sample z = θ + logit(u), b = H(z), REBAR's conditional z̃ ~ p(z | b, θ)
// (bernoulli.conditional, in log space), the score b − σ(θ), dz̃/dθ at
// fixed (b, v), prior − θ, and each row's constant of f. The conditional
// uniform v' = σ(z̃ − θ) is v(1 − p) for b = 0 and 1 − (1 − v)p for b = 1,
// so z̃ = θ + logit(v') and dz̃/dθ are written from it directly (one log, no
// exp); the tensor path's σ(z̃ − θ) is the same number up to z̃'s rounding.
import { clampUniform, softplus } from './scalar.js';

export interface LatentArrays {
  theta: Float32Array;
  z: Float32Array;
  b: Float32Array;
  zt: Float32Array;
  score: Float32Array;
  dzt: Float32Array;
  /** prior − θ [B, L]: ∂f/∂R's direct term and f's Σ_j R(p − θ). */
  pmt: Float32Array;
  /** Σ_j softplus(θ_ij) − Σ_j softplus(p_j) [B]. */
  rowConst: Float32Array;
}

/**
 * Fill z, b, score and pmt (and, with `relaxed`, z̃ and dz̃/dθ) from θ
 * [B, L], the prior logits p [L] and the uniforms u, v (each [B, L]).
 */
export function sampleLatents(out: LatentArrays, prior: Float32Array, u: Float32Array, v: Float32Array, B: number, L: number, relaxed: boolean): void {
  const { theta, z, b, zt, score, dzt, pmt, rowConst } = out;
  let priorConst = 0;
  for (let j = 0; j < L; j++) priorConst += softplus(prior[j]);
  for (let i = 0; i < B; i++) {
    // Σ_j softplus(θ) = Σ_j max(θ, 0) + log Π_j (1 + e_j): one log per row.
    let row = 0;
    let product = 1;
    for (let j = 0; j < L; j++) {
      const n = i * L + j;
      const t = theta[n];
      const uc = clampUniform(u[n]);
      z[n] = t + Math.log(uc / (1 - uc));
      // H of the stored (float32) z, as the tensor path thresholds its float32 z.
      const bn = z[n] > 0 ? 1 : 0;
      b[n] = bn;
      // σ(θ) and σ(−θ) = 1 − σ(θ) from one exp, each to full relative precision; softplus(θ) = max(θ, 0) + log(1 + e).
      const e = Math.exp(-Math.abs(t));
      const inv = 1 / (1 + e);
      const p = t >= 0 ? inv : e * inv;
      const q = t >= 0 ? e * inv : inv;
      score[n] = bn - p;
      pmt[n] = prior[j] - t;
      const top = Math.max(t, 0);
      row += top;
      product *= 1 + e;
      if (product > 1e300) {
        row += Math.log(product);
        product = 1;
      }
      if (!relaxed) continue;
      const vc = clampUniform(v[n]);
      if (bn === 1) {
        // 1 − v as the tensor path has it (a float32 subtraction); v' = 1 − (1 − v)p.
        const w = Math.fround(1 - vc);
        const vp = 1 - w * p;
        zt[n] = top + Math.log(((1 + e) * vp) / w);
        dzt[n] = 1 - q / vp;
      } else {
        // v' = v q.
        const rest = 1 - vc * q;
        zt[n] = t - top + Math.log(vc / (rest * (1 + e)));
        dzt[n] = 1 - p / rest;
      }
    }
    rowConst[i] = row + Math.log(product) - priorConst;
  }
}
