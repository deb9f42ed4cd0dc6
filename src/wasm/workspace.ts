// Float32 arrays laid out once in one WebAssembly memory, for steps written
// out on arrays (the VAE's): a product of two of them runs as the unpacked
// SIMD kernel of src/tf/matMulWasm.ts on the arrays where they lie, with no
// tensors, no copies and no allocation per step. The capacity is fixed at
// construction (growing a memory would detach the views already handed
// out); a second region of the same size holds the transposes of mmT, which
// never need more than the operands they come from. Without WebAssembly SIMD
// the arrays live in a plain buffer and the products are JavaScript loops
// with the kernel's order of operations: the same bits where the kernel's
// multiply-add is not fused (matMulWasm.ts), within float32 rounding where it is.
import { newMemory, simdAvailable, type WasmMemory } from './wat.js';
import { wasmMatMul, type MatMulFn } from '../tf/matMulWasm.js';
import { transpose, transposeKernel } from './transpose.js';

const PAGE = 65536;
const f = Math.fround;

/** Float32 entries rounded up to whole 16-byte (4-float) lanes. */
const lanes = (n: number) => Math.ceil(n / 4) * 4;

export class Workspace {
  private readonly buffer: ArrayBuffer;
  private readonly kernel: MatMulFn | null;
  private readonly transposeBlocks?: ReturnType<typeof transposeKernel>;
  private readonly wasmMemory?: WasmMemory;
  /** Next free float of the arrays' region, and where the scratch region starts. */
  private top = 0;
  private readonly scratchAt: number;

  /** Room for `floats` float32 entries (each alloc rounds up to a whole lane); `simd: false` takes the JavaScript loops (tests). */
  constructor(
    readonly floats: number,
    { simd = simdAvailable }: { simd?: boolean } = {},
  ) {
    this.scratchAt = lanes(floats);
    const bytes = 2 * this.scratchAt * 4;
    if (simd) {
      // Pages of a wasm memory are committed only when touched, so the scratch region costs nothing until used.
      const memory = newMemory(Math.max(1, Math.ceil(bytes / PAGE)));
      this.wasmMemory = memory;
      this.buffer = memory.buffer;
      this.kernel = wasmMatMul(memory);
      this.transposeBlocks = this.kernel ? transposeKernel(memory) : undefined;
    } else {
      this.buffer = new ArrayBuffer(bytes);
      this.kernel = null;
    }
  }

  /** n float32 entries, 16-byte aligned and zeroed, valid for the workspace's life. */
  alloc(n: number): Float32Array {
    if (!Number.isInteger(n) || n < 0) throw new Error(`Workspace.alloc: ${n} is not a count of entries`);
    if (this.top + n > this.scratchAt) throw new Error(`Workspace.alloc: ${n} more entries do not fit (${this.top} of ${this.floats} in use)`);
    const view = new Float32Array(this.buffer, this.top * 4, n);
    this.top += lanes(n);
    return view;
  }

  /** n int32 entries (lists, codes) laid out as alloc's floats. */
  allocInts(n: number): Int32Array {
    const view = this.alloc(n);
    return new Int32Array(view.buffer, view.byteOffset, n);
  }

  /** The WebAssembly memory the arrays lie in, for other SIMD modules to run on them in place (by byteOffset); undefined without SIMD. Never grow it. */
  get memory(): WasmMemory | undefined {
    return this.wasmMemory;
  }

  /** Entries handed out so far (lane-rounded): what a caller sizing a workspace needs. */
  get used(): number {
    return this.top;
  }

  /** c = a·b with a [M, K] (or aᵀ·b with transposeA, a [K, M]), b [K, N], c [M, N], all row-major views of this workspace. */
  mm(a: Float32Array, b: Float32Array, c: Float32Array, M: number, K: number, N: number, transposeA = false): void {
    this.check(a, M * K, 'a');
    this.check(b, K * N, 'b');
    this.check(c, M * N, 'c');
    // A's element (i, k) as a float index: row stride and column stride.
    const [ai, ak] = transposeA ? [1, M] : [K, 1];
    if (this.kernel) {
      this.kernel(a.byteOffset, b.byteOffset, c.byteOffset, M, K, N, 4 * ai, 4 * ak);
      return;
    }
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) {
        let acc = 0;
        for (let k = 0; k < K; k++) acc = f(acc + f(a[i * ai + k * ak] * b[k * N + j]));
        c[i * N + j] = acc;
      }
    }
  }

  /**
   * c = a·bᵀ with a [M, K], b [N, K], c [M, N]: as (b·aᵀ)ᵀ, transposing the
   * operands a and cᵀ (M·K + M·N entries) instead of b, so that a fixed b
   * (weights [N, K]) is never copied. Same sums, same order: the same bits.
   */
  mmT(a: Float32Array, b: Float32Array, c: Float32Array, M: number, K: number, N: number): void {
    this.check(a, M * K, 'a');
    this.check(b, N * K, 'b');
    this.check(c, M * N, 'c');
    const aT = new Float32Array(this.buffer, this.scratchAt * 4, M * K);
    const cT = new Float32Array(this.buffer, (this.scratchAt + lanes(M * K)) * 4, N * M);
    this.transpose(a, aT, M, K);
    this.mm(b, aT, cT, N, K, M);
    this.transpose(cT, c, N, M);
  }

  /** out [cols, rows] = xᵀ for x [rows, cols], both arrays of this workspace (SIMD 4 × 4 blocks where it has them). */
  transpose(x: Float32Array, out: Float32Array, rows: number, cols: number): void {
    this.check(x, rows * cols, 'x');
    this.check(out, rows * cols, 'out');
    transpose(x, out, rows, cols, this.transposeBlocks);
  }

  private check(x: Float32Array, n: number, name: string): void {
    if (x.buffer !== this.buffer) throw new Error(`Workspace: operand ${name} is not an array of this workspace`);
    if (x.length < n) throw new Error(`Workspace: operand ${name} has ${x.length} entries, the product needs ${n}`);
  }
}
