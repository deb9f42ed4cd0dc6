// Small helpers shared by the classic-control environments.
import { UserError } from '../../src/errors.js';

/** Floored modulo, as Python's and NumPy's `%` (JavaScript's `%` keeps the sign of the dividend). */
export function floorMod(a: number, b: number): number {
  // fmod is exact; shifting by b once when the signs disagree is what numpy's divmod does,
  // so the rounding matches it bit for bit (unlike ((a % b) + b) % b).
  let m = a % b;
  if (m !== 0 && m < 0 !== b < 0) m += b;
  return m;
}

/** Parse one numeric reset option the way Gymnasium does (`float(x)`); reject anything else. */
export function optionNumber(value: unknown, name: string): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) return Number(value);
  throw new UserError(`reset option ${name} (${String(value)}) could not be converted to a number`);
}

/** Gymnasium's `maybe_parse_reset_bounds`: `options.low` / `options.high`, defaults otherwise. */
export function resetBounds(
  options: Record<string, unknown> | undefined,
  defaultLow: number,
  defaultHigh: number,
): [number, number] {
  if (options === undefined || options === null) return [defaultLow, defaultHigh];
  const low = 'low' in options ? optionNumber(options.low, 'low') : defaultLow;
  const high = 'high' in options ? optionNumber(options.high, 'high') : defaultHigh;
  if (low > high) throw new UserError(`reset option low (${low}) must not be greater than high (${high})`);
  return [low, high];
}

/** Copy a user-given state into a Float64Array of the expected length, or fail with one line. */
export function readState(value: ArrayLike<number>, length: number, env: string): Float64Array {
  if (value === null || typeof value !== 'object' || typeof value.length !== 'number' || value.length !== length) {
    throw new UserError(`${env}: state must be an array of ${length} numbers`);
  }
  const out = new Float64Array(length);
  for (let i = 0; i < length; i++) {
    const v = value[i];
    if (typeof v !== 'number') throw new UserError(`${env}: state[${i}] is not a number`);
    out[i] = v;
  }
  return out;
}

/** Constructor options: accept Gymnasium's snake_case names and camelCase; reject unknown keys. */
export function readOptions(
  env: string,
  options: Record<string, unknown> | undefined,
  known: readonly string[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!options) return out;
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined) continue;
    const camel = key.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
    if (!known.includes(camel)) {
      throw new UserError(`${env}: unknown option '${key}' (known: ${known.join(', ')})`);
    }
    out[camel] = value;
  }
  return out;
}

export function renderModeOption(env: string, value: unknown): 'ansi' | 'rgb_array' | undefined {
  if (value === undefined || value === null) return undefined;
  if (value === 'ansi' || value === 'rgb_array') return value;
  throw new UserError(`${env}: render mode must be 'ansi' or 'rgb_array', got '${String(value)}'`);
}

export function fmt(x: number, digits = 4): string {
  const s = x.toFixed(digits);
  return x >= 0 ? ` ${s}` : s;
}
