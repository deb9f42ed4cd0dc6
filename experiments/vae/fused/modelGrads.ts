// The linear one-layer model's gradients on arrays (fast.ts linearModelGrads):
// the encoder ascends ĝ through θ = xc·W + c, the decoder and prior ascend
// f(b), with r = x − σ(ℓ at b); minimisation convention, −(ascent)/B.
import type { Workspace } from '../../../src/wasm/workspace.js';
import { sigmoid } from './scalar.js';
import type { BinaryMatrix, BinaryProducts } from './binaryProducts.js';

export interface ModelGradArrays {
  /** W [P, L], c [L], D [L, P], d [P], prior [L] (outputs). */
  W: Float32Array;
  c: Float32Array;
  D: Float32Array;
  d: Float32Array;
  prior: Float32Array;
  /** Scratch [B, L]: −ĝ/B and −(2b − 1)/B; and [B] filled with −1/B (column sums as products). */
  scaledGhat: Float32Array;
  scaledSigned: Float32Array;
  minusMean: Float32Array;
}

/**
 * From xc [B, P], ĝ [B, L], b [B, L], r [B, P] and the prior's
 * logits: every model gradient into `out`.
 */
export function linearModelGradArrays(
  ws: Workspace,
  out: ModelGradArrays,
  inputs: { xc: Float32Array; ghat: Float32Array; b: Float32Array; r: Float32Array; prior: Float32Array },
  B: number,
  L: number,
  P: number,
  /** Binary images' lists of ones (with the pixel means, a workspace array): ∂W as sums of rows; b's prepared form for ∂D. */
  binary?: { products: BinaryProducts; mean: Float32Array; latents?: BinaryMatrix },
): void {
  const { xc, ghat, b, r, prior } = inputs;
  const k = -1 / B;
  // −1/B applied to the thin factors [B, L], not to the [P, L] products.
  scale(ghat, out.scaledGhat, B * L, k);
  if (binary?.products.binary) binary.products.encoderGradient(out.scaledGhat, binary.mean, out.W);
  else ws.mm(xc, out.scaledGhat, out.W, P, B, L, true);
  // Column sums as [1, B] products: a strided JavaScript loop over r misses the cache at every row.
  out.minusMean.fill(k);
  ws.mm(out.minusMean, ghat, out.c, 1, B, L);
  ws.mm(out.minusMean, r, out.d, 1, B, P);
  // ∂D = (−(2b − 1)/B)ᵀ·r = −(2/B) Σ_{i: b_ij = 1} r_i − ∂d, through b's BinaryMatrix when it is 0/1.
  if (binary?.latents?.binary) binary.latents.transposeTimes(r, out.D, P, 2 * k, out.d);
  else {
    for (let m = 0; m < B * L; m++) out.scaledSigned[m] = k * (2 * b[m] - 1);
    ws.mm(out.scaledSigned, r, out.D, L, B, P, true);
  }
  for (let j = 0; j < L; j++) {
    const p = sigmoid(prior[j]);
    let sum = 0;
    for (let i = 0; i < B; i++) sum += b[i * L + j] - p;
    out.prior[j] = k * sum;
  }
}

function scale(a: Float32Array, out: Float32Array, n: number, k: number): void {
  for (let m = 0; m < n; m++) out[m] = k * a[m];
}
