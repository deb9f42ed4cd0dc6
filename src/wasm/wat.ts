// WebAssembly modules written as text (.wat) and assembled here with wabt,
// so a hand-written SIMD loop reads as instructions rather than opcode bytes.
// wabt loads once per thread (~20 ms, top-level await); assembling a small
// module takes a few ms, so callers assemble once and keep the instance.
import { setFlagsFromString } from 'node:v8';
import wabtInit from 'wabt';

/** The few WebAssembly types used (the project's lib settings do not declare the global). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WebAssemblyApi {
  Memory: new (descriptor: { initial: number; maximum?: number }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
const api = (globalThis as unknown as { WebAssembly?: WebAssemblyApi }).WebAssembly;
const wabt = await wabtInit();

/** Whether this runtime runs WebAssembly with 128-bit SIMD (checked once, on a one-instruction module). */
export const simdAvailable: boolean = (() => {
  try {
    assemble('(module (func (export "f") (result v128) (f64x2.splat (f64.const 1))))');
    return true;
  } catch {
    return false;
  }
})();

/** The binary of a module in WebAssembly text (SIMD and relaxed SIMD enabled); a syntax error throws with wabt's message. */
export function watToBinary(text: string): Uint8Array {
  const parsed = wabt.parseWat('module.wat', text, { simd: true, relaxed_simd: true });
  try {
    parsed.resolveNames();
    parsed.validate();
    return parsed.toBinary({}).buffer;
  } finally {
    parsed.destroy();
  }
}

/** Assemble and instantiate `text` with `imports`; its exports. Throws where WebAssembly (or SIMD) is missing. */
export function assemble(text: string, imports: object = {}): Record<string, unknown> {
  if (!api) throw new Error('this runtime has no WebAssembly');
  const bytes = watToBinary(text);
  return new api.Instance(new api.Module(bytes), imports).exports;
}

/** A fresh memory of `pages` 64 KiB pages, for a module that imports `env.memory`. */
export function newMemory(pages: number): WasmMemory {
  if (!api) throw new Error('this runtime has no WebAssembly');
  return new api.Memory({ initial: pages });
}

/**
 * f32x4.relaxed_madd(a, b, c) = a·b + c with one rounding where the CPU has
 * FMA: about 1.4× the products' throughput here. Relaxed SIMD is on by
 * default from Node 22; Node 20's V8 has it behind a flag, which is turned
 * on here before any module that uses it is compiled. `fusedMultiplyAdd`:
 * whether relaxed_madd rounds once on this machine (x64 without FMA3 gives
 * a·b rounded, then + c rounded); undefined without relaxed SIMD.
 */
export const fusedMultiplyAdd: boolean | undefined = (() => {
  if (!simdAvailable) return undefined;
  // (1 + 2⁻¹²)² − 1 = 2⁻¹¹ + 2⁻²⁴ exactly; rounding the square first loses the 2⁻²⁴.
  const probe = `(module (func (export "f") (result f32)
    (f32x4.extract_lane 0 (f32x4.relaxed_madd (f32x4.splat (f32.const 1.000244140625)) (f32x4.splat (f32.const 1.000244140625)) (f32x4.splat (f32.const -1))))))`;
  const run = () => (assemble(probe).f as () => number)();
  let value: number;
  try {
    value = run();
  } catch {
    try {
      setFlagsFromString('--experimental-wasm-relaxed-simd');
      value = run();
    } catch {
      return undefined;
    }
  }
  return value === 2 ** -11 + 2 ** -24;
})();

/** Whether relaxed SIMD runs here (its multiply-add fused or not). */
export const relaxedSimd = fusedMultiplyAdd !== undefined;

/** The text of a·b + c on f32x4: one relaxed_madd where relaxed SIMD runs (and `fma` is not false), else a mul and an add. */
export function madd(a: string, b: string, c: string, fma = relaxedSimd): string {
  return fma ? `(f32x4.relaxed_madd ${a} ${b} ${c})` : `(f32x4.add (f32x4.mul ${a} ${b}) ${c})`;
}
