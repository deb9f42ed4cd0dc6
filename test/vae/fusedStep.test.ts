// The linear1 training step on arrays (experiments/vae/fused/) against the
// tensor path it replaces (setFusedUpdates(false)): one step from the same
// state moves every model and control-variate variable, and both
// optimisers' moments, to within float32 rounding; 30 steps stay close; the
// control variate's ∂φ (1/B) Σ ĝ² agrees with central differences of a
// float64 reference of ĝ; the tensor count stays flat; a checkpoint taken
// after fused steps resumes exactly.
//
// Tolerances, with ε = 2⁻²³: every quantity of a step is a float32 sum of at
// most n = P + 2L terms (f), or a sum of B·L terms whose factors carry
// that error (the gradients); each path rounds on its own, so a gradient or
// a moment agrees normwise (relative to its largest entry) within
// γ = 4·n·ε, and f within 2·n·ε of Σ|terms| ≥ |f|. Adam's first step moves
// a weight by lr·g/(|g| + ε_A): a change δ of g moves it by at most
// 2·lr·δ/|g| (capped at 2·lr), plus one rounding of the weight.
import { describe, it, expect } from 'vitest';
import { tf } from '../../src/tf/index.js';
import { Rng } from '../../src/random/index.js';
import { BinaryMnist } from '../../envs/vae/mnist.js';
import { saveLearner } from '../../agents/learn.js';
import { setFusedUpdates } from '../../agents/fusedUpdate.js';
import { VaeTrainer, type VaeTrainConfig } from '../../experiments/vae/train.js';
import { resumeVae } from '../../experiments/vae/checkpoint.js';
import { VAE_DEFAULTS } from '../../experiments/vae/run.js';
import { neuralPart, rebarPart } from '../../experiments/vae/estimators.js';
import { FusedLinearStep, fusedStepApplies } from '../../experiments/vae/fused/linearStep.js';
import type { StepParts } from '../../experiments/vae/step.js';
import { fakeMnist } from './fixtures.js';
import { tempDir } from '../helpers.js';

const EPS = 2 ** -23;
const P = 784;
const data = new BinaryMnist(fakeMnist(200, 40, 40), 'fixed', 1);
// Odd batches (see train.test.ts: an even one can make Σ(b − ½) exactly 0 on one path only); the real shape, batch 24.
const SHAPES: Record<string, Partial<VaeTrainConfig>> = {
  small: { latents: 16, residualHidden: [16], batch: 5 },
  real: { latents: 200, residualHidden: [200, 200], batch: 25 },
};
const config = (shape: string): VaeTrainConfig => ({ ...VAE_DEFAULTS, model: 'linear1', lr: 3e-3, ...SHAPES[shape] });
const ESTIMATORS = ['rebar', 'relax-rebar', 'reinforce-baseline', 'reinforce', 'nvil'];
/** The estimators whose control variate starts with REBAR's η and log λ. */
const withRebar = (estimator: string) => estimator === 'rebar' || estimator === 'relax-rebar';

interface ReferenceInputs {
  B: number;
  L: number;
  P: number;
  x: Float64Array;
  mean: Float64Array;
  W: Float64Array;
  c: Float64Array;
  D: Float64Array;
  d: Float64Array;
  prior: Float64Array;
  u: Float64Array;
  v: Float64Array;
}

/** REBAR's ĝ [B, L] in float64, from bernoulli.ts and fast.ts's definitions as written there (no shared code with the fused step). */
function rebarReference(r: ReferenceInputs, eta: number, logLambda: number): Float64Array {
  const { B, L, P, x, mean, W, c, D, d, prior, u, v } = r;
  const lambda = Math.exp(logLambda);
  const sp = (t: number) => Math.max(t, 0) + Math.log1p(Math.exp(-Math.abs(t)));
  const sig = (t: number) => 1 / (1 + Math.exp(-t));
  const clamp = (q: number) => Math.min(Math.max(q, 1e-6), 1 - 1e-6);
  const ghat = new Float64Array(B * L);
  const theta = new Float64Array(L);
  for (let i = 0; i < B; i++) {
    const xi = x.subarray(i * P, (i + 1) * P);
    theta.set(c);
    for (let k = 0; k < P; k++) for (let j = 0; j < L; j++) theta[j] += (xi[k] - mean[k]) * W[k * L + j];
    const z = new Float64Array(L);
    const zt = new Float64Array(L);
    const b = new Float64Array(L);
    let rowConst = 0;
    for (let j = 0; j < L; j++) {
      const t = theta[j];
      const uj = clamp(u[i * L + j]);
      const vj = clamp(v[i * L + j]);
      z[j] = t + Math.log(uj) - Math.log1p(-uj);
      b[j] = z[j] > 0 ? 1 : 0;
      zt[j] = b[j] === 1 ? sp(t) - Math.log(1 - vj) + Math.log1p(-(1 - vj) * sig(t)) : Math.log(vj) - sp(-t) - Math.log1p(-vj * sig(-t));
      rowConst += sp(t) - sp(prior[j]);
    }
    // f(R) and ∂f/∂R at R = b, σ(z/λ), σ(z̃/λ).
    const at = (R: Float64Array) => {
      let f = rowConst;
      const grad = new Float64Array(L);
      for (let j = 0; j < L; j++) {
        f += R[j] * (prior[j] - theta[j]);
        grad[j] = prior[j] - theta[j];
      }
      for (let k = 0; k < P; k++) {
        let l = d[k];
        for (let j = 0; j < L; j++) l += (2 * R[j] - 1) * D[j * P + k];
        f += xi[k] * l - sp(l);
        const back = 2 * (xi[k] - sig(l));
        for (let j = 0; j < L; j++) grad[j] += back * D[j * P + k];
      }
      return { f, grad };
    };
    const s = z.map((q) => sig(q / lambda));
    const st = zt.map((q) => sig(q / lambda));
    const [hard, soft, softT] = [at(b), at(s), at(st)];
    for (let j = 0; j < L; j++) {
      const score = b[j] - sig(theta[j]);
      const vp = sig(zt[j] - theta[j]);
      const dzt = 1 - (b[j] === 1 ? (1 - sig(theta[j])) / vp : sig(theta[j]) / (1 - vp));
      const inner = (soft.grad[j] * s[j] * (1 - s[j])) / lambda - (softT.grad[j] * st[j] * (1 - st[j]) * dzt) / lambda + st[j] - s[j];
      ghat[i * L + j] = (hard.f - eta * softT.f) * score + eta * inner;
    }
  }
  return ghat;
}

/** A trainer's next step's inputs (from copies of its streams) and its η, log λ, before the step. */
function replay(trainer: VaeTrainer): { inputs: ReferenceInputs; eta: number; logLambda: number } {
  const { batch: B, latents: L } = trainer.config;
  const rebar = rebarPart(trainer.cvs[0])!;
  const batchRng = Rng.fromState(trainer.streams.batch.state());
  const noise = Rng.fromState(trainer.streams.noise.state());
  const [W, c, D, d] = trainer.model.variables.slice(0, 4).map((v) => Float64Array.from(v.dataSync()));
  const inputs: ReferenceInputs = {
    B, L: L!, P,
    x: Float64Array.from(trainer.env.trainingBatch(trainer.counters.steps, batchRng)),
    mean: Float64Array.from(trainer.model.dataMean.dataSync()),
    W, c, D, d,
    prior: Float64Array.from(trainer.model.prior.dataSync()),
    u: Float64Array.from(noise.uniforms(B * L!)),
    v: Float64Array.from(noise.uniforms(B * L!)),
  };
  return { inputs, eta: rebar.eta.dataSync()[0], logLambda: rebar.logTemperature.dataSync()[0] };
}

const H_LOG_LAMBDA = 1e-4;

/** Σ|G ⊙ ∂ĝ/∂φ| for φ = η, log λ: the size of the terms each derivative sums (ĝ is linear in η; ∂ĝ/∂logλ by differences). */
function termScales(inputs: ReferenceInputs, eta: number, logLambda: number): [number, number] {
  const B = inputs.B;
  const ghat = rebarReference(inputs, eta, logLambda);
  const dEta = rebarReference(inputs, eta + 1, logLambda).map((x, i) => x - ghat[i]);
  const h = H_LOG_LAMBDA;
  const [up, down] = [rebarReference(inputs, eta, logLambda + h), rebarReference(inputs, eta, logLambda - h)];
  const scale: [number, number] = [0, 0];
  ghat.forEach((g, i) => {
    scale[0] += Math.abs((2 * g * dEta[i]) / B);
    scale[1] += Math.abs((2 * g * (up[i] - down[i])) / (2 * h) / B);
  });
  return scale;
}

/** `fn` on the tensor path. */
function generic<T>(fn: () => T): T {
  const was = setFusedUpdates(false);
  try {
    return fn();
  } finally {
    setFusedUpdates(was);
  }
}

const partsOf = (t: VaeTrainer) => (t as unknown as { parts: StepParts }).parts;
const cvVariables = (t: VaeTrainer) => t.cvs.flatMap((c) => c?.variables ?? []).filter((v) => v.trainable);
const read = (vs: tf.Variable[]) => vs.map((v) => Float32Array.from(v.dataSync()));

async function moments(opt: tf.Optimizer): Promise<{ iterations: number; m: Float32Array[]; v: Float32Array[] }> {
  const weights = await opt.getWeights();
  const n = (weights.length - 1) / 2;
  const values = weights.map((w) => Float32Array.from(w.tensor.dataSync()));
  return { iterations: values[0][0], m: values.slice(1, 1 + n), v: values.slice(1 + n) };
}

/** max_i |a_i − b_i| / max_i |b_i| (0 when both are 0). */
function normwise(a: Float32Array, b: Float32Array): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return scale === 0 ? (diff === 0 ? 0 : Infinity) : diff / scale;
}

/** The worst ratio of |w_a − w_b| to Adam's first-step bound, given the tensor path's gradients g. */
function firstStepRatio(a: Float32Array, b: Float32Array, g: Float32Array, lr: number, gamma: number): number {
  let gmax = 0;
  for (const x of g) gmax = Math.max(gmax, Math.abs(x));
  let worst = 0;
  for (let i = 0; i < b.length; i++) {
    const moved = Math.abs(g[i]) > 0 ? Math.min(2, (2 * gamma * gmax) / Math.abs(g[i])) : 0;
    const bound = 2 * EPS * Math.abs(b[i]) + lr * moved;
    const d = Math.abs(a[i] - b[i]);
    worst = Math.max(worst, d === 0 ? 0 : d / bound);
  }
  return worst;
}

describe('the fused linear1 step', () => {
  for (const shape of Object.keys(SHAPES)) {
    const cases: [string, number, 'tape' | 'js'][] = [
      ...ESTIMATORS.map((e) => [e, 0, 'tape'] as [string, number, 'tape']),
      ['relax-rebar', 0.7, 'tape'],
      // The fused step with its per-element loops in JavaScript (the fallback without SIMD) against the SIMD one.
      ...ESTIMATORS.map((e) => [e, e === 'relax-rebar' ? 0.7 : 0, 'js'] as [string, number, 'js']),
    ];
    for (const [estimator, residualScale, against] of cases) {
      const active = residualScale !== 0 ? `, residual scale ${residualScale}` : '';
      const other = against === 'tape' ? "the tensor path's" : "the JavaScript loops'";
      it(`${estimator} (${shape}${active}): one step equals ${other} to float32 rounding`, async () => {
        const cfg = config(shape);
        const L = cfg.latents!;
        const gamma = 4 * (P + 2 * L) * EPS;
        const fused = new VaeTrainer(cfg, data, estimator, 4);
        const tape = new VaeTrainer(cfg, data, estimator, 4);
        // An active residual (the VAE starts it at 0): N and ∂N enter ĝ, and its weights get gradients.
        if (residualScale !== 0) for (const t of [fused, tape]) tf.tidy(() => neuralPart(t.cvs[0])!.scale!.assign(tf.scalar(residualScale)));
        expect(fusedStepApplies(partsOf(fused))).toBe(true);
        if (against === 'tape') expect(generic(() => fusedStepApplies(partsOf(tape)))).toBe(false);
        const start = read([...fused.model.variables, ...cvVariables(fused)]);
        // η's and log λ's gradients are sums that cancel: their bound is γ·Σ|terms| (termScales), not γ·|sum|.
        // (The float64 reference has no residual: with an active one, η and log λ are left to the other checks.)
        const relaxed = withRebar(estimator) && residualScale === 0;
        const cvScales = relaxed ? (() => { const r = replay(fused); return termScales(r.inputs, r.eta, r.logLambda); })() : [0, 0];
        const fa = fused.step();
        const fb =
          against === 'tape'
            ? generic(() => tape.step())
            : new FusedLinearStep(partsOf(tape), cfg.batch, { simd: false }).step(tape.env.trainingBatch(0, tape.streams.batch)).meanF;
        expect(Math.abs(fa - fb)).toBeLessThanOrEqual(2 * (P + 2 * L) * EPS * Math.abs(fb));
        const opts: [tf.Optimizer, tf.Optimizer, tf.Variable[], tf.Variable[], number][] = [
          [fused.modelOpt, tape.modelOpt, fused.model.variables, tape.model.variables, cfg.lr],
        ];
        if (estimator !== 'reinforce' && estimator !== 'reinforce-baseline') opts.push([fused.cvOpts[0], tape.cvOpts[0], cvVariables(fused), cvVariables(tape), cfg.lr * cfg.cvLrScale]);
        let worstMoment = 0;
        let worstWeight = 0;
        for (const [oa, ob, va, vb, lr] of opts) {
          const [ma, mb] = [await moments(oa), await moments(ob)];
          expect(ma.iterations).toBe(mb.iterations);
          expect(ma.m.length).toBe(va.length);
          expect(mb.m.length).toBe(vb.length);
          const [wa, wb] = [read(va), read(vb)];
          for (let i = 0; i < va.length; i++) {
            const k = withRebar(estimator) && oa === fused.cvOpts[0] && i < 2 ? i : -1;
            if (k >= 0 && !relaxed) continue;
            if (k >= 0) {
              // m = (1 − β₁) g after one step.
              const bound = gamma * cvScales[k] * 0.1;
              worstMoment = Math.max(worstMoment, Math.abs(ma.m[i][0] - mb.m[i][0]) / bound);
            } else {
              // m = (1 − β₁) g and v = (1 − β₂) g² after one step: the gradients themselves.
              worstMoment = Math.max(worstMoment, normwise(ma.m[i], mb.m[i]) / gamma, normwise(ma.v[i], mb.v[i]) / (2 * gamma));
            }
            const g = mb.m[i].map((m) => m / 0.1);
            worstWeight = Math.max(worstWeight, firstStepRatio(wa[i], wb[i], g, lr, gamma));
          }
        }
        console.log(`${estimator} ${shape}${active} against ${against}: |Δf| ${Math.abs(fa - fb).toExponential(2)}, moments ${worstMoment.toExponential(2)} and weights ${worstWeight.toExponential(2)} of their bounds`);
        expect(worstMoment).toBeLessThanOrEqual(1);
        expect(worstWeight).toBeLessThanOrEqual(1);
        // The step moved the weights: the comparison is not of two untouched models.
        const after = read([...fused.model.variables, ...cvVariables(fused)]);
        expect(after.some((w, i) => w.some((x, j) => x !== start[i][j]))).toBe(true);
        fused.dispose();
        tape.dispose();
      });
    }
  }

  for (const estimator of ESTIMATORS) {
    it(`${estimator}: 30 steps stay close to the tensor path's`, () => {
      const cfg = config('small');
      const steps = 30;
      // Per-step gradient errors of γ add up over the steps: the weights' gap stays within steps·γ of how far they moved.
      const gamma = 4 * (P + 2 * cfg.latents!) * EPS;
      const fused = new VaeTrainer(cfg, data, estimator, 6);
      const tape = new VaeTrainer(cfg, data, estimator, 6);
      const all = (t: VaeTrainer) => [...t.model.variables, ...cvVariables(t)];
      const start = read(all(tape)).flatMap((w) => Array.from(w));
      for (let s = 0; s < steps; s++) {
        const fa = fused.step();
        const fb = generic(() => tape.step());
        expect(Math.abs(fa - fb)).toBeLessThanOrEqual((s + 1) * 2 * (P + 2 * cfg.latents!) * EPS * Math.abs(fb));
      }
      const a = read(all(fused)).flatMap((w) => Array.from(w));
      const b = read(all(tape)).flatMap((w) => Array.from(w));
      let gap = 0;
      let moved = 0;
      for (let i = 0; i < b.length; i++) {
        gap = Math.max(gap, Math.abs(a[i] - b[i]));
        moved = Math.max(moved, Math.abs(b[i] - start[i]));
      }
      console.log(`${estimator}, ${steps} steps: gap ${gap.toExponential(2)}, moved ${moved.toExponential(2)}, bound ${(steps * gamma * moved).toExponential(2)}`);
      expect(moved).toBeGreaterThan(cfg.lr);
      expect(gap).toBeLessThanOrEqual(steps * gamma * moved);
      fused.dispose();
      tape.dispose();
    });
  }

  for (const shape of Object.keys(SHAPES)) {
    for (const estimator of ['rebar', 'relax-rebar']) {
      it(`${estimator} (${shape}): ∂η and ∂logλ of (1/B) Σ ĝ² agree with central differences of a float64 ĝ`, async () => {
        const cfg = config(shape);
        const L = cfg.latents!;
        const B = cfg.batch;
        const trainer = new VaeTrainer(cfg, data, estimator, 8);
        // RELAX's residual starts at scale 0, so its first ĝ is REBAR's.
        const { inputs, eta, logLambda } = replay(trainer);
        trainer.step();
        const { m } = await moments(trainer.cvOpts[0]);
        const fusedGrad = [m[0][0] / Math.fround(0.1), m[1][0] / Math.fround(0.1)];

        const loss = (e: number, l: number) => {
          const g = rebarReference(inputs, e, l);
          return g.reduce((s, x) => s + x * x, 0) / B;
        };
        const central = (fn: (t: number) => number, h: number) => (fn(h) - fn(-h)) / (2 * h);
        const scale = termScales(inputs, eta, logLambda);
        const hl = H_LOG_LAMBDA;
        const gamma = 4 * (P + 2 * L) * EPS;
        for (const [k, fn] of [[0, (t: number) => loss(eta + t, logLambda)], [1, (t: number) => loss(eta, logLambda + t)]] as const) {
          const h = k === 0 ? 1e-3 : hl;
          const fd = central(fn, h);
          // The differences' own error: truncation (|FD(h) − FD(2h)| is 3× it) and rounding (~1e-16 |loss| / h).
          const fdError = Math.abs(central(fn, 2 * h) - fd) + (1e-15 * Math.abs(loss(eta, logLambda))) / h;
          const err = Math.abs(fusedGrad[k] - fd);
          console.log(`${estimator} ${shape} ∂${k === 0 ? 'η' : 'logλ'}: fused ${fusedGrad[k].toExponential(4)}, differences ${fd.toExponential(4)}, |Δ| ${err.toExponential(2)}, bound ${(gamma * scale[k] + fdError).toExponential(2)}`);
          expect(Math.abs(fd)).toBeGreaterThan(0);
          expect(err).toBeLessThanOrEqual(gamma * scale[k] + fdError);
        }
        trainer.dispose();
      });
    }
  }

  it('keeps the tensor count flat over fused steps', () => {
    for (const estimator of ESTIMATORS) {
      const trainer = new VaeTrainer(config('small'), data, estimator, 3);
      trainer.step();
      const before = tf.memory().numTensors;
      for (let i = 0; i < 20; i++) trainer.step();
      expect(tf.memory().numTensors, estimator).toBe(before);
      trainer.dispose();
    }
  });

  for (const estimator of ESTIMATORS) {
    it(`${estimator}: a checkpoint taken after fused steps resumes exactly`, async () => {
      const dir = tempDir('relax-pg-vae-fused-');
      const cfg = { ...config('small'), varianceEvery: 0 };
      const a = new VaeTrainer(cfg, data, estimator, 2);
      for (let i = 0; i < 3; i++) a.step();
      await saveLearner(a, dir);
      const fa: number[] = [];
      for (let i = 0; i < 3; i++) fa.push(a.step());
      const b = new VaeTrainer(cfg, data, estimator, 2);
      expect(await resumeVae(b, dir)).toBe(true);
      const fb: number[] = [];
      for (let i = 0; i < 3; i++) fb.push(b.step());
      expect(fb).toEqual(fa);
      const all = (t: VaeTrainer) => read([...t.model.variables, ...cvVariables(t)]);
      expect(all(b)).toEqual(all(a));
      a.dispose();
      b.dispose();
    });
  }

  it('leaves every other case on the tensor path', () => {
    const cases: [Partial<VaeTrainConfig>, string][] = [
      [{ fast: false }, 'rebar'],
      [{ fast: false }, 'reinforce-baseline'],
      [{ model: 'linear2' }, 'rebar'],
      [{ model: 'nonlinear' }, 'reinforce-baseline'],
    ];
    for (const [over, estimator] of cases) {
      const t = new VaeTrainer({ ...config('small'), ...over }, data, estimator, 1);
      expect(fusedStepApplies(partsOf(t)), `${estimator} ${JSON.stringify(over)}`).toBe(false);
      t.dispose();
    }
  });
});
