// decoder.ts's per-pixel loop as WebAssembly f32x4 SIMD: on this machine a
// JavaScript Math.exp costs ~16 ns, and the decoder of a REBAR step at batch
// 100 has 235,000 pixels. exp is Cephes' expf (range reduction by ln 2, a
// degree-5 polynomial, 2ᵏ built in the exponent bits; ~1 ulp), log(1 + e)
// the atanh series in y = e/(2 + e) ≤ 1/3 (to y¹⁵, relative error < 1e-8);
// each row's sum is carried in float64. Given a Workspace, the module runs
// on the workspace's own memory, on its arrays where they lie; without one
// (tests) it has a memory of its own and copies the rows in and out.
import { assemble, madd, newMemory, simdAvailable, type WasmMemory } from '../../../src/wasm/wat.js';
import type { Workspace } from '../../../src/wasm/workspace.js';
import type { DecoderArrays } from './decoder.js';

const PAGE = 65536;
const splat = (c: number) => `(f32x4.splat (f32.const ${c}))`;
const get = (name: string) => `(local.get $${name})`;
/** Horner's rule: c[0]·tⁿ + … + c[n], in f32x4 (each step one multiply-add where relaxed SIMD runs). */
const horner = (t: string, c: number[]) => c.slice(1).reduce((acc, k) => madd(acc, t, splat(k)), splat(c[0]));

const MODULE = `(module
  (import "env" "memory" (memory 1))
  ;; One row: ℓ = logits + d; resid = x − σ(ℓ); curvature = σ(1 − σ) when pc ≠ 0; returns Σ (x ℓ − softplus(ℓ)).
  (func (export "row") (param $pl i32) (param $pd i32) (param $px i32) (param $pr i32) (param $pc i32) (param $n i32) (result f64)
    (local $end i32) (local $l v128) (local $a v128) (local $m v128) (local $kf v128) (local $r v128) (local $y v128)
    (local $e v128) (local $inv v128) (local $x v128) (local $u v128) (local $u2 v128) (local $t v128)
    (local $acc0 v128) (local $acc1 v128)
    (local.set $end (i32.add ${get('pl')} (i32.shl ${get('n')} (i32.const 2))))
    (block $done (loop $next
      (br_if $done (i32.ge_u ${get('pl')} ${get('end')}))
      (local.set $l (f32x4.add (v128.load ${get('pl')}) (v128.load ${get('pd')})))
      ;; e = exp(−min(|ℓ|, 87)): below e⁻⁸⁷ the exponent would leave the normal range.
      (local.set $a (f32x4.neg (f32x4.pmin (f32x4.abs ${get("l")}) ${splat(87)})))
      ;; k = round(a·log₂e) by adding 1.5·2²³ (rounds to nearest even, as f32x4.nearest); m's low bits hold k.
      (local.set $m (f32x4.add (f32x4.mul ${get('a')} ${splat(1.4426950408889634)}) ${splat(12582912)}))
      (local.set $kf (f32x4.sub ${get('m')} ${splat(12582912)}))
      (local.set $r (f32x4.sub (f32x4.sub ${get('a')} (f32x4.mul ${get('kf')} ${splat(0.693359375)})) (f32x4.mul ${get('kf')} ${splat(-2.12194440e-4)})))
      (local.set $y (f32x4.add (f32x4.add (f32x4.mul ${horner(get('r'), [1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1])} (f32x4.mul ${get('r')} ${get('r')})) ${get('r')}) ${splat(1)}))
      ;; 2ᵏ's bits: (k + 127) << 23, with k = bits(m) − bits(1.5·2²³).
      (local.set $e (f32x4.mul ${get('y')} (i32x4.shl (i32x4.sub ${get('m')} (i32x4.splat (i32.const ${0x4b400000 - 127}))) (i32.const 23))))
      (local.set $inv (f32x4.div ${splat(1)} (f32x4.add ${splat(1)} ${get('e')})))
      (local.set $x (v128.load ${get('px')}))
      ;; σ(ℓ) = 1/(1 + e) for ℓ ≥ 0, e/(1 + e) below.
      (v128.store ${get('pr')} (f32x4.sub ${get('x')} (v128.bitselect ${get('inv')} (f32x4.mul ${get('e')} ${get('inv')}) (f32x4.ge ${get('l')} ${splat(0)}))))
      (if ${get('pc')} (then
        (v128.store ${get('pc')} (f32x4.mul (f32x4.mul ${get('e')} ${get('inv')}) ${get('inv')}))
        (local.set $pc (i32.add ${get('pc')} (i32.const 16)))))
      ;; log(1 + e) = 2 atanh(u), u = e/(2 + e).
      (local.set $u (f32x4.div ${get('e')} (f32x4.add ${splat(2)} ${get('e')})))
      (local.set $u2 (f32x4.mul ${get('u')} ${get('u')}))
      (local.set $t (f32x4.sub (f32x4.sub (f32x4.mul ${get('x')} ${get('l')}) (f32x4.pmax ${get("l")} ${splat(0)}))
        (f32x4.mul (f32x4.mul ${splat(2)} ${get('u')}) ${horner(get('u2'), [1 / 15, 1 / 13, 1 / 11, 1 / 9, 1 / 7, 1 / 5, 1 / 3, 1])})))
      (local.set $acc0 (f64x2.add ${get('acc0')} (f64x2.promote_low_f32x4 ${get('t')})))
      (local.set $acc1 (f64x2.add ${get('acc1')} (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 ${get('t')} ${get('t')}))))
      (local.set $pl (i32.add ${get('pl')} (i32.const 16)))
      (local.set $pd (i32.add ${get('pd')} (i32.const 16)))
      (local.set $px (i32.add ${get('px')} (i32.const 16)))
      (local.set $pr (i32.add ${get('pr')} (i32.const 16)))
      (br $next)))
    (f64.add (f64.add (f64x2.extract_lane 0 ${get('acc0')}) (f64x2.extract_lane 1 ${get('acc0')}))
      (f64.add (f64x2.extract_lane 0 ${get('acc1')}) (f64x2.extract_lane 1 ${get('acc1')})))))`;

type RowFn = (pl: number, pd: number, px: number, pr: number, pc: number, n: number) => number;

/** One instance per memory: assembling costs a few ms. */
const instances = new WeakMap<WasmMemory, RowFn>();
function rowOn(memory: WasmMemory): RowFn {
  let fn = instances.get(memory);
  if (!fn) instances.set(memory, (fn = (assemble(MODULE, { env: { memory } }) as { row: RowFn }).row));
  return fn;
}

/** Own-memory copies of the arrays, where the module does not run on the workspace. */
interface Staging {
  logits: Float32Array;
  d: Float32Array;
  x: Float32Array;
  resid: Float32Array;
  curvature: Float32Array;
}

/** The SIMD decoder for up to `rows` rows of P pixels (P a multiple of 4); undefined where SIMD is missing. */
export class SimdDecoder {
  private readonly row: RowFn;
  private readonly memory: WasmMemory;
  private readonly staging?: Staging;

  /** On `ws`'s memory when given (decode's arrays must then be that workspace's), else on a memory of its own. */
  static create(rows: number, B: number, P: number, ws?: Workspace): SimdDecoder | undefined {
    return simdAvailable && P % 4 === 0 ? new SimdDecoder(rows, B, P, ws?.memory) : undefined;
  }

  private constructor(
    rows: number,
    B: number,
    readonly P: number,
    shared?: WasmMemory,
  ) {
    if (shared) {
      this.memory = shared;
    } else {
      const sizes = [rows * P, P, B * P, rows * P, rows * P];
      this.memory = newMemory(Math.ceil((4 * sizes.reduce((s, n) => s + n, 0)) / PAGE) + 1);
      let at = 0;
      const [logits, d, x, resid, curvature] = sizes.map((n) => {
        const view = new Float32Array(this.memory.buffer, at, n);
        at += 4 * n;
        return view;
      });
      this.staging = { logits, d, x, resid, curvature };
    }
    this.row = rowOn(this.memory);
  }

  /** decoder.ts's decode, from the same products in `logits` (left as they are, without d). */
  decode(a: DecoderArrays, x: Float32Array, rows: number, B: number, curvatureFrom = rows): void {
    const P = this.P;
    const st = this.staging;
    if (st) {
      st.logits.set(a.logits.subarray(0, rows * P));
      st.d.set(a.d);
      st.x.set(x.subarray(0, B * P));
    } else {
      for (const v of [a.logits, a.d, x, a.resid, a.curvature]) {
        if (v.buffer !== this.memory.buffer) throw new Error('SimdDecoder: an array is not on the workspace this decoder was built on');
      }
    }
    const on = st ?? { logits: a.logits, d: a.d, x, resid: a.resid, curvature: a.curvature };
    const [pl, pd, px, pr, pc] = [on.logits, on.d, on.x, on.resid, on.curvature].map((v) => v.byteOffset);
    for (let r = 0; r < rows; r++) {
      const curv = r >= curvatureFrom ? pc + 4 * (r - curvatureFrom) * P : 0;
      a.logLik[r] = this.row(pl + 4 * r * P, pd, px + 4 * (r % B) * P, pr + 4 * r * P, curv, P);
    }
    if (!st) return;
    a.resid.set(st.resid.subarray(0, rows * P));
    if (rows > curvatureFrom) a.curvature.set(st.curvature.subarray(0, (rows - curvatureFrom) * P));
  }
}
