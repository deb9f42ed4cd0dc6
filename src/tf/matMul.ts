// freshMatMul(a, b): a·b (or aᵀ·b) for a second operand seen once, as the
// kernel 'RelaxPgMatMul' on the wasm backend (the unpacked SIMD product of
// matMulWasm.ts), tf.matMul elsewhere. Its gradient is this op again (one
// explicit transpose where a row-major operand is needed), so it is
// differentiable to any order. Not a replacement of BatchMatMul: XNNPACK
// wins where it has packed b before (a weight reused within a step).
import * as tf from '@tensorflow/tfjs';
import { wasmMatMul, type MatMulFn } from './matMulWasm.js';
import { WebAssemblyApi, type WasmMemory } from './adamWasm.js';

export const MATMUL_KERNEL = 'RelaxPgMatMul';

type KernelArgs = { inputs: Record<string, tf.TensorInfo>; attrs?: tf.NamedAttrMap; backend: unknown };

interface WasmBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array;
  wasm?: { asm?: { memory?: WasmMemory } };
}

function kernelOf(b: WasmBackend): MatMulFn | null {
  const memory = b.wasm?.asm?.memory;
  return WebAssemblyApi && memory instanceof WebAssemblyApi.Memory ? wasmMatMul(memory) : null;
}

/** [M, K] (or [K, M] with transposeA) of a, [K, N] of b, checked. */
function dims(a: tf.TensorInfo, b: tf.TensorInfo, transposeA: boolean): [number, number, number] {
  if (a.shape.length !== 2 || b.shape.length !== 2 || a.dtype !== 'float32' || b.dtype !== 'float32') {
    throw new Error(`${MATMUL_KERNEL}: two float32 matrices expected, got ${a.dtype}[${a.shape}] and ${b.dtype}[${b.shape}]`);
  }
  const [M, K] = transposeA ? [a.shape[1], a.shape[0]] : [a.shape[0], a.shape[1]];
  if (b.shape[0] !== K) throw new Error(`${MATMUL_KERNEL}: inner sizes differ, [${a.shape}]${transposeA ? 'ᵀ' : ''}·[${b.shape}]`);
  return [M, K, b.shape[1]];
}

function wasmKernel({ inputs, attrs, backend }: KernelArgs): tf.TensorInfo {
  const b = backend as WasmBackend;
  const transposeA = Boolean(attrs?.transposeA);
  const [M, K, N] = dims(inputs.a, inputs.b, transposeA);
  const mm = kernelOf(b);
  if (!mm) throw new Error(`${MATMUL_KERNEL}: no WebAssembly SIMD`);
  const out = b.makeOutput([M, N], 'float32');
  // Offsets only after the allocation (malloc may grow the heap).
  const [pa, pb, pc] = [inputs.a, inputs.b, out].map((t) => b.typedArrayFromHeap(t).byteOffset);
  // A's byte strides over its row i and its column k.
  const [ai, ak] = transposeA ? [4, 4 * M] : [4 * K, 4];
  mm(pa, pb, pc, M, K, N, ai, ak);
  return out;
}

let registered = false;

function register(): void {
  if (registered) return;
  registered = true;
  if (!tf.getKernel(MATMUL_KERNEL, 'wasm')) tf.registerKernel({ kernelName: MATMUL_KERNEL, backendName: 'wasm', kernelFunc: wasmKernel as unknown as tf.KernelFunc });
  tf.registerGradient({
    kernelName: MATMUL_KERNEL,
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved, attrs) => {
      const [a, b] = saved;
      const g = dy as tf.Tensor;
      // C = a·b: da = dy·bᵀ, db = aᵀ·dy. C = aᵀ·b: da = b·dyᵀ, db = a·dy.
      if ((attrs as { transposeA?: boolean }).transposeA) {
        return { a: () => freshMatMul(b, tf.transpose(g)), b: () => freshMatMul(a, g) };
      }
      return { a: () => freshMatMul(g, tf.transpose(b)), b: () => freshMatMul(a, g, true) };
    },
  });
}

let enabled = true;
/** Turn the kernel off (tf.matMul everywhere) or on, for tests and measurements; returns the previous setting. */
export function setFreshMatMul(on: boolean): boolean {
  const old = enabled;
  enabled = on;
  return old;
}

/** Whether freshMatMul runs the SIMD kernel on the current backend. */
export function freshMatMulActive(): boolean {
  register();
  return enabled && tf.getBackend() === 'wasm' && kernelOf(tf.backend() as unknown as WasmBackend) != null;
}

/** a·b, or aᵀ·b with transposeA, for 2-D float32 a and b (b not packed: see the file comment). */
export function freshMatMul(a: tf.Tensor, b: tf.Tensor, transposeA = false): tf.Tensor2D {
  if (!freshMatMulActive()) return tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D, transposeA);
  return tf.engine().runKernel(MATMUL_KERNEL, { a, b }, { transposeA }) as tf.Tensor2D;
}

/**
 * a·m with m held fixed (no gradient reaches it), given mᵀ for the
 * derivative dy·mᵀ (or a function making it, called only if a derivative
 * is taken): neither operand is ever transposed again inside a step.
 */
export function fixedFreshMul(a: tf.Tensor, m: tf.Tensor, mT: tf.Tensor | (() => tf.Tensor)): tf.Tensor2D {
  const product = tf.customGrad(((a0: tf.Tensor) => ({
    value: freshMatMul(a0, m),
    gradFunc: (dy: tf.Tensor) => [fixedFreshMul(dy, typeof mT === 'function' ? mT() : mT, m)],
  })) as unknown as Parameters<typeof tf.customGrad>[0]);
  return product(a) as tf.Tensor2D;
}
