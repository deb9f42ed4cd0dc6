// Adam's element loop as a tiny WebAssembly module with 128-bit SIMD that
// runs on the wasm backend's own memory (its WebAssembly.Memory, imported).
// A JavaScript loop costs ~14 ns an element (scalar double division and
// square root, each rounded to float32); tfjs's 14 wasm kernels ~8 ns and
// 14 passes over memory; this is one pass of f32x4 operations. f32 and
// f32x4 arithmetic is IEEE, correctly rounded, so the bits are those of the
// kernel sequence tfjs's Adam runs (test/nn/adam.test.ts checks it).
//
// The module is assembled here byte by byte (no toolchain needed); it
// exports adam(x, g, m, v, ox, om, ov: byte offsets, n: count,
// b1, c1, b2, c2, d1, d2, eps, nlr: f32) computing, per element,
//   m′ = m·b1 + g·c1,  v′ = v·b2 + (g·g)·c2,
//   x′ = ((m′/d1) / (√(v′/d2) + eps))·nlr + x.

type AdamFn = (...args: number[]) => void;
/** The few WebAssembly types used (the project's lib settings do not declare the global). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
interface WebAssemblyApi {
  Memory: abstract new (...args: never[]) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
export const WebAssemblyApi = (globalThis as unknown as { WebAssembly?: WebAssemblyApi }).WebAssembly;

const leb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
};
const str = (s: string) => [...leb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
const section = (id: number, body: number[]) => [id, ...leb(body.length), ...body];
const vec = (items: number[][]) => [...leb(items.length), ...items.flat()];

const I32 = 0x7f;
const F32 = 0x7d;
const V128 = 0x7b;
// Parameters: 0–6 pointers, 7 n, 8–15 the f32 scalars; locals after them.
const [X, G, M, V, OX, OM, OV, N] = [0, 1, 2, 3, 4, 5, 6, 7];
const SCALARS = 8; // b1, c1, b2, c2, d1, d2, eps, nlr at 8..15
const OFF = 16; // i32 byte offset
const END4 = 17; // i32 end of the SIMD part, in bytes
const END = 18; // i32 end, in bytes
const SPLAT = 19; // v128 splats of the eight scalars at 19..26
const M1 = 27; // v128
const G1 = 28; // v128
const MS = 29; // f32 scalar-tail temporaries
const GS = 30;

const get = (i: number) => [0x20, ...leb(i)];
const set = (i: number) => [0x21, ...leb(i)];
const tee = (i: number) => [0x22, ...leb(i)];
const simd = (op: number) => [0xfd, ...leb(op)];
const [V_LOAD, V_STORE, SPLAT_F32, SQRT4, ADD4, MUL4, DIV4] = [0x00, 0x0b, 0x13, 0xe3, 0xe4, 0xe6, 0xe7];
const MEMARG = [0x00, 0x00]; // alignment hint 1, offset 0
const addr = (p: number) => [...get(p), ...get(OFF), 0x6a]; // p + off
const I32_GE_U = 0x4f;
const [F32_LOAD, F32_STORE, F32_SQRT, F32_ADD, F32_MUL, F32_DIV] = [0x2a, 0x38, 0x91, 0x92, 0x94, 0x95];

/** One element step (4 lanes or 1) in the given instruction set. */
function element(load: number[], store: number[], add: number[], mul: number[], div: number[], sqrt: number[], k: (i: number) => number[], mTemp: number, gTemp: number): number[] {
  const [b1, c1, b2, c2, d1, d2, eps, nlr] = [0, 1, 2, 3, 4, 5, 6, 7].map(k);
  return [
    ...addr(G), ...load, ...set(gTemp),
    // m′ = m·b1 + g·c1 → om
    ...addr(OM), ...addr(M), ...load, ...b1, ...mul, ...get(gTemp), ...c1, ...mul, ...add, ...tee(mTemp), ...store,
    // v′ = v·b2 + (g·g)·c2 → ov, and left on the stack
    ...addr(OV), ...addr(V), ...load, ...b2, ...mul, ...get(gTemp), ...get(gTemp), ...mul, ...c2, ...mul, ...add, ...tee(gTemp), ...store,
    // x′ = ((m′/d1) / (√(v′/d2) + eps))·nlr + x → ox
    ...addr(OX), ...get(mTemp), ...d1, ...div, ...get(gTemp), ...d2, ...div, ...sqrt, ...eps, ...add, ...div, ...nlr, ...mul, ...addr(X), ...load, ...add, ...store,
  ];
}

const loop = (end: number, step: number, body: number[]) => [
  0x02, 0x40, 0x03, 0x40,
  ...get(OFF), ...get(end), I32_GE_U, 0x0d, 0x01, // off ≥ end: leave the block
  ...body,
  ...get(OFF), 0x41, ...leb(step), 0x6a, ...set(OFF),
  0x0c, 0x00, 0x0b, 0x0b,
];

function moduleBytes(): Uint8Array {
  const params = [...Array(8).fill(I32), ...Array(8).fill(F32)];
  const type = section(1, vec([[0x60, ...leb(params.length), ...params, 0x00]]));
  const imports = section(2, vec([[...str('env'), ...str('memory'), 0x02, 0x00, 0x00]]));
  const funcs = section(3, vec([[0x00]]));
  const exports = section(7, vec([[...str('adam'), 0x00, 0x00]]));
  const locals = vec([[3, I32], [8 + 2, V128], [2, F32]]);
  const splats = [0, 1, 2, 3, 4, 5, 6, 7].flatMap((i) => [...get(SCALARS + i), ...simd(SPLAT_F32), ...set(SPLAT + i)]);
  const body = [
    ...locals,
    // END4 = (n & ~3)·4, END = n·4, OFF = 0 (locals start at 0)
    ...get(N), 0x41, ...[0x7c], 0x71, 0x41, 0x02, 0x74, ...set(END4),
    ...get(N), 0x41, 0x02, 0x74, ...set(END),
    ...splats,
    ...loop(END4, 16, element(simd(V_LOAD).concat(MEMARG), simd(V_STORE).concat(MEMARG), simd(ADD4), simd(MUL4), simd(DIV4), simd(SQRT4), (i) => get(SPLAT + i), M1, G1)),
    ...loop(END, 4, element([F32_LOAD, ...MEMARG], [F32_STORE, ...MEMARG], [F32_ADD], [F32_MUL], [F32_DIV], [F32_SQRT], (i) => get(SCALARS + i), MS, GS)),
    0x0b,
  ];
  const code = section(10, vec([[...leb(body.length), ...body]]));
  return new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...type, ...imports, ...funcs, ...exports, ...code]);
}

const instances = new WeakMap<WasmMemory, AdamFn | null>();

/** adam() bound to `memory`, or null where WebAssembly SIMD is unavailable. */
export function wasmAdam(memory: WasmMemory): AdamFn | null {
  let fn = instances.get(memory);
  if (fn === undefined) {
    try {
      if (!WebAssemblyApi) throw new Error('no WebAssembly');
      const instance = new WebAssemblyApi.Instance(new WebAssemblyApi.Module(moduleBytes()), { env: { memory } });
      fn = instance.exports.adam as AdamFn;
    } catch {
      fn = null;
    }
    instances.set(memory, fn);
  }
  return fn;
}
