// RELAX on a categorical policy with the agents' control variate
// c_φ(z, s) = MLP_φ([s, softmax(z/τ)]), τ = exp(ρ) (+ V(s) with cvWithValue),
// on typed arrays (src/nn/fusedMlp.ts), for the fused update (fusedUpdate.ts):
//   ĝ_t = [f_t − c(z̃_t)] (b_t − p_t) + ∂θ c(z_t) − ∂θ c(z̃_t),
// z = log p − log(−log u), z̃ the exact conditional of src/distributions/categorical.ts,
// and the control variate's step along ∂φ ‖G‖², G = (1/T) Σ_t J_tᵀ ĝ_t (the
// "parameters" objective of src/estimators/variance.ts). With w_t = J_t G
// (forward mode through the policy), ∂φ ‖G‖² = (2/T) Σ_t ∂φ ⟨w_t, ĝ_t⟩ and
//   ⟨w, ĝ⟩ = −(w·(b − p)) c(z̃) + ċ(z) − ċ(z̃) + terms free of φ,
// ċ the derivative of c along θ-direction w: a forward tangent through c,
// whose reverse pass (backwardTangent) gives the second-order gradient.
import { clampUniform } from '../src/distributions/index.js';
import { alloc, allocRaw } from '../src/nn/fusedArena.js';
import { backward, backwardTangent, forward, inputTangent, output, zeroGradients, type Gradients, type Layers, type Pass } from '../src/nn/fusedMlp.js';

/** What RELAX reads of a rollout, per step t (row-major [T, k] unless said). */
export interface RelaxInputs {
  T: number;
  k: number;
  /** Observation size d; obs is [T, d]. */
  d: number;
  obs: ArrayLike<number>;
  logits: Float64Array;
  /** Uniforms for z (the acting noise) and z̃, and the one-hot actions. */
  u: ArrayLike<number>;
  v: ArrayLike<number>;
  b: ArrayLike<number>;
  /** f_t: the returns. */
  f: ArrayLike<number>;
  /** V(s_t) when c includes the value function (not trained by the variance objective). */
  value?: ArrayLike<number>;
}

/** Per-step quantities of the policy and the two relaxed samples that do not depend on φ. */
export interface RelaxSamples {
  input: RelaxInputs;
  p: Float64Array;
  /** Rows 0..T−1: z_t; rows T..2T−1: z̃_t ([2T, k]). */
  z: Float64Array;
  /** ∂z̃_i/∂log p_i = σ(A_i − C) for i ≠ b, 0 at b ([T, k]). */
  zTildeSlope: Float64Array;
}

/** A pass of c over [z; z̃] at φ, with ĝ. */
export interface RelaxEstimate {
  samples: RelaxSamples;
  tau: number;
  /** softmax(z/τ) and z/τ per row ([2T, k]). */
  y: Float64Array;
  q: Float64Array;
  pass: Pass;
  ghat: Float64Array;
}

const softplus = (x: number) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** p, z and z̃ for every step (categorical.ts's formulas, with the same clamp of the uniforms). */
export function relaxSamples(input: RelaxInputs): RelaxSamples {
  const { T, k, logits, u, v, b } = input;
  // Arena arrays inside the update's scope (fusedArena.ts); slope stays 0 at b.
  const p = allocRaw(T * k);
  const z = allocRaw(2 * T * k);
  const slope = alloc(T * k);
  const logP = new Float64Array(k);
  for (let t = 0; t < T; t++) {
    const o = t * k;
    let m = -Infinity;
    for (let i = 0; i < k; i++) m = Math.max(m, logits[o + i]);
    let s = 0;
    for (let i = 0; i < k; i++) s += Math.exp(logits[o + i] - m);
    const lse = m + Math.log(s);
    let taken = 0;
    for (let i = 0; i < k; i++) {
      logP[i] = logits[o + i] - lse;
      p[o + i] = Math.exp(logP[i]);
      z[o + i] = logP[i] - Math.log(-Math.log(clampUniform(u[o + i])));
      if (b[o + i] > 0.5) taken = i;
    }
    const C = Math.log(-Math.log(clampUniform(v[o + taken])));
    const zt = T * k + o;
    for (let i = 0; i < k; i++) {
      if (i === taken) {
        z[zt + i] = -C;
        continue;
      }
      const A = Math.log(-Math.log(clampUniform(v[o + i]))) - logP[i];
      z[zt + i] = -(C + softplus(A - C));
      slope[o + i] = sigmoid(A - C);
    }
  }
  return { input, p, z, zTildeSlope: slope };
}

/** c over [z; z̃] at the control variate's weights and log-temperature ρ, and ĝ ([T, k]). */
export function relaxEstimate(s: RelaxSamples, cv: Layers, rho: number): RelaxEstimate {
  const { T, k, d, obs, f, b, value } = s.input;
  const tau = Math.exp(rho);
  const rows = 2 * T;
  const width = d + k;
  const y = allocRaw(rows * k);
  const q = allocRaw(rows * k);
  const x = allocRaw(rows * width);
  for (let r = 0; r < rows; r++) {
    const o = r * k;
    let m = -Infinity;
    for (let i = 0; i < k; i++) m = Math.max(m, (q[o + i] = s.z[o + i] / tau));
    let sum = 0;
    for (let i = 0; i < k; i++) sum += (y[o + i] = Math.exp(q[o + i] - m));
    const t = r % T;
    for (let i = 0; i < d; i++) x[r * width + i] = obs[t * d + i];
    for (let i = 0; i < k; i++) x[r * width + d + i] = y[o + i] /= sum;
  }
  const pass = forward(cv, x, rows);
  const c = output(pass);
  // ∂c/∂x, then through softmax(z/τ) to ∂c/∂z per row.
  const gx = backward(cv, pass, allocRaw(rows).fill(1), undefined, true, d);
  const gz = allocRaw(rows * k);
  for (let r = 0; r < rows; r++) {
    const o = r * k;
    let dot = 0;
    for (let i = 0; i < k; i++) dot += y[o + i] * gx[r * width + d + i];
    for (let i = 0; i < k; i++) gz[o + i] = (y[o + i] * (gx[r * width + d + i] - dot)) / tau;
  }
  const ghat = allocRaw(T * k);
  for (let t = 0; t < T; t++) {
    const o = t * k;
    const ot = (T + t) * k;
    let sz = 0;
    let sm = 0;
    for (let i = 0; i < k; i++) {
      sz += gz[o + i];
      sm += gz[ot + i] * s.zTildeSlope[o + i];
    }
    const advantage = f[t] - c[T + t] - (value ? value[t] : 0);
    for (let i = 0; i < k; i++) {
      const pi = s.p[o + i];
      const dz = gz[o + i] - pi * sz;
      const dzt = gz[ot + i] * s.zTildeSlope[o + i] - pi * sm;
      ghat[o + i] = advantage * (b[o + i] - pi) + dz - dzt;
    }
  }
  return { samples: s, tau, y, q, pass, ghat };
}

/**
 * scale · ∂φ Σ_t ⟨w_t, ĝ_t⟩ with w ([T, k]) held fixed: the gradient of the
 * control variate's weights and of ρ (with scale = 2/T and w_t = J_t G, the
 * gradient of ‖G‖²).
 */
export function relaxCvGradient(e: RelaxEstimate, cv: Layers, w: Float64Array, scale: number): { net: Gradients; rho: number } {
  const { T, k, d, b } = e.samples.input;
  const { p, zTildeSlope } = e.samples;
  const rows = 2 * T;
  const width = d + k;
  // Written in full but xdot (0 in the columns of s) and g (0 on the z rows).
  const qdot = allocRaw(rows * k);
  const S = allocRaw(rows);
  const xdot = alloc(rows * width);
  const g = alloc(rows);
  const gdot = allocRaw(rows);
  for (let t = 0; t < T; t++) {
    const o = t * k;
    let pw = 0;
    let alpha = 0;
    for (let i = 0; i < k; i++) {
      pw += p[o + i] * w[o + i];
      alpha += w[o + i] * (b[o + i] - p[o + i]);
    }
    for (let i = 0; i < k; i++) {
      qdot[o + i] = (w[o + i] - pw) / e.tau; // ż = w − (p·w)
      qdot[(T + t) * k + i] = (zTildeSlope[o + i] * (w[o + i] - pw)) / e.tau; // ż̃ (0 at b)
    }
    g[T + t] = -alpha * scale;
    gdot[t] = scale;
    gdot[T + t] = -scale;
  }
  for (let r = 0; r < rows; r++) {
    const o = r * k;
    let s = 0;
    for (let i = 0; i < k; i++) s += e.y[o + i] * qdot[o + i];
    S[r] = s;
    for (let i = 0; i < k; i++) xdot[r * width + d + i] = e.y[o + i] * (qdot[o + i] - s);
  }
  const tangent = inputTangent(cv, e.pass, xdot, d);
  const net = zeroGradients(cv);
  // c̄ is 0 on the z rows (only c(z̃) enters ⟨w, ĝ⟩ undifferentiated in θ).
  const adj = backwardTangent(cv, e.pass, tangent, g, gdot, net, d, T);
  // Back through y = softmax(q), ẏ = y ⊙ (q̇ − y·q̇), with q = z/τ, q̇ = ż/τ and τ = e^ρ.
  let rho = 0;
  const ybar = new Float64Array(k);
  for (let r = 0; r < rows; r++) {
    const o = r * k;
    let ey = 0;
    for (let i = 0; i < k; i++) ey += adj.xdot[r * width + d + i] * e.y[o + i];
    let yt = 0;
    for (let i = 0; i < k; i++) {
      const yd = adj.xdot[r * width + d + i];
      ybar[i] = adj.x[r * width + d + i] + yd * (qdot[o + i] - S[r]) - qdot[o + i] * ey;
      yt += e.y[o + i] * ybar[i];
    }
    for (let i = 0; i < k; i++) {
      const qbar = e.y[o + i] * (ybar[i] - yt);
      const qdotbar = e.y[o + i] * (adj.xdot[r * width + d + i] - ey);
      rho -= qbar * e.q[o + i] + qdotbar * qdot[o + i];
    }
  }
  return { net, rho };
}
