// Small helpers shared by the spaces (not exported from relax-pg/envs).
import { UserError } from '../../src/errors.js';

/** Product of a shape's dimensions (1 for the scalar shape []). */
export function shapeSize(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function checkShape(shape: readonly number[], what: string): number[] {
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new UserError(`${what}: shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
  }
  return [...shape];
}

/** Any typed or plain array of numbers (what `contains` accepts for array-valued spaces). */
export function isNumericArray(x: unknown): x is ArrayLike<number> {
  if (Array.isArray(x)) return x.every((v) => typeof v === 'number');
  return ArrayBuffer.isView(x) && !(x instanceof DataView) && !(x instanceof BigInt64Array) && !(x instanceof BigUint64Array);
}

export function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (x === null || typeof x !== 'object') return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

// JSON has no Infinity: non-finite bounds are written as strings.
export function encodeNumber(v: number): number | string {
  return Number.isFinite(v) ? v : String(v);
}

export function decodeNumber(v: unknown, what: string): number {
  if (typeof v === 'number') return v;
  if (v === 'Infinity' || v === 'inf') return Infinity;
  if (v === '-Infinity' || v === '-inf') return -Infinity;
  throw new UserError(`${what}: expected a number, got ${JSON.stringify(v)}`);
}

/** Short form of a value for error messages. */
export function preview(x: unknown): string {
  if (typeof x === 'number' || typeof x === 'boolean' || x === null || x === undefined) return String(x);
  if (typeof x === 'string') return JSON.stringify(x);
  if (ArrayBuffer.isView(x) && !(x instanceof DataView)) {
    const a = Array.from(x as unknown as ArrayLike<number>).slice(0, 8);
    const more = (x as unknown as ArrayLike<number>).length > 8 ? ', ...' : '';
    return `${x.constructor.name}[${a.join(', ')}${more}]`;
  }
  if (Array.isArray(x)) {
    const s = JSON.stringify(x);
    return s.length > 60 ? `${s.slice(0, 57)}...` : s;
  }
  return typeof x === 'object' ? (x.constructor?.name ?? 'object') : typeof x;
}
