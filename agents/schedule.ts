// Schedules of training progress (Stable-Baselines3's learning-rate schedules,
// written as expressions): a plain number is constant; a string is an
// expression of `progress`, 0 at the start of the learn budget and 1 at its end,
// e.g. '0.01 * (1 - progress)'. mathjs parses and compiles it once. It is
// imported here only, on first use, so importing relax-pg/agents does not load it.
import { UserError } from '../src/errors.js';

/** A value, or an expression of `progress` ∈ [0, 1]. */
export type Schedule = number | string;
export type ScheduleFn = (progress: number) => number;

/** A CLI value as a schedule: a plain number stays a number; anything else is an expression. */
export function scheduleOf(raw: string): Schedule {
  const x = Number(raw);
  return raw.trim() !== '' && Number.isFinite(x) ? x : raw;
}

/** Whether the schedule changes with progress (an expression, not a number). */
export function isExpression(s: Schedule): s is string {
  return typeof s === 'string';
}

function checkValue(what: string, source: Schedule, progress: number, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
    const shown = typeof v === 'number' ? String(v) : `a ${typeof v === 'object' && v !== null ? v.constructor.name : typeof v}`;
    throw new UserError(`${what} '${source}' is ${shown} at progress ${progress} (it must be a finite number ≥ 0)`);
  }
  return v;
}

/**
 * Compile a schedule, checked at progress 0 and 1: a syntax error, a name other
 * than `progress` or one of mathjs's functions and constants, or a value that
 * is not a finite number ≥ 0 is a one-line UserError naming `what` (e.g. '--lr').
 * The function also checks every later value it gives.
 */
export async function compileSchedule(what: string, source: Schedule): Promise<ScheduleFn> {
  if (typeof source === 'number') {
    checkValue(what, source, 0, source);
    return () => source;
  }
  const math = await import('mathjs');
  let node: import('mathjs').MathNode;
  try {
    node = math.parse(source);
  } catch (e) {
    throw new UserError(`${what} '${source}' does not parse: ${(e as Error).message}`);
  }
  // One expression: no assignments or several statements.
  const bad = node.filter((n) => ['AssignmentNode', 'FunctionAssignmentNode', 'BlockNode'].includes(n.type));
  if (bad.length > 0) throw new UserError(`${what} '${source}' must be one expression of progress (no assignments)`);
  const known = math as unknown as Record<string, unknown>;
  for (const n of node.filter((n, path) => n.type === 'SymbolNode' && path !== 'fn') as import('mathjs').SymbolNode[]) {
    if (n.name !== 'progress' && (!(n.name in known) || typeof known[n.name] === 'function')) {
      throw new UserError(`${what} '${source}': unknown variable '${n.name}' (the only variable is progress)`);
    }
  }
  const code = node.compile();
  const fn: ScheduleFn = (progress) => {
    let v: unknown;
    try {
      v = code.evaluate({ progress });
    } catch (e) {
      throw new UserError(`${what} '${source}' fails at progress ${progress}: ${(e as Error).message}`);
    }
    return checkValue(what, source, progress, v);
  };
  fn(0);
  fn(1);
  return fn;
}
