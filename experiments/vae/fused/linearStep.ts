// The linear1 VAE training step on float32 arrays: what trainingStep's
// hand-written REBAR / RELAX step (fast.ts) or its written-out REINFORCE
// step (linearModelGrads) computes, in the same order, from the same draws,
// with every derivative written out (rebar.ts, decoder.ts, modelGrads.ts,
// RELAX's residual in residual.ts, NVIL's baseline in baseline.ts) and every product on one Workspace; the
// per-element loops run as WebAssembly SIMD where it exists (decoderSimd.ts,
// latentsSimd.ts), on the workspace's memory. Only the weight reads and the optimiser steps touch
// tfjs: the tape path's ~700 kernels a step become 9 products (6 for
// REINFORCE; RELAX's residual adds its own) and a few loops.
import { tf } from '../../../src/tf/index.js';
import { Workspace } from '../../../src/wasm/workspace.js';
import { readInto } from '../../../src/nn/heap.js';
import { reinforce } from '../../../src/estimators/index.js';
import { BaselineNetwork } from '../../../src/controlVariates/index.js';
import { fusedUpdatesEnabled } from '../../../agents/fusedUpdate.js';
import { PIXELS } from '../../../envs/vae/mnist.js';
import { VAE_MODELS } from '../../../envs/vae/model.js';
import { neuralPart, rebarPart } from '../estimators.js';
import { decayResidual, type StepParts } from '../step.js';
import { sampleLatents } from './latents.js';
import { decode, throughDecoderT } from './decoder.js';
import { SimdDecoder } from './decoderSimd.js';
import { SimdLatents } from './latentsSimd.js';
import { decoderTangent, rebarEstimate, relaxRows, residualCotangents } from './rebar.js';
import { linearModelGradArrays } from './modelGrads.js';
import { ResidualArrays } from './residual.js';
import { BinaryProducts } from './binaryProducts.js';
import { SubsetSums } from './subsetSums.js';
import { BaselineArrays } from './baseline.js';

const lanes = (n: number) => Math.ceil(n / 4) * 4;

/** Whether the fused step replaces trainingStep's current path for these parts (fusedUpdatesEnabled, linear1, REBAR / RELAX / REINFORCE with a moving average or without a baseline / NVIL). */
export function fusedStepApplies(parts: StepParts): boolean {
  if (!fusedUpdatesEnabled()) return false;
  const { model, estimators } = parts;
  const arch = VAE_MODELS[model.name];
  if (arch.layers !== 1 || arch.hidden.length !== 0 || model.pixels !== PIXELS) return false;
  const cv = estimators.cvs[0];
  if (parts.fastPath) {
    if (!rebarPart(cv)) return false;
    if (estimators.kind === 'rebar') return true;
    const neural = neuralPart(cv);
    return estimators.kind === 'rebar+neural' && neural !== undefined && ResidualArrays.applies(neural);
  }
  // REINFORCE with a moving-average baseline, with none (baseline 0), or NVIL's (a moving average and a learned c_φ(x)).
  if (parts.linearGrads !== true || estimators.estimator !== reinforce || estimators.k !== 1 || estimators.residualAverages) return false;
  if (estimators.kind === 'moving-average' || estimators.kind === 'none') return true;
  return estimators.kind === 'baseline' && nvilPart(cv) !== undefined;
}

/** NVIL's baseline network, where baseline.ts computes it. */
function nvilPart(cv: unknown): BaselineNetwork | undefined {
  return cv instanceof BaselineNetwork && BaselineArrays.applies(cv) ? cv : undefined;
}

/** Every array of a step, by name, with its length. */
function layout(B: number, L: number, P: number, relaxed: boolean) {
  const rows = relaxed ? 3 * B : B;
  const soft = relaxed ? B * L : 0;
  const pair = relaxed ? 2 * B : 0;
  return {
    x: B * P, xc: B * P, W: P * L, c: L, D: L * P, d: P, prior: L,
    theta: B * L, z: B * L, b: B * L, zt: soft, score: B * L, dzt: soft, pmt: B * L, rowConst: B,
    s: soft, st: soft, tangent: 2 * soft, signed: rows * L,
    logits: rows * P, resid: rows * P, curvature: pair * P, logLik: rows, f: rows,
    dfdR: 2 * soft, logitTangent: pair * P, dfdRTangent: 2 * soft,
    ghat: B * L, G: B * L, zBoth: 2 * soft, cotN: pair, cotDN: 2 * soft,
    gW: P * L, gc: L, gD: L * P, gd: P, gPrior: L, scaledGhat: B * L, scaledSigned: B * L, minusMean: B,
    onesL: L, colSumD: P, u: B * L, v: B * L, DT: relaxed ? P * L : 0,
  };
}

type Arrays = Record<keyof ReturnType<typeof layout>, Float32Array>;

/** One per trainer (and batch size): the arrays of a step, allocated once. */
export class FusedLinearStep {
  private readonly ws: Workspace;
  private readonly a: Arrays;
  private readonly L: number;
  private readonly P: number;
  private readonly relaxed: boolean;
  private readonly residual?: ResidualArrays;
  /** NVIL's learned baseline on arrays (baseline.ts). */
  private readonly nvil?: BaselineArrays;
  private readonly mean: Float32Array;
  /** The encoder's products with binary images as sums of rows (binaryProducts.ts). */
  private readonly binary: BinaryProducts;
  /** b's tables of subset sums, for (2b − 1)·D and ∂D (subsetSums.ts). */
  private readonly latents: SubsetSums;
  /** The decoder's pixel loop as SIMD, where the runtime has it. */
  private readonly simd?: SimdDecoder;
  private readonly simdLatents?: SimdLatents;
  /** Views of the stacked arrays: the relaxed rows [s; s̃] and the hard rows b. */
  private readonly view: { relaxedResid: Float32Array; hardResid: Float32Array };

  /** `simd: false` keeps the per-element loops in JavaScript (tests; they are the fallback without WebAssembly SIMD). */
  constructor(
    private readonly parts: StepParts,
    readonly B: number,
    { simd = true }: { simd?: boolean } = {},
  ) {
    if (!fusedStepApplies(parts)) throw new Error('FusedLinearStep: these parts take the tensor path');
    const { model, estimators } = parts;
    const L = (this.L = model.latents);
    const P = (this.P = model.pixels);
    this.relaxed = parts.fastPath;
    const sizes = layout(B, L, P, this.relaxed);
    const neural = this.relaxed ? neuralPart(estimators.cvs[0]) : undefined;
    let floats = 0;
    for (const n of Object.values(sizes)) floats += lanes(n);
    if (neural) floats += ResidualArrays.floats(neural, B, L, P);
    const nvil = this.relaxed ? undefined : nvilPart(estimators.cvs[0]);
    if (nvil) floats += BaselineArrays.floats(nvil, B);
    floats += BinaryProducts.floats(B, P, L) + SubsetSums.floats(B, L) + lanes(P);
    if (simd) floats += SimdLatents.floats(B, L);
    this.ws = new Workspace(floats);
    this.a = Object.fromEntries(Object.entries(sizes).map(([k, n]) => [k, this.ws.alloc(n)])) as Arrays;
    if (neural) this.residual = new ResidualArrays(this.ws, neural, B, L, P, { simd });
    if (nvil) this.nvil = new BaselineArrays(this.ws, nvil, B);
    this.mean = this.ws.alloc(P);
    this.mean.set(model.dataMean.dataSync() as Float32Array);
    this.binary = new BinaryProducts(this.ws, B, P, L, { simd });
    this.latents = new SubsetSums(this.ws, B, L, { simd });
    this.a.onesL.fill(1);
    if (simd) {
      // On the workspace's memory: the loops read and write the step's arrays in place.
      this.simd = SimdDecoder.create(this.relaxed ? 3 * B : B, B, P, this.ws);
      this.simdLatents = SimdLatents.create(B, L, this.ws);
    }
    const { resid } = this.a;
    this.view = { relaxedResid: resid.subarray(B * P), hardResid: resid.subarray(0, B * P) };
  }

  /** One training step on the images `xData` (B × 784): the batch mean of f(b), and no MuProp residuals. */
  step(xData: Float32Array): { meanF: number; residuals: number[] } {
    const { a, ws, B, L, P, relaxed, parts } = this;
    const { model, estimators } = parts;
    if (xData.length !== B * P) throw new Error(`FusedLinearStep: ${xData.length / P} images, built for ${B}`);
    const enc = model.encoder[0];
    const dec = model.decoder[0];
    // dataSync's values, copied straight from the wasm heap where it can (a fresh 600 kB array per read costs more than the copy).
    readInto(enc.weights[0], a.W);
    readInto(enc.biases[0], a.c);
    readInto(dec.weights[0], a.D);
    readInto(dec.biases[0], a.d);
    readInto(model.prior, a.prior);
    a.x.set(xData);
    // Locals: the arrays' record is a dictionary-mode object, slow to read inside loops.
    const { x, xc, theta, c, b, f, ghat, score } = a;
    const mean = this.mean;
    const binary = this.binary.index(x);
    // xc for the dense products (images that are not 0/1) and the residual's context only.
    if (!binary || this.residual) for (let i = 0; i < B; i++) for (let k = 0, o = i * P; k < P; k++) xc[o + k] = x[o + k] - mean[k];
    // The draws of drawNoise: u, then v (drawn even where unused).
    const u = parts.noise.uniformsInto(a.u);
    const v = parts.noise.uniformsInto(a.v);

    if (binary) this.binary.encode(a.W, mean, theta);
    else ws.mm(xc, a.W, theta, B, P, L);
    for (let i = 0; i < B; i++) for (let j = 0, o = i * L; j < L; j++) theta[o + j] += c[j];
    if (this.simdLatents) this.simdLatents.sample(a, a.prior, u, v, relaxed);
    else sampleLatents(a, a.prior, u, v, B, L, relaxed);

    const rebar = relaxed ? rebarPart(estimators.cvs[0])! : undefined;
    const lambda = rebar ? Math.fround(Math.exp(rebar.logTemperature.dataSync()[0])) : 1;
    const eta = rebar ? rebar.eta.dataSync()[0] : 0;
    if (relaxed && this.simdLatents) this.simdLatents.relax(a, lambda);
    else if (relaxed) relaxRows(a, lambda, B, L);
    const rows = relaxed ? 3 * B : B;
    this.decoderProducts(rows);
    if (this.simd) this.simd.decode(a, a.x, rows, B, B);
    else decode(a, a.x, rows, B, P, B);
    this.rowRewards(rows);

    let cvGrads: tf.NamedTensorMap | undefined;
    if (rebar) {
      ws.transpose(a.D, a.DT, L, P);
      throughDecoderT(ws, this.view.relaxedResid, a.DT, a.dfdR, 2 * B, L, P, 2, a.pmt, B);
      decoderTangent(ws, a, a.tangent, B, L, P);
      const res = this.residual;
      if (res) {
        a.zBoth.set(a.z);
        a.zBoth.set(a.zt, B * L);
        res.forward(a.xc, a.zBoth);
      }
      const est = rebarEstimate({ ...a, N: res?.N, dN: res?.dN }, eta, lambda, B, L);
      const neural = res?.neural;
      if (res) {
        residualCotangents(a.G, a.score, a.dzt, a.cotN, a.cotDN, B, L);
        res.backward(a.cotN, a.cotDN);
      }
      // fast.ts's order: REBAR's variables, then the residual's, the trainable ones.
      const values = new Map<tf.Variable, Float32Array | number>([
        [rebar.eta, est.dEta],
        [rebar.logTemperature, est.dLogLambda],
      ]);
      neural?.variables.forEach((w, i) => values.set(w, res!.grads[i]));
      const variables = [...rebar.variables, ...(neural?.variables ?? [])].filter((w) => w.trainable);
      cvGrads = {};
      for (const w of variables) {
        const g = values.get(w)!;
        cvGrads[w.name] = typeof g === 'number' ? tf.scalar(g) : tf.tensor(g, w.shape);
      }
    } else {
      // REINFORCE with the moving average (0 without one) as a float32 constant, as the tensor path subtracts it, and NVIL's c_φ(x).
      const baseline = Math.fround(estimators.movingAverage?.value ?? 0);
      const nvil = this.nvil;
      if (nvil) nvil.net.variables.forEach((w, k) => readInto(w, nvil.phi[k]));
      const learned = nvil?.forward(xc, mean, P, this.binary.images);
      for (let i = 0; i < B; i++) {
        const adv = Math.fround(f[i] - baseline) - (learned ? learned[i] : 0);
        for (let j = 0; j < L; j++) ghat[i * L + j] = adv * score[i * L + j];
      }
      if (nvil) {
        // c_φ steps along ∂φ Σ ĝ²/B first, as estimateAndTrain does, in the network's variable order.
        nvil.backward(ghat, score, L, xc, mean, P, this.binary.images);
        cvGrads = {};
        nvil.net.variables.forEach((w, k) => {
          if (w.trainable) cvGrads![w.name] = tf.tensor(nvil.grads[k], w.shape);
        });
      }
    }

    linearModelGradArrays(ws, { W: a.gW, c: a.gc, D: a.gD, d: a.gd, prior: a.gPrior, scaledGhat: a.scaledGhat, scaledSigned: a.scaledSigned, minusMean: a.minusMean }, { xc: a.xc, ghat: a.ghat, b: a.b, r: this.view.hardResid, prior: a.prior }, B, L, P, { products: this.binary, mean, latents: this.latents });
    const byVariable = new Map<tf.Variable, Float32Array>([
      [enc.weights[0], a.gW],
      [enc.biases[0], a.gc],
      [dec.weights[0], a.gD],
      [dec.biases[0], a.gd],
      [model.prior, a.gPrior],
    ]);
    tf.tidy(() => {
      if (cvGrads) parts.cvOpts[0].applyGradients(cvGrads);
      const grads: tf.NamedTensorMap = {};
      for (const w of model.variables) grads[w.name] = tf.tensor(byVariable.get(w)!, w.shape);
      parts.modelOpt.applyGradients(grads);
    });
    if (cvGrads) tf.dispose(Object.values(cvGrads));
    tf.tidy(() => decayResidual(parts));
    let sum = 0;
    for (let i = 0; i < B; i++) sum += f[i];
    return { meanF: sum / B, residuals: [] };
  }

  /** (2R − 1)·D into the logits of [b; s; s̃]: the hard rows as 2·b·D − Σ_j D_j through b's tables. */
  private decoderProducts(rows: number): void {
    const { ws, B, L, P, a } = this;
    ws.mm(a.onesL, a.D, a.colSumD, 1, L, P);
    if (!this.latents.index(a.b)) throw new Error('FusedLinearStep: b is not 0/1');
    this.latents.times(a.D, a.logits, P, 2, a.colSumD);
    if (rows > B) ws.mm(a.signed.subarray(B * L), a.D, a.logits.subarray(B * P), rows - B, L, P);
  }

  /** f per row of [b; s; s̃]: log p(x|R) + Σ_j R (p − θ) + the row's constant. */
  private rowRewards(rows: number): void {
    const { B, L } = this;
    const { b, s, st, pmt, f, logLik, rowConst } = this.a;
    for (let r = 0; r < rows; r++) {
      const block = Math.floor(r / B);
      const i = r % B;
      const R = block === 0 ? b : block === 1 ? s : st;
      let sum = 0;
      for (let j = 0; j < L; j++) sum += R[i * L + j] * pmt[i * L + j];
      f[r] = logLik[r] + sum + rowConst[i];
    }
  }
}
