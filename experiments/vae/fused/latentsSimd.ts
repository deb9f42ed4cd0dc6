// latents.ts's sampleLatents and rebar.ts's relaxRows as WebAssembly f32x4
// SIMD (simdMath.ts's exp and log). Given a Workspace, the module runs on
// the workspace's memory, on its arrays where they lie (only the draws u, v,
// which come from outside, are copied in); without one (tests) it has a
// memory of its own and copies inputs in and results out. Same formulas,
// float32 arithmetic (as the tensor path's kernels) instead of doubles.
import { assemble, newMemory, simdAvailable, type WasmMemory } from '../../../src/wasm/wat.js';
import type { Workspace } from '../../../src/wasm/workspace.js';
import { expNonPositive, get, log1pUnit, logPositive, set, simdLocals, splat } from './simdMath.js';
import { U_HIGH, U_LOW, softplus } from './scalar.js';
import type { LatentArrays } from './latents.js';
import type { RelaxedArrays } from './rebar.js';

const PAGE = 65536;
const load = (p: string) => `(v128.load ${get(p)})`;
const store = (p: string, value: string) => `(v128.store ${get(p)} ${value})`;
const step = (...ps: string[]) => ps.map((p) => set(p, `(i32.add ${get(p)} (i32.const 16))`)).join('\n      ');
const clamp = (x: string) => `(f32x4.min (f32x4.max ${x} ${splat(U_LOW)}) ${splat(U_HIGH)})`;
/** σ parts of t: $e = e^−|t|, $inv = 1/(1 + e), $pos = t ≥ 0. */
const sigmoidParts = (t: string) => `
      ${expNonPositive('e', `(f32x4.neg (f32x4.abs ${t}))`)}
      ${set('inv', `(f32x4.div ${splat(1)} (f32x4.add ${splat(1)} ${get('e')}))`)}
      ${set('pos', `(f32x4.ge ${t} ${splat(0)})`)}`;

const MODULE = `(module
  (import "env" "memory" (memory 1))
  ;; One row of n latents: z, b, score, prior − θ (and z̃, dz̃/dθ when relaxed); returns Σ softplus(θ).
  (func (export "sample") (param $pt i32) (param $pu i32) (param $pv i32) (param $pp i32) (param $pz i32) (param $pb i32)
      (param $pzt i32) (param $ps i32) (param $pdz i32) (param $pm i32) (param $n i32) (param $relaxed i32) (result f64)
    (local $end i32) (local $t v128) (local $uc v128) (local $lg v128) (local $z v128) (local $bm v128) (local $b v128)
    (local $e v128) (local $inv v128) (local $pos v128) (local $p v128) (local $q v128) (local $top v128) (local $sp v128)
    (local $vc v128) (local $w v128) (local $vp v128) (local $rest v128) (local $ope v128) (local $acc0 v128) (local $acc1 v128)
    ${simdLocals}
    ${set('end', `(i32.add ${get('pt')} (i32.shl ${get('n')} (i32.const 2)))`)}
    (block $done (loop $next
      (br_if $done (i32.ge_u ${get('pt')} ${get('end')}))
      ${set('t', load('pt'))}
      ${set('uc', clamp(load('pu')))}
      ${logPositive('lg', `(f32x4.div ${get('uc')} (f32x4.sub ${splat(1)} ${get('uc')}))`)}
      ${set('z', `(f32x4.add ${get('t')} ${get('lg')})`)}
      ${store('pz', get('z'))}
      ${set('bm', `(f32x4.gt ${get('z')} ${splat(0)})`)}
      ${set('b', `(v128.and ${get('bm')} ${splat(1)})`)}
      ${store('pb', get('b'))}
      ${sigmoidParts(get('t'))}
      ;; p = σ(θ), q = σ(−θ), each from e = e^−|θ| without cancellation.
      ${set('p', `(v128.bitselect ${get('inv')} (f32x4.mul ${get('e')} ${get('inv')}) ${get('pos')})`)}
      ${set('q', `(v128.bitselect (f32x4.mul ${get('e')} ${get('inv')}) ${get('inv')} ${get('pos')})`)}
      ${store('ps', `(f32x4.sub ${get('b')} ${get('p')})`)}
      ${store('pm', `(f32x4.sub ${load('pp')} ${get('t')})`)}
      ${set('top', `(f32x4.max ${get('t')} ${splat(0)})`)}
      ${log1pUnit('sp', get('e'))}
      ${set('sp', `(f32x4.add ${get('top')} ${get('sp')})`)}
      ${set('acc0', `(f64x2.add ${get('acc0')} (f64x2.promote_low_f32x4 ${get('sp')}))`)}
      ${set('acc1', `(f64x2.add ${get('acc1')} (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 ${get('sp')} ${get('sp')})))`)}
      (if ${get('relaxed')} (then
        ;; v' = 1 − (1 − v)p for b = 1, v q for b = 0; z̃ = θ + logit(v') as one log of a ratio.
        ${set('vc', clamp(load('pv')))}
        ${set('w', `(f32x4.sub ${splat(1)} ${get('vc')})`)}
        ${set('vp', `(f32x4.sub ${splat(1)} (f32x4.mul ${get('w')} ${get('p')}))`)}
        ${set('rest', `(f32x4.sub ${splat(1)} (f32x4.mul ${get('vc')} ${get('q')}))`)}
        ${set('ope', `(f32x4.add ${splat(1)} ${get('e')})`)}
        ${logPositive('lg', `(v128.bitselect (f32x4.div (f32x4.mul ${get('ope')} ${get('vp')}) ${get('w')}) (f32x4.div ${get('vc')} (f32x4.mul ${get('rest')} ${get('ope')})) ${get('bm')})`)}
        ${store('pzt', `(f32x4.add (v128.bitselect ${get('top')} (f32x4.sub ${get('t')} ${get('top')}) ${get('bm')}) ${get('lg')})`)}
        ${store('pdz', `(f32x4.sub ${splat(1)} (v128.bitselect (f32x4.div ${get('q')} ${get('vp')}) (f32x4.div ${get('p')} ${get('rest')}) ${get('bm')}))`)}
        ${step('pv', 'pzt', 'pdz')}))
      ${step('pt', 'pu', 'pp', 'pz', 'pb', 'ps', 'pm')}
      (br $next)))
    (f64.add (f64.add (f64x2.extract_lane 0 ${get('acc0')}) (f64x2.extract_lane 1 ${get('acc0')}))
      (f64.add (f64x2.extract_lane 0 ${get('acc1')}) (f64x2.extract_lane 1 ${get('acc1')}))))
  ;; n latents: s = σ(z/λ), s̃ = σ(z̃/λ), tangents −s(1 − s) z/λ, and the decoder's rows 2R − 1 for R = b, s, s̃.
  (func (export "relax") (param $pz i32) (param $pzt i32) (param $pb i32) (param $ps i32) (param $pst i32) (param $ptan i32)
      (param $psig i32) (param $n i32) (param $lambda f32)
    (local $end i32) (local $bytes i32) (local $t v128) (local $e v128) (local $inv v128) (local $pos v128) (local $s v128) (local $l v128)
    ${simdLocals}
    ${set('l', '(f32x4.splat (local.get $lambda))')}
    ${set('bytes', `(i32.shl ${get('n')} (i32.const 2))`)}
    ${set('end', `(i32.add ${get('pz')} ${get('bytes')})`)}
    (block $done (loop $next
      (br_if $done (i32.ge_u ${get('pz')} ${get('end')}))
      ${store('psig', `(f32x4.sub (f32x4.mul ${splat(2)} ${load('pb')}) ${splat(1)})`)}
      ${[
        ['pz', 'ps', '0', '1'],
        ['pzt', 'pst', '1', '2'],
      ]
        .map(
          ([pz, ps, tanAt, sigAt]) => `
      ${set('t', `(f32x4.div ${load(pz)} ${get('l')})`)}
      ${sigmoidParts(get('t'))}
      ${set('s', `(v128.bitselect ${get('inv')} (f32x4.mul ${get('e')} ${get('inv')}) ${get('pos')})`)}
      ${store(ps, get('s'))}
      (v128.store (i32.add ${get('ptan')} (i32.mul ${get('bytes')} (i32.const ${tanAt})))
        (f32x4.neg (f32x4.mul (f32x4.mul (f32x4.mul ${get('e')} ${get('inv')}) ${get('inv')}) ${get('t')})))
      (v128.store (i32.add ${get('psig')} (i32.mul ${get('bytes')} (i32.const ${sigAt}))) (f32x4.sub (f32x4.mul ${splat(2)} ${get('s')}) ${splat(1)}))`,
        )
        .join('')}
      ${step('pz', 'pzt', 'pb', 'ps', 'pst', 'ptan', 'psig')}
      (br $next)))))`;

type SampleFn = (...args: number[]) => number;
type RelaxFn = (pz: number, pzt: number, pb: number, ps: number, pst: number, ptan: number, psig: number, n: number, lambda: number) => void;

const NAMES = ['theta', 'u', 'v', 'prior', 'z', 'b', 'zt', 'score', 'dzt', 'pmt', 's', 'st', 'tangent', 'signed'] as const;
type Name = (typeof NAMES)[number];
type Exports = { sample: SampleFn; relax: RelaxFn };

/** One instance per memory: assembling costs a few ms. */
const instances = new WeakMap<WasmMemory, Exports>();
function exportsOn(memory: WasmMemory): Exports {
  let e = instances.get(memory);
  if (!e) instances.set(memory, (e = assemble(MODULE, { env: { memory } }) as Exports));
  return e;
}

const lanes = (n: number) => Math.ceil(n / 4) * 4;

/** The SIMD latents of B rows of L (L a multiple of 4); undefined where SIMD is missing. */
export class SimdLatents {
  private readonly sampleRow: SampleFn;
  private readonly relaxAll: RelaxFn;
  private readonly memory: WasmMemory;
  /** Views in the module's memory for arrays that lie elsewhere: every array on an own memory, only u and v on a workspace's. */
  private readonly m: Partial<Record<Name, Float32Array>>;
  /** Whether every array but u and v is the caller's, in place. */
  private readonly inPlace: boolean;

  /** Workspace entries create(B, L, ws) allocates (the copies of u and v). */
  static floats(B: number, L: number): number {
    return 2 * lanes(B * L);
  }

  /** On `ws`'s memory when given (sample's and relax's arrays must then be that workspace's), else on a memory of its own. */
  static create(B: number, L: number, ws?: Workspace): SimdLatents | undefined {
    return simdAvailable && L % 4 === 0 ? new SimdLatents(B, L, ws?.memory ? ws : undefined) : undefined;
  }

  private constructor(
    readonly B: number,
    readonly L: number,
    ws?: Workspace,
  ) {
    const n = B * L;
    if (ws) {
      this.memory = ws.memory!;
      this.inPlace = true;
      this.m = { u: ws.alloc(n), v: ws.alloc(n) };
    } else {
      const sizes: Record<Name, number> = { theta: n, u: n, v: n, prior: L, z: n, b: n, zt: n, score: n, dzt: n, pmt: n, s: n, st: n, tangent: 2 * n, signed: 3 * n };
      const total = NAMES.reduce((s, k) => s + sizes[k], 0);
      const memory = (this.memory = newMemory(Math.ceil((4 * total) / PAGE) + 1));
      this.inPlace = false;
      let at = 0;
      this.m = Object.fromEntries(
        NAMES.map((k) => {
          const view = new Float32Array(memory.buffer, at, sizes[k]);
          at += 4 * sizes[k];
          return [k, view];
        }),
      );
    }
    const exports = exportsOn(this.memory);
    this.sampleRow = exports.sample;
    this.relaxAll = exports.relax;
  }

  /** The array the module reads or writes for `k`: the caller's in place, or this module's copy. */
  private on(k: Name, caller: Float32Array): Float32Array {
    if (this.inPlace && k !== 'u' && k !== 'v') {
      if (caller.buffer !== this.memory.buffer) throw new Error(`SimdLatents: ${k} is not on the workspace these latents were built on`);
      return caller;
    }
    return this.m[k]!;
  }

  /** latents.ts's sampleLatents. */
  sample(out: LatentArrays, prior: Float32Array, u: Float32Array, v: Float32Array, relaxed: boolean): void {
    const { B, L, m, inPlace } = this;
    const n = B * L;
    m.u!.set(u);
    if (relaxed) m.v!.set(v);
    if (!inPlace) {
      m.theta!.set(out.theta.subarray(0, n));
      m.prior!.set(prior);
    }
    let priorConst = 0;
    for (let j = 0; j < L; j++) priorConst += softplus(prior[j]);
    const o = (k: Name, caller: Float32Array) => this.on(k, caller).byteOffset;
    const [pt, pu, pv, pp, pz, pb, pzt, ps, pdz, pm] = [
      o('theta', out.theta), o('u', u), o('v', v), o('prior', prior), o('z', out.z), o('b', out.b), o('zt', out.zt), o('score', out.score), o('dzt', out.dzt), o('pmt', out.pmt),
    ];
    for (let i = 0; i < B; i++) {
      const r = 4 * i * L;
      const sum = this.sampleRow(pt + r, pu + r, pv + r, pp, pz + r, pb + r, pzt + r, ps + r, pdz + r, pm + r, L, relaxed ? 1 : 0);
      out.rowConst[i] = sum - priorConst;
    }
    if (inPlace) return;
    const outputs: ('z' | 'b' | 'score' | 'pmt' | 'zt' | 'dzt')[] = relaxed ? ['z', 'b', 'score', 'pmt', 'zt', 'dzt'] : ['z', 'b', 'score', 'pmt'];
    for (const k of outputs) out[k].set(m[k]!);
  }

  /** rebar.ts's relaxRows, from the z, z̃ and b of the last sample(). */
  relax(a: RelaxedArrays, lambda: number): void {
    const { B, L, m, inPlace } = this;
    const n = B * L;
    const [z, zt, b] = inPlace ? [a.z, a.zt, a.b].map((v, i) => this.on((['z', 'zt', 'b'] as const)[i], v)) : [m.z!, m.zt!, m.b!];
    const [s, st, tangent, signed] = [a.s, a.st, a.tangent, a.signed].map((v, i) => this.on((['s', 'st', 'tangent', 'signed'] as const)[i], v));
    this.relaxAll(z.byteOffset, zt.byteOffset, b.byteOffset, s.byteOffset, st.byteOffset, tangent.byteOffset, signed.byteOffset, n, lambda);
    if (inPlace) return;
    a.s.set(m.s!);
    a.st.set(m.st!);
    a.tangent.set(m.tangent!);
    a.signed.set(m.signed!);
  }
}
