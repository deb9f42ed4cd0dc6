// A float32 matrix product C = A·B as WebAssembly SIMD (f32x4) text,
// assembled with src/wasm/wat.ts, running on the wasm backend's own memory.
// XNNPACK packs B on every call unless it has packed that very tensor
// before; weights that change every step therefore run at 4–8 GFLOP/s
// there. This kernel reads B's rows where they lie (no packing): an R×4V
// block of C is held in registers while k runs, each step loading V vectors
// of B's row k and splatting R scalars of A's column k; with fewer than R
// rows (a vector times a matrix) each row of C streams B's rows once front
// to back instead. A is addressed through two byte strides (row i, column k), so Aᵀ·B costs the same as A·B.
//
// Every output is Σ_k a_ik·b_kj summed from 0 in increasing k. With relaxed
// SIMD each step is one f32x4.relaxed_madd: a·b + c rounded once where the
// CPU fuses (wat.ts's fusedMultiplyAdd), × and + each rounded where it does
// not; without it, f32x4.mul then f32x4.add. Either way the result is the
// naive scalar loop of the same kind, whichever block an output falls in
// (the scalar columns use lane 0 of the same vector instruction).
import { assemble, madd, relaxedSimd, simdAvailable } from '../wasm/wat.js';
import type { WasmMemory } from './adamWasm.js';

/** mm(pa, pb, pc, M, K, N, ai, ak): byte offsets of A, B, C; A's byte strides over i and k. */
export type MatMulFn = (pa: number, pb: number, pc: number, M: number, K: number, N: number, ai: number, ak: number) => void;

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** An R-row × 4V-column block of C from B's rows k = 0 … K − 1 (nb: B's and C's row stride in bytes). */

function block(R: number, V: number, fma: boolean): string {
  const name = `$blk_${R}_${V}`;
  const rows = range(R);
  const vecs = range(V);
  const acc = (r: number, v: number) => `$c${r}_${v}`;
  return `
  (func ${name} (param $pa i32) (param $pb i32) (param $pc i32) (param $K i32) (param $nb i32) (param $ai i32) (param $ak i32)
    (local $end i32) (local $a v128)
    ${rows.map((r) => `(local $p${r} i32)`).join(' ')}
    ${vecs.map((v) => `(local $b${v} v128)`).join(' ')}
    ${rows.flatMap((r) => vecs.map((v) => `(local ${acc(r, v)} v128)`)).join(' ')}
    ${rows.map((r) => `(local.set $p${r} (i32.add (local.get $pa) (i32.mul (local.get $ai) (i32.const ${r}))))`).join('\n    ')}
    (local.set $end (i32.add (local.get $pb) (i32.mul (local.get $K) (local.get $nb))))
    (block $done
      (br_if $done (i32.eqz (local.get $K)))
      (loop $next
        ${vecs.map((v) => `(local.set $b${v} (v128.load offset=${16 * v} (local.get $pb)))`).join('\n        ')}
        ${rows
          .map(
            (r) => `(local.set $a (v128.load32_splat (local.get $p${r})))
        ${vecs.map((v) => `(local.set ${acc(r, v)} ${madd('(local.get $a)', `(local.get $b${v})`, `(local.get ${acc(r, v)})`, fma)})`).join('\n        ')}
        (local.set $p${r} (i32.add (local.get $p${r}) (local.get $ak)))`,
          )
          .join('\n        ')}
        (local.set $pb (i32.add (local.get $pb) (local.get $nb)))
        (br_if $next (i32.lt_u (local.get $pb) (local.get $end)))))
    ${rows
      .flatMap((r) => vecs.map((v) => `(v128.store offset=${16 * v} (i32.add (local.get $pc) (i32.mul (local.get $nb) (i32.const ${r}))) (local.get ${acc(r, v)}))`))
      .join('\n    ')})`;
}

/** One output (the last N mod 4 columns), in lane 0 of the blocks' instruction so that it rounds as they do. */
const cell = (fma: boolean) => `
  (func $cell (param $pa i32) (param $pb i32) (param $pc i32) (param $K i32) (param $nb i32) (param $ak i32)
    (local $k i32) (local $s v128)
    (block $done
      (br_if $done (i32.eqz (local.get $K)))
      (loop $next
        (local.set $s ${madd('(v128.load32_splat (local.get $pa))', '(v128.load32_splat (local.get $pb))', '(local.get $s)', fma)})
        (local.set $pa (i32.add (local.get $pa) (local.get $ak)))
        (local.set $pb (i32.add (local.get $pb) (local.get $nb)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br_if $next (i32.lt_u (local.get $k) (local.get $K)))))
    (f32.store (local.get $pc) (f32x4.extract_lane 0 (local.get $s))))`;

/**
 * Fewer rows than a block (a vector times a matrix): each row of C, zeroed,
 * takes a_ik·B_k for k in increasing order, B read once front to back (the
 * panels would read each of its rows in pieces, once per panel).
 */
const stream = (fma: boolean) => `
  (func $stream (param $pa i32) (param $pb i32) (param $pc i32) (param $M i32) (param $K i32) (param $N i32) (param $ai i32) (param $ak i32)
    (local $i i32) (local $k i32) (local $j i32) (local $nb i32) (local $n4 i32) (local $prow i32) (local $pak i32) (local $pbk i32) (local $at i32) (local $a v128)
    (local.set $nb (i32.shl (local.get $N) (i32.const 2)))
    (local.set $n4 (i32.and (local.get $N) (i32.const -4)))
    (block $rows_end (loop $rows
      (br_if $rows_end (i32.ge_u (local.get $i) (local.get $M)))
      (local.set $prow (i32.add (local.get $pc) (i32.mul (local.get $i) (local.get $nb))))
      (memory.fill (local.get $prow) (i32.const 0) (local.get $nb))
      (local.set $pak (i32.add (local.get $pa) (i32.mul (local.get $i) (local.get $ai))))
      (local.set $pbk (local.get $pb))
      (local.set $k (i32.const 0))
      (block $ks_end (loop $ks
        (br_if $ks_end (i32.ge_u (local.get $k) (local.get $K)))
        (local.set $a (v128.load32_splat (local.get $pak)))
        (local.set $j (i32.const 0))
        (block $vs_end (loop $vs
          (br_if $vs_end (i32.ge_u (local.get $j) (local.get $n4)))
          (local.set $at (i32.add (local.get $prow) (i32.shl (local.get $j) (i32.const 2))))
          (v128.store (local.get $at) ${madd('(local.get $a)', '(v128.load (i32.add (local.get $pbk) (i32.shl (local.get $j) (i32.const 2))))', '(v128.load (local.get $at))', fma)})
          (local.set $j (i32.add (local.get $j) (i32.const 4)))
          (br $vs)))
        (block $tail_end (loop $tail
          (br_if $tail_end (i32.ge_u (local.get $j) (local.get $N)))
          (local.set $at (i32.add (local.get $prow) (i32.shl (local.get $j) (i32.const 2))))
          (f32.store (local.get $at) (f32x4.extract_lane 0
            ${madd('(local.get $a)', '(v128.load32_splat (i32.add (local.get $pbk) (i32.shl (local.get $j) (i32.const 2))))', '(v128.load32_splat (local.get $at))', fma)}))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br $tail)))
        (local.set $pak (i32.add (local.get $pak) (local.get $ak)))
        (local.set $pbk (i32.add (local.get $pbk) (local.get $nb)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $ks)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $rows))))`;

/** Columns j … j + 4V − 1 of C, all rows: B's column panel (K × 4V) stays in L1 while A's rows stream past. */
function panel(R: number, V: number): string {
  const args = '(local.get $pa) (local.get $pb) (local.get $pc) (local.get $K) (local.get $nb) (local.get $ai) (local.get $ak)';
  return `
  (func $panel_${V} (param $pa i32) (param $pb i32) (param $pc i32) (param $M i32) (param $K i32) (param $nb i32) (param $ai i32) (param $ak i32)
    (local $i i32)
    (block $big (loop $b
      (br_if $big (i32.gt_u (i32.add (local.get $i) (i32.const ${R})) (local.get $M)))
      (call $blk_${R}_${V} ${args})
      (local.set $pa (i32.add (local.get $pa) (i32.mul (local.get $ai) (i32.const ${R}))))
      (local.set $pc (i32.add (local.get $pc) (i32.mul (local.get $nb) (i32.const ${R}))))
      (local.set $i (i32.add (local.get $i) (i32.const ${R})))
      (br $b)))
    (block $small (loop $s
      (br_if $small (i32.ge_u (local.get $i) (local.get $M)))
      (call $blk_1_${V} ${args})
      (local.set $pa (i32.add (local.get $pa) (local.get $ai)))
      (local.set $pc (i32.add (local.get $pc) (local.get $nb)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $s))))`;
}

/** The exported product: 4V-wide column panels, then 4-wide, then scalar columns. */
function product(R: number, V: number): string {
  const at = (base: string) => `(i32.add (local.get ${base}) (i32.shl (local.get $j) (i32.const 2)))`;
  const panelCall = (v: number) => `(call $panel_${v} (local.get $pa) ${at('$pb')} ${at('$pc')} (local.get $M) (local.get $K) (local.get $nb) (local.get $ai) (local.get $ak))`;
  return `
  (func (export "mm") (param $pa i32) (param $pb i32) (param $pc i32) (param $M i32) (param $K i32) (param $N i32) (param $ai i32) (param $ak i32)
    (local $j i32) (local $i i32) (local $nb i32)
    (local.set $nb (i32.shl (local.get $N) (i32.const 2)))
    (if (i32.lt_u (local.get $M) (i32.const ${R})) (then
      (call $stream (local.get $pa) (local.get $pb) (local.get $pc) (local.get $M) (local.get $K) (local.get $N) (local.get $ai) (local.get $ak))
      (return)))
    (block $wide (loop $w
      (br_if $wide (i32.gt_u (i32.add (local.get $j) (i32.const ${4 * V})) (local.get $N)))
      ${panelCall(V)}
      (local.set $j (i32.add (local.get $j) (i32.const ${4 * V})))
      (br $w)))
    (block $four (loop $f
      (br_if $four (i32.gt_u (i32.add (local.get $j) (i32.const 4)) (local.get $N)))
      ${panelCall(1)}
      (local.set $j (i32.add (local.get $j) (i32.const 4)))
      (br $f)))
    (block $one (loop $o
      (br_if $one (i32.ge_u (local.get $j) (local.get $N)))
      (local.set $i (i32.const 0))
      (block $none (loop $rows
        (br_if $none (i32.ge_u (local.get $i) (local.get $M)))
        (call $cell
          (i32.add (local.get $pa) (i32.mul (local.get $i) (local.get $ai)))
          ${at('$pb')}
          (i32.add ${at('$pc')} (i32.mul (local.get $i) (local.get $nb)))
          (local.get $K) (local.get $nb) (local.get $ak))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows)))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br $o))))`;
}

/** The module text for R-row, 4V-column register blocks; `fma`: each step one relaxed_madd. */
export function matMulWat(R: number, V: number, fma = false): string {
  const shapes = [...new Set([`${R}_${V}`, `${R}_1`, `1_${V}`, '1_1'])].map((t) => t.split('_').map(Number));
  return `(module
  (import "env" "memory" (memory 1))
  ${shapes.map(([r, v]) => block(r, v, fma)).join('\n')}
  ${cell(fma)}
  ${stream(fma)}
  ${[...new Set([V, 1])].map((v) => panel(R, v)).join('\n')}
  ${product(R, V)})`;
}

/** The blocking used: 4 × 8 (8 accumulators, 2 of B, 1 splat: within x64's 16 vector registers), best or near it on the VAE's shapes. */
export const BLOCK = { rows: 4, vectors: 2 };

const instances = new WeakMap<WasmMemory, MatMulFn | null>();

/** Whether the products use relaxed_madd here (relaxed SIMD present). */
export const MADD = relaxedSimd;

/** mm() bound to `memory` (the module imports it), or null where WebAssembly SIMD is unavailable; `fma` false keeps mul + add (tests). */
export function wasmMatMul(memory: WasmMemory, R = BLOCK.rows, V = BLOCK.vectors, fma = MADD): MatMulFn | null {
  const standard = R === BLOCK.rows && V === BLOCK.vectors && fma === MADD;
  const cached = standard ? instances.get(memory) : undefined;
  if (cached !== undefined) return cached;
  const fn = simdAvailable ? (assemble(matMulWat(R, V, fma), { env: { memory } }).mm as MatMulFn) : null;
  if (standard) instances.set(memory, fn);
  return fn;
}
