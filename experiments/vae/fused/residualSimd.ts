// The residual's input squash (residual.ts) as WebAssembly f32x4 SIMD on a
// workspace's memory: t = z/τ, s = σ(t), u = 2s − 1 and q = 2s(1 − s)/τ for
// every entry of [z; z̃], with simdMath.ts's exp (a Math.exp costs ~16 ns
// here). Float32 arithmetic throughout, where the JavaScript twin rounds
// only t and s.
import { assemble, simdAvailable, type WasmMemory } from '../../../src/wasm/wat.js';
import type { Workspace } from '../../../src/wasm/workspace.js';
import { expNonPositive, get, set, simdLocals, splat } from './simdMath.js';

/** squash(pz, pt, ps, pu, pq, n, τ): byte offsets of z, t, s, u, q; n a multiple of 4. */
export type SquashFn = (pz: number, pt: number, ps: number, pu: number, pq: number, n: number, tau: number) => void;

const load = (p: string) => `(v128.load ${get(p)})`;
const store = (p: string, value: string) => `(v128.store ${get(p)} ${value})`;

const MODULE = `(module
  (import "env" "memory" (memory 1))
  (func (export "squash") (param $pz i32) (param $pt i32) (param $ps i32) (param $pu i32) (param $pq i32) (param $n i32) (param $tau f32)
    (local $end i32) (local $tauV v128) (local $t v128) (local $e v128) (local $inv v128) (local $s v128)
    ${simdLocals}
    (local.set $tauV (f32x4.splat (local.get $tau)))
    (local.set $end (i32.add (local.get $pz) (i32.shl (local.get $n) (i32.const 2))))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $pz) (local.get $end)))
      ${set('t', `(f32x4.div ${load('pz')} ${get('tauV')})`)}
      ${expNonPositive('e', `(f32x4.neg (f32x4.abs ${get('t')}))`)}
      ${set('inv', `(f32x4.div ${splat(1)} (f32x4.add ${splat(1)} ${get('e')}))`)}
      ;; σ(t) = 1/(1 + e) for t ≥ 0, e/(1 + e) below, e = e^−|t|.
      ${set('s', `(v128.bitselect ${get('inv')} (f32x4.mul ${get('e')} ${get('inv')}) (f32x4.ge ${get('t')} ${splat(0)}))`)}
      ${store('pt', get('t'))}
      ${store('ps', get('s'))}
      ${store('pu', `(f32x4.sub (f32x4.mul ${splat(2)} ${get('s')}) ${splat(1)})`)}
      ${store('pq', `(f32x4.div (f32x4.mul (f32x4.mul ${splat(2)} ${get('s')}) (f32x4.sub ${splat(1)} ${get('s')})) ${get('tauV')})`)}
      ${['pz', 'pt', 'ps', 'pu', 'pq'].map((p) => set(p, `(i32.add ${get(p)} (i32.const 16))`)).join('\n      ')}
      (br $next)))))`;

const instances = new WeakMap<WasmMemory, SquashFn>();

/** The kernel on `ws`'s memory, or undefined without SIMD (or when n is not a multiple of 4). */
export function squashKernel(ws: Workspace, n: number): SquashFn | undefined {
  const memory = ws.memory;
  if (!simdAvailable || !memory || n % 4 !== 0) return undefined;
  let k = instances.get(memory);
  if (!k) instances.set(memory, (k = assemble(MODULE, { env: { memory } }).squash as SquashFn));
  return k;
}
