// The encoder's two products with binary images, as sums of rows. x is 0/1
// (binarised MNIST) with ~13–20 % ones, so with xc = x − mean
//   θ = xc·W = Σ_{k: x_ik = 1} W_k − mean·W,
//   ∂W = xcᵀ·g = Σ_{i: x_ik = 1} g_i − mean_kᵀ·Σ_i g_i,
// each a gather-sum of the rows a list of ones picks (W's rows per image,
// g's rows per pixel): ~6× fewer flops than the dense products, and one
// f32x4 loop serves both. Rows are added in increasing index from 0, each
// + rounded to float32, in WebAssembly SIMD on the workspace's memory, or a
// JavaScript loop with the same order. Images that are not exactly 0/1 take
// the dense products (`binary` is false).
import { assemble, simdAvailable, type WasmMemory } from '../../../src/wasm/wat.js';
import type { Workspace } from '../../../src/wasm/workspace.js';

/** rows(pm, pidx, count, pout, L): out[0, L) = Σ_t m[idx[t]·L …] (byte offsets; idx holds row indices). */
type RowsFn = (pm: number, pidx: number, count: number, pout: number, L: number) => void;
/** subScaled(py, px, a, n): y[0, n) −= a·x[0, n) (byte offsets). */
type SubScaledFn = (py: number, px: number, a: number, n: number) => void;
interface Kernels {
  rows: RowsFn;
  subScaled: SubScaledFn;
}

const MODULE = `(module
  (import "env" "memory" (memory 1))
  (func (export "rows") (param $pm i32) (param $pidx i32) (param $count i32) (param $pout i32) (param $L i32)
    (local $j i32) (local $t i32) (local $acc v128) (local $s f32) (local $rowBytes i32) (local $col i32)
    (local.set $rowBytes (i32.shl (local.get $L) (i32.const 2)))
    ;; 4 columns at a time: the accumulator stays in a register over the whole list.
    (block $wide (loop $w
      (br_if $wide (i32.gt_u (i32.add (local.get $j) (i32.const 4)) (local.get $L)))
      (local.set $col (i32.add (local.get $pm) (i32.shl (local.get $j) (i32.const 2))))
      (local.set $acc (v128.const f32x4 0 0 0 0))
      (local.set $t (i32.const 0))
      (block $done (loop $l
        (br_if $done (i32.ge_u (local.get $t) (local.get $count)))
        (local.set $acc (f32x4.add (local.get $acc)
          (v128.load (i32.add (local.get $col)
            (i32.mul (i32.load (i32.add (local.get $pidx) (i32.shl (local.get $t) (i32.const 2)))) (local.get $rowBytes))))))
        (local.set $t (i32.add (local.get $t) (i32.const 1)))
        (br $l)))
      (v128.store (i32.add (local.get $pout) (i32.shl (local.get $j) (i32.const 2))) (local.get $acc))
      (local.set $j (i32.add (local.get $j) (i32.const 4)))
      (br $w)))
    (block $tail (loop $o
      (br_if $tail (i32.ge_u (local.get $j) (local.get $L)))
      (local.set $col (i32.add (local.get $pm) (i32.shl (local.get $j) (i32.const 2))))
      (local.set $s (f32.const 0))
      (local.set $t (i32.const 0))
      (block $done1 (loop $l1
        (br_if $done1 (i32.ge_u (local.get $t) (local.get $count)))
        (local.set $s (f32.add (local.get $s)
          (f32.load (i32.add (local.get $col)
            (i32.mul (i32.load (i32.add (local.get $pidx) (i32.shl (local.get $t) (i32.const 2)))) (local.get $rowBytes))))))
        (local.set $t (i32.add (local.get $t) (i32.const 1)))
        (br $l1)))
      (f32.store (i32.add (local.get $pout) (i32.shl (local.get $j) (i32.const 2))) (local.get $s))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br $o))))
  ;; y[0, n) −= a·x[0, n), each × and − rounded to float32.
  (func (export "subScaled") (param $py i32) (param $px i32) (param $a f32) (param $n i32)
    (local $j i32) (local $av v128) (local $p i32) (local $q i32)
    (local.set $av (f32x4.splat (local.get $a)))
    (block $wide (loop $w
      (br_if $wide (i32.gt_u (i32.add (local.get $j) (i32.const 4)) (local.get $n)))
      (local.set $p (i32.add (local.get $py) (i32.shl (local.get $j) (i32.const 2))))
      (local.set $q (i32.add (local.get $px) (i32.shl (local.get $j) (i32.const 2))))
      (v128.store (local.get $p) (f32x4.sub (v128.load (local.get $p)) (f32x4.mul (local.get $av) (v128.load (local.get $q)))))
      (local.set $j (i32.add (local.get $j) (i32.const 4)))
      (br $w)))
    (block $tail (loop $o
      (br_if $tail (i32.ge_u (local.get $j) (local.get $n)))
      (local.set $p (i32.add (local.get $py) (i32.shl (local.get $j) (i32.const 2))))
      (local.set $q (i32.add (local.get $px) (i32.shl (local.get $j) (i32.const 2))))
      (f32.store (local.get $p) (f32.sub (f32.load (local.get $p)) (f32.mul (local.get $a) (f32.load (local.get $q)))))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br $o))))
)`;

const instances = new WeakMap<WasmMemory, Kernels>();
function kernelsOn(memory: WasmMemory): Kernels {
  let k = instances.get(memory);
  if (!k) instances.set(memory, (k = assemble(MODULE, { env: { memory } }) as unknown as Kernels));
  return k;
}

const f = Math.fround;

/** The lists of ones of a batch [B, P] of images, by image and by pixel, and the products through them. */
export class BinaryProducts {
  /** Whether the last `index` found every pixel exactly 0 or 1 (else the caller takes the dense products). */
  binary = false;
  private readonly kernels: Kernels | undefined;
  /** Pixels of each image's ones, image by image, and where each image's list starts (B + 1 entries). */
  private readonly byImage: Int32Array;
  private readonly imageStart: Int32Array;
  /** Images of each pixel's ones, pixel by pixel, and where each pixel's list starts (P + 1 entries). */
  private readonly byPixel: Int32Array;
  private readonly pixelStart: Int32Array;
  private readonly next: Int32Array;
  /** mean·W [L] and Σ_i g_i [L]. */
  private readonly meanW: Float32Array;
  private readonly colSum: Float32Array;

  /** Workspace entries the constructor takes, for sizing a workspace. */
  static floats(B: number, P: number, L: number): number {
    const lanes = (n: number) => Math.ceil(n / 4) * 4;
    return 2 * lanes(B * P) + lanes(B + 1) + lanes(P + 1) + 2 * lanes(L);
  }

  /** `simd: false` takes the JavaScript loop (tests; the fallback without SIMD). */
  constructor(
    private readonly ws: Workspace,
    readonly B: number,
    readonly P: number,
    readonly L: number,
    { simd = simdAvailable }: { simd?: boolean } = {},
  ) {
    const ints = (n: number) => {
      const view = ws.alloc(n);
      return new Int32Array(view.buffer, view.byteOffset, n);
    };
    this.byImage = ints(B * P);
    this.imageStart = ints(B + 1);
    this.byPixel = ints(B * P);
    this.pixelStart = ints(P + 1);
    this.next = new Int32Array(P);
    this.meanW = ws.alloc(L);
    this.colSum = ws.alloc(L);
    this.kernels = simd && ws.memory ? kernelsOn(ws.memory) : undefined;
  }

  /** Build both lists from x [B, P]; sets and returns `binary`. */
  index(x: Float32Array): boolean {
    const { B, P, byImage, imageStart, byPixel, pixelStart } = this;
    let n = 0;
    for (let i = 0; i < B; i++) {
      imageStart[i] = n;
      for (let k = 0, o = i * P; k < P; k++) {
        const v = x[o + k];
        if (v === 1) byImage[n++] = k;
        else if (v !== 0) return (this.binary = false);
      }
    }
    imageStart[B] = n;
    // Counting sort by pixel: images come out in increasing order within each pixel.
    pixelStart.fill(0);
    for (let t = 0; t < n; t++) pixelStart[byImage[t] + 1]++;
    for (let k = 0; k < P; k++) pixelStart[k + 1] += pixelStart[k];
    const next = this.next;
    next.set(pixelStart.subarray(0, P));
    for (let i = 0; i < B; i++) for (let t = imageStart[i]; t < imageStart[i + 1]; t++) byPixel[next[byImage[t]]++] = i;
    return (this.binary = true);
  }

  /** θ [B, L] = xc·W for W [P, L] and the pixel means (as a [1, P] workspace array). */
  encode(W: Float32Array, mean: Float32Array, theta: Float32Array): void {
    const { B, P, L, meanW } = this;
    this.ws.mm(mean, W, meanW, 1, P, L);
    for (let i = 0; i < B; i++) {
      const out = theta.subarray(i * L, (i + 1) * L);
      this.sumRows(W, this.byImage, this.imageStart[i], this.imageStart[i + 1], out);
      this.subScaled(out, meanW, 1);
    }
  }

  /** out [P, L] = xcᵀ·g for g [B, L]. */
  encoderGradient(g: Float32Array, mean: Float32Array, out: Float32Array): void {
    const { B, P, L, colSum } = this;
    colSum.fill(0);
    for (let i = 0; i < B; i++) for (let j = 0; j < L; j++) colSum[j] = f(colSum[j] + g[i * L + j]);
    for (let k = 0; k < P; k++) {
      const row = out.subarray(k * L, (k + 1) * L);
      this.sumRows(g, this.byPixel, this.pixelStart[k], this.pixelStart[k + 1], row);
      this.subScaled(row, colSum, mean[k]);
    }
  }

  /** y −= a·x over L entries (a = 1: exactly y − x). */
  private subScaled(y: Float32Array, x: Float32Array, a: number): void {
    const L = this.L;
    if (this.kernels) {
      this.kernels.subScaled(y.byteOffset, x.byteOffset, a, L);
      return;
    }
    for (let j = 0; j < L; j++) y[j] = f(y[j] - f(a * x[j]));
  }

  /** out [L] = Σ_t m[list[t]] over list[from, to) (rows of L). */
  private sumRows(m: Float32Array, list: Int32Array, from: number, to: number, out: Float32Array): void {
    const L = this.L;
    if (this.kernels) {
      this.kernels.rows(m.byteOffset, list.byteOffset + 4 * from, to - from, out.byteOffset, L);
      return;
    }
    out.fill(0);
    for (let t = from; t < to; t++) {
      const o = list[t] * L;
      for (let j = 0; j < L; j++) out[j] = f(out[j] + m[o + j]);
    }
  }
}
