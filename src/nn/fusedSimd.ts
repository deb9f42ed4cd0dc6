// The dense-layer loops of fusedKernels.ts as WebAssembly SIMD (f64x2) on
// arrays in the arena (fusedArena.ts). Each output keeps the JavaScript
// loop's order of operations, and f64x2 add and mul are IEEE like the
// scalar ones, so the results are the same bits: two rows per lane pair
// for the column sums (cols*), two inputs per lane pair for the weight
// gradient's sums over rows (dots*), even and odd rows in the two lanes
// where the JavaScript loop splits a sum that way (dot1). Addresses are
// byte addresses in the arena's memory; lengths are in elements.
import { assemble, simdAvailable } from '../wasm/wat.js';
import { arenaMemory } from './fusedArena.js';

const get = (name: string) => `(local.get $${name})`;
const add = (a: string, b: string) => `(i32.add ${a} ${b})`;
const range = (n: number) => Array.from({ length: n }, (_, q) => q);

/** out[r] += Σ_q w[q·stride] · x[q·rows + r] for r in [r0, rows): the sum left to right, then added to out. */
function cols(n: number): string {
  const qs = range(n);
  const sum = (type: string, term: (q: number) => string) => qs.slice(1).reduce((s, q) => `(${type}.add ${s} ${term(q)})`, term(0));
  const vectorTerm = (q: number) => `(f64x2.mul (local.get $v${q}) (v128.load ${add(get(`x${q}`), get('p'))}))`;
  const scalarTerm = (q: number) => `(f64.mul (f64x2.extract_lane 0 (local.get $v${q})) (f64.load ${add(get(`x${q}`), get('p'))}))`;
  return `
  (func (export "cols${n}") (param $out i32) (param $x0 i32) (param $rows i32) (param $w i32) (param $stride i32) (param $r0 i32)
    (local $p i32) (local $end i32) ${qs.slice(1).map((q) => `(local $x${q} i32)`).join(' ')} ${qs.map((q) => `(local $v${q} v128)`).join(' ')}
    ${qs.slice(1).map((q) => `(local.set $x${q} (i32.add (local.get $x${q - 1}) (i32.shl (local.get $rows) (i32.const 3))))`).join('\n    ')}
    ${qs.map((q) => `(local.set $v${q} (f64x2.splat (f64.load ${add(get('w'), `(i32.mul (local.get $stride) (i32.const ${q}))`)})))`).join('\n    ')}
    (local.set $p (i32.shl (local.get $r0) (i32.const 3)))
    (local.set $end (i32.shl (local.get $rows) (i32.const 3)))
    (block $done (loop $pairs
      (br_if $done (i32.gt_u (i32.add (local.get $p) (i32.const 16)) (local.get $end)))
      (v128.store ${add(get('out'), get('p'))} (f64x2.add (v128.load ${add(get('out'), get('p'))}) ${sum('f64x2', vectorTerm)}))
      (local.set $p (i32.add (local.get $p) (i32.const 16)))
      (br $pairs)))
    (if (i32.lt_u (local.get $p) (local.get $end)) (then
      (f64.store ${add(get('out'), get('p'))} (f64.add (f64.load ${add(get('out'), get('p'))}) ${sum('f64', scalarTerm)})))))`;
}

/**
 * dw[q·stride] += Σ_{r ≥ r0} x[q·rows + r] · g[r] for q < n, each sum in order of r from 0:
 * inputs 2m and 2m+1 in the lanes of one accumulator.
 */
function dots(n: number): string {
  const pairs = range(n / 2);
  const qs = range(n);
  return `
  (func (export "dots${n}") (param $dw i32) (param $stride i32) (param $x0 i32) (param $g i32) (param $rows i32) (param $r0 i32)
    (local $p i32) (local $end i32) (local $gv v128) ${qs.slice(1).map((q) => `(local $x${q} i32)`).join(' ')} ${pairs.map((m) => `(local $s${m} v128)`).join(' ')}
    ${qs.slice(1).map((q) => `(local.set $x${q} (i32.add (local.get $x${q - 1}) (i32.shl (local.get $rows) (i32.const 3))))`).join('\n    ')}
    (local.set $p (i32.shl (local.get $r0) (i32.const 3)))
    (local.set $end (i32.shl (local.get $rows) (i32.const 3)))
    (block $done (loop $each
      (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
      (local.set $gv (v128.load64_splat ${add(get('g'), get('p'))}))
      ${pairs
        .map(
          (m) =>
            `(local.set $s${m} (f64x2.add (local.get $s${m}) (f64x2.mul (v128.load64_lane 1 ${add(get(`x${2 * m + 1}`), get('p'))} (v128.load64_zero ${add(get(`x${2 * m}`), get('p'))})) (local.get $gv))))`,
        )
        .join('\n      ')}
      (local.set $p (i32.add (local.get $p) (i32.const 8)))
      (br $each)))
    ${qs
      .map((q) => {
        const at = add(get('dw'), `(i32.mul (local.get $stride) (i32.const ${q}))`);
        return `(f64.store ${at} (f64.add (f64.load ${at}) (f64x2.extract_lane ${q % 2} (local.get $s${q >> 1}))))`;
      })
      .join('\n    ')})`;
}

const MODULE = `(module
  (import "env" "memory" (memory 1))
  ${[8, 4, 2, 1].map(cols).join('\n')}
  ${[8, 4].map(dots).join('\n')}
  ;; dw[0] += s0 + s1, s0 the sum over rows r0, r0+2, ... (and a last odd one), s1 over r0+1, r0+3, ...
  (func (export "dot1") (param $dw i32) (param $x i32) (param $g i32) (param $rows i32) (param $r0 i32)
    (local $p i32) (local $end i32) (local $s v128)
    (local.set $p (i32.shl (local.get $r0) (i32.const 3)))
    (local.set $end (i32.shl (local.get $rows) (i32.const 3)))
    (block $done (loop $pairs
      (br_if $done (i32.gt_u (i32.add (local.get $p) (i32.const 16)) (local.get $end)))
      (local.set $s (f64x2.add (local.get $s) (f64x2.mul (v128.load (i32.add (local.get $x) (local.get $p))) (v128.load (i32.add (local.get $g) (local.get $p))))))
      (local.set $p (i32.add (local.get $p) (i32.const 16)))
      (br $pairs)))
    (if (i32.lt_u (local.get $p) (local.get $end)) (then
      (local.set $s (f64x2.replace_lane 0 (local.get $s) (f64.add (f64x2.extract_lane 0 (local.get $s))
        (f64.mul (f64.load (i32.add (local.get $x) (local.get $p))) (f64.load (i32.add (local.get $g) (local.get $p)))))))))
    (f64.store (local.get $dw) (f64.add (f64.load (local.get $dw)) (f64.add (f64x2.extract_lane 0 (local.get $s)) (f64x2.extract_lane 1 (local.get $s))))))
  ;; a = relu(h), s1 = relu'(h) = [h > 0] (0 at 0 and NaN, as the scalar loop)
  (func (export "relu") (param $h i32) (param $a i32) (param $s1 i32) (param $n i32)
    (local $p i32) (local $end i32) (local $v v128) (local $m v128)
    (local.set $end (i32.shl (local.get $n) (i32.const 3)))
    (block $done (loop $pairs
      (br_if $done (i32.gt_u (i32.add (local.get $p) (i32.const 16)) (local.get $end)))
      (local.set $v (v128.load (i32.add (local.get $h) (local.get $p))))
      (local.set $m (f64x2.gt (local.get $v) (f64x2.splat (f64.const 0))))
      (v128.store (i32.add (local.get $a) (local.get $p)) (v128.and (local.get $v) (local.get $m)))
      (v128.store (i32.add (local.get $s1) (local.get $p)) (v128.and (f64x2.splat (f64.const 1)) (local.get $m)))
      (local.set $p (i32.add (local.get $p) (i32.const 16)))
      (br $pairs)))
    (if (i32.lt_u (local.get $p) (local.get $end)) (then
      (local.set $v (v128.load64_zero (i32.add (local.get $h) (local.get $p))))
      (local.set $m (f64x2.gt (local.get $v) (f64x2.splat (f64.const 0))))
      (f64.store (i32.add (local.get $a) (local.get $p)) (f64x2.extract_lane 0 (v128.and (local.get $v) (local.get $m))))
      (f64.store (i32.add (local.get $s1) (local.get $p)) (f64x2.extract_lane 0 (v128.and (f64x2.splat (f64.const 1)) (local.get $m)))))))
  ;; out[i] = a[i] · b[i] (out may be a or b)
  (func (export "mul") (param $out i32) (param $a i32) (param $b i32) (param $n i32)
    (local $p i32) (local $end i32)
    (local.set $end (i32.shl (local.get $n) (i32.const 3)))
    (block $done (loop $pairs
      (br_if $done (i32.gt_u (i32.add (local.get $p) (i32.const 16)) (local.get $end)))
      (v128.store (i32.add (local.get $out) (local.get $p)) (f64x2.mul (v128.load (i32.add (local.get $a) (local.get $p))) (v128.load (i32.add (local.get $b) (local.get $p)))))
      (local.set $p (i32.add (local.get $p) (i32.const 16)))
      (br $pairs)))
    (if (i32.lt_u (local.get $p) (local.get $end)) (then
      (f64.store (i32.add (local.get $out) (local.get $p)) (f64.mul (f64.load (i32.add (local.get $a) (local.get $p))) (f64.load (i32.add (local.get $b) (local.get $p))))))))
  ;; out[i] = a[i] · b[i] + 0 (a −0 product becomes +0, as in backwardTangent's loop for relu)
  (func (export "mul0") (param $out i32) (param $a i32) (param $b i32) (param $n i32)
    (local $p i32) (local $end i32)
    (local.set $end (i32.shl (local.get $n) (i32.const 3)))
    (block $done (loop $pairs
      (br_if $done (i32.gt_u (i32.add (local.get $p) (i32.const 16)) (local.get $end)))
      (v128.store (i32.add (local.get $out) (local.get $p)) (f64x2.add (f64x2.mul (v128.load (i32.add (local.get $a) (local.get $p))) (v128.load (i32.add (local.get $b) (local.get $p)))) (f64x2.splat (f64.const 0))))
      (local.set $p (i32.add (local.get $p) (i32.const 16)))
      (br $pairs)))
    (if (i32.lt_u (local.get $p) (local.get $end)) (then
      (f64.store (i32.add (local.get $out) (local.get $p)) (f64.add (f64.mul (f64.load (i32.add (local.get $a) (local.get $p))) (f64.load (i32.add (local.get $b) (local.get $p)))) (f64.const 0))))))
)`;

type Cols = (out: number, x: number, rows: number, w: number, stride: number, r0: number) => void;
type Dots = (dw: number, stride: number, x: number, g: number, rows: number, r0: number) => void;

export interface SimdKernels {
  /** cols[n] for n in 1, 2, 4, 8. */
  cols: Record<number, Cols>;
  dots8: Dots;
  dots4: Dots;
  dot1: (dw: number, x: number, g: number, rows: number, r0: number) => void;
  relu: (h: number, a: number, s1: number, n: number) => void;
  mul: (out: number, a: number, b: number, n: number) => void;
  mul0: (out: number, a: number, b: number, n: number) => void;
}

/** Assembled once; undefined where this runtime has no WebAssembly SIMD. */
const built: SimdKernels | undefined = (() => {
  if (!simdAvailable) return undefined;
  const e = assemble(MODULE, { env: { memory: arenaMemory() } }) as Record<string, never>;
  return { cols: { 1: e.cols1, 2: e.cols2, 4: e.cols4, 8: e.cols8 }, dots8: e.dots8, dots4: e.dots4, dot1: e.dot1, relu: e.relu, mul: e.mul, mul0: e.mul0 };
})();
let active = built;

/** The kernels in use, or undefined (no SIMD here, or turned off): then the JavaScript loops run. */
export function simdKernels(): SimdKernels | undefined {
  return active;
}

/** Turn the SIMD loops off (the JavaScript loops run, for tests) or back on where available; returns the previous setting. */
export function setSimdKernels(on: boolean): boolean {
  const was = active !== undefined;
  active = on ? built : undefined;
  return was;
}

/** The module's text (for tests and for reading). */
export const SIMD_MODULE_TEXT = MODULE;
