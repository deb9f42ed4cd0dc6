// Products with a dense 0/1 matrix (the latents b, ~50 % ones) by tables of
// subset sums, the "four Russians" way: cut the rows of M [K, N] into groups
// of four, tabulate for each group the 16 sums of its subsets of rows, and
// then every output row is one table entry per group — X's four bits there
// are the entry's index:
//   (X·M)_o = Σ_g T_g[code_g(X_o)],   T_g[c] = Σ_{q: bit q of c} M_{4g+q}.
// Building a table costs 15 row additions per group and each output row G
// (= K/4) more, against ~K/2 for the gather of binaryProducts.ts: at K = 200
// latents and a batch of 100, 4.1 M additions instead of 7.8 M. Xᵀ·M is the
// same with the groups taken down X's columns. Tables are built one column
// block at a time (32 columns: 2 KB a group, a few hundred KB in all) and
// every output row's block is summed in eight f32x4 accumulators. Within a
// table, rows enter in increasing order, T[c] = T[c without its top bit] +
// that row; each output adds the groups in increasing order from 0; every +
// is rounded to float32, and the JavaScript fallback does the same sums in
// the same order, so the two agree bit for bit. A matrix that is not exactly
// 0/1 is refused (`index` returns false) and the caller takes the dense
// product.
import { assemble, simdAvailable, type WasmMemory } from '../../../src/wasm/wat.js';
import type { Workspace } from '../../../src/wasm/workspace.js';

/**
 * sums(pm, K, pcodes, codeStride, codeStep, nOut, G, pout, N, alpha, pa,
 * aStride, psub, ptab), byte offsets and strides: tables of M [K, N]'s groups
 * at ptab, then for o < nOut
 * out[o] = alpha·Σ_{g < G} T_g[code(o, g)] − a[o·aStride]·sub,
 * code(o, g) the i32 at pcodes + o·codeStep + g·codeStride.
 */
type SumsFn = (pm: number, K: number, pcodes: number, codeStride: number, codeStep: number, nOut: number, G: number, pout: number, N: number, alpha: number, pa: number, aStride: number, psub: number, ptab: number) => void;

/**
 * codes(px, R, C, prow, pcol), byte offsets: X [R, C]'s row codes
 * [R, ⌈C/4⌉] (bit q of (i, g): X[i, 4g + q] = 1) at prow and column codes
 * [⌈R/4⌉, C] (bit q of (g, k): X[4g + q, k] = 1) at pcol; 0, or −1 when an
 * entry is neither 0 nor 1. A quad's row code is the bitmask of its ones.
 */
type CodesFn = (px: number, R: number, C: number, prow: number, pcol: number) => number;

/** Floats per column block of the wide loop, and per table entry there. */
const WIDE = 8;
const BLOCK = 4 * WIDE;

/** One column-block width: `width` f32x4 lanes per entry, or one f32 when scalar. */
function block(width: number, scalar: boolean): string {
  const step = scalar ? 1 : 4 * width;
  const shift = Math.log2(step * 4);
  const tag = scalar ? 's' : `w${width}`;
  const qs = Array.from({ length: scalar ? 1 : width }, (_, q) => q);
  const load = (at: string, q: number) => (scalar ? `(f32.load ${at})` : `(v128.load offset=${16 * q} ${at})`);
  const store = (at: string, q: number, v: string) => (scalar ? `(f32.store ${at} ${v})` : `(v128.store offset=${16 * q} ${at} ${v})`);
  const add = scalar ? 'f32.add' : 'f32x4.add';
  const zero = scalar ? '(f32.const 0)' : '(v128.const f32x4 0 0 0 0)';
  const accName = (q: number) => (scalar ? '$s' : `$acc${q}`);
  const result = (q: number) =>
    scalar
      ? `(f32.sub (f32.mul (local.get $alpha) (local.get $s)) (f32.mul (local.get $a) (f32.load (local.get $subAt))))`
      : `(f32x4.sub (f32x4.mul (local.get $alphaV) (local.get $acc${q})) (f32x4.mul (local.get $aV) (v128.load offset=${16 * q} (local.get $subAt))))`;
  return `
    (block $end_${tag} (loop $cols_${tag}
      (br_if $end_${tag} (i32.gt_u (i32.add (local.get $col) (i32.const ${step})) (local.get $N)))
      (local.set $colBytes (i32.shl (local.get $col) (i32.const 2)))
      (local.set $mCol (i32.add (local.get $pm) (local.get $colBytes)))
      (local.set $subAt (i32.add (local.get $psub) (local.get $colBytes)))
      ;; The tables of this block: T_g[0] = 0, T_g[c] = T_g[c without its top bit] + M[4g + top bit].
      (local.set $g (i32.const 0))
      (local.set $tg (local.get $ptab))
      (block $built_${tag} (loop $groups_${tag}
        (br_if $built_${tag} (i32.ge_u (local.get $g) (local.get $G)))
        ${qs.map((q) => store('(local.get $tg)', q, zero)).join(' ')}
        (local.set $c (i32.const 1))
        (block $entries_end_${tag} (loop $entries_${tag}
          (br_if $entries_end_${tag} (i32.ge_u (local.get $c) (i32.const 16)))
          (local.set $top (i32.sub (i32.const 31) (i32.clz (local.get $c))))
          (local.set $row (i32.add (i32.shl (local.get $g) (i32.const 2)) (local.get $top)))
          (if (i32.lt_u (local.get $row) (local.get $K)) (then
            (local.set $from (i32.add (local.get $tg)
              (i32.shl (i32.xor (local.get $c) (i32.shl (i32.const 1) (local.get $top))) (i32.const ${shift}))))
            (local.set $rowAt (i32.add (local.get $mCol) (i32.mul (local.get $row) (local.get $rowBytes))))
            (local.set $at (i32.add (local.get $tg) (i32.shl (local.get $c) (i32.const ${shift}))))
            ${qs.map((q) => store('(local.get $at)', q, `(${add} ${load('(local.get $from)', q)} ${load('(local.get $rowAt)', q)})`)).join('\n            ')}))
          (local.set $c (i32.add (local.get $c) (i32.const 1)))
          (br $entries_${tag})))
        (local.set $tg (i32.add (local.get $tg) (i32.const ${16 * step * 4})))
        (local.set $g (i32.add (local.get $g) (i32.const 1)))
        (br $groups_${tag})))
      ;; Every output row: one entry per group.
      (local.set $o (i32.const 0))
      (block $rows_end_${tag} (loop $rows_${tag}
        (br_if $rows_end_${tag} (i32.ge_u (local.get $o) (local.get $nOut)))
        ${qs.map((q) => `(local.set ${accName(q)} ${zero})`).join(' ')}
        (local.set $tg (local.get $ptab))
        (local.set $codeAt (i32.add (local.get $pcodes) (i32.mul (local.get $o) (local.get $codeStep))))
        (local.set $tEnd (i32.add (local.get $ptab) (i32.mul (local.get $G) (i32.const ${16 * step * 4}))))
        (block $sum_end_${tag} (loop $sum_${tag}
          (br_if $sum_end_${tag} (i32.ge_u (local.get $tg) (local.get $tEnd)))
          (local.set $at (i32.add (local.get $tg) (i32.shl (i32.load (local.get $codeAt)) (i32.const ${shift}))))
          ${qs.map((q) => `(local.set ${accName(q)} (${add} (local.get ${accName(q)}) ${load('(local.get $at)', q)}))`).join('\n          ')}
          (local.set $tg (i32.add (local.get $tg) (i32.const ${16 * step * 4})))
          (local.set $codeAt (i32.add (local.get $codeAt) (local.get $codeStride)))
          (br $sum_${tag})))
        (local.set $a (f32.load (i32.add (local.get $pa) (i32.mul (local.get $o) (local.get $aStride)))))
        ${scalar ? '' : '(local.set $aV (f32x4.splat (local.get $a)))'}
        (local.set $outAt (i32.add (i32.add (local.get $pout) (i32.mul (local.get $o) (local.get $rowBytes))) (local.get $colBytes)))
        ${qs.map((q) => store('(local.get $outAt)', q, result(q))).join('\n        ')}
        (local.set $o (i32.add (local.get $o) (i32.const 1)))
        (br $rows_${tag})))
      (local.set $col (i32.add (local.get $col) (i32.const ${step})))
      (br $cols_${tag})))`;
}


const isOne = (v: string) => `(f32x4.eq ${v} (f32x4.splat (f32.const 1)))`;
// v(v − 1) ≠ 0: neither 0 nor 1 (NaN included).
const notBinary = (v: string) => `(f32x4.ne (f32x4.mul ${v} (f32x4.sub ${v} (f32x4.splat (f32.const 1)))) (v128.const f32x4 0 0 0 0))`;
const CODES = `
  (func (export "codes") (param $px i32) (param $R i32) (param $C i32) (param $prow i32) (param $pcol i32) (result i32)
    (local $i i32) (local $k i32) (local $at i32) (local $v v128) (local $bad v128) (local $x f32) (local $badS i32)
    (local $code i32) (local $g i32) (local $q i32) (local $rows i32) (local $lanes v128) (local $colAt i32)
    ;; Row codes, and the check: a quad's code is the bitmask of its ones; the tail's bits one by one.
    (local.set $at (local.get $px))
    (block $rows_end (loop $rows
      (br_if $rows_end (i32.ge_u (local.get $i) (local.get $R)))
      (local.set $k (i32.const 0))
      (block $quads_end (loop $quads
        (br_if $quads_end (i32.gt_u (i32.add (local.get $k) (i32.const 4)) (local.get $C)))
        (local.set $v (v128.load (local.get $at)))
        (local.set $bad (v128.or (local.get $bad) ${notBinary('(local.get $v)')}))
        (i32.store (local.get $prow) (i32x4.bitmask ${isOne('(local.get $v)')}))
        (local.set $prow (i32.add (local.get $prow) (i32.const 4)))
        (local.set $at (i32.add (local.get $at) (i32.const 16)))
        (local.set $k (i32.add (local.get $k) (i32.const 4)))
        (br $quads)))
      (if (i32.lt_u (local.get $k) (local.get $C)) (then
        (local.set $code (i32.const 0))
        (local.set $q (i32.const 0))
        (block $tail_end (loop $tail
          (br_if $tail_end (i32.ge_u (i32.add (local.get $k) (local.get $q)) (local.get $C)))
          (local.set $x (f32.load (local.get $at)))
          (local.set $badS (i32.or (local.get $badS) (f32.ne (f32.mul (local.get $x) (f32.sub (local.get $x) (f32.const 1))) (f32.const 0))))
          (local.set $code (i32.or (local.get $code) (i32.shl (f32.eq (local.get $x) (f32.const 1)) (local.get $q))))
          (local.set $at (i32.add (local.get $at) (i32.const 4)))
          (local.set $q (i32.add (local.get $q) (i32.const 1)))
          (br $tail)))
        (i32.store (local.get $prow) (local.get $code))
        (local.set $prow (i32.add (local.get $prow) (i32.const 4)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $rows)))
    ;; Column codes: four rows at a time, four columns to a vector; bit q from row 4g + q.
    (block $groups_end (loop $groups
      (br_if $groups_end (i32.ge_u (i32.shl (local.get $g) (i32.const 2)) (local.get $R)))
      (local.set $rows (i32.sub (local.get $R) (i32.shl (local.get $g) (i32.const 2))))
      (local.set $k (i32.const 0))
      (block $cols_end (loop $cols
        (br_if $cols_end (i32.gt_u (i32.add (local.get $k) (i32.const 4)) (local.get $C)))
        (local.set $lanes (v128.const i32x4 0 0 0 0))
        (local.set $q (i32.const 0))
        (block $bits_end (loop $bits
          (br_if $bits_end (i32.ge_u (local.get $q) (select (i32.const 4) (local.get $rows) (i32.gt_u (local.get $rows) (i32.const 4)))))
          (local.set $at (i32.add (local.get $px) (i32.shl
            (i32.add (i32.mul (i32.add (i32.shl (local.get $g) (i32.const 2)) (local.get $q)) (local.get $C)) (local.get $k)) (i32.const 2))))
          (local.set $lanes (v128.or (local.get $lanes)
            (v128.and ${isOne('(v128.load (local.get $at))')} (i32x4.splat (i32.shl (i32.const 1) (local.get $q))))))
          (local.set $q (i32.add (local.get $q) (i32.const 1)))
          (br $bits)))
        (v128.store (local.get $pcol) (local.get $lanes))
        (local.set $pcol (i32.add (local.get $pcol) (i32.const 16)))
        (local.set $k (i32.add (local.get $k) (i32.const 4)))
        (br $cols)))
      (block $ctail_end (loop $ctail
        (br_if $ctail_end (i32.ge_u (local.get $k) (local.get $C)))
        (local.set $code (i32.const 0))
        (local.set $q (i32.const 0))
        (block $cbits_end (loop $cbits
          (br_if $cbits_end (i32.ge_u (local.get $q) (select (i32.const 4) (local.get $rows) (i32.gt_u (local.get $rows) (i32.const 4)))))
          (local.set $at (i32.add (local.get $px) (i32.shl
            (i32.add (i32.mul (i32.add (i32.shl (local.get $g) (i32.const 2)) (local.get $q)) (local.get $C)) (local.get $k)) (i32.const 2))))
          (local.set $code (i32.or (local.get $code) (i32.shl (f32.eq (f32.load (local.get $at)) (f32.const 1)) (local.get $q))))
          (local.set $q (i32.add (local.get $q) (i32.const 1)))
          (br $cbits)))
        (i32.store (local.get $pcol) (local.get $code))
        (local.set $pcol (i32.add (local.get $pcol) (i32.const 4)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $ctail)))
      (local.set $g (i32.add (local.get $g) (i32.const 1)))
      (br $groups)))
    (select (i32.const -1) (i32.const 0) (i32.or (v128.any_true (local.get $bad)) (local.get $badS))))`;

const MODULE = `(module
  (import "env" "memory" (memory 1))
  (func (export "sums") (param $pm i32) (param $K i32) (param $pcodes i32) (param $codeStride i32) (param $codeStep i32)
      (param $nOut i32) (param $G i32) (param $pout i32)
      (param $N i32) (param $alpha f32) (param $pa i32) (param $aStride i32) (param $psub i32) (param $ptab i32)
    (local $col i32) (local $colBytes i32) (local $mCol i32) (local $subAt i32) (local $rowBytes i32)
    (local $g i32) (local $tg i32) (local $c i32) (local $top i32) (local $row i32) (local $from i32) (local $rowAt i32) (local $at i32)
    (local $o i32) (local $codeAt i32) (local $tEnd i32) (local $outAt i32)
    (local $a f32) (local $s f32) (local $alphaV v128) (local $aV v128)
    ${Array.from({ length: WIDE }, (_, q) => `(local $acc${q} v128)`).join(' ')}
    (local.set $rowBytes (i32.shl (local.get $N) (i32.const 2)))
    (local.set $alphaV (f32x4.splat (local.get $alpha)))
    ${block(WIDE, false)}
    ${block(1, false)}
    ${block(1, true)})
  ${CODES})`;

interface Kernels {
  sums: SumsFn;
  codes: CodesFn;
}

const instances = new WeakMap<WasmMemory, Kernels>();
function kernelsOn(memory: WasmMemory): Kernels {
  let k = instances.get(memory);
  if (!k) {
    const exports = assemble(MODULE, { env: { memory } });
    instances.set(memory, (k = { sums: exports.sums as SumsFn, codes: exports.codes as CodesFn }));
  }
  return k;
}

const f = Math.fround;
const groups = (n: number) => Math.ceil(n / 4);

/** X [R, C] (0/1) as 4-bit codes of its rows' groups of columns, and of its columns' groups of rows; X·M and Xᵀ·G through tables of subset sums. */
export class SubsetSums {
  /** Whether the last `index` found every entry exactly 0 or 1 (else the caller takes the dense product). */
  binary = false;
  private readonly kernels: Kernels | undefined;
  private readonly memory: WasmMemory | undefined;
  /** Row codes [R, ⌈C/4⌉]: bit q of (i, g) is X[i, 4g + q]; column codes [⌈R/4⌉, C]: bit q of (g, k) is X[4g + q, k]. */
  private readonly rowCodes: Int32Array;
  private readonly colCodes: Int32Array;
  /** The tables of one column block (the widest: 32 columns) for the larger group count. */
  private readonly tables: Float32Array;
  private readonly one: Float32Array;

  /** Workspace entries the constructor takes, for sizing a workspace. */
  static floats(R: number, C: number): number {
    const lanes = (n: number) => Math.ceil(n / 4) * 4;
    return lanes(R * groups(C)) + lanes(C * groups(R)) + 16 * BLOCK * Math.max(groups(R), groups(C)) + 4;
  }

  /** `simd: false` takes the JavaScript loops (tests; the fallback without SIMD). */
  constructor(
    ws: Workspace,
    readonly R: number,
    readonly C: number,
    { simd = simdAvailable }: { simd?: boolean } = {},
  ) {
    const ints = (n: number) => ws.allocInts(n);
    this.rowCodes = ints(R * groups(C));
    this.colCodes = ints(C * groups(R));
    this.tables = ws.alloc(16 * BLOCK * Math.max(groups(R), groups(C)));
    this.one = ws.alloc(1);
    this.one[0] = 1;
    this.memory = ws.memory;
    this.kernels = simd && ws.memory ? kernelsOn(ws.memory) : undefined;
  }

  /** Both sets of codes from X [R, C]; sets and returns `binary`. */
  index(X: Float32Array): boolean {
    const { R, C, rowCodes, colCodes } = this;
    if (X.length < R * C) throw new Error(`SubsetSums: ${X.length} entries, built for ${R} × ${C}`);
    if (this.kernels && X.buffer === this.memory!.buffer) {
      return (this.binary = this.kernels.codes(X.byteOffset, R, C, rowCodes.byteOffset, colCodes.byteOffset) === 0);
    }
    const GC = groups(C);
    rowCodes.fill(0);
    colCodes.fill(0);
    let other = 0;
    // Without branches on the values: the bits fall at random, so a branch would mispredict half the time.
    for (let i = 0; i < R; i++) {
      const o = i * C;
      const rowAt = i * GC;
      const colAt = (i >> 2) * C;
      const bit = i & 3;
      for (let k = 0; k < C; k++) {
        const v = X[o + k];
        const one = +(v === 1);
        other |= +(v * (v - 1) !== 0);
        rowCodes[rowAt + (k >> 2)] |= one << (k & 3);
        colCodes[colAt + k] |= one << bit;
      }
    }
    return (this.binary = !other);
  }

  /** out [R, N] = α·X·M − a ⊗ sub for M [C, N] and sub [N]; a is one number (a workspace array's first entry, aStride 0) or per row [R]. */
  times(M: Float32Array, out: Float32Array, N: number, alpha: number, sub: Float32Array, a: Float32Array = this.one, aStride = 0): void {
    const G = groups(this.C);
    this.sums(M, this.C, this.rowCodes, 1, G, this.R, G, out, N, alpha, sub, a, aStride);
  }

  /** out [C, N] = α·Xᵀ·G − a ⊗ sub for G [R, N] and sub [N]; a as in `times` (per column [C]). */
  transposeTimes(G: Float32Array, out: Float32Array, N: number, alpha: number, sub: Float32Array, a: Float32Array = this.one, aStride = 0): void {
    this.sums(G, this.R, this.colCodes, this.C, 1, this.C, groups(this.R), out, N, alpha, sub, a, aStride);
  }

  /** codes(o, g) = codes[o·step + g·stride]. */
  private sums(m: Float32Array, K: number, codes: Int32Array, stride: number, step: number, nOut: number, G: number, out: Float32Array, N: number, alpha: number, sub: Float32Array, a: Float32Array, aStride: number): void {
    if (!this.binary) throw new Error('SubsetSums: the last matrix indexed was not 0/1');
    if (this.kernels) {
      this.kernels.sums(m.byteOffset, K, codes.byteOffset, 4 * stride, 4 * step, nOut, G, out.byteOffset, N, alpha, a.byteOffset, 4 * aStride, sub.byteOffset, this.tables.byteOffset);
      return;
    }
    // The kernel's sums in its order, one column at a time (a table entry per subset and group).
    const al = f(alpha);
    const T = this.tables;
    for (let j = 0; j < N; j++) {
      for (let g = 0; g < G; g++) {
        T[16 * g] = 0;
        for (let c = 1; c < 16; c++) {
          const top = 31 - Math.clz32(c);
          const row = 4 * g + top;
          if (row < K) T[16 * g + c] = f(T[16 * g + (c ^ (1 << top))] + m[row * N + j]);
        }
      }
      for (let o = 0; o < nOut; o++) {
        let s = 0;
        for (let g = 0; g < G; g++) s = f(s + T[16 * g + codes[o * step + g * stride]]);
        out[o * N + j] = f(f(al * s) - f(a[o * aStride] * sub[j]));
      }
    }
  }
}
