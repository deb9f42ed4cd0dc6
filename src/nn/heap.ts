// Writable views of tensors' memory on the wasm backend, for FusedAdam's
// moments (FusedAdam.applyArrays), written in place instead of through
// tensors and a kernel (~6–8 µs each, docs/design.md). Only where it is
// safe: the wasm backend, float32, and memory that no other tensor shares (a
// reshape, or the tensor a variable was made from, would see the write too).
// Not for anything an op reads: the wasm backend's matMul caches packed
// weights by tensor, so a weight written in place would go stale there.
import { tf } from '../tf/index.js';

interface WasmHeap {
  refCount(dataId: tf.DataId): number;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array;
}

/** Views of the tensors' data (in order), or undefined where an in-place write is not safe. */
export function ownedHeapArrays(tensors: tf.Tensor[]): Float32Array[] | undefined {
  if (tf.getBackend() !== 'wasm') return undefined;
  const b = tf.backend() as unknown as Partial<WasmHeap>;
  if (typeof b.refCount !== 'function' || typeof b.typedArrayFromHeap !== 'function') return undefined;
  const ids = new Set<tf.DataId>();
  for (const t of tensors) {
    if (t.isDisposed || t.dtype !== 'float32' || b.refCount(t.dataId) !== 1 || ids.has(t.dataId)) return undefined;
    ids.add(t.dataId);
  }
  // Views are taken last and used at once: a later allocation may grow the heap and detach them.
  return tensors.map((t) => b.typedArrayFromHeap!(t));
}

/**
 * Copy a float32 tensor's values into `dest`: straight from the wasm heap
 * where it can (dataSync allocates a fresh array each call, and its first
 * touch of those pages costs more than the copy), else through dataSync.
 */
export function readInto(t: tf.Tensor, dest: Float32Array): void {
  if (t.size > dest.length) throw new Error(`readInto: ${t.size} values do not fit in ${dest.length}`);
  const b = tf.getBackend() === 'wasm' ? (tf.backend() as unknown as Partial<WasmHeap>) : undefined;
  if (t.dtype === 'float32' && typeof b?.typedArrayFromHeap === 'function') dest.set(b.typedArrayFromHeap(t));
  else dest.set(t.dataSync() as Float32Array);
}
