// The fused update: what updateFrom (update.ts) computes, for the models it
// knows (a categorical MLP policy; REINFORCE, A2C, or RELAX with the agents'
// c_φ(z, s); every optimiser step taken by the agent's own optimisers), on
// typed arrays (src/nn/fusedMlp.ts, fusedRelax.ts) instead of the tape: a
// CartPole update is a few thousand flops, and the tape's dozens of kernels
// cost ~6–8 µs each (docs/design.md). Only the optimiser steps (one kernel
// each with FusedAdam) and the reads of the weights touch tfjs. LAX on a
// Gaussian MLP policy is fusedLax.ts. Anything else (other Gaussian or
// Bernoulli policies, discrete LAX, other control variates) takes the tape
// path; setFusedUpdates(false) forces it (the tests compare both).
import { ESTIMATORS } from '../src/estimators/index.js';
import { NeuralControlVariate } from '../src/controlVariates/index.js';
import { getLearningRate, setLearningRate } from '../src/nn/index.js';
import {
  FUSED_ACTIVATIONS,
  applyArrayGradients,
  backward,
  forward,
  gradientList,
  output,
  parameterTangent,
  readLayers,
  squaredNorm,
  zeroGradients,
  type Layers,
  type Pass,
} from '../src/nn/fusedMlp.js';
import { allocCopy, allocRaw, arenaScope } from '../src/nn/fusedArena.js';
import { WithValue, type ValueFunction } from './critics.js';
import { relaxCvGradient, relaxEstimate, relaxSamples } from './fusedRelax.js';
import { laxApplies, laxUpdateFrom } from './fusedLax.js';
import { discountedReturns, gae } from './returns.js';
import type { Rollout } from './rollout.js';
import type { StepResult, UpdateParts } from './update.js';

let enabled = process.env.RELAX_PG_UPDATE !== 'generic';

/** Use the fused update where it applies (default; RELAX_PG_UPDATE=generic turns it off). Returns the previous setting. */
export function setFusedUpdates(on: boolean): boolean {
  const was = enabled;
  enabled = on;
  return was;
}

/** Whether fused updates are on (setFusedUpdates, RELAX_PG_UPDATE). */
export function fusedUpdatesEnabled(): boolean {
  return enabled;
}

/** The agents' RELAX control variate inside `cv` (bare or with V(s)), if it is one the fused path knows. */
function relaxCv(a: UpdateParts): NeuralControlVariate | undefined {
  const inner = a.cv instanceof WithValue ? a.cv.inner : a.cv;
  if (!(inner instanceof NeuralControlVariate) || inner.scale || inner.dist.name !== 'categorical') return undefined;
  if (a.cv instanceof WithValue && a.cv.value !== a.value) return undefined;
  return FUSED_ACTIVATIONS.includes(inner.net.config.activation) ? inner : undefined;
}

/** Whether updateFrom can take the fused path for these parts. */
export function fusedApplies(a: UpdateParts): boolean {
  if (enabled && a.config.kind === 'lax') return laxApplies(a);
  if (!enabled || a.policy.distribution.name !== 'categorical') return false;
  if (!FUSED_ACTIVATIONS.includes(a.policy.net.config.activation)) return false;
  if (a.value && !FUSED_ACTIVATIONS.includes(a.value.net.config.activation)) return false;
  const { kind, baseline } = a.config;
  if (kind === 'relax') return a.estimator === ESTIMATORS.relax.estimator && relaxCv(a) !== undefined && a.cvOpt !== undefined;
  if (kind !== 'reinforce' && kind !== 'a2c') return false;
  const name = kind === 'a2c' || baseline === 'value' ? 'nvil' : baseline === 'moving-average' ? 'reinforce-baseline' : 'reinforce';
  return a.estimator === ESTIMATORS[name]?.estimator && a.cv === undefined;
}

/** log p per row of logits [T, k]. */
function logSoftmax(logits: Float64Array, T: number, k: number): Float64Array {
  const out = allocRaw(T * k);
  for (let t = 0; t < T; t++) {
    const o = t * k;
    let m = -Infinity;
    for (let i = 0; i < k; i++) m = Math.max(m, logits[o + i]);
    let s = 0;
    for (let i = 0; i < k; i++) s += Math.exp(logits[o + i] - m);
    const lse = m + Math.log(s);
    for (let i = 0; i < k; i++) out[o + i] = logits[o + i] - lse;
  }
  return out;
}

/** V on rows of observations, as float32 (what the tape path reads back), and the pass. */
function valuesOf(value: ValueFunction, x: ArrayLike<number>, rows: number): { values: Float32Array; net: Layers; pass: Pass } {
  const net = readLayers(value.net);
  const pass = forward(net, x, rows);
  return { values: new Float32Array(output(pass)), net, pass };
}

/** ĝ ([T, k]) and the CV's variance objective, training c_φ cvUpdates times (RELAX). */
function relaxGradient(a: UpdateParts, r: Rollout, policy: Layers, pass: Pass, returns: Float32Array, values?: Float32Array) {
  const T = r.steps;
  const k = a.policy.size;
  const cv = relaxCv(a)!;
  const logits = output(pass);
  // The same draw as the tape path: the uniforms v of z̃, after everything else.
  const v = a.rngs.update.uniforms(T * k);
  const withValue = a.cv instanceof WithValue ? values : undefined;
  const samples = relaxSamples({ T, k, d: a.obsSize, obs: r.obs, logits, u: r.noise, v, b: r.b, f: returns, value: withValue });
  let ghat: Float64Array | undefined;
  let cvLoss = 0;
  for (let i = 0; i < Math.max(1, a.config.cvUpdates); i++) {
    const net = readLayers(cv.net);
    const est = relaxEstimate(samples, net, cv.logTemperature.dataSync()[0]);
    // G = (1/T) Σ_t J_tᵀ ĝ_t over the policy's parameters; the objective is ‖G‖².
    const G = zeroGradients(policy);
    const scaled = allocRaw(T * k);
    for (let j = 0; j < T * k; j++) scaled[j] = est.ghat[j] / T;
    backward(policy, pass, scaled, G, false);
    const w = parameterTangent(policy, pass, G);
    const grad = relaxCvGradient(est, net, w, 2 / T);
    applyArrayGradients(a.cvOpt!, cv.variables, [...gradientList(grad.net), [grad.rho]]);
    if (i === 0) {
      ghat = est.ghat;
      cvLoss = squaredNorm(G);
    }
  }
  return { ghat: ghat!, cvLoss };
}

/** One update from a rollout: the same steps, in the same order, as update.ts's tape path. */
export function fusedUpdateFrom(a: UpdateParts, r: Rollout): StepResult {
  // The passes' arrays live in the arena for the update (nothing of them outlives it).
  if (a.config.kind === 'lax') return laxUpdateFrom(a, r);
  return arenaScope(() => updateArrays(a, r));
}

function updateArrays(a: UpdateParts, r: Rollout): StepResult {
  const { config } = a;
  const T = r.steps;
  const k = a.policy.size;
  const nEpisodes = r.episodeEnds.length;
  const obs = allocCopy(r.obs);
  const policy = readLayers(a.policy.net);
  const pass = forward(policy, obs, T);
  const logits = output(pass);
  const logP = logSoftmax(logits, T, k);
  // p = exp(log p), once (it enters ĝ, the entropy and the KL).
  const p = allocRaw(T * k);
  for (let j = 0; j < T * k; j++) p[j] = Math.exp(logP[j]);
  const first = a.value ? valuesOf(a.value, obs, T) : undefined;
  const values = first?.values;
  const tails = r.truncated.map((trunc, e) => (trunc && a.value && (config.kind !== 'relax' || config.cvWithValue) ? valuesOf(a.value, r.finalObs[e], 1).values[0] : 0));
  const returns = discountedReturns(r.rewards, r.episodeEnds, config.gamma, tails);
  const advantages = values ? gae(r.rewards, values, r.episodeEnds, config.gamma, config.gaeLambda, tails) : undefined;
  let ghat: Float64Array;
  let cvLoss: number | undefined;
  if (a.cv) {
    ({ ghat, cvLoss } = relaxGradient(a, r, policy, pass, returns, values));
  } else {
    // (R_t − baseline) (b_t − p_t), or the GAE advantage.
    let adv: ArrayLike<number> = advantages ?? returns;
    if (!advantages && a.baseline) {
      const c = a.baseline.value;
      adv = returns.map((x) => x - c);
    }
    ghat = allocRaw(T * k);
    for (let t = 0; t < T; t++) for (let i = 0; i < k; i++) ghat[t * k + i] = adv[t] * (r.b[t * k + i] - p[t * k + i]);
  }
  // Ascend Σ_t θ_t·ĝ_t + β Σ_t H_t, per episode: ∂/∂θ_t = −(ĝ_t + β ∂θ H_t) / episodes, with ∂θ_j H = −p_j (log p_j + H).
  const beta = a.entropyCoef;
  const dTheta = allocRaw(T * k);
  let pg = 0;
  let entropy = 0;
  for (let t = 0; t < T; t++) {
    const o = t * k;
    let H = 0;
    for (let i = 0; i < k; i++) H -= p[o + i] * logP[o + i];
    entropy += H;
    for (let i = 0; i < k; i++) {
      pg += logits[o + i] * ghat[o + i];
      const dH = -p[o + i] * (logP[o + i] + H);
      dTheta[o + i] = -(ghat[o + i] + beta * dH) / nEpisodes;
    }
  }
  const grads = zeroGradients(policy);
  backward(policy, pass, dTheta, grads, false);
  const gradNorm = squaredNorm(grads);
  applyArrayGradients(a.policyOpt, a.policy.variables, gradientList(grads));
  let kl: number | undefined;
  if (config.targetKl > 0) {
    const after = logSoftmax(output(forward(readLayers(a.policy.net), obs, T)), T, k);
    let sum = 0;
    for (let j = 0; j < T * k; j++) sum += p[j] * (logP[j] - after[j]);
    kl = sum / T;
    const lr = getLearningRate(a.policyOpt);
    if (kl > 2 * config.targetKl) setLearningRate(a.policyOpt, lr / 1.5);
    else if (kl < config.targetKl / 2) setLearningRate(a.policyOpt, lr * 1.5);
  }
  let valueLoss: number | undefined;
  if (a.value && a.valueOpt) {
    const target = advantages && values ? advantages.map((x, t) => x + values[t]) : returns;
    for (let i = 0; i < config.valueUpdates; i++) {
      // The first fit starts from the weights V(s) was just computed with.
      const net = i === 0 ? first!.net : readLayers(a.value.net);
      const vp = i === 0 ? first!.pass : forward(net, obs, T);
      const out = output(vp);
      const g = allocRaw(T);
      let loss = 0;
      for (let t = 0; t < T; t++) {
        const e = out[t] - target[t];
        loss += e * e;
        g[t] = (2 * e) / T;
      }
      valueLoss = loss / T;
      const vg = zeroGradients(net);
      backward(net, vp, g, vg, false);
      applyArrayGradients(a.valueOpt, a.value.net.variables, gradientList(vg));
    }
  }
  if (a.baseline) {
    for (let e = 0, start = 0; e < nEpisodes; start = r.episodeEnds[e], e++) a.baseline.update(returns[start]);
  }
  a.policy.refresh();
  return {
    gradientSquaredNorm: cvLoss ?? gradNorm,
    valueLoss,
    kl,
    policyLoss: -pg / nEpisodes,
    entropyLoss: -entropy / T,
  };
}
