// Alea's recurrence in WebAssembly's 64-bit integers, for long runs of
// uniforms (Rng.uniformsInto). Alea is a lag-3 multiply-with-carry
// generator: with s = X/2³² (X a 32-bit integer) and carry c,
//   T = 2091639·X₀ + c,   X₀, X₁ ← X₁, X₂,   X₂ ← T mod 2³²,   c ← ⌊T/2³²⌋,
// which seedrandom's double arithmetic computes exactly (T < 2⁵³, and every
// s its seeding makes is a multiple of 2⁻³²). In doubles each draw waits for
// the last through a multiply, an add and two conversions (~6 ns); in i64 the
// carry's path is an add and a shift, so a draw costs about a nanosecond. The
// numbers, and the state left behind, are the same: each output is X₂·2⁻³²
// rounded to float32, as storing seedrandom's double in a Float32Array does.
import { assemble, newMemory, type WasmMemory } from '../wasm/wat.js';

export interface AleaState {
  c: number;
  s0: number;
  s1: number;
  s2: number;
}

/** Uniforms per call: the memory's one page less the 32-byte state. */
const CHUNK = (65536 - 32) / 4;
const TWO32 = 2 ** 32;

const MODULE = `(module
  (import "env" "memory" (memory 1))
  ;; n draws from the state at bytes 0..31 (c, s0, s1, s2 as f64) into f32s from byte 32; the state written back.
  (func (export "draw") (param $n i32)
    (local $c i64) (local $x0 i64) (local $x1 i64) (local $x2 i64) (local $t i64) (local $at i32) (local $end i32)
    (local.set $c (i64.trunc_f64_u (f64.load (i32.const 0))))
    (local.set $x0 (i64.trunc_f64_u (f64.mul (f64.load (i32.const 8)) (f64.const ${TWO32}))))
    (local.set $x1 (i64.trunc_f64_u (f64.mul (f64.load (i32.const 16)) (f64.const ${TWO32}))))
    (local.set $x2 (i64.trunc_f64_u (f64.mul (f64.load (i32.const 24)) (f64.const ${TWO32}))))
    (local.set $at (i32.const 32))
    (local.set $end (i32.add (i32.const 32) (i32.shl (local.get $n) (i32.const 2))))
    (block $done (loop $draws
      (br_if $done (i32.ge_u (local.get $at) (local.get $end)))
      (local.set $t (i64.add (i64.mul (i64.const 2091639) (local.get $x0)) (local.get $c)))
      (local.set $x0 (local.get $x1))
      (local.set $x1 (local.get $x2))
      (local.set $c (i64.shr_u (local.get $t) (i64.const 32)))
      (local.set $x2 (i64.and (local.get $t) (i64.const 0xffffffff)))
      ;; Signed conversion: X₂ < 2³², and x64 converts a signed i64 in one instruction.
      (f32.store (local.get $at) (f32.demote_f64 (f64.mul (f64.convert_i64_s (local.get $x2)) (f64.const ${2 ** -32}))))
      (local.set $at (i32.add (local.get $at) (i32.const 4)))
      (br $draws)))
    (f64.store (i32.const 0) (f64.convert_i64_u (local.get $c)))
    (f64.store (i32.const 8) (f64.mul (f64.convert_i64_u (local.get $x0)) (f64.const ${2 ** -32})))
    (f64.store (i32.const 16) (f64.mul (f64.convert_i64_u (local.get $x1)) (f64.const ${2 ** -32})))
    (f64.store (i32.const 24) (f64.mul (f64.convert_i64_u (local.get $x2)) (f64.const ${2 ** -32})))))`;

let kernel: { draw: (n: number) => void; memory: WasmMemory } | null | undefined;

function load() {
  if (kernel !== undefined) return kernel;
  try {
    const memory = newMemory(1);
    kernel = { draw: assemble(MODULE, { env: { memory } }).draw as (n: number) => void, memory };
  } catch {
    kernel = null;
  }
  return kernel;
}

/** Whether `state` is one the integer recurrence reproduces exactly (seedrandom's seeding and draws only make such states). */
function exact(state: AleaState): boolean {
  const { c, s0, s1, s2 } = state;
  return [s0, s1, s2].every((s) => s >= 0 && s < 1 && Number.isInteger(s * TWO32)) && Number.isInteger(c) && c >= 0 && c < 2 ** 22;
}

/** Fill `out` with Alea's next out.length draws from `state` and return the state after them; undefined (nothing done) where WebAssembly is missing or the state is not exact. */
export function aleaInto(state: AleaState, out: Float32Array): AleaState | undefined {
  const k = load();
  if (!k || !exact(state)) return undefined;
  const s = new Float64Array(k.memory.buffer, 0, 4);
  s.set([state.c, state.s0, state.s1, state.s2]);
  const draws = new Float32Array(k.memory.buffer, 32, CHUNK);
  for (let at = 0; at < out.length; at += CHUNK) {
    const n = Math.min(CHUNK, out.length - at);
    k.draw(n);
    out.set(n === CHUNK ? draws : draws.subarray(0, n), at);
  }
  return { c: s[0], s0: s[1], s1: s[2], s2: s[3] };
}
