// Option parsers for the CLI: each turns a bad value into a one-line UserError.
import { Option } from 'commander';
import { UserError } from '../../src/errors.js';
import { capWorkers } from '../pool.js';

export interface NumberRule {
  min?: number;
  max?: number;
  /** Bounds are excluded (e.g. a probability in (0, 1)). */
  open?: boolean;
  integer?: boolean;
}

export function parseNumber(option: string, raw: string, rule: NumberRule = {}): number {
  const x = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(x)) throw new UserError(`${option} must be a number, got '${raw}'`);
  if (rule.integer && !Number.isInteger(x)) throw new UserError(`${option} must be a whole number, got '${raw}'`);
  const { min, max, open } = rule;
  const below = min !== undefined && (open ? x <= min : x < min);
  const above = max !== undefined && (open ? x >= max : x > max);
  if (below || above) {
    const lo = min === undefined ? '−∞' : String(min);
    const hi = max === undefined ? '∞' : String(max);
    throw new UserError(`${option} must be in ${open ? '(' : '['}${lo}, ${hi}${open ? ')' : ']'}, got ${raw}`);
  }
  return x;
}

/** A commander argParser for a number option. */
export const num =
  (option: string, rule: NumberRule = {}) =>
  (raw: string): number =>
    parseNumber(option, raw, rule);

/** Comma-separated numbers. */
export const numList =
  (option: string, rule: NumberRule = {}) =>
  (raw: string): number[] =>
    raw.split(',').map((s) => parseNumber(option, s.trim(), rule));

/** Comma-separated names, each checked against `allowed` (or by it: a check that throws its own line). */
export const nameList =
  (option: string, allowed: readonly string[] | ((name: string) => unknown)) =>
  (raw: string): string[] => {
    const names = raw
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (names.length === 0) throw new UserError(`${option} needs at least one name`);
    for (const n of names) {
      if (typeof allowed === 'function') allowed(n);
      else if (!allowed.includes(n)) throw new UserError(`${option}: unknown '${n}' (choose from ${allowed.join(', ')})`);
    }
    return names;
  };

export const oneOf =
  (option: string, allowed: readonly string[]) =>
  (raw: string): string => {
    if (!allowed.includes(raw)) throw new UserError(`${option}: unknown '${raw}' (choose from ${allowed.join(', ')})`);
    return raw;
  };

/** --workers: more threads than cores would only slow each run, so it is capped there (a one-line note on stderr). */
export function workersOption(): Option {
  return new Option('--workers <n>', 'worker threads (default: min(2, cores); more than the cores available is capped there, with a note)').argParser((raw) =>
    capWorkers(parseNumber('--workers', raw, { min: 1, integer: true }), (note) => process.stderr.write(`relax-pg: note: ${note}\n`)),
  );
}
