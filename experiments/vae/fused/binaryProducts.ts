// Products with sparse 0/1 matrices as sums of rows. A 0/1 matrix X [R, C]
// (a batch of binarised MNIST images, ~13–20 % ones) times a dense M is a
// gather-sum of the rows X's ones pick, and the centred or signed forms the
// step needs are one subtraction more (the latents b, ~50 % ones, take the
// tables of subset sums of subsetSums.ts instead, behind the same BinaryMatrix):
//   θ = (x − mean)·W = Σ_{k: x_ik = 1} W_k − mean·W,
//   ∂W = (x − mean)ᵀ·g = Σ_{i: x_ik = 1} g_i − mean_k Σ_i g_i,
//   (2b − 1)·D = 2 Σ_{j: b_ij = 1} D_j − Σ_j D_j,
//   (−(2b − 1)/B)ᵀ·r = −(2/B) Σ_{i: b_ij = 1} r_i + (1/B) Σ_i r_i.
// So every output row is out_o = α·Σ_t M[list_o[t]] − a_o·sub, which one
// WebAssembly call computes for all rows, 32 columns at a time (eight f32x4
// accumulators in registers: each gathered row is read as whole cache lines;
// column blocks outermost, so a block of M stays in L1 while every row gathers from it).
// Rows are added in increasing index from 0, each + rounded to float32; a
// JavaScript loop with the same order is the fallback without SIMD. A matrix
// that is not exactly 0/1 is refused (`index` returns false) and the caller
// takes the dense product.
import { assemble, simdAvailable, type WasmMemory } from '../../../src/wasm/wat.js';
import type { Workspace } from '../../../src/wasm/workspace.js';

/**
 * gather(pm, pidx, pstart, nOut, pout, N, alpha, pa, aStride, psub), byte offsets:
 * for o < nOut, out[o] = alpha·Σ_{t ∈ [start[o], start[o+1])} m[idx[t]] − a[o·aStride]·sub, rows of N.
 */
type GatherFn = (pm: number, pidx: number, pstart: number, nOut: number, pout: number, N: number, alpha: number, pa: number, aStride: number, psub: number) => void;

/**
 * ones(px, R, C, plist, pstart), byte offsets: the columns of X's ones row by
 * row into list, each row's first position into start (R + 1 entries); the
 * count, or −1 when an entry is neither 0 nor 1. Four entries at a time:
 * their ones as a bitmask, each column stored and the count advanced by its
 * bit, so no branch depends on the values.
 */
type OnesFn = (px: number, R: number, C: number, plist: number, pstart: number) => number;
interface Kernels {
  gather: GatherFn;
  ones: OnesFn;
}

const listEnd = '(i32.add (local.get $plist) (i32.shl (local.get $n) (i32.const 2)))';
const ONES = `
  (func (export "ones") (param $px i32) (param $R i32) (param $C i32) (param $plist i32) (param $pstart i32) (result i32)
    (local $i i32) (local $k i32) (local $n i32) (local $m i32) (local $v v128) (local $bad v128) (local $x f32) (local $badS i32)
    (block $rows_end (loop $rows
      (br_if $rows_end (i32.ge_u (local.get $i) (local.get $R)))
      (i32.store (i32.add (local.get $pstart) (i32.shl (local.get $i) (i32.const 2))) (local.get $n))
      (local.set $k (i32.const 0))
      (block $quads_end (loop $quads
        (br_if $quads_end (i32.gt_u (i32.add (local.get $k) (i32.const 4)) (local.get $C)))
        (local.set $v (v128.load (local.get $px)))
        ;; v(v − 1) ≠ 0: neither 0 nor 1 (NaN included).
        (local.set $bad (v128.or (local.get $bad)
          (f32x4.ne (f32x4.mul (local.get $v) (f32x4.sub (local.get $v) (f32x4.splat (f32.const 1)))) (v128.const f32x4 0 0 0 0))))
        (local.set $m (i32x4.bitmask (f32x4.eq (local.get $v) (f32x4.splat (f32.const 1)))))
        ${[0, 1, 2, 3]
          .map(
            (q) => `(i32.store ${listEnd} (i32.add (local.get $k) (i32.const ${q})))
        (local.set $n (i32.add (local.get $n) (i32.and (i32.shr_u (local.get $m) (i32.const ${q})) (i32.const 1))))`,
          )
          .join('\n        ')}
        (local.set $px (i32.add (local.get $px) (i32.const 16)))
        (local.set $k (i32.add (local.get $k) (i32.const 4)))
        (br $quads)))
      (block $tail_end (loop $tail
        (br_if $tail_end (i32.ge_u (local.get $k) (local.get $C)))
        (local.set $x (f32.load (local.get $px)))
        (local.set $badS (i32.or (local.get $badS) (f32.ne (f32.mul (local.get $x) (f32.sub (local.get $x) (f32.const 1))) (f32.const 0))))
        (i32.store ${listEnd} (local.get $k))
        (local.set $n (i32.add (local.get $n) (f32.eq (local.get $x) (f32.const 1))))
        (local.set $px (i32.add (local.get $px) (i32.const 4)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $tail)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $rows)))
    (i32.store (i32.add (local.get $pstart) (i32.shl (local.get $R) (i32.const 2))) (local.get $n))
    (select (i32.const -1) (local.get $n) (i32.or (v128.any_true (local.get $bad)) (local.get $badS))))`;

const WIDE = 8;
const acc = (q: number) => `$acc${q}`;
/**
 * One column block width: for each block of columns, every output row in turn, so the block of M
 * (C rows of 32 columns: 26 KB for the decoder's D) stays in L1 while all rows gather from it.
 * `width` f32x4 accumulators, or one f32 lane when scalar.
 */
function block(width: number, scalar: boolean): string {
  const step = scalar ? 1 : 4 * width;
  const zero = scalar ? '(f32.const 0)' : '(v128.const f32x4 0 0 0 0)';
  const load = (q: number) => (scalar ? `(f32.load (local.get $row))` : `(v128.load offset=${16 * q} (local.get $row))`);
  const add = scalar ? 'f32.add' : 'f32x4.add';
  const qs = Array.from({ length: scalar ? 1 : width }, (_, q) => q);
  const name = (q: number) => (scalar ? '$s' : acc(q));
  const out = (q: number, v: string) =>
    scalar
      ? `(f32.store (local.get $outAt)
           (f32.sub (f32.mul (local.get $alpha) ${v}) (f32.mul (local.get $a) (f32.load (local.get $subAt)))))`
      : `(v128.store offset=${16 * q} (local.get $outAt)
           (f32x4.sub (f32x4.mul (local.get $alphaV) ${v}) (f32x4.mul (local.get $aV) (v128.load offset=${16 * q} (local.get $subAt)))))`;
  const tag = scalar ? 's' : `w${width}`;
  return `
    (block $end_${tag} (loop $cols_${tag}
      (br_if $end_${tag} (i32.gt_u (i32.add (local.get $col) (i32.const ${step})) (local.get $N)))
      (local.set $colBytes (i32.shl (local.get $col) (i32.const 2)))
      (local.set $mCol (i32.add (local.get $pm) (local.get $colBytes)))
      (local.set $subAt (i32.add (local.get $psub) (local.get $colBytes)))
      (local.set $o (i32.const 0))
      (block $rows_end_${tag} (loop $rows_${tag}
        (br_if $rows_end_${tag} (i32.ge_u (local.get $o) (local.get $nOut)))
        ${qs.map((q) => `(local.set ${name(q)} ${zero})`).join(' ')}
        (local.set $t (i32.load (i32.add (local.get $pstart) (i32.shl (local.get $o) (i32.const 2)))))
        (local.set $to (i32.load (i32.add (local.get $pstart) (i32.shl (i32.add (local.get $o) (i32.const 1)) (i32.const 2)))))
        (block $done_${tag} (loop $list_${tag}
          (br_if $done_${tag} (i32.ge_u (local.get $t) (local.get $to)))
          (local.set $row (i32.add (local.get $mCol)
            (i32.mul (i32.load (i32.add (local.get $pidx) (i32.shl (local.get $t) (i32.const 2)))) (local.get $rowBytes))))
          ${qs.map((q) => `(local.set ${name(q)} (${add} (local.get ${name(q)}) ${load(q)}))`).join('\n          ')}
          (local.set $t (i32.add (local.get $t) (i32.const 1)))
          (br $list_${tag})))
        (local.set $a (f32.load (i32.add (local.get $pa) (i32.mul (local.get $o) (local.get $aStride)))))
        ${scalar ? '' : '(local.set $aV (f32x4.splat (local.get $a)))'}
        (local.set $outAt (i32.add (i32.add (local.get $pout) (i32.mul (local.get $o) (local.get $rowBytes))) (local.get $colBytes)))
        ${qs.map((q) => out(q, `(local.get ${name(q)})`)).join('\n        ')}
        (local.set $o (i32.add (local.get $o) (i32.const 1)))
        (br $rows_${tag})))
      (local.set $col (i32.add (local.get $col) (i32.const ${step})))
      (br $cols_${tag})))`;
}

const MODULE = `(module
  (import "env" "memory" (memory 1))
  (func (export "gather") (param $pm i32) (param $pidx i32) (param $pstart i32) (param $nOut i32) (param $pout i32) (param $N i32)
      (param $alpha f32) (param $pa i32) (param $aStride i32) (param $psub i32)
    (local $o i32) (local $col i32) (local $t i32) (local $to i32) (local $row i32) (local $outAt i32) (local $rowBytes i32)
    (local $colBytes i32) (local $mCol i32) (local $subAt i32)
    (local $a f32) (local $s f32) (local $alphaV v128) (local $aV v128)
    ${Array.from({ length: WIDE }, (_, q) => `(local ${acc(q)} v128)`).join(' ')}
    (local.set $rowBytes (i32.shl (local.get $N) (i32.const 2)))
    (local.set $alphaV (f32x4.splat (local.get $alpha)))
    (local.set $col (i32.const 0))
    ${block(WIDE, false)}
    ${block(1, false)}
    ${block(1, true)})
  ${ONES})`;

const instances = new WeakMap<WasmMemory, Kernels>();
function kernelsOn(memory: WasmMemory): Kernels {
  let k = instances.get(memory);
  if (!k) {
    const exports = assemble(MODULE, { env: { memory } });
    instances.set(memory, (k = { gather: exports.gather as GatherFn, ones: exports.ones as OnesFn }));
  }
  return k;
}

const f = Math.fround;

/** A 0/1 matrix X [R, C] prepared for products with it: the lists of its ones (here) or its tables of subset sums (subsetSums.ts). */
export interface BinaryMatrix {
  /** Whether the last `index` found every entry exactly 0 or 1. */
  readonly binary: boolean;
  index(X: Float32Array): boolean;
  /** out [R, N] = α·X·M − a ⊗ sub for M [C, N]; a one number (aStride 0) or per row. */
  times(M: Float32Array, out: Float32Array, N: number, alpha: number, sub: Float32Array, a?: Float32Array, aStride?: number): void;
  /** out [C, N] = α·Xᵀ·G − a ⊗ sub for G [R, N]; a one number (aStride 0) or per column. */
  transposeTimes(G: Float32Array, out: Float32Array, N: number, alpha: number, sub: Float32Array, a?: Float32Array, aStride?: number): void;
}

/** The lists of ones of a 0/1 matrix X [R, C], by row and by column, and X·M, Xᵀ·G through them. */
export class OnesIndex implements BinaryMatrix {
  /** Whether the last `index` found every entry exactly 0 or 1 (else the caller takes the dense product). */
  binary = false;
  private readonly kernels: Kernels | undefined;
  private readonly memory: WasmMemory | undefined;
  /** Columns of each row's ones, row by row, and where each row's list starts (R + 1 entries). */
  private readonly byRow: Int32Array;
  private readonly rowStart: Int32Array;
  /** Rows of each column's ones, column by column, and where each column's list starts (C + 1 entries). */
  private readonly byCol: Int32Array;
  private readonly colStart: Int32Array;
  private readonly next: Int32Array;
  /** The constant a_o = 1, for out = α·Σ − sub. */
  private readonly one: Float32Array;

  /** Workspace entries the constructor takes, for sizing a workspace. */
  static floats(R: number, C: number): number {
    const lanes = (n: number) => Math.ceil(n / 4) * 4;
    return 2 * lanes(R * C) + lanes(R + 1) + lanes(C + 1) + 4;
  }

  /** `simd: false` takes the JavaScript loop (tests; the fallback without SIMD). */
  constructor(
    ws: Workspace,
    readonly R: number,
    readonly C: number,
    { simd = simdAvailable }: { simd?: boolean } = {},
  ) {
    const ints = (n: number) => ws.allocInts(n);
    this.byRow = ints(R * C);
    this.rowStart = ints(R + 1);
    this.byCol = ints(R * C);
    this.colStart = ints(C + 1);
    this.one = ws.alloc(1);
    this.one[0] = 1;
    this.next = new Int32Array(C);
    this.memory = ws.memory;
    this.kernels = simd && ws.memory ? kernelsOn(ws.memory) : undefined;
  }

  /** Build both lists from X [R, C]; sets and returns `binary`. */
  index(X: Float32Array): boolean {
    const { R, C, byRow, rowStart, byCol, colStart } = this;
    if (X.length < R * C) throw new Error(`OnesIndex: ${X.length} entries, the index is for ${R} × ${C}`);
    let n = 0;
    if (this.kernels && X.buffer === this.memory!.buffer) {
      n = this.kernels.ones(X.byteOffset, R, C, byRow.byteOffset, rowStart.byteOffset);
      if (n < 0) return (this.binary = false);
    } else {
      let other = 0;
      for (let i = 0; i < R; i++) {
        rowStart[i] = n;
        // Without branches on the value: the ones fall at random, so a branch would mispredict half the time.
        for (let k = 0, o = i * C; k < C; k++) {
          const v = X[o + k];
          byRow[n] = k;
          n += +(v === 1);
          other |= +(v * (v - 1) !== 0);
        }
      }
      if (other) return (this.binary = false);
      rowStart[R] = n;
    }
    // Counting sort by column: rows come out in increasing order within each column.
    colStart.fill(0);
    for (let t = 0; t < n; t++) colStart[byRow[t] + 1]++;
    for (let k = 0; k < C; k++) colStart[k + 1] += colStart[k];
    const next = this.next;
    next.set(colStart.subarray(0, C));
    for (let i = 0; i < R; i++) for (let t = rowStart[i]; t < rowStart[i + 1]; t++) byCol[next[byRow[t]]++] = i;
    return (this.binary = true);
  }

  /**
   * out [R, N] = α·X·M − a ⊗ sub for M [C, N] and sub [N]; a is one number
   * (a workspace array's first entry, aStride 0) or a per-row array [R].
   */
  times(M: Float32Array, out: Float32Array, N: number, alpha: number, sub: Float32Array, a: Float32Array = this.one, aStride = 0): void {
    this.sums(M, this.byRow, this.rowStart, this.R, out, N, alpha, sub, a, aStride);
  }

  /** out [C, N] = α·Xᵀ·G − a ⊗ sub for G [R, N] and sub [N]; a as in `times` (per column [C]). */
  transposeTimes(G: Float32Array, out: Float32Array, N: number, alpha: number, sub: Float32Array, a: Float32Array = this.one, aStride = 0): void {
    this.sums(G, this.byCol, this.colStart, this.C, out, N, alpha, sub, a, aStride);
  }

  private sums(m: Float32Array, list: Int32Array, start: Int32Array, nOut: number, out: Float32Array, N: number, alpha: number, sub: Float32Array, a: Float32Array, aStride: number): void {
    if (!this.binary) throw new Error('OnesIndex: the last matrix indexed was not 0/1');
    if (this.kernels) {
      this.kernels.gather(m.byteOffset, list.byteOffset, start.byteOffset, nOut, out.byteOffset, N, alpha, a.byteOffset, 4 * aStride, sub.byteOffset);
      return;
    }
    const al = f(alpha);
    for (let o = 0; o < nOut; o++) {
      const ao = a[o * aStride];
      const row = out.subarray(o * N, (o + 1) * N);
      row.fill(0);
      for (let t = start[o]; t < start[o + 1]; t++) {
        const from = list[t] * N;
        for (let j = 0; j < N; j++) row[j] = f(row[j] + m[from + j]);
      }
      for (let j = 0; j < N; j++) row[j] = f(f(al * row[j]) - f(ao * sub[j]));
    }
  }
}

/** The encoder's two products with binary images x [B, P] (xc = x − mean): θ = xc·W and ∂W = xcᵀ·g. */
export class BinaryProducts {
  readonly images: OnesIndex;
  /** mean·W [L] and Σ_i g_i [L]. */
  private readonly meanW: Float32Array;
  private readonly colSum: Float32Array;

  static floats(B: number, P: number, L: number): number {
    return OnesIndex.floats(B, P) + 2 * Math.ceil(L / 4) * 4;
  }

  constructor(
    private readonly ws: Workspace,
    readonly B: number,
    readonly P: number,
    readonly L: number,
    options: { simd?: boolean } = {},
  ) {
    this.images = new OnesIndex(ws, B, P, options);
    this.meanW = ws.alloc(L);
    this.colSum = ws.alloc(L);
  }

  get binary(): boolean {
    return this.images.binary;
  }

  /** Index the batch x [B, P]; whether it is binary. */
  index(x: Float32Array): boolean {
    return this.images.index(x);
  }

  /** θ [B, L] = xc·W for W [P, L] and the pixel means (as a [1, P] workspace array). */
  encode(W: Float32Array, mean: Float32Array, theta: Float32Array): void {
    const { P, L, meanW } = this;
    this.ws.mm(mean, W, meanW, 1, P, L);
    this.images.times(W, theta, L, 1, meanW);
  }

  /** out [P, L] = xcᵀ·g for g [B, L]. */
  encoderGradient(g: Float32Array, mean: Float32Array, out: Float32Array): void {
    const { B, L, colSum } = this;
    colSum.fill(0);
    for (let i = 0; i < B; i++) for (let j = 0; j < L; j++) colSum[j] = f(colSum[j] + g[i * L + j]);
    this.images.transposeTimes(g, out, L, 1, colSum, mean, 1);
  }
}
