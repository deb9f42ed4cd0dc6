// LAX on a Gaussian MLP policy, θ_t = [μ(s_t), log σ] (σ state-free, learned),
// with the agents' control variate c(b, s) = V(s) + ĉ_φ([s, b]), on typed
// arrays (src/nn/fusedMlp.ts), for the fused update (fusedUpdate.ts):
//   ĝ_t = [f_t − V(s_t) − ĉ(b_t)] ∂θ log N(b_t; θ_t) + ∂θ ĉ(T(θ_t, ε_t)),
// b = T(θ, ε) = μ + σ ε, ∂θ log N = [ε/σ, ε² − 1] and ∂θ ĉ = [ĉ′, ĉ′ σ ε]
// (ĉ′ = ∂ĉ/∂b). ĉ_φ steps along ∂φ ‖G‖², G = (1/T) Σ_t J_tᵀ ĝ_t over the
// policy's parameters (the net and log σ: the "parameters" objective of
// src/estimators/variance.ts); with w_t = J_t G, ∂φ ‖G‖² = (2/T) Σ_t ∂φ ⟨w_t, ĝ_t⟩ and
//   ⟨w, ĝ⟩ = −(w·∂θ log N) ĉ(b) + ċ + terms free of φ,
// ċ = ĉ′·ḃ the derivative of ĉ along ḃ = w_μ + σ ε w_logσ (a forward tangent
// through ĉ, whose reverse pass, backwardTangent, is the second-order part).
// V(s) is fitted by squared error, not by the variance objective (critics.ts).
// The steps and their order are tapeUpdateFrom's (update.ts).
import { ESTIMATORS } from '../src/estimators/index.js';
import { getLearningRate, setLearningRate } from '../src/nn/index.js';
import {
  FUSED_ACTIVATIONS,
  applyArrayGradients,
  backward,
  backwardTangent,
  forward,
  gradientList,
  inputTangent,
  output,
  parameterTangent,
  readLayers,
  squaredNorm,
  zeroGradients,
  type Gradients,
  type Layers,
  type Pass,
} from '../src/nn/fusedMlp.js';
import { alloc, allocCopy, allocRaw, arenaScope, arenaStats } from '../src/nn/fusedArena.js';
import { simdAvailable } from '../src/wasm/wat.js';
import { ActionCritic, WithValue } from './critics.js';
import { discountedReturns, gae } from './returns.js';
import type { Rollout } from './rollout.js';
import type { StepResult, UpdateParts } from './update.js';

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** Whether the fused LAX update knows these parts: the agents' LAX on a Gaussian MLP policy with V(s) + ĉ(b, s). */
export function laxApplies(a: UpdateParts): boolean {
  const { policy, cv, value } = a;
  if (a.config.kind !== 'lax' || a.estimator !== ESTIMATORS.lax.estimator || a.baseline) return false;
  if (policy.distribution.name !== 'normal' || !policy.logStd || !value || !a.cvOpt) return false;
  if (!(cv instanceof WithValue) || !(cv.inner instanceof ActionCritic) || cv.value !== value) return false;
  return [policy.net, value.net, cv.inner.net].every((n) => FUSED_ACTIVATIONS.includes(n.config.activation));
}

/** What LAX reads of a rollout and the policy, per step t (row-major [T, k] unless said). */
export interface LaxInputs {
  T: number;
  /** Action size k (θ_t has 2k entries) and observation size d. */
  k: number;
  d: number;
  obs: ArrayLike<number>;
  mean: ArrayLike<number>;
  /** log σ ([k]) and the standard normals ε the actions were drawn with. */
  logStd: ArrayLike<number>;
  eps: ArrayLike<number>;
  /** f_t (the returns) and V(s_t). */
  f: ArrayLike<number>;
  value: ArrayLike<number>;
}

/** A pass of ĉ over [s, b] at φ, with ĝ ([T, 2k]: the μ part, then the log σ part, per row). */
export interface LaxEstimate {
  input: LaxInputs;
  sigma: Float64Array;
  pass: Pass;
  ghat: Float64Array;
}

/** ĉ at b = μ + σ ε and ĝ. */
export function laxEstimate(input: LaxInputs, cv: Layers): LaxEstimate {
  const { T, k, d, obs, mean, logStd, eps, f, value } = input;
  const width = d + k;
  const sigma = allocRaw(k);
  for (let i = 0; i < k; i++) sigma[i] = Math.exp(logStd[i]);
  const x = allocRaw(T * width);
  for (let t = 0; t < T; t++) {
    for (let i = 0; i < d; i++) x[t * width + i] = obs[t * d + i];
    for (let i = 0; i < k; i++) x[t * width + d + i] = mean[t * k + i] + sigma[i] * eps[t * k + i];
  }
  const pass = forward(cv, x, T);
  const c = output(pass);
  // ĉ′ = ∂ĉ/∂b (the columns of s are not needed).
  const gx = backward(cv, pass, allocRaw(T).fill(1), undefined, true, d);
  const ghat = allocRaw(2 * T * k);
  for (let t = 0; t < T; t++) {
    const A = f[t] - value[t] - c[t];
    const o = 2 * t * k;
    for (let i = 0; i < k; i++) {
      const e = eps[t * k + i];
      const cb = gx[t * width + d + i];
      ghat[o + i] = (A * e) / sigma[i] + cb;
      ghat[o + k + i] = A * (e * e - 1) + cb * sigma[i] * e;
    }
  }
  return { input, sigma, pass, ghat };
}

/** G = (1/T) Σ_t J_tᵀ ĝ_t: the net's part (into a fresh Gradients) and log σ's ([k]). */
export function laxObjectiveGradient(policy: Layers, pass: Pass, ghat: Float64Array, T: number, k: number): { net: Gradients; logStd: Float64Array } {
  const net = zeroGradients(policy);
  const gm = allocRaw(T * k);
  const logStd = alloc(k);
  for (let t = 0; t < T; t++) {
    for (let i = 0; i < k; i++) {
      gm[t * k + i] = ghat[2 * t * k + i] / T;
      logStd[i] += ghat[2 * t * k + k + i] / T;
    }
  }
  backward(policy, pass, gm, net, false);
  return { net, logStd };
}

/**
 * scale · ∂φ Σ_t ⟨w_t, ĝ_t⟩ with w held fixed: w_μ ([T, k]) and w_logσ ([k],
 * the same for every t). With scale = 2/T and w = J G, the gradient of ‖G‖².
 */
export function laxCvGradient(e: LaxEstimate, cv: Layers, wMean: ArrayLike<number>, wLogStd: ArrayLike<number>, scale: number): Gradients {
  const { T, k, d, eps } = e.input;
  const width = d + k;
  const xdot = alloc(T * width);
  const g = allocRaw(T);
  const gdot = allocRaw(T).fill(scale);
  for (let t = 0; t < T; t++) {
    let alpha = 0;
    for (let i = 0; i < k; i++) {
      const ep = eps[t * k + i];
      const wm = wMean[t * k + i];
      alpha += (wm * ep) / e.sigma[i] + wLogStd[i] * (ep * ep - 1);
      xdot[t * width + d + i] = wm + e.sigma[i] * ep * wLogStd[i];
    }
    g[t] = -alpha * scale;
  }
  const tangent = inputTangent(cv, e.pass, xdot, d);
  const net = zeroGradients(cv);
  backwardTangent(cv, e.pass, tangent, g, gdot, net, d);
  return net;
}

/** Σ of squares of an array's entries rounded to float32 (as squaredNorm). */
function squares(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += Math.fround(x[i]) ** 2;
  return s;
}

/**
 * The arena grows only between scopes, to the most a scope has asked for
 * (fusedArena.ts), so a first update of 2,500 steps (~3,000 doubles a row)
 * would run on plain arrays, off the SIMD loops. Asking for about that much
 * once, beforehand, makes the arena large enough from the first update on.
 */
function reserveArena(a: UpdateParts, T: number): void {
  if (!simdAvailable) return;
  const width = (sizes: number[]) => sizes.reduce((s, n) => s + n, 0);
  const cv = ((a.cv as WithValue).inner as ActionCritic).net.config.sizes;
  const need = 8 * T * (12 * width(a.policy.net.config.sizes) + 8 * width(cv) + 4 * width(a.value!.net.config.sizes));
  const { capacity, peak } = arenaStats();
  if (capacity < need && peak < need) arenaScope(() => allocRaw(need / 8));
}

/** One LAX update from a rollout, in an arena scope of its own: what tapeUpdateFrom computes, in its order. */
export function laxUpdateFrom(a: UpdateParts, r: Rollout): StepResult {
  reserveArena(a, r.steps);
  return arenaScope(() => laxUpdateArrays(a, r));
}

function laxUpdateArrays(a: UpdateParts, r: Rollout): StepResult {
  const { config, policy: pol } = a;
  const value = a.value!;
  const cv = (a.cv as WithValue).inner as ActionCritic;
  const T = r.steps;
  const k = pol.size;
  const d = a.obsSize;
  const nEpisodes = r.episodeEnds.length;
  const obs = allocCopy(r.obs);
  const policy = readLayers(pol.net);
  const pass = forward(policy, obs, T);
  const mean = output(pass);
  const logStd = Float64Array.from(pol.logStd!.dataSync() as Float32Array);
  // V(s) as float32 (what the tape path reads back); the truncated episodes bootstrapped from V(s_final).
  const vNet = readLayers(value.net);
  const vPass = forward(vNet, obs, T);
  const values = new Float32Array(output(vPass));
  const tails = r.truncated.map((trunc, e) => (trunc ? Math.fround(output(forward(vNet, r.finalObs[e], 1))[0]) : 0));
  const returns = discountedReturns(r.rewards, r.episodeEnds, config.gamma, tails);
  const advantages = gae(r.rewards, values, r.episodeEnds, config.gamma, config.gaeLambda, tails);
  // The tape path draws RELAX's uniforms v for every control variate: the same draw keeps the stream in step.
  a.rngs.update.uniforms(T * k);
  const input: LaxInputs = { T, k, d, obs, mean, logStd, eps: r.noise, f: returns, value: values };
  let ghat: Float64Array | undefined;
  let cvLoss = 0;
  const cvStep = (first: boolean) => {
    const net = readLayers(cv.net);
    const est = laxEstimate(input, net);
    const G = laxObjectiveGradient(policy, pass, est.ghat, T, k);
    const wMean = parameterTangent(policy, pass, G.net);
    const grad = laxCvGradient(est, net, wMean, G.logStd, 2 / T);
    applyArrayGradients(a.cvOpt!, cv.variables, gradientList(grad));
    if (first) {
      ghat = est.ghat;
      cvLoss = squaredNorm(G.net) + squares(G.logStd);
    }
  };
  cvStep(true);
  // Later steps in scopes of their own: their arrays are released as they end (the arena stays small).
  for (let i = 1; i < config.cvUpdates; i++) arenaScope(() => cvStep(false));
  // Ascend Σ_t θ_t·ĝ_t + β Σ_t H_t per episode; H_t = Σ_i log σ_i + ½ log(2πe) is free of μ.
  const beta = a.entropyCoef;
  const dMean = allocRaw(T * k);
  const dLogStd = new Float64Array(k);
  let pg = 0;
  for (let t = 0; t < T; t++) {
    for (let i = 0; i < k; i++) {
      const gm = ghat![2 * t * k + i];
      const gs = ghat![2 * t * k + k + i];
      pg += mean[t * k + i] * gm + logStd[i] * gs;
      dMean[t * k + i] = -gm / nEpisodes;
      dLogStd[i] -= gs;
    }
  }
  let entropy = 0;
  for (let i = 0; i < k; i++) {
    entropy += T * (logStd[i] + 0.5 + HALF_LOG_2PI);
    dLogStd[i] = (dLogStd[i] - beta * T) / nEpisodes;
  }
  const grads = zeroGradients(policy);
  backward(policy, pass, dMean, grads, false);
  applyArrayGradients(a.policyOpt, pol.variables, [...gradientList(grads), dLogStd]);
  let kl: number | undefined;
  if (config.targetKl > 0) {
    const after = output(forward(readLayers(pol.net), obs, T));
    const sq = pol.logStd!.dataSync() as Float32Array;
    // KL(N(θ_old) ‖ N(θ_new)) = Σ_i log σq/σp + (σp² + (μp − μq)²)/(2σq²) − ½, averaged over the states.
    let sum = 0;
    for (let t = 0; t < T; t++) {
      for (let i = 0; i < k; i++) {
        const dm = mean[t * k + i] - after[t * k + i];
        sum += sq[i] - logStd[i] + (Math.exp(2 * logStd[i]) + dm * dm) / (2 * Math.exp(2 * sq[i])) - 0.5;
      }
    }
    kl = sum / T;
    const lr = getLearningRate(a.policyOpt);
    if (kl > 2 * config.targetKl) setLearningRate(a.policyOpt, lr / 1.5);
    else if (kl < config.targetKl / 2) setLearningRate(a.policyOpt, lr * 1.5);
  }
  let valueLoss: number | undefined;
  if (a.valueOpt) {
    const target = advantages.map((x, t) => x + values[t]);
    // Each fit in a scope of its own (25 of them on the continuous settings).
    for (let i = 0; i < config.valueUpdates; i++) {
      valueLoss = arenaScope(() => {
        // The first fit starts from the weights V(s) was just computed with (the CV's step does not touch V).
        const net = i === 0 ? vNet : readLayers(value.net);
        const vp = i === 0 ? vPass : forward(net, obs, T);
        const out = output(vp);
        const g = allocRaw(T);
        let loss = 0;
        for (let t = 0; t < T; t++) {
          const e = out[t] - target[t];
          loss += e * e;
          g[t] = (2 * e) / T;
        }
        const vg = zeroGradients(net);
        backward(net, vp, g, vg, false);
        applyArrayGradients(a.valueOpt!, value.net.variables, gradientList(vg));
        return loss / T;
      });
    }
  }
  pol.refresh();
  return { gradientSquaredNorm: cvLoss, valueLoss, kl, policyLoss: -pg / nEpisodes, entropyLoss: -entropy / T };
}
