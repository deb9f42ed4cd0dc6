// RELAX's residual N(z) = scale · MLP([xc, 2σ(z/τ) − 1]) (a ReLU MLP, τ =
// exp(logTemperature)) on float32 arrays: N, its input derivative
// dN = ∂N/∂z, and the gradient of Σ cotN·N + Σ cotDN·dN in every variable.
// The first layer is split as in ../residual.ts: the context's share xc·W_c
// is made once on the B images and shared by rows i and B + i of [z; z̃].
//
// With ReLU the masks m_l are constant almost everywhere, so the backward
// vectors δ_l = ∂y/∂a_l (δ_last = 1, δ_l = m_l ⊙ δ_{l+1}W_{l+1}ᵀ) depend on
// the weights only, and dN = scale · (δ_0 W_zᵀ) ⊙ q with q = 2σ(1 − σ)/τ is
// linear in each weight. The forward-over-reverse pass is then one more
// reverse sweep over the δ chain, and each weight's two contributions fold
// into one product:
//   ∂W_{l+1} = (ȳ ⊙ h_l + ḡh_l)ᵀ δ_{l+1},   ȳ = scale · cotN,
// where ḡh_l is the cotangent of δ_l W_{l+1}ᵀ carried down from
// ḡ = scale · cotDN ⊙ q (the cotangent of δ_0 W_zᵀ).
import { tf } from '../../../src/tf/index.js';
import type { Workspace } from '../../../src/wasm/workspace.js';
import type { NeuralControlVariate } from '../../../src/controlVariates/index.js';
import { readInto } from '../../../src/nn/heap.js';
import { squashKernel, type SquashFn } from './residualSimd.js';

const f = Math.fround;
const lanes = (n: number) => Math.ceil(n / 4) * 4;

export class ResidualArrays {
  /** N [2B]: scale · y per row of [z; z̃] (after forward). */
  readonly N: Float32Array;
  /** ∂N_r/∂z_r [2B, L] (after forward). */
  readonly dN: Float32Array;
  /** Gradients of Σ cotN·N + Σ cotDN·dN in `neural.variables` order, each variable.size long (after backward). */
  readonly grads: Float32Array[];

  private readonly sizes: number[];
  private readonly rows: number;
  private readonly W: Float32Array[];
  private readonly b: Float32Array[];
  /** W_lᵀ for l ≥ 1 ([n_{l+1}, n_l]; WT[0] unused) and W_zᵀ [h_1, L]: the δ chain's products, transposed once a step. */
  private readonly WT: Float32Array[];
  private readonly WzT: Float32Array;
  /** The context xc [B, C]; a caller may write it here and pass it to forward (no copy). */
  readonly context: Float32Array;
  /** W_0's context rows W_c [C, h_1] and latent rows W_z [L, h_1]; the same split of ∂W_0. */
  private readonly Wc: Float32Array;
  private readonly Wz: Float32Array;
  private readonly gWc: Float32Array;
  private readonly gWz: Float32Array;
  /** xc · W_c [B, h_1]. */
  private readonly P: Float32Array;
  /** t = z/τ, s = σ(t), u = 2s − 1, q = du/dz = 2s(1 − s)/τ, each [2B, L]. */
  private readonly t: Float32Array;
  private readonly s: Float32Array;
  private readonly u: Float32Array;
  private readonly q: Float32Array;
  /** Hidden activations h_l [2B, n_l]; the masks are h_l > 0. */
  private readonly H: Float32Array[];
  /** δ_l [2B, n_l], δ_last = 1. */
  private readonly D: Float32Array[];
  /** y [2B] (the net's output before scale) and g = δ_0 W_zᵀ = ∂y/∂u [2B, L]. */
  private readonly y: Float32Array;
  private readonly g: Float32Array;
  /** Backward scratch: ȳ [2B], ḡ then ȳ⊙u + ḡ [2B, L], ḡh_l then ȳ⊙h_l + ḡh_l [2B, n_l], ∂a_0 summed over z and z̃ [B, h_1]. */
  private readonly ybar: Float32Array;
  private readonly gz: Float32Array;
  private readonly GH: Float32Array[];
  private readonly abar: Float32Array;
  private tau = 1;
  private scale = 1;
  /** The squash of [z; z̃] as SIMD (residualSimd.ts), where the workspace has it. */
  private readonly squash?: SquashFn;

  /** A Bernoulli residual on a ReLU MLP with a single output. */
  static applies(neural: NeuralControlVariate): boolean {
    const sizes = neural.net.config.sizes;
    return neural.dist.name === 'bernoulli' && neural.net.config.activation === 'relu' && sizes[sizes.length - 1] === 1 && neural.net.weights.length === sizes.length - 1;
  }

  /** Workspace entries the constructor allocates (lane-rounded), for sizing a workspace. */
  static floats(neural: NeuralControlVariate, B: number, L: number, C: number): number {
    const sizes = neural.net.config.sizes;
    const hidden = sizes.slice(1, -1);
    const rows = 2 * B;
    let n = 0;
    const add = (k: number) => (n += lanes(k));
    for (let l = 0; l + 1 < sizes.length; l++) {
      add(sizes[l] * sizes[l + 1]); // weights
      add(sizes[l + 1]); // biases
      if (l > 0) add(sizes[l] * sizes[l + 1]); // transposed weights
    }
    add(L * sizes[1]); // W_zᵀ
    for (const v of neural.variables) add(v.size); // gradients
    add(B * C);
    add(B * sizes[1]); // P
    for (let i = 0; i < 4; i++) add(rows * L); // t, s, u, q
    for (const h of hidden) for (let i = 0; i < 3; i++) add(rows * h); // H, D, GH
    add(rows); // D_last
    add(rows); // y
    add(rows); // N
    add(rows * L); // dN
    add(rows * L); // g
    add(rows); // ybar
    add(rows * L); // gz
    add(B * sizes[1]); // abar
    return n;
  }

  constructor(
    private readonly ws: Workspace,
    readonly neural: NeuralControlVariate,
    readonly B: number,
    readonly L: number,
    readonly C: number,
    /** `simd: false` keeps the squash in JavaScript (tests; the fallback without SIMD). */
    { simd = true }: { simd?: boolean } = {},
  ) {
    if (!ResidualArrays.applies(neural)) throw new Error('ResidualArrays: a Bernoulli residual on a ReLU MLP with one output only');
    const sizes = (this.sizes = neural.net.config.sizes);
    if (sizes[0] !== C + L) throw new Error(`ResidualArrays: the net takes ${sizes[0]} inputs, not C + L = ${C + L}`);
    const rows = (this.rows = 2 * B);
    if (simd) this.squash = squashKernel(ws, rows * L);
    const layers = sizes.length - 1;
    this.W = [];
    this.b = [];
    this.WT = [new Float32Array(0)];
    for (let l = 0; l < layers; l++) {
      this.W.push(ws.alloc(sizes[l] * sizes[l + 1]));
      this.b.push(ws.alloc(sizes[l + 1]));
      if (l > 0) this.WT.push(ws.alloc(sizes[l] * sizes[l + 1]));
    }
    this.WzT = ws.alloc(L * sizes[1]);
    this.grads = neural.variables.map((v) => ws.alloc(v.size));
    this.context = ws.alloc(B * C);
    const h1 = sizes[1];
    [this.Wc, this.Wz] = [this.W[0].subarray(0, C * h1), this.W[0].subarray(C * h1)];
    [this.gWc, this.gWz] = [this.grads[0].subarray(0, C * h1), this.grads[0].subarray(C * h1)];
    this.P = ws.alloc(B * sizes[1]);
    [this.t, this.s, this.u, this.q] = [0, 1, 2, 3].map(() => ws.alloc(rows * L));
    const hidden = sizes.slice(1, -1);
    this.H = hidden.map((h) => ws.alloc(rows * h));
    this.D = hidden.map((h) => ws.alloc(rows * h));
    this.GH = hidden.map((h) => ws.alloc(rows * h));
    this.D.push(ws.alloc(rows).fill(1));
    this.y = ws.alloc(rows);
    this.N = ws.alloc(rows);
    this.dN = ws.alloc(rows * L);
    this.g = ws.alloc(rows * L);
    this.ybar = ws.alloc(rows);
    this.gz = ws.alloc(rows * L);
    this.abar = ws.alloc(B * sizes[1]);
  }

  /** The variables' current values into the workspace (they change every step). */
  loadWeights(): void {
    const { net, logTemperature, scale } = this.neural;
    for (let l = 0; l < this.W.length; l++) {
      readInto(net.weights[l], this.W[l]);
      readInto(net.biases[l], this.b[l]);
      if (l > 0) this.ws.transpose(this.W[l], this.WT[l], this.sizes[l], this.sizes[l + 1]);
    }
    this.ws.transpose(this.Wz, this.WzT, this.L, this.sizes[1]);
    // τ rounded as tf.exp's float32 output.
    this.tau = f(Math.exp(logTemperature.dataSync()[0]));
    this.scale = scale ? scale.dataSync()[0] : 1;
  }

  /** N and dN for context xc [B, C] and zBoth = [z; z̃] [2B, L]; reads the variables first unless `load` is false. */
  forward(xc: Float32Array, zBoth: Float32Array, load = true): void {
    if (load) this.loadWeights();
    const { ws, sizes, rows, B, L, C, W, Wz, b, H, D, tau, scale } = this;
    const h1 = sizes[1];
    const layers = W.length;
    if (xc !== this.context) this.context.set(xc.length === B * C ? xc : xc.subarray(0, B * C));
    const { t, s, u, q } = this;
    if (this.squash && zBoth.buffer === t.buffer) this.squash(zBoth.byteOffset, t.byteOffset, s.byteOffset, u.byteOffset, q.byteOffset, rows * L, tau);
    else
      for (let k = 0; k < rows * L; k++) {
        const tk = f(zBoth[k] / tau);
        const sk = f(1 / (1 + Math.exp(-tk)));
        t[k] = tk;
        s[k] = sk;
        u[k] = 2 * sk - 1;
        q[k] = (2 * sk * (1 - sk)) / tau;
      }
    ws.mm(this.context, this.Wc, this.P, B, C, h1);
    // Layer 0: (xc·W_c + u·W_z) + b_0 in SplitResidual's order; no ReLU when it is the output layer.
    const a0 = layers === 1 ? this.y : H[0];
    ws.mm(u, Wz, a0, rows, L, h1);
    for (let r = 0; r < rows; r++) {
      const pr = (r % B) * h1;
      for (let k = 0; k < h1; k++) {
        const a = f(f(this.P[pr + k] + a0[r * h1 + k]) + b[0][k]);
        a0[r * h1 + k] = layers === 1 || a > 0 ? a : 0;
      }
    }
    for (let l = 1; l < layers; l++) {
      const out = l + 1 === layers ? this.y : H[l];
      const n = sizes[l + 1];
      ws.mm(H[l - 1], W[l], out, rows, sizes[l], n);
      const last = l + 1 === layers;
      for (let r = 0; r < rows; r++) {
        for (let k = 0; k < n; k++) {
          const a = f(out[r * n + k] + b[l][k]);
          out[r * n + k] = last || a > 0 ? a : 0;
        }
      }
    }
    for (let r = 0; r < rows; r++) this.N[r] = scale * this.y[r];
    // δ_l = m_l ⊙ δ_{l+1} W_{l+1}ᵀ, down to δ_0; then g = δ_0 W_zᵀ.
    for (let l = layers - 2; l >= 0; l--) {
      const n = sizes[l + 1];
      ws.mm(D[l + 1], this.WT[l + 1], D[l], rows, sizes[l + 2], n);
      const h = H[l];
      const d = D[l];
      for (let k = 0; k < rows * n; k++) if (!(h[k] > 0)) d[k] = 0;
    }
    ws.mm(D[0], this.WzT, this.g, rows, h1, L);
    const { g, dN } = this;
    for (let k = 0; k < rows * L; k++) dN[k] = scale * f(g[k] * q[k]);
  }

  /**
   * `grads` ← ∂/∂φ [Σ_r cotN_r N_r + Σ_rj cotDN_rj dN_rj] at the last
   * forward's point, φ = `neural.variables` (cotN [2B], cotDN [2B, L]).
   */
  backward(cotN: Float32Array, cotDN: Float32Array): void {
    const { ws, sizes, rows, B, L, W, Wz, H, D, GH, tau, scale, t, s, u, q, g, y, ybar, gz, grads } = this;
    const layers = W.length;
    const h1 = sizes[1];
    for (let r = 0; r < rows; r++) ybar[r] = scale * cotN[r];
    // τ = e^ℓ reaches N through u (du/dℓ = −q z) and dN through q (dq/dℓ = −q(1 + (1 − 2s)t)).
    let dLogT = 0;
    let dScale = 0;
    for (let r = 0; r < rows; r++) {
      const yb = ybar[r];
      dScale += cotN[r] * y[r];
      for (let j = 0; j < L; j++) {
        const k = r * L + j;
        const c = cotDN[k];
        const gq = g[k] * q[k];
        dScale += c * gq;
        dLogT -= gq * (yb * t[k] * tau + scale * c * (1 + (1 - 2 * s[k]) * t[k]));
        gz[k] = scale * c * q[k];
      }
    }
    const nv = grads.length;
    const hasScale = this.neural.scale !== undefined;
    grads[hasScale ? nv - 2 : nv - 1][0] = dLogT;
    if (hasScale) grads[nv - 1][0] = dScale;
    // ḡ W_z is δ_0's cotangent; then gz becomes u's weight in ∂W_z = (ȳ ⊙ u + ḡ)ᵀ δ_0.
    if (layers > 1) ws.mm(gz, Wz, GH[0], rows, L, h1);
    for (let r = 0; r < rows; r++) for (let j = 0; j < L; j++) gz[r * L + j] += ybar[r] * u[r * L + j];
    ws.mm(gz, D[0], this.gWz, L, rows, h1, true);
    for (let l = 0; l + 1 < layers; l++) {
      const n = sizes[l + 1];
      const gh = GH[l];
      const h = H[l];
      for (let k = 0; k < rows * n; k++) if (!(h[k] > 0)) gh[k] = 0;
      if (l + 2 < layers) ws.mm(gh, W[l + 1], GH[l + 1], rows, n, sizes[l + 2]);
      for (let r = 0; r < rows; r++) for (let k = 0; k < n; k++) gh[r * n + k] += ybar[r] * h[r * n + k];
      ws.mm(gh, D[l + 1], grads[2 * (l + 1)], n, rows, sizes[l + 2], true);
    }
    // Biases see N only: ∂b_l = Σ_r ȳ_r δ_l[r].
    for (let l = 0; l < layers; l++) ws.mm(ybar, D[l], grads[2 * l + 1], 1, rows, sizes[l + 1], true);
    // W_c: the context rows are shared by z's row i and z̃'s row B + i.
    const { abar } = this;
    const d0 = D[0];
    for (let i = 0; i < B; i++) {
      const r1 = i * h1;
      const r2 = (B + i) * h1;
      for (let k = 0; k < h1; k++) abar[r1 + k] = ybar[i] * d0[r1 + k] + ybar[B + i] * d0[r2 + k];
    }
    ws.mm(this.context, abar, this.gWc, this.C, B, h1, true);
  }

  /** `grads` as tensors by variable name, for an optimiser's applyGradients (call inside tf.tidy; the tensors copy the arrays). */
  namedGradients(): tf.NamedTensorMap {
    const out: tf.NamedTensorMap = {};
    this.neural.variables.forEach((v, i) => (out[v.name] = tf.tensor(this.grads[i], v.shape, 'float32')));
    return out;
  }
}
