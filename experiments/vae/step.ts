// One binary-VAE training step: the decoder and prior follow ordinary
// gradients of f(b); the encoder follows the chosen estimator's ĝ, one
// estimator per stochastic layer (back-propagated from its logits into the
// encoder); learned control variates follow ∂φ Σ ĝ² (estimateAndTrain), all
// at the same step. The linear one-layer model with REBAR or RELAX takes the
// hand-written step of fast.ts instead (same numbers, a test compares them),
// and with fused updates on (agents/fusedUpdate.ts) linear1's REBAR, RELAX
// and REINFORCE-with-baseline steps run on arrays (fused/linearStep.ts).
import { tf } from '../../src/tf/index.js';
import { estimateAndTrain, mupropTerms, type Estimator } from '../../src/estimators/index.js';
import type { Rng } from '../../src/random/index.js';
import { PIXELS } from '../../envs/vae/mnist.js';
import { VAE_MODELS, fixedRightMul, type BinaryVaeModel, type HardPass } from '../../envs/vae/model.js';
import { neuralPart, rebarPart, type VaeEstimators } from './estimators.js';
import { fastLinearRelaxStep, linearModelGrads } from './fast.js';
import { freshMatMul, freshMatMulActive } from '../../src/tf/matMul.js';
import { FusedLinearStep, fusedStepApplies } from './fused/linearStep.js';

type Tensor = tf.Tensor;

/** What a step reads and updates. */
export interface StepParts {
  model: BinaryVaeModel;
  estimators: VaeEstimators;
  modelOpt: tf.Optimizer;
  /** One per layer: tfjs's Adam matches its moments to variables by position, so each variable set needs its own. */
  cvOpts: tf.Optimizer[];
  /** The stream of the estimators' uniforms u and v. */
  noise: Rng;
  /** Model learning rate, control variates' multiple of it, and the residual's decoupled weight decay. */
  lr: number;
  cvLrScale: number;
  weightDecay: number;
  fastPath: boolean;
  /** Linear one-layer model: its gradients written out (fast.ts linearModelGrads) instead of a second, taped pass. */
  linearGrads?: boolean;
}

/** Whether the hand-written linear REBAR / RELAX step applies (and is wanted). */
export function fastPathApplies(parts: Pick<StepParts, 'model' | 'estimators'>, wanted = true): boolean {
  const arch = VAE_MODELS[parts.model.name];
  const kind = parts.estimators.kind;
  return wanted && arch.layers === 1 && arch.hidden.length === 0 && (kind === 'rebar' || kind === 'rebar+neural');
}

/** Whether the model's own gradients can be written out (the linear one-layer model) and that is wanted. */
export function linearGradsApply(model: BinaryVaeModel, wanted = true): boolean {
  const arch = VAE_MODELS[model.name];
  return wanted && arch.layers === 1 && arch.hidden.length === 0;
}

/** Uniforms u and v for n rows, per layer. */
export function drawNoise(model: BinaryVaeModel, n: number, rng: Rng): { u: Tensor[]; v: Tensor[] } {
  const L = model.latents;
  const u: Tensor[] = [];
  const v: Tensor[] = [];
  for (let l = 0; l < model.layers; l++) {
    u.push(tf.tensor2d(rng.uniforms(n * L), [n, L]));
    v.push(tf.tensor2d(rng.uniforms(n * L), [n, L]));
  }
  return { u, v };
}

/** The encoder surrogate Σ_l Σ ĝ_l · logits_l(ψ) / B (ĝ held fixed): its gradient in ψ is the encoder's. */
export function encoderSurrogate(model: BinaryVaeModel, x: Tensor, pass: HardPass, gradients: Tensor[]): Tensor {
  const B = x.shape[0] ?? 1;
  let total: Tensor = tf.scalar(0);
  for (let l = 0; l < model.layers; l++) {
    const logits = model.encoderLogits(l, l === 0 ? x : pass.b[l - 1]);
    total = tf.add(total, tf.sum(tf.mul(gradients[l], logits)));
  }
  return tf.div(total, B);
}

/** The hard pass, f(b), and each layer's ĝ (pushed to `gradients`), its control variate trained on the way. */
function estimate(parts: StepParts, x: Tensor, uDrawn: Tensor[], v: Tensor[], gradients: Tensor[], residualMeans: Tensor[]): { pass: HardPass; fb: Tensor } {
  const est = parts.estimators;
  const { pass, fb, contexts, u } = est.hardPass(x, uDrawn);
  for (let l = 0; l < parts.model.layers; l++) {
    const input = est.input(l, pass, u, v, fb, contexts[l]);
    const estimator: Estimator = est.residualAverages
      ? (i) => {
          const { gradient, residual } = mupropTerms(i);
          residualMeans.push(tf.keep(tf.mean(residual)));
          return { gradient };
        }
      : est.estimator;
    gradients.push(estimateAndTrain(estimator, input, { optimizer: parts.cvOpts[l], objective: { kind: 'theta' } }).gradient);
  }
  est.current = undefined;
  return { pass, fb };
}

/** Each of the n images (rows of `data`, `width` values each) repeated k times in a row: the rows of a K-sample batch. */
export function repeatEach(data: Float32Array, k: number, width = PIXELS): Float32Array {
  if (k === 1) return data;
  const n = data.length / width;
  const out = new Float32Array(data.length * k);
  for (let i = 0; i < n; i++) {
    const row = data.subarray(i * width, (i + 1) * width);
    for (let j = 0; j < k; j++) out.set(row, (i * k + j) * width);
  }
  return out;
}

/** Decoupled weight decay on the residual network's weights (RELAX). */
export function decayResidual(parts: StepParts): void {
  if (parts.weightDecay <= 0) return;
  const factor = 1 - parts.lr * parts.cvLrScale * parts.weightDecay;
  for (const cv of parts.estimators.cvs) {
    const n = neuralPart(cv);
    if (n) for (const w of n.net.weights) w.assign(tf.mul(w, factor));
  }
}

/** Each trainer's fused step (its arrays allocated once), made on its first fused step. */
const fusedSteps = new WeakMap<StepParts, FusedLinearStep>();

/**
 * One training step on the images `xData` (batch × 784): returns the batch
 * mean of f(b) and, for MuProp, each layer's batch-mean residual f(b) − c(b).
 * The baselines are not updated here (the caller folds these values in).
 */
export function trainingStep(parts: StepParts, xData: Float32Array): { meanF: number; residuals: number[] } {
  const { model } = parts;
  const B = xData.length / PIXELS;
  if (fusedStepApplies(parts)) {
    let fused = fusedSteps.get(parts);
    if (fused?.B !== B) fusedSteps.set(parts, (fused = new FusedLinearStep(parts, B)));
    return fused.step(xData);
  }
  const gradients: Tensor[] = [];
  // MuProp: each layer's batch-mean residual f(b) − c(b), kept out of the step's tidy.
  const residualMeans: Tensor[] = [];
  const meanF = tf.tidy(() => {
    const x = tf.tensor2d(xData, [B, PIXELS]);
    if (parts.fastPath) {
      const { u, v } = drawNoise(model, B, parts.noise);
      const xc = model.centre(x);
      // θ = (x − mean)·W + c as (Wᵀ·(x − mean)ᵀ)ᵀ: W is fresh each step, and packing it would cost more than the product.
      const enc = model.encoder[0];
      // With the unpacked SIMD product (src/tf/matMul.ts) W's rows are read where they lie.
      const W = enc.weights[0];
      const product = freshMatMulActive() ? freshMatMul(xc, W) : fixedRightMul(xc, tf.transpose(W), W);
      const theta = tf.add(product, enc.biases[0]);
      const cv = parts.estimators.cvs[0];
      const out = fastLinearRelaxStep({
        model,
        x,
        theta,
        u: u[0],
        v: v[0],
        rebar: rebarPart(cv)!,
        neural: neuralPart(cv),
        context: xc,
        cvOptimizer: parts.cvOpts[0],
      });
      parts.modelOpt.applyGradients(out.modelGrads);
      decayResidual(parts);
      return tf.mean(out.fb);
    }
    // K-sample estimators (rloo, arms): every image K times, B × K evaluations of f; every mean below is over the B × K rows.
    const k = parts.estimators.k;
    const xs = k === 1 ? x : tf.tensor2d(repeatEach(xData, k), [B * k, PIXELS]);
    const { u, v } = drawNoise(model, B * k, parts.noise);
    // The estimators hold the model constant (BinaryVaeModel.withFixedWeights); its own gradients come after.
    const once = parts.estimators.hardOnly;
    const { pass, fb } = model.withFixedWeights(() => estimate(parts, xs, u, v, gradients, residualMeans), { once });
    if (parts.linearGrads && pass.decoderLogits) {
      const r = tf.sub(xs, tf.sigmoid(pass.decoderLogits![0]));
      parts.modelOpt.applyGradients(linearModelGrads(model, model.centre(xs), pass.b[0], gradients[0], r));
      decayResidual(parts);
      return tf.mean(fb);
    }
    // Decoder and prior ascend f(b) directly; the encoder ascends its estimator's ĝ.
    const { grads } = tf.variableGrads(
      () => tf.neg(tf.add(tf.div(tf.sum(model.logJoint(xs, pass.b)), B * k), encoderSurrogate(model, xs, pass, gradients))) as tf.Scalar,
      model.variables,
    );
    parts.modelOpt.applyGradients(grads);
    decayResidual(parts);
    return tf.mean(fb);
  });
  tf.dispose(gradients);
  const value = meanF.dataSync()[0];
  meanF.dispose();
  const residuals = residualMeans.map((r) => r.dataSync()[0]);
  tf.dispose(residualMeans);
  return { meanF: value, residuals };
}
