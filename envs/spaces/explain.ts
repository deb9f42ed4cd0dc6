// Why a value is not in a space, in a few words (for one-line error messages).
import { Box } from './box.js';
import { Dict } from './dict.js';
import { Discrete } from './discrete.js';
import { MultiBinary } from './multiBinary.js';
import { MultiDiscrete } from './multiDiscrete.js';
import type { Space } from './space.js';
import { Tuple } from './tuple.js';
import { isPlainObject, preview } from './util.js';

function typeName(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'an array';
  if (typeof x === 'object') return `a ${x.constructor?.name ?? 'object'}`;
  return `a ${typeof x}`;
}

function arrayReason(x: ArrayLike<unknown>, size: number, check: (v: unknown, i: number) => string | undefined): string | undefined {
  if (x.length !== size) return `has ${x.length} element(s), expected ${size} (wrong shape)`;
  for (let i = 0; i < size; i++) {
    const r = check(x[i], i);
    if (r) return r;
  }
  return undefined;
}

/**
 * Why `x` cannot be given to `step` as an action of `space`, or undefined if it can. As
 * `explainNotContained`, except that a Box action may lie outside the bounds (Gymnasium does not
 * check them: Pendulum and MountainCarContinuous clip, MuJoCo clamps limited controls) and may be
 * a Float32Array, a Float64Array or a number[] whatever the Box's dtype; its shape must match
 * and no element may be NaN.
 */
export function explainBadAction(space: Space<unknown>, x: unknown): string | undefined {
  if (!(space instanceof Box)) return explainNotContained(space, x);
  if (!(x instanceof Float32Array || x instanceof Float64Array || Array.isArray(x))) {
    return `is ${typeName(x)}, expected a Float32Array (or number[]) of ${space.size}`;
  }
  return arrayReason(x as ArrayLike<unknown>, space.size, (e, i) => {
    if (typeof e !== 'number') return `element ${i} is ${typeName(e)}`;
    return Number.isNaN(e) ? `element ${i} is NaN` : undefined;
  });
}

/** Undefined if `space.contains(x)`, else a short reason such as "element 0 is NaN". */
export function explainNotContained(space: Space<unknown>, x: unknown): string | undefined {
  if (space.contains(x)) return undefined;
  if (space instanceof Discrete) {
    if (typeof x !== 'number') return `is ${typeName(x)}, expected an integer`;
    if (Number.isNaN(x)) return 'is NaN';
    if (!Number.isInteger(x)) return `${x} is not an integer`;
    return `${x} is outside {${space.start}, ..., ${space.start + space.n - 1}}`;
  }
  if (space instanceof Box) {
    const ok = x instanceof Float32Array || Array.isArray(x) || (x instanceof Float64Array && space.dtype === 'float64');
    if (!ok) return `is ${typeName(x)}, expected a ${space.dtype === 'float32' ? 'Float32Array' : 'Float64Array'} (or number[])`;
    const v = x as ArrayLike<unknown>;
    return arrayReason(v, space.size, (e, i) => {
      if (typeof e !== 'number') return `element ${i} is ${typeName(e)}`;
      if (Number.isNaN(e)) return `element ${i} is NaN`;
      return e >= space.low[i] && e <= space.high[i] ? undefined : `element ${i} = ${e} is outside [${space.low[i]}, ${space.high[i]}]`;
    });
  }
  if (space instanceof MultiBinary || space instanceof MultiDiscrete) {
    if (!(ArrayBuffer.isView(x) || Array.isArray(x))) return `is ${typeName(x)}, expected an integer array`;
    const v = x as unknown as ArrayLike<unknown>;
    return (
      arrayReason(v, space.size, (e, i) => {
        if (typeof e !== 'number') return `element ${i} is ${typeName(e)}`;
        if (Number.isNaN(e)) return `element ${i} is NaN`;
        if (!Number.isInteger(e)) return `element ${i} = ${e} is not an integer`;
        if (space instanceof MultiBinary) return e === 0 || e === 1 ? undefined : `element ${i} = ${e} is not 0 or 1`;
        const lo = space.start[i];
        const hi = lo + space.nvec[i] - 1;
        return e >= lo && e <= hi ? undefined : `element ${i} = ${e} is outside {${lo}, ..., ${hi}}`;
      }) ?? `is ${typeName(x)}, not an accepted array type`
    );
  }
  if (space instanceof Tuple) {
    if (!Array.isArray(x)) return `is ${typeName(x)}, expected an array of ${space.spaces.length}`;
    if (x.length !== space.spaces.length) return `has ${x.length} part(s), expected ${space.spaces.length}`;
    for (let i = 0; i < x.length; i++) {
      const r = explainNotContained(space.spaces[i], x[i]);
      if (r) return `part ${i} ${r}`;
    }
  }
  if (space instanceof Dict) {
    if (!isPlainObject(x)) return `is ${typeName(x)}, expected a plain object`;
    const extra = Object.keys(x).filter((k) => !space.keys.includes(k));
    if (extra.length) return `has unexpected key(s) ${extra.join(', ')}`;
    for (const k of space.keys) {
      if (!Object.hasOwn(x, k)) return `is missing key '${k}'`;
      const r = explainNotContained(space.spaces[k], x[k]);
      if (r) return `key '${k}' ${r}`;
    }
  }
  return `${preview(x)} is not a member`;
}
