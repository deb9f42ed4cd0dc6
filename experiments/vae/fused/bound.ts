// The linear1 model's importance weights on float32 arrays, for the held-out
// bounds (envs/vae/bounds.ts's logWeights): per row r = s·n + i (sample s of
// image i, the tensor path's order) log w = f(b) = log p(x, b) − log q(b|x),
// from the training step's pieces (linearStep.ts) without its derivatives:
// θ once per image (the images' lists of ones), the latents' SIMD loop on θ
// repeated k times, (2b − 1)·D through b's tables of subset sums, and the
// decoder's SIMD pixel loop. The bound needs no gradient, so this is the
// whole of its cost: the tensor path's products and per-pixel kernels on
// k·n rows become one product with sums of tables and one loop.
import type { BinaryVaeModel } from '../../../envs/vae/binaryVae.js';
import { PIXELS } from '../../../envs/vae/mnist.js';
import { VAE_MODELS } from '../../../envs/vae/model.js';
import { readInto } from '../../../src/nn/heap.js';
import { Workspace } from '../../../src/wasm/workspace.js';
import { fusedUpdatesEnabled } from '../../../agents/fusedUpdate.js';
import { BinaryProducts } from './binaryProducts.js';
import { SubsetSums } from './subsetSums.js';
import { sampleLatents } from './latents.js';
import { SimdLatents } from './latentsSimd.js';
import { decode } from './decoder.js';
import { SimdDecoder } from './decoderSimd.js';

const lanes = (n: number) => Math.ceil(n / 4) * 4;

/** The arrays of a bound's chunk of n images and R = k·n rows. */
function layout(n: number, R: number, L: number, P: number) {
  return {
    x: n * P, xc: n * P, W: P * L, c: L, D: L * P, d: P, prior: L, mean: P, thetaImage: n * L,
    theta: R * L, z: R * L, b: R * L, zt: R * L, score: R * L, dzt: R * L, pmt: R * L, rowConst: R,
    logits: R * P, resid: R * P, curvature: 4, logLik: R, onesL: L, colSumD: P, f: R,
  };
}

type Arrays = Record<keyof ReturnType<typeof layout>, Float32Array>;

/** One per chunk shape (n images, k samples): the arrays allocated once. */
export class FusedBound {
  private readonly ws: Workspace;
  private readonly a: Arrays;
  private readonly L: number;
  private readonly P: number;
  private readonly R: number;
  private readonly images: BinaryProducts;
  private readonly latents: SubsetSums;
  private readonly simdLatents?: SimdLatents;
  private readonly simd?: SimdDecoder;

  /** Whether the model is one this computes (linear1 on MNIST's pixels), and the fused paths are on (RELAX_PG_UPDATE). */
  static applies(model: BinaryVaeModel): boolean {
    const arch = VAE_MODELS[model.name];
    return fusedUpdatesEnabled() && arch.layers === 1 && arch.hidden.length === 0 && model.pixels === PIXELS;
  }

  /** `simd: false` keeps the per-element loops in JavaScript (tests; the fallback without SIMD). */
  constructor(
    private readonly model: BinaryVaeModel,
    readonly n: number,
    readonly k: number,
    { simd = true }: { simd?: boolean } = {},
  ) {
    if (!FusedBound.applies(model)) throw new Error('FusedBound: this model takes the tensor path');
    const L = (this.L = model.latents);
    const P = (this.P = model.pixels);
    const R = (this.R = k * n);
    const sizes = layout(n, R, L, P);
    let floats = BinaryProducts.floats(n, P, L) + SubsetSums.floats(R, L) + (simd ? SimdLatents.floats(R, L) : 0);
    for (const size of Object.values(sizes)) floats += lanes(size);
    this.ws = new Workspace(floats);
    this.a = Object.fromEntries(Object.entries(sizes).map(([name, size]) => [name, this.ws.alloc(size)])) as Arrays;
    this.images = new BinaryProducts(this.ws, n, P, L, { simd });
    this.latents = new SubsetSums(this.ws, R, L, { simd });
    this.a.onesL.fill(1);
    if (simd) {
      this.simdLatents = SimdLatents.create(R, L, this.ws);
      this.simd = SimdDecoder.create(R, n, P, this.ws);
    }
  }

  /** log w per row r = s·n + i for the n images (n × 784) and the uniforms u ([k·n, L], the tensor path's draws). */
  logWeights(images: Float32Array, u: Float32Array): Float32Array {
    const { a, ws, n, k, L, P, R, model } = this;
    if (images.length !== n * P || u.length !== R * L) throw new Error(`FusedBound: built for ${n} images and ${k} samples`);
    const enc = model.encoder[0];
    const dec = model.decoder[0];
    readInto(enc.weights[0], a.W);
    readInto(enc.biases[0], a.c);
    readInto(dec.weights[0], a.D);
    readInto(dec.biases[0], a.d);
    readInto(model.prior, a.prior);
    readInto(model.dataMean, a.mean);
    a.x.set(images);
    // θ = (x − mean)·W + c, once per image, then repeated for every sample.
    const { x, xc, mean, thetaImage, theta, c } = a;
    if (this.images.index(x)) this.images.encode(a.W, mean, thetaImage);
    else {
      for (let m = 0; m < n * P; m++) xc[m] = x[m] - mean[m % P];
      ws.mm(xc, a.W, thetaImage, n, P, L);
    }
    for (let m = 0; m < n * L; m++) thetaImage[m] += c[m % L];
    for (let s = 0; s < k; s++) theta.set(thetaImage, s * n * L);
    if (this.simdLatents) this.simdLatents.sample(a, a.prior, u, u, false);
    else sampleLatents(a, a.prior, u, u, R, L, false);
    // ℓ = (2b − 1)·D + d: 2 b·D − Σ_j D_j through b's tables; the decoder's loop adds d.
    ws.mm(a.onesL, a.D, a.colSumD, 1, L, P);
    if (!this.latents.index(a.b)) throw new Error('FusedBound: b is not 0/1');
    this.latents.times(a.D, a.logits, P, 2, a.colSumD);
    if (this.simd) this.simd.decode(a, x, R, n);
    else decode(a, x, R, n, P);
    // f = log p(x|b) + Σ_j b (prior − θ) + Σ_j softplus(θ) − Σ_j softplus(prior).
    const { b, pmt, f, logLik, rowConst } = a;
    for (let r = 0; r < R; r++) {
      let sum = 0;
      for (let j = 0, o = r * L; j < L; j++) sum += b[o + j] * pmt[o + j];
      f[r] = logLik[r] + sum + rowConst[r];
    }
    return f;
  }
}
