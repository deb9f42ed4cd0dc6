// Slice and SplitV on wasm without copying the whole input. tfjs-backend-wasm
// 4.22's Slice starts with backend.readSync(x), which copies all of x out of
// the wasm heap into a fresh ArrayBuffer, before copying the slice; SplitV
// does that once per piece. Taking rows of a [984, 200] weight or splitting
// [3B, 784] logits then costs 3–4 ns per element of x, per slice. These
// replacements copy only the slice, straight from a view on the heap.
import * as tf from '@tensorflow/tfjs';

type Info = tf.TensorInfo;
type Backend = {
  makeOutput(shape: number[], dtype: tf.DataType): Info;
  typedArrayFromHeap(t: Info): Float32Array | Int32Array | Uint8Array;
};
type Args = { inputs: Record<string, Info>; attrs?: Record<string, unknown>; backend: unknown };

/** x[begin : begin + size] (sizes already resolved), copied run by run along the last axis. */
function copySlice(x: Info, begin: number[], size: number[], b: Backend): Info {
  const out = b.makeOutput(size, x.dtype);
  if (size.some((s) => s === 0)) return out;
  // Views after the allocation: malloc may grow the heap, which detaches earlier views.
  const src = b.typedArrayFromHeap(x);
  const dst = b.typedArrayFromHeap(out);
  const rank = x.shape.length;
  if (rank === 0) {
    dst[0] = src[0];
    return out;
  }
  const strides = tf.util.computeStrides(x.shape);
  const run = size[rank - 1];
  if (tf.slice_util.isSliceContinous(x.shape, begin, size)) {
    const start = tf.slice_util.computeFlatOffset(begin, strides);
    dst.set(src.subarray(start, start + dst.length));
    return out;
  }
  const index = new Array<number>(rank - 1).fill(0);
  for (let o = 0; o < dst.length; o += run) {
    let start = begin[rank - 1];
    for (let d = 0; d < rank - 1; d++) start += (begin[d] + index[d]) * strides[d];
    dst.set(src.subarray(start, start + run), o);
    for (let d = rank - 2; d >= 0; d--) {
      if (++index[d] < size[d]) break;
      index[d] = 0;
    }
  }
  return out;
}

function slice({ inputs, attrs, backend }: Args, stock: tf.KernelFunc): Info {
  const x = inputs.x;
  if (x.dtype === 'string' || x.dtype === 'complex64') return stock({ inputs, attrs, backend } as never) as Info;
  const [begin, size] = tf.slice_util.parseSliceParams(x as unknown as tf.Tensor, attrs!.begin as number[], attrs!.size as number[]);
  return copySlice(x, begin, size, backend as Backend);
}

function splitV({ inputs, attrs, backend }: Args, stock: tf.KernelFunc): Info[] {
  const x = inputs.x;
  if (x.dtype === 'string' || x.dtype === 'complex64') return stock({ inputs, attrs, backend } as never) as Info[];
  const axis = tf.util.parseAxisParam(attrs!.axis as number, x.shape)[0];
  const sizes = tf.backend_util.prepareSplitSize(x as unknown as tf.Tensor, attrs!.numOrSizeSplits as number[], axis);
  const begin = new Array<number>(x.shape.length).fill(0);
  return sizes.map((s) => {
    const size = x.shape.slice();
    size[axis] = s;
    const piece = copySlice(x, begin.slice(), size, backend as Backend);
    begin[axis] += s;
    return piece;
  });
}

let installed = false;

/** Replace wasm's Slice and SplitV kernels (idempotent; done when the wasm backend is loaded). */
export function installWasmSlice(): void {
  if (installed) return;
  for (const [name, impl] of [['Slice', slice], ['SplitV', splitV]] as const) {
    const config = tf.getKernel(name, 'wasm');
    if (!config) return; // the wasm backend is not loaded (yet)
    const stock = config.kernelFunc;
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel({ ...config, kernelFunc: ((args: Args) => impl(args, stock)) as unknown as tf.KernelFunc });
  }
  installed = true;
}

export function wasmSliceInstalled(): boolean {
  return installed;
}
