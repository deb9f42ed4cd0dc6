// A bump allocator of float64 arrays in one WebAssembly memory, for the
// fused passes (fusedMlp.ts): arrays that live there go to the SIMD loops
// (fusedSimd.ts) as they are, with no copies, and cost no allocation of
// their own (a new Float64Array of more than a few entries is a separate
// backing store, microseconds each). Arrays come from the arena only inside
// arenaScope(...) and are released when the scope that made them ends, so
// nothing allocated in a scope may be used after it. Outside a scope, or
// when the arena is full, alloc gives a plain Float64Array (the loops then
// take the JavaScript path: same bits). Growing the memory detaches every
// view of it, so the arena grows only when no scope is open, to the
// largest demand seen so far. Without WebAssembly SIMD there are no loops
// to feed, and no arena.
import { newMemory, simdAvailable, type WasmMemory } from '../wasm/wat.js';

const PAGE = 65536;
/** Arrays start on 16-byte boundaries (whole v128 lanes). */
const ALIGN = 16;

let memory: WasmMemory | undefined;
let heap: Float64Array = new Float64Array(0);
/** Bytes in use, the most asked for in any scope (in the arena or not), and the scope depth. */
let top = 0;
let demand = 0;
let peak = 0;
let depth = 0;

/** The memory behind the arena (made on first use), for the module that runs the loops. */
export function arenaMemory(): WasmMemory {
  if (!memory) {
    memory = newMemory(64); // 4 MB: a CartPole RELAX update at T = 500 needs 2.3 MB
    heap = new Float64Array(memory.buffer);
  }
  return memory;
}

/** Whether `a` is a view of the arena (so the SIMD loops can read and write it in place). */
export function inArena(a: Float64Array): boolean {
  return a.buffer === heap.buffer;
}

/** Run `f` with arena allocation on; what it allocates is released when it returns (or throws). */
export function arenaScope<T>(f: () => T): T {
  if (depth === 0 && simdAvailable) {
    const mem = arenaMemory();
    if (peak > mem.buffer.byteLength) {
      try {
        mem.grow(Math.ceil((peak * 1.25 - mem.buffer.byteLength) / PAGE));
      } catch {
        // No more memory to be had: the arrays that do not fit stay plain ones.
      }
      heap = new Float64Array(mem.buffer);
    }
  }
  const [savedTop, savedDemand] = [top, demand];
  depth++;
  try {
    return f();
  } finally {
    depth--;
    peak = Math.max(peak, demand);
    top = savedTop;
    demand = savedDemand;
  }
}

/** A zeroed float64 array of length n: in the arena inside a scope while it has room, else a plain one. */
export function alloc(n: number): Float64Array {
  const a = allocRaw(n);
  if (a.buffer === heap.buffer) a.fill(0);
  return a;
}

/** As alloc, but the contents are whatever the arena held (for arrays that are written in full before they are read). */
export function allocRaw(n: number): Float64Array {
  if (depth === 0 || !simdAvailable) return new Float64Array(n);
  const bytes = Math.ceil((n * 8) / ALIGN) * ALIGN;
  demand += bytes;
  // Full: a plain array now, and more room from the next outermost scope on.
  if (top + bytes > heap.byteLength) return new Float64Array(n);
  const a = new Float64Array(heap.buffer, top, n);
  top += bytes;
  return a;
}

/** A copy of `src`, in the arena inside a scope. */
export function allocCopy(src: ArrayLike<number>): Float64Array {
  const a = allocRaw(src.length);
  a.set(src);
  return a;
}

/** Bytes the arena holds, and the most any scope has asked for (for tests and tuning). */
export function arenaStats(): { capacity: number; peak: number } {
  return { capacity: heap.byteLength, peak };
}
