// OneStepLearner's step on typed arrays, where it applies: no context (θ free
// logits), Bernoulli b, an env with rewardArrays (and relaxedRewardArrays for
// REBAR's c), and REINFORCE (with or without the moving-average baseline),
// RELAX (rebar, relax, relax-rebar) or discrete LAX with the catalog's control
// variates. The toy's step is a few hundred flops, while the tape costs
// hundreds of kernels of ~6–8 µs each (docs/design.md), so this computes in
// float64 what the tape computes in float32 and only the reads of the
// variables and the optimiser steps (FusedAdam.applyArrays) touch tfjs. Per
// row r and latent j, with p = σ(θ), z = θ + logit(u), b = 1[z > 0], z̃ the
// conditional sample (src/distributions/bernoulli.ts), s = ∂z̃/∂θ:
//   REINFORCE  ĝ = (f − baseline)(b − p)
//   RELAX      ĝ = (f − c(z̃))(b − p) + ∂c(z) − s·∂c(z̃)
//   LAX        ĝ = f(b − p) − c(z)·∂θ log p(z|θ) + ∂c(z)
// and c_φ steps along ∂φ Σ ĝ²/B = (2/B) ∂φ Σ ⟨w, ĝ⟩ with w = ĝ held fixed
// (fusedOneStepCv.ts). The steps, draws and optimiser calls come in the
// tape path's order; setFusedUpdates(false) / RELAX_PG_UPDATE=generic
// forces the tape (the switch of the agents' fused update).
import type { tf } from '../src/tf/index.js';
import type { Rng } from '../src/random/index.js';
import { clampUniform } from '../src/distributions/index.js';
import { ESTIMATORS } from '../src/estimators/index.js';
import { applyArrayGradients } from '../src/nn/fusedMlp.js';
import { arenaScope } from '../src/nn/fusedArena.js';
import type { OneStepEnv } from '../envs/index.js';
import type { OneStepEstimator } from './oneStepEstimator.js';
import { fusedUpdatesEnabled } from './fusedUpdate.js';
import { arrayCv, type ArrayCv } from './fusedOneStepCv.js';

/** What the fused step needs of a OneStepLearner. */
export interface OneStepParts {
  env: OneStepEnv;
  assembled: OneStepEstimator;
  logits?: tf.Variable;
  policyOpt: tf.Optimizer;
  cvOpt?: tf.Optimizer;
  noise: Rng;
  batch: number;
}

export interface FusedPlan {
  form: 'reinforce' | 'relax' | 'lax';
  env: OneStepEnv;
  /** The control variate on arrays, and the variables the variance step trains (the tape's: cv.variables that are trainable). */
  cv?: ArrayCv;
  trained: tf.Variable[];
}

const FORMS = new Map<unknown, FusedPlan['form']>([
  [ESTIMATORS.reinforce.estimator, 'reinforce'],
  [ESTIMATORS.relax.estimator, 'relax'],
  [ESTIMATORS.lax.estimator, 'lax'],
]);

/** The plan for these parts, or undefined where the tape must run (checked in full, switch aside). */
export function fusedOneStepPlan(parts: OneStepParts): FusedPlan | undefined {
  const { env, assembled: a } = parts;
  if (!parts.logits || env.contextSize !== 0 || env.distribution !== 'bernoulli' || a.dist.name !== 'bernoulli') return undefined;
  if (typeof env.rewardArrays !== 'function' || env.variables?.length || a.k !== 1 || a.setup.prepareNoise) return undefined;
  const form = FORMS.get(a.estimator);
  if (!form || a.estimator !== a.setup.estimator) return undefined;
  if (form === 'reinforce') return a.cv ? undefined : { form, env, trained: [] };
  if (!a.cv || !parts.cvOpt) return undefined;
  const cv = arrayCv(a.cv, env);
  if (!cv) return undefined;
  const trained = a.cv.variables.filter((v) => v.trainable);
  return trained.every((v) => cv.variables.includes(v)) ? { form, env, cv, trained } : undefined;
}

export interface FusedEstimate {
  /** ĝ per row ([B, n]) and f(b) per row. */
  ghat: Float64Array;
  fb: Float64Array;
  /** Σ ĝ²/B and its gradient in plan.trained (when c_φ is trained). */
  varianceLoss?: number;
  cvGrads?: Float64Array[];
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const softplus = (x: number) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));

/**
 * ĝ for B rows at logits θ (n) and uniforms u, v ([B, n]), c_φ at `phi`
 * (values of plan.cv.variables), and the gradient of Σ ĝ²/B in the trained
 * variables. Pure: reads no tf variable (the tests perturb `phi`).
 */
export function fusedEstimate(plan: FusedPlan, theta: ArrayLike<number>, u: ArrayLike<number>, v: ArrayLike<number>, B: number, phi?: Float64Array[], baseline?: number): FusedEstimate {
  const n = theta.length;
  const size = B * n;
  const p = Float64Array.from(theta, sigmoid);
  const z = new Float64Array(size);
  const b = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    const uc = clampUniform(u[i]);
    z[i] = theta[i % n] + Math.log(uc) - Math.log1p(-uc);
    b[i] = z[i] > 0 ? 1 : 0;
  }
  const fb = plan.env.rewardArrays!(b, B);
  const ghat = new Float64Array(size);
  if (plan.form === 'reinforce') {
    for (let i = 0; i < size; i++) ghat[i] = (fb[Math.floor(i / n)] - (baseline ?? 0)) * (b[i] - p[i % n]);
    return { ghat, fb };
  }
  const cv = plan.cv!;
  const relax = plan.form === 'relax';
  // Rows of c: [z; z̃] for RELAX, z for LAX. slope: ∂z̃/∂θ (RELAX), or ∂θ log p(z|θ) = 2σ(z − θ) − 1 (LAX).
  const rows = relax ? 2 * B : B;
  const Z = new Float64Array(rows * n);
  Z.set(z);
  const slope = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    const t = theta[i % n];
    if (!relax) {
      slope[i] = 2 * sigmoid(z[i] - t) - 1;
      continue;
    }
    const vc = clampUniform(v[i]);
    if (b[i] > 0.5) {
      Z[size + i] = softplus(t) - Math.log(1 - vc) + Math.log1p(-(1 - vc) * p[i % n]);
      slope[i] = (p[i % n] * vc) / (1 - (1 - vc) * p[i % n]);
    } else {
      const q = 1 - p[i % n];
      Z[size + i] = Math.log(vc) - softplus(-t) - Math.log1p(-vc * q);
      slope[i] = (q * (1 - vc)) / (1 - vc * q);
    }
  }
  const ev = cv.evaluate(phi!, Z, rows);
  for (let i = 0; i < size; i++) {
    const r = Math.floor(i / n);
    const score = b[i] - p[i % n];
    ghat[i] = relax
      ? (fb[r] - ev.c[B + r]) * score + ev.dc[i] - slope[i] * ev.dc[size + i]
      : fb[r] * score - ev.c[r] * slope[i] + ev.dc[i];
  }
  // ⟨w, ĝ⟩'s φ-dependent part as Σ_rows [A c + Dc[ż]], scaled by 2/B (fusedOneStepCv.ts).
  const k = 2 / B;
  const A = new Float64Array(rows);
  const zdot = new Float64Array(rows * n);
  let loss = 0;
  for (let i = 0; i < size; i++) {
    const r = Math.floor(i / n);
    const w = ghat[i];
    loss += w * w;
    zdot[i] = k * w;
    if (relax) {
      A[B + r] -= k * w * (b[i] - p[i % n]);
      zdot[size + i] = -k * w * slope[i];
    } else {
      A[r] -= k * w * slope[i];
    }
  }
  const all = ev.gradient(A, zdot);
  return { ghat, fb, varianceLoss: loss / B, cvGrads: plan.trained.map((v) => all[cv.variables.indexOf(v)]) };
}

const plans = new WeakMap<OneStepParts, { estimator: unknown; plan?: FusedPlan }>();

/** The plan for these parts (cached per learner and estimator), or undefined where the tape must run or is forced. */
function planFor(parts: OneStepParts): FusedPlan | undefined {
  if (!fusedUpdatesEnabled()) return undefined;
  let cached = plans.get(parts);
  if (!cached || cached.estimator !== parts.assembled.estimator) {
    cached = { estimator: parts.assembled.estimator, plan: fusedOneStepPlan(parts) };
    plans.set(parts, cached);
  }
  return cached.plan;
}

/**
 * n draws of ĝ at the current parameters from `rng` (u then v, as the tape's
 * variance probe draws them), nothing trained: rows for logVarianceOf.
 * Undefined where the fused step does not apply.
 */
export function fusedGradientSamples(parts: OneStepParts, rng: Rng, n: number): Float64Array[] | undefined {
  const plan = planFor(parts);
  if (!plan) return undefined;
  const d = parts.env.thetaSize;
  const u = rng.uniforms(n * d);
  const v = rng.uniforms(n * d);
  const phi = plan.cv?.variables.map((x) => new Float64Array(x.dataSync() as Float32Array));
  const { ghat } = fusedEstimate(plan, parts.logits!.dataSync() as Float32Array, u, v, n, phi, parts.assembled.baseline?.value);
  return Array.from({ length: n }, (_, r) => ghat.subarray(r * d, (r + 1) * d));
}

/**
 * One training step on arrays: draws u then v from the learner's stream, as
 * the tape path does, steps c_φ along −∂φ Σ ĝ²/B and θ along mean ĝ with the
 * learner's optimisers; returns the batch mean of f(b). Undefined (nothing
 * done) where the fused step does not apply.
 */
export function fusedOneStep(parts: OneStepParts): number | undefined {
  const plan = planFor(parts);
  if (!plan) return undefined;
  // The control variate's passes allocate from the arena (src/nn/fusedArena.ts): nothing of them outlives the step.
  return arenaScope(() => stepArrays(parts, plan));
}

function stepArrays(parts: OneStepParts, plan: FusedPlan): number {
  const { env, noise, batch: B, logits } = parts;
  const observed = env.observe(B);
  observed?.dispose();
  const size = B * env.thetaSize;
  const u = noise.uniforms(size);
  const v = noise.uniforms(size);
  const phi = plan.cv?.variables.map((x) => new Float64Array(x.dataSync() as Float32Array));
  const est = fusedEstimate(plan, logits!.dataSync() as Float32Array, u, v, B, phi, parts.assembled.baseline?.value);
  if (est.cvGrads) applyArrayGradients(parts.cvOpt!, plan.trained, est.cvGrads);
  // ∂ of −Σ θ·ĝ / B in the free logits: −mean ĝ over the rows (OneStepLearner.policyGrads).
  const n = env.thetaSize;
  const g = new Float64Array(n);
  for (let i = 0; i < size; i++) g[i % n] += est.ghat[i];
  applyArrayGradients(parts.policyOpt, [logits!], [g.map((x) => -x / B)]);
  let sum = 0;
  for (const f of est.fb) sum += f;
  return sum / B;
}
