// Flattening any space to a 1-D Box, as Gymnasium's flatten utilities:
// Box values are copied, Discrete and MultiDiscrete become one-hot blocks,
// MultiBinary is copied, Tuple and Dict concatenate their parts (Dict in
// sorted key order). The flat dtype is float64 if any Box inside is float64,
// float32 otherwise.
import { UserError } from '../../src/errors.js';
import { Box, type BoxValue } from './box.js';
import { Dict } from './dict.js';
import { Discrete } from './discrete.js';
import { MultiBinary } from './multiBinary.js';
import { MultiDiscrete } from './multiDiscrete.js';
import type { Space } from './space.js';
import { Tuple } from './tuple.js';

function unsupported(space: Space<unknown>): never {
  throw new UserError(`flatten: unsupported space ${space.toString()}`);
}

/** Number of elements of the flattened form of `space`. */
export function flatdim(space: Space<unknown>): number {
  if (space instanceof Box) return space.size;
  if (space instanceof Discrete) return space.n;
  if (space instanceof MultiBinary) return space.size;
  if (space instanceof MultiDiscrete) return space.nvec.reduce((a, b) => a + b, 0);
  if (space instanceof Tuple) return space.spaces.reduce((a, s) => a + flatdim(s), 0);
  if (space instanceof Dict) return space.keys.reduce((a, k) => a + flatdim(space.spaces[k]), 0);
  return unsupported(space);
}

function flatDtype(space: Space<unknown>): 'float32' | 'float64' {
  if (space instanceof Box) return space.dtype;
  if (space instanceof Tuple) return space.spaces.some((s) => flatDtype(s) === 'float64') ? 'float64' : 'float32';
  if (space instanceof Dict) return space.keys.some((k) => flatDtype(space.spaces[k]) === 'float64') ? 'float64' : 'float32';
  return 'float32';
}

function boundsInto(space: Space<unknown>, low: number[], high: number[]): void {
  if (space instanceof Box) {
    for (let i = 0; i < space.size; i++) {
      low.push(space.low[i]);
      high.push(space.high[i]);
    }
  } else if (space instanceof Tuple) {
    for (const s of space.spaces) boundsInto(s, low, high);
  } else if (space instanceof Dict) {
    for (const k of space.keys) boundsInto(space.spaces[k], low, high);
  } else {
    const d = flatdim(space);
    for (let i = 0; i < d; i++) {
      low.push(0);
      high.push(1);
    }
  }
}

/** The 1-D Box that `flatten(space, x)` values live in. */
export function flattenSpace(space: Space<unknown>): Box<BoxValue> {
  const low: number[] = [];
  const high: number[] = [];
  boundsInto(space, low, high);
  return new Box<BoxValue>(low, high, [low.length], flatDtype(space));
}

function flattenInto(space: Space<unknown>, x: unknown, out: BoxValue, at: number): number {
  if (space instanceof Box || space instanceof MultiBinary) {
    const v = x as ArrayLike<number>;
    for (let i = 0; i < space.size; i++) out[at + i] = v[i];
    return at + space.size;
  }
  if (space instanceof Discrete) {
    out[at + (x as number) - space.start] = 1;
    return at + space.n;
  }
  if (space instanceof MultiDiscrete) {
    const v = x as ArrayLike<number>;
    for (let i = 0; i < space.size; i++) {
      out[at + v[i] - space.start[i]] = 1;
      at += space.nvec[i];
    }
    return at;
  }
  if (space instanceof Tuple) {
    const v = x as unknown[];
    space.spaces.forEach((s, i) => {
      at = flattenInto(s, v[i], out, at);
    });
    return at;
  }
  if (space instanceof Dict) {
    const v = x as Record<string, unknown>;
    for (const k of space.keys) at = flattenInto(space.spaces[k], v[k], out, at);
    return at;
  }
  return unsupported(space);
}

/** `x` (a member of `space`) as a flat Float32Array (Float64Array if any Box inside is float64). */
export function flatten(space: Space<unknown>, x: unknown): BoxValue {
  if (!space.contains(x)) throw new UserError(`flatten: value is not in ${space.toString()}`);
  return flattenValue(space, x);
}

/**
 * As `flatten` without the membership check (as Gymnasium's spaces.flatten, which does not
 * check): a Box value outside its bounds, e.g. CartPole's past termination, is copied as is.
 * The value must still have the space's structure.
 */
export function flattenValue(space: Space<unknown>, x: unknown): BoxValue {
  const n = flatdim(space);
  const out = flatDtype(space) === 'float64' ? new Float64Array(n) : new Float32Array(n);
  flattenInto(space, x, out, 0);
  return out;
}

function oneHotIndex(flat: ArrayLike<number>, at: number, n: number, what: string): number {
  let found = -1;
  for (let i = 0; i < n; i++) {
    if (flat[at + i] !== 0) {
      if (found >= 0) throw new UserError(`unflatten: ${what} block at ${at} has more than one non-zero entry`);
      found = i;
    }
  }
  if (found < 0) throw new UserError(`unflatten: ${what} block at ${at} has no non-zero entry`);
  return found;
}

function unflattenFrom(space: Space<unknown>, flat: ArrayLike<number>, at: number): [unknown, number] {
  if (space instanceof Box) {
    const out = space.empty();
    for (let i = 0; i < space.size; i++) out[i] = flat[at + i];
    return [out, at + space.size];
  }
  if (space instanceof MultiBinary) {
    const out = new Int8Array(space.size);
    for (let i = 0; i < space.size; i++) out[i] = flat[at + i];
    return [out, at + space.size];
  }
  if (space instanceof Discrete) {
    return [space.start + oneHotIndex(flat, at, space.n, 'Discrete'), at + space.n];
  }
  if (space instanceof MultiDiscrete) {
    const out = new Int32Array(space.size);
    for (let i = 0; i < space.size; i++) {
      out[i] = space.start[i] + oneHotIndex(flat, at, space.nvec[i], 'MultiDiscrete');
      at += space.nvec[i];
    }
    return [out, at];
  }
  if (space instanceof Tuple) {
    const out: unknown[] = [];
    for (const s of space.spaces) {
      const [v, next] = unflattenFrom(s, flat, at);
      out.push(v);
      at = next;
    }
    return [out, at];
  }
  if (space instanceof Dict) {
    const out: Record<string, unknown> = {};
    for (const k of space.keys) {
      const [v, next] = unflattenFrom(space.spaces[k], flat, at);
      out[k] = v;
      at = next;
    }
    return [out, at];
  }
  return unsupported(space);
}

/** The inverse of `flatten`. */
export function unflatten<T>(space: Space<T>, flat: ArrayLike<number>): T {
  const n = flatdim(space);
  if (flat.length !== n) throw new UserError(`unflatten: got ${flat.length} elements, ${space.toString()} flattens to ${n}`);
  return unflattenFrom(space, flat, 0)[0] as T;
}
