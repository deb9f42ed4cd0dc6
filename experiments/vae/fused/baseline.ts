// NVIL's learned baseline c_φ(x) = w₂·tanh((x − mean)·W₁ + b₁) + b₂ (the
// BaselineNetwork of src/controlVariates, one tanh layer) on the step's
// arrays, for linearStep.ts: its value per image and the gradient of the
// variance loss Σ ĝ²/B through it. With ĝ_ij = (f_i − m − c_i) s_ij the loss
// depends on c_i alone, through
//   g_i = ∂/∂c_i Σ ĝ²/B = −(2/B) Σ_j ĝ_ij s_ij,
// and the rest is one backward pass: ∂w₂ = hᵀg, ∂b₂ = Σ g, δ = g w₂ᵀ ⊙ (1 − h²),
// ∂W₁ = (x − mean)ᵀ δ, ∂b₁ = Σ δ. Both products with the images go through
// their lists of ones (binaryProducts.ts) when they are 0/1.
import type { Workspace } from '../../../src/wasm/workspace.js';
import type { BaselineNetwork } from '../../../src/controlVariates/index.js';
import type { OnesIndex } from './binaryProducts.js';

const f = Math.fround;

/** The network's arrays for a batch of B images of P pixels. */
export class BaselineArrays {
  /** Values of the network's variables, in its order: W₁ [P, H], b₁ [H], w₂ [H, 1], b₂ [1]. */
  readonly phi: Float32Array[];
  /** Gradients of Σ ĝ²/B, in the same order. */
  readonly grads: Float32Array[];
  /** c per image [B]. */
  readonly c: Float32Array;
  private readonly H: number;
  private readonly h: Float32Array;
  private readonly g: Float32Array;
  private readonly delta: Float32Array;
  private readonly meanW: Float32Array;

  /** Whether the network is one this computes: one tanh hidden layer, a linear output of one. */
  static applies(net: BaselineNetwork): boolean {
    const { sizes, activation } = net.net.config;
    return sizes.length === 3 && sizes[2] === 1 && activation === 'tanh';
  }

  static floats(net: BaselineNetwork, B: number): number {
    const lanes = (n: number) => Math.ceil(n / 4) * 4;
    const [P, H] = net.net.config.sizes;
    return 2 * (lanes(P * H) + 2 * lanes(H) + 4) + lanes(B) + 2 * lanes(B * H) + lanes(B) + lanes(H);
  }

  constructor(
    private readonly ws: Workspace,
    readonly net: BaselineNetwork,
    readonly B: number,
  ) {
    const [P, H] = net.net.config.sizes;
    this.H = H;
    const shapes = [P * H, H, H, 1];
    this.phi = shapes.map((n) => ws.alloc(n));
    this.grads = shapes.map((n) => ws.alloc(n));
    this.c = ws.alloc(B);
    this.h = ws.alloc(B * H);
    this.delta = ws.alloc(B * H);
    this.g = ws.alloc(B);
    this.meanW = ws.alloc(H);
  }

  /** c_i for the images: through their lists of ones when `ones` is indexed, else from xc [B, P]. */
  forward(xc: Float32Array, mean: Float32Array, P: number, ones?: OnesIndex): Float32Array {
    const { B, H, h, c, meanW } = this;
    const [W1, b1, w2, b2] = this.phi;
    if (ones?.binary) {
      this.ws.mm(mean, W1, meanW, 1, P, H);
      ones.times(W1, h, H, 1, meanW);
    } else this.ws.mm(xc, W1, h, B, P, H);
    for (let i = 0; i < B; i++) {
      let sum = 0;
      for (let k = 0, o = i * H; k < H; k++) {
        const t = Math.tanh(f(h[o + k] + b1[k]));
        h[o + k] = t;
        sum += t * w2[k];
      }
      c[i] = sum + b2[0];
    }
    return c;
  }

  /** The gradients of Σ ĝ²/B for ĝ [B, L] and the scores s [B, L], into `grads`. */
  backward(ghat: Float32Array, score: Float32Array, L: number, xc: Float32Array, mean: Float32Array, P: number, ones?: OnesIndex): void {
    const { B, H, h, g, delta } = this;
    const [gW1, gb1, gw2, gb2] = this.grads;
    const w2 = this.phi[2];
    for (let i = 0; i < B; i++) {
      let sum = 0;
      for (let j = 0, o = i * L; j < L; j++) sum += ghat[o + j] * score[o + j];
      g[i] = (-2 / B) * sum;
    }
    gw2.fill(0);
    gb1.fill(0);
    let gb = 0;
    for (let i = 0; i < B; i++) {
      gb += g[i];
      for (let k = 0, o = i * H; k < H; k++) {
        const t = h[o + k];
        gw2[k] += t * g[i];
        const d = f(g[i] * w2[k] * (1 - t * t));
        delta[o + k] = d;
        gb1[k] += d;
      }
    }
    gb2[0] = gb;
    // ∂W₁ = Σ_{i: x_ik = 1} δ_i − mean_k Σ_i δ_i through the lists of ones.
    if (ones?.binary) ones.transposeTimes(delta, gW1, H, 1, gb1, mean, 1);
    else this.ws.mm(xc, delta, gW1, P, B, H, true);
  }
}
