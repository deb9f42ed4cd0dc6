// The naive float32 dot-product step of either kind the products can take:
// × and + each rounded (plain SIMD, the JavaScript loops), or a·b + c rounded
// once (relaxed_madd where the CPU fuses). fma32 is exact: a·b of two
// float32s is exact in float64, TwoSum gives the float64 sum's error, and
// only a sum that lands exactly on a float32 midpoint needs that error to
// decide which way to round.
import { fusedMultiplyAdd, simdAvailable } from '../../src/wasm/wat.js';
import { MADD } from '../../src/tf/matMulWasm.js';

const f = Math.fround;
const word = new DataView(new ArrayBuffer(4));

/** The float32 next to x (finite, non-zero handled as well as zero) in direction `up`. */
function neighbour32(x: number, up: boolean): number {
  if (x === 0) return up ? 2 ** -149 : -(2 ** -149);
  word.setFloat32(0, x);
  const bits = word.getInt32(0);
  word.setInt32(0, x > 0 === up ? bits + 1 : bits - 1);
  return word.getFloat32(0);
}

/** a·b + c rounded once to float32, for float32 a, b, c. */
export function fma32(a: number, b: number, c: number): number {
  const p = a * b;
  const s = p + c;
  const v = s - p;
  const e = p - (s - v) + (c - v);
  const r = f(s);
  if (e === 0 || r === s) return r;
  const other = neighbour32(r, s > r);
  if (s !== (r + other) / 2) return r;
  return e > 0 ? Math.max(r, other) : Math.min(r, other);
}

export type Step = (acc: number, a: number, b: number) => number;
export const unfused: Step = (acc, a, b) => f(acc + f(a * b));
export const fused: Step = (acc, a, b) => fma32(a, b, acc);

/** The step the wasm products take here (with SIMD), and the one the JavaScript loops take. */
export const kernelStep: Step = simdAvailable && MADD && fusedMultiplyAdd ? fused : unfused;
export const stepOf = (simd: boolean): Step => (simd ? kernelStep : unfused);
