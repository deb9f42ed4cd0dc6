// Batched infos, as Gymnasium's VectorEnv._add_info: each key of an env's info becomes an array
// of numEnvs (numbers in a Float64Array, booleans in a Uint8Array, anything else in a plain
// array; nested objects recursively) with a mask `_key` (Uint8Array) of the envs that reported it.
import type { Info } from '../core/env.js';
import { isPlainObject } from '../spaces/util.js';

export type VectorInfo = Record<string, unknown>;

/** Whether an object has any own enumerable key (without allocating). */
export function hasKey(o: object): boolean {
  for (const _ in o) return true;
  return false;
}
/** Merges env i's info into the batched infos, Gymnasium-style (`key` array plus `_key` mask). */
export function addInfo(infos: VectorInfo, info: Info, i: number, n: number): VectorInfo {
  for (const [key, value] of Object.entries(info)) {
    const maskKey = `_${key}`;
    let mask = infos[maskKey] as Uint8Array | undefined;
    if (isPlainObject(value)) {
      infos[key] = addInfo((infos[key] as VectorInfo | undefined) ?? {}, value, i, n);
    } else {
      let arr = infos[key] as Float64Array | Uint8Array | unknown[] | undefined;
      if (arr === undefined) {
        // final_obs (SAME_STEP autoreset) is always a plain array of observations, as in Gymnasium.
        const plain = key === 'final_obs' || (typeof value !== 'number' && typeof value !== 'boolean');
        arr = plain ? new Array<unknown>(n).fill(undefined) : typeof value === 'number' ? new Float64Array(n) : new Uint8Array(n);
        infos[key] = arr;
      } else if ((arr instanceof Float64Array && typeof value !== 'number') || (arr instanceof Uint8Array && typeof value !== 'boolean')) {
        // The envs disagree on this key's type: fall back to a plain array.
        arr = toPlain(arr, mask);
        infos[key] = arr;
      }
      if (arr instanceof Uint8Array) arr[i] = value ? 1 : 0;
      else (arr as unknown[] | Float64Array)[i] = value as number;
    }
    if (mask === undefined) {
      mask = new Uint8Array(n);
      infos[maskKey] = mask;
    }
    mask[i] = 1;
  }
  return infos;
}

function toPlain(arr: Float64Array | Uint8Array, mask: Uint8Array | undefined): unknown[] {
  const bools = arr instanceof Uint8Array;
  return Array.from(arr, (v, j) => (mask?.[j] ? (bools ? v === 1 : v) : undefined));
}
