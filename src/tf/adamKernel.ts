// One kernel for a whole Adam step over many variables. tfjs's Adam runs
// 14 kernels per variable (each ~5 µs fixed plus ~0.5 ns an element on
// wasm); this runs one loop per variable — the SIMD module of adamWasm.ts on
// the wasm heap, else JavaScript over the heap or the cpu backend's arrays —
// and returns the new value and moments.
//
// It repeats tfjs's AdamOptimizer operation for operation in float32: every
// intermediate is rounded with Math.fround, and since double has more than
// 2·24 + 2 bits, double-then-round is the correctly rounded float32 result of
// each +, ×, ÷ and √, which is what the wasm and cpu kernels compute. The
// results are therefore the same bits as tfjs's Adam (test/nn/adam.test.ts).
import * as tf from '@tensorflow/tfjs';
import { wasmAdam as simdAdam, WebAssemblyApi, type WasmMemory } from './adamWasm.js';

export const ADAM_KERNEL = 'RelaxPgAdam';

/** Inputs `x${i}`, `g${i}`, `m${i}`, `v${i}` per variable; outputs [x′, m′, v′] per variable, in order. */
export interface AdamKernelAttrs {
  count: number;
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** 1 − β1ᵗ and 1 − β2ᵗ, already float32 (as tfjs's sub(1, accBeta) gives them). */
  oneMinusAcc1: number;
  oneMinusAcc2: number;
}

type Arr = Float32Array;
const f = Math.fround;

function update(x: Arr, g: Arr, m: Arr, v: Arr, ox: Arr, om: Arr, ov: Arr, a: AdamKernelAttrs): void {
  // The scalars as tfjs makes them: JS numbers turned into float32 tensors.
  const b1 = f(a.beta1);
  const c1 = f(1 - a.beta1);
  const b2 = f(a.beta2);
  const c2 = f(1 - a.beta2);
  const d1 = f(a.oneMinusAcc1);
  const d2 = f(a.oneMinusAcc2);
  const eps = f(a.epsilon);
  const nlr = f(-a.learningRate);
  for (let j = 0; j < x.length; j++) {
    const gj = g[j];
    const m1 = f(f(m[j] * b1) + f(gj * c1));
    const v1 = f(f(v[j] * b2) + f(f(gj * gj) * c2));
    const mh = f(m1 / d1);
    const vh = f(v1 / d2);
    ox[j] = f(f(f(mh / f(f(Math.sqrt(vh)) + eps)) * nlr) + x[j]);
    om[j] = m1;
    ov[j] = v1;
  }
}

type KernelArgs = { inputs: Record<string, tf.TensorInfo>; attrs?: tf.NamedAttrMap; backend: unknown };

interface WasmBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array;
  wasm?: { asm?: { memory?: WasmMemory } };
}

/** The SIMD loop on the wasm backend's memory (adamWasm.ts), if both exist and the mode allows it. */
function useSimd(b: WasmBackend) {
  const memory = b.wasm?.asm?.memory;
  return mode === 'auto' && WebAssemblyApi && memory instanceof WebAssemblyApi.Memory ? simdAdam(memory) : null;
}

interface CpuBackend {
  readSync(dataId: tf.DataId): unknown;
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): tf.TensorInfo;
}

const NAMES = ['x', 'g', 'm', 'v'];

function checkInputs(inputs: Record<string, tf.TensorInfo>, count: number): void {
  for (let i = 0; i < count; i++) {
    for (const n of NAMES) {
      const t = inputs[`${n}${i}`];
      if (!t || t.dtype !== 'float32') throw new Error(`${ADAM_KERNEL}: input ${n}${i} missing or not float32`);
    }
  }
}

function wasmAdam({ inputs, attrs, backend }: KernelArgs): tf.TensorInfo[] {
  const a = attrs as unknown as AdamKernelAttrs;
  const b = backend as WasmBackend;
  checkInputs(inputs, a.count);
  const outs: tf.TensorInfo[] = [];
  for (let i = 0; i < a.count; i++) for (let k = 0; k < 3; k++) outs.push(b.makeOutput(inputs[`x${i}`].shape, 'float32'));
  const simd = useSimd(b);
  const s = [f(a.beta1), f(1 - a.beta1), f(a.beta2), f(1 - a.beta2), f(a.oneMinusAcc1), f(a.oneMinusAcc2), f(a.epsilon), f(-a.learningRate)];
  // Heap views only after every allocation: malloc may grow the heap, which detaches earlier views.
  for (let i = 0; i < a.count; i++) {
    const [x, g, m, v] = NAMES.map((n) => b.typedArrayFromHeap(inputs[`${n}${i}`]));
    const [ox, om, ov] = outs.slice(3 * i, 3 * i + 3).map((t) => b.typedArrayFromHeap(t));
    if (simd) simd(...[x, g, m, v, ox, om, ov].map((t) => t.byteOffset), x.length, ...s);
    else update(x, g, m, v, ox, om, ov, a);
  }
  return outs;
}

function cpuAdam({ inputs, attrs, backend }: KernelArgs): tf.TensorInfo[] {
  const a = attrs as unknown as AdamKernelAttrs;
  const b = backend as CpuBackend;
  checkInputs(inputs, a.count);
  const outs: tf.TensorInfo[] = [];
  for (let i = 0; i < a.count; i++) {
    const [x, g, m, v] = NAMES.map((n) => b.readSync(inputs[`${n}${i}`].dataId) as Float32Array);
    const [ox, om, ov] = [0, 1, 2].map(() => new Float32Array(x.length));
    update(x, g, m, v, ox, om, ov, a);
    for (const values of [ox, om, ov]) outs.push(b.makeTensorInfo(inputs[`x${i}`].shape, 'float32', values));
  }
  return outs;
}

let registered = false;

/** Register the kernel for the wasm and cpu backends (idempotent; done at import of `src/tf`). */
export function registerAdamKernel(): void {
  if (registered) return;
  for (const [backendName, kernelFunc] of [['wasm', wasmAdam], ['cpu', cpuAdam]] as const) {
    if (!tf.getKernel(ADAM_KERNEL, backendName)) tf.registerKernel({ kernelName: ADAM_KERNEL, backendName, kernelFunc: kernelFunc as unknown as tf.KernelFunc });
  }
  registered = true;
}

/**
 * Variables up to which the kernel beats tfjs's ops on the current backend:
 * all with the SIMD loop, below ~4,000 elements with the JavaScript loop
 * (~14 ns an element against 14 kernels at ~5 µs plus ~8 ns an element in
 * all), none without the kernel.
 */
export function adamKernelLimit(): number {
  if (mode === 'ops' || tf.getKernel(ADAM_KERNEL, tf.getBackend()) == null) return 0;
  if (mode === 'js') return Infinity;
  return useSimd(tf.backend() as unknown as WasmBackend) ? Infinity : 4096;
}

/** 'auto' (the fastest), or for tests and measurements 'js' (the JavaScript loop for all) or 'ops' (tfjs's ops for all). */
export type AdamKernelMode = 'auto' | 'js' | 'ops';
let mode: AdamKernelMode = 'auto';
/** Returns the previous mode. */
export function setAdamKernelMode(m: AdamKernelMode): AdamKernelMode {
  const old = mode;
  mode = m;
  return old;
}
