// A hand-written REBAR / RELAX training step for the linear one-layer VAE.
// The generic path differentiates f(σ_λ(z)) through tfjs twice (∂θ inside
// ∂φ); here the inner derivative is written out,
//   ∂f/∂s = 2 (x − σ(ℓ(s))) Dᵀ + (prior − θ),   ℓ(s) = (2s − 1) D + d,
// so ĝ is an explicit expression in φ and ∂φ Σ ĝ² needs only one
// (first-order) backward pass. The decoder runs once on [b; σ_λ(z); σ_λ(z̃)],
// and the model's gradients are written out too. Same estimator, same
// numbers as the generic path (a test compares them).
import { tf, safe } from '../../src/tf/index.js';
import { bernoulli } from '../../src/distributions/index.js';
import type { RebarControlVariate, NeuralControlVariate } from '../../src/controlVariates/index.js';
import { fixedRightMul, type BinaryVaeModel } from '../../envs/vae/binaryVae.js';
import { fixedFreshMul, freshMatMul, freshMatMulActive } from '../../src/tf/matMul.js';
import { SplitResidual } from './residual.js';

type Tensor = tf.Tensor;

export interface FastStepInput {
  model: BinaryVaeModel;
  x: Tensor;
  /** Encoder logits θ [B, latents] (held fixed). */
  theta: Tensor;
  u: Tensor;
  v: Tensor;
  rebar: RebarControlVariate;
  /** RELAX's residual c_ρ([x − mean, 2σ_λ'(z) − 1]); absent for REBAR. */
  neural?: NeuralControlVariate;
  context: Tensor;
  cvOptimizer: tf.Optimizer;
}

export interface FastStepOutput {
  /** −(ascent direction) for every model variable, in `model.variables` order (what Adam's minimise expects). */
  modelGrads: tf.NamedTensorMap;
  /** f(b) per image. */
  fb: Tensor;
  /** ĝ [B, latents]. */
  gradient: Tensor;
}

/**
 * The linear one-layer model's gradients (minimisation convention, in
 * `model.variables` order), written out: the encoder ascends ĝ through
 * θ = xc·W + c, the decoder and prior ascend f(b) directly, with
 * r = x − σ(decoder logits at b). What variableGrads of the generic step
 * gives, without a second forward pass or a tape.
 */
export function linearModelGrads(model: BinaryVaeModel, xc: Tensor, b: Tensor, ghat: Tensor, r: Tensor): tf.NamedTensorMap {
  const B = xc.shape[0] ?? 1;
  const enc = model.encoder[0];
  const dec = model.decoder[0];
  const ascent = new Map<tf.Variable, Tensor>([
    [enc.weights[0], freshMatMul(xc, ghat, true)],
    [enc.biases[0], tf.sum(ghat, 0)],
    [dec.weights[0], freshMatMul(tf.sub(tf.mul(2, b), 1), r, true)],
    [dec.biases[0], tf.sum(r, 0)],
    [model.prior, tf.sum(tf.sub(b, tf.sigmoid(model.prior)), 0)],
  ]);
  const grads: tf.NamedTensorMap = {};
  for (const variable of model.variables) grads[variable.name] = tf.mul(ascent.get(variable)!, -1 / B);
  return grads;
}

/**
 * a·m for m held fixed (given mᵀ too): the unpacked SIMD product where it
 * runs (src/tf/matMul.ts), else (mᵀ·aᵀ)ᵀ so that XNNPACK packs the small aᵀ.
 */
export function heldProduct(a: Tensor, m: Tensor, mT: Tensor): Tensor {
  return freshMatMulActive() ? fixedFreshMul(a, m, mT) : fixedRightMul(a, mT, m);
}

/** Call inside tf.tidy; the returned tensors belong to that scope. */
export function fastLinearRelaxStep(input: FastStepInput): FastStepOutput {
  const { model, x, theta, u, v, rebar, neural, context } = input;
  const B = x.shape[0] ?? 1;
  const D = model.decoder[0].weights[0];
  const d = model.decoder[0].biases[0];
  const prior = model.prior;

  // Everything that does not depend on φ, computed once.
  const z = bernoulli.sample(theta, u);
  const b = bernoulli.hard(z);
  const zt = bernoulli.conditional(theta, b, v);
  const sigTheta = tf.sigmoid(theta);
  const score = tf.sub(b, sigTheta);
  // dz̃/dθ at fixed (b, v), with v' = σ(z̃ − θ) the conditional uniform:
  // 1 − (1 − p)/v' for b = 1 and 1 − p/(1 − v') for b = 0 (both in (0, 1]).
  const vPrime = tf.sigmoid(tf.sub(zt, theta));
  const dzt = tf.sub(
    1,
    tf.add(tf.mul(b, tf.div(tf.sub(1, sigTheta), vPrime)), tf.mul(tf.sub(1, b), tf.div(sigTheta, tf.sub(1, vPrime)))),
  );
  const DT = tf.transpose(D); // explicit: transposed matMul flags are slow on wasm
  const priorMinusTheta = tf.sub(prior, theta);
  // Row constants of f: −Σ softplus(prior) + Σ softplus(θ) (from the Bernoulli normalisers of p(b) and q(b|x)).
  const rowConst = tf.sub(safe.sumSoftplus(theta), safe.sumSoftplus(prior));
  const x3 = tf.concat([x, x, x], 0);
  const x2 = tf.concat([x, x], 0);
  const pmt3 = tf.concat([priorMinusTheta, priorMinusTheta, priorMinusTheta], 0);
  const pmt2 = tf.concat([priorMinusTheta, priorMinusTheta], 0);
  const rowConst3 = tf.concat([rowConst, rowConst, rowConst], 0);
  const residual = neural ? new SplitResidual(neural, () => context) : undefined;
  const zBoth = neural ? tf.concat([z, zt], 0) : undefined;

  let fbKept: Tensor | undefined;
  let residualKept: Tensor | undefined;
  let gradientKept: Tensor | undefined;
  let neuralOut: Tensor | undefined;
  const cvVariables = [...rebar.variables, ...(neural?.variables ?? [])].filter((w) => w.trainable);
  const { grads } = tf.variableGrads(() => {
    const lambda = tf.exp(rebar.logTemperature);
    const s = tf.sigmoid(tf.div(z, lambda));
    const st = tf.sigmoid(tf.div(zt, lambda));
    const S = tf.concat([b, s, st], 0);
    // a·D and its derivative dy·Dᵀ with D held fixed; Dᵀ made once (transposed products are slow on wasm).
    const logits = tf.add(heldProduct(tf.sub(tf.mul(2, S), 1), D, DT), d);
    const f = tf.add(
      tf.add(tf.sub(tf.sum(tf.mul(x3, logits), 1), safe.sumSoftplus(logits)), tf.sum(tf.mul(S, pmt3), 1)),
      rowConst3,
    );
    const [fb, , fst] = tf.split(f, 3);
    const relaxedLogits = tf.slice(logits, [B, 0], [2 * B, -1]);
    const hardLogits = tf.slice(logits, [0, 0], [B, -1]);
    const dfdS = tf.add(heldProduct(tf.mul(2, tf.sub(x2, tf.sigmoid(relaxedLogits))), DT, D), pmt2);
    const [dfs, dfst] = tf.split(dfdS, 2);
    const eta = rebar.eta;
    // ∂θ c(z) − ∂θ c(z̃) with c = η f(σ_λ(·)): dσ_λ(z)/dz = σ(1 − σ)/λ, dz/dθ = 1, dz̃/dθ = dzt.
    const dcz = tf.div(tf.mul(dfs, tf.mul(s, tf.sub(1, s))), lambda);
    const dczt = tf.div(tf.mul(tf.mul(dfst, tf.mul(st, tf.sub(1, st))), dzt), lambda);
    // f's −log q(s|θ) also depends on θ directly (−s + σ(θ)); as in the paper's code (and the
    // generic path) that term is kept; it is the same for z and z̃, so it stays unbiased.
    const direct = tf.sub(st, s);
    const cZt = tf.mul(eta, fst);
    let ghat: Tensor = tf.add(tf.mul(tf.reshape(tf.sub(fb, cZt), [B, 1]), score), tf.mul(eta, tf.add(tf.sub(dcz, dczt), direct)));
    if (neural) {
      // The residual is a small net: its inner derivative is left to autodiff.
      let cN: Tensor | undefined;
      const dN = tf.grad((zz: Tensor) => {
        const out = residual!.apply(zz);
        cN = tf.keep(out); // outlives tf.grad's scope; released below
        return tf.sum(out);
      })(zBoth!);
      const [dNz, dNzt] = tf.split(dN, 2);
      const [, cNzt] = tf.split(cN!, 2);
      ghat = tf.add(ghat, tf.sub(tf.sub(dNz, tf.mul(dNzt, dzt)), tf.mul(tf.reshape(cNzt, [B, 1]), score)));
      neuralOut = cN;
    }
    fbKept = tf.keep(fb);
    residualKept = tf.keep(tf.sub(x, tf.sigmoid(hardLogits)));
    gradientKept = tf.keep(ghat);
    return tf.div(tf.sum(tf.square(ghat)), B) as tf.Scalar;
  }, cvVariables);
  input.cvOptimizer.applyGradients(grads);
  tf.dispose(Object.values(grads));
  neuralOut?.dispose();

  const modelGrads = linearModelGrads(model, model.centre(x), b, gradientKept!, residualKept!);
  // Kept tensors leave the tidy only through the return value; release the marks.
  const fb = fbKept!.clone();
  const gradient = gradientKept!.clone();
  tf.dispose([fbKept!, residualKept!, gradientKept!]);
  return { modelGrads, fb, gradient };
}
