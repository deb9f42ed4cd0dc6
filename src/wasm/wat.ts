// WebAssembly modules written as text (.wat) and assembled here with wabt,
// so a hand-written SIMD loop reads as instructions rather than opcode bytes.
// wabt loads once per thread (~20 ms, top-level await); assembling a small
// module takes a few ms, so callers assemble once and keep the instance.
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

/** The binary of a module in WebAssembly text (SIMD enabled); a syntax error throws with wabt's message. */
export function watToBinary(text: string): Uint8Array {
  const parsed = wabt.parseWat('module.wat', text, { simd: true });
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
