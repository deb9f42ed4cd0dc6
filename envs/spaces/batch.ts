// Batched spaces and values for vector envs and frame stacks, as Gymnasium's
// batch_space: n copies of a Box are one Box of shape [n, ...shape] (a flat
// typed array of n × size), n Discretes are a MultiDiscrete (Int32Array),
// MultiBinary and MultiDiscrete gain a leading dimension, Tuple and Dict
// batch each part.
import { UserError } from '../../src/errors.js';
import { Box, type BoxValue } from './box.js';
import { Dict } from './dict.js';
import { Discrete } from './discrete.js';
import { MultiBinary } from './multiBinary.js';
import { MultiDiscrete } from './multiDiscrete.js';
import type { Space } from './space.js';
import { Tuple } from './tuple.js';

/** The type of a batch of values of type T (for the array-valued spaces; unknown otherwise). */
export type BatchOf<T> = T extends number
  ? Int32Array
  : T extends Float32Array
    ? Float32Array
    : T extends Float64Array
      ? Float64Array
      : T extends Int8Array
        ? Int8Array
        : T extends Int32Array
          ? Int32Array
          : unknown;

function tile(a: ArrayLike<number>, n: number): number[] {
  const out = new Array<number>(a.length * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < a.length; j++) out[i * a.length + j] = a[j];
  return out;
}

function unsupported(space: Space<unknown>, what: string): never {
  throw new UserError(`${what}: unsupported space ${space.toString()}`);
}

export function batchSpace(space: Space<unknown>, n: number): Space<unknown> {
  if (!Number.isInteger(n) || n <= 0) throw new UserError(`batchSpace: n must be a positive integer, got ${n}`);
  if (space instanceof Box) {
    return new Box<BoxValue>(tile(space.low, n), tile(space.high, n), [n, ...space.shape], space.dtype) as Space<unknown>;
  }
  if (space instanceof Discrete) return new MultiDiscrete(new Array<number>(n).fill(space.n), { start: space.start });
  if (space instanceof MultiBinary) return new MultiBinary([n, ...space.shape]);
  if (space instanceof MultiDiscrete) {
    return new MultiDiscrete(tile(space.nvec, n), { start: tile(space.start, n), shape: [n, ...space.shape] });
  }
  if (space instanceof Tuple) return new Tuple(space.spaces.map((s) => batchSpace(s, n)));
  if (space instanceof Dict) {
    const parts: Record<string, Space<unknown>> = {};
    for (const k of space.keys) parts[k] = batchSpace(space.spaces[k], n);
    return new Dict(parts);
  }
  return unsupported(space, 'batchSpace');
}

/** A zero-filled batch of n values of `space`. */
export function createBatch(space: Space<unknown>, n: number): unknown {
  if (space instanceof Box) return space.dtype === 'float32' ? new Float32Array(n * space.size) : new Float64Array(n * space.size);
  if (space instanceof Discrete) return new Int32Array(n);
  if (space instanceof MultiBinary) return new Int8Array(n * space.size);
  if (space instanceof MultiDiscrete) return new Int32Array(n * space.size);
  if (space instanceof Tuple) return space.spaces.map((s) => createBatch(s, n));
  if (space instanceof Dict) {
    const out: Record<string, unknown> = {};
    for (const k of space.keys) out[k] = createBatch(space.spaces[k], n);
    return out;
  }
  return unsupported(space, 'createBatch');
}

/** Writes `value` as entry i of `batch` (made by createBatch). */
export function writeBatch(space: Space<unknown>, batch: unknown, i: number, value: unknown): void {
  if (space instanceof Discrete) {
    (batch as Int32Array)[i] = value as number;
  } else if (space instanceof Box || space instanceof MultiBinary || space instanceof MultiDiscrete) {
    const b = batch as BoxValue | Int8Array | Int32Array;
    const v = value as ArrayLike<number>;
    const size = space.size;
    if (ArrayBuffer.isView(v)) b.set(v as BoxValue, i * size);
    else for (let j = 0; j < size; j++) b[i * size + j] = v[j];
  } else if (space instanceof Tuple) {
    const b = batch as unknown[];
    const v = value as unknown[];
    space.spaces.forEach((s, j) => writeBatch(s, b[j], i, v[j]));
  } else if (space instanceof Dict) {
    const b = batch as Record<string, unknown>;
    const v = value as Record<string, unknown>;
    for (const k of space.keys) writeBatch(space.spaces[k], b[k], i, v[k]);
  } else {
    unsupported(space, 'writeBatch');
  }
}

/**
 * Entry i of `batch`. For array-valued spaces, `into` (an array of the single
 * value's type and size) is filled and returned instead of allocating.
 */
export function readBatch(space: Space<unknown>, batch: unknown, i: number, into?: unknown): unknown {
  if (space instanceof Discrete) return (batch as ArrayLike<number>)[i];
  if (space instanceof Box || space instanceof MultiBinary || space instanceof MultiDiscrete) {
    const b = batch as ArrayLike<number>;
    const size = space.size;
    const out =
      (into as BoxValue | Int8Array | Int32Array | undefined) ??
      (space instanceof Box ? space.empty() : space instanceof MultiBinary ? new Int8Array(size) : new Int32Array(size));
    for (let j = 0; j < size; j++) out[j] = b[i * size + j];
    return out;
  }
  if (space instanceof Tuple) {
    const b = batch as unknown[];
    return space.spaces.map((s, j) => readBatch(s, b[j], i));
  }
  if (space instanceof Dict) {
    const b = batch as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const k of space.keys) out[k] = readBatch(space.spaces[k], b[k], i);
    return out;
  }
  return unsupported(space, 'readBatch');
}

/** A deep copy of a batch. */
export function cloneBatch(batch: unknown): unknown {
  if (ArrayBuffer.isView(batch)) return (batch as BoxValue).slice();
  if (Array.isArray(batch)) return batch.map(cloneBatch);
  if (batch !== null && typeof batch === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(batch)) out[k] = cloneBatch(v);
    return out;
  }
  return batch;
}

/** The number of elements a batch of n values of `space` has (for array-valued spaces), for input checks. */
export function batchLength(space: Space<unknown>, n: number): number | undefined {
  if (space instanceof Discrete) return n;
  if (space instanceof Box || space instanceof MultiBinary || space instanceof MultiDiscrete) return n * space.size;
  return undefined;
}
