// The hyper-parameters a sweep may vary or fix, by the names users write (the
// CLI's where it has one: lr, entropy; else the agent config's), each with
// its check. A value that fails is one line naming the parameter.
import { AGENTS, scheduleOf, type AgentConfig, type AgentKind } from '../../agents/index.js';
import { UserError } from '../../src/errors.js';

export type ParamValue = number | string | boolean | number[];

interface ParamRule {
  /** The AgentConfig field it sets (none: 'agent' and 'estimator', which choose the preset). */
  key?: keyof AgentConfig;
  check(value: unknown): string | undefined;
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const number =
  (min: number, max = Infinity, open = false, integer = false) =>
  (v: unknown): string | undefined => {
    if (!isNum(v)) return 'must be a number';
    if (integer && !Number.isInteger(v)) return 'must be a whole number';
    if (open ? v <= min || v >= max : v < min || v > max) return `must be in ${open ? '(' : '['}${min}, ${max}${open ? ')' : ']'}`;
    return undefined;
  };
// A number or an expression of progress (checked when compiled: see definition.ts).
const schedule = (min: number, open: boolean) => (v: unknown) => (typeof v === 'string' ? (typeof scheduleOf(v) === 'string' ? undefined : number(min, Infinity, open)(Number(v))) : number(min, Infinity, open)(v));
const sizes = (v: unknown) => (Array.isArray(v) && v.length > 0 && v.every((x) => Number.isInteger(x) && x >= 1 && x <= 4096) ? undefined : 'must be a list of layer sizes, e.g. [10, 10]');
const oneOf = (allowed: readonly string[]) => (v: unknown) => (typeof v === 'string' && allowed.includes(v) ? undefined : `must be one of ${allowed.join(', ')}`);
const bool = (v: unknown) => (typeof v === 'boolean' ? undefined : 'must be true or false');

/** The catalog estimator a sweep may name, and the agent preset that runs it (agents/applicable.ts). */
export const ESTIMATOR_PRESETS: Record<string, { kind: AgentKind; baseline?: AgentConfig['baseline'] }> = {
  reinforce: { kind: 'reinforce', baseline: 'none' },
  'reinforce-baseline': { kind: 'reinforce', baseline: 'moving-average' },
  nvil: { kind: 'a2c' },
  relax: { kind: 'relax' },
  lax: { kind: 'lax' },
};

export const PARAMS: Record<string, ParamRule> = {
  agent: { check: oneOf(AGENTS) },
  estimator: { check: oneOf(Object.keys(ESTIMATOR_PRESETS)) },
  lr: { key: 'learningRate', check: schedule(0, true) },
  entropy: { key: 'entropyCoef', check: schedule(0, false) },
  gamma: { key: 'gamma', check: number(0, 1) },
  gaeLambda: { key: 'gaeLambda', check: number(0, 1) },
  targetKl: { key: 'targetKl', check: number(0) },
  cvLrScale: { key: 'cvLrScale', check: number(0, Infinity, true) },
  beta2: { key: 'beta2', check: number(0, 1, true) },
  optimizer: { key: 'optimizer', check: oneOf(['adam', 'rmsprop']) },
  hidden: { key: 'hidden', check: sizes },
  valueHidden: { key: 'valueHidden', check: sizes },
  cvHidden: { key: 'cvHidden', check: sizes },
  cvUpdates: { key: 'cvUpdates', check: number(1, Infinity, false, true) },
  valueUpdates: { key: 'valueUpdates', check: number(1, Infinity, false, true) },
  cvWithValue: { key: 'cvWithValue', check: bool },
  baseline: { key: 'baseline', check: oneOf(['none', 'moving-average', 'value']) },
  episodesPerUpdate: { key: 'episodesPerUpdate', check: number(1, Infinity, false, true) },
  stepsPerUpdate: { key: 'stepsPerUpdate', check: number(0, Infinity, false, true) },
  varianceEvery: { key: 'varianceEvery', check: number(0, Infinity, false, true) },
  initLogStd: { key: 'initLogStd', check: number(-Infinity) },
};

export function checkParamName(name: string, where: string): void {
  if (!Object.hasOwn(PARAMS, name)) throw new UserError(`${where}: unknown parameter '${name}' (choose from ${Object.keys(PARAMS).join(', ')})`);
}

/** A one-line UserError unless `name` is a parameter and `value` suits it; `where` says where it was written. */
export function checkParam(name: string, value: unknown, where: string): void {
  checkParamName(name, where);
  const problem = PARAMS[name].check(value);
  if (problem) throw new UserError(`${where}: ${name} ${problem}, got ${JSON.stringify(value)}`);
}

/** The agent kind and config overrides of a trial's parameters, over `base` (an experiment's agent options). */
export function agentSettings(agent: string, params: Record<string, ParamValue>, base: Partial<AgentConfig> = {}): { kind: AgentKind; options: Partial<AgentConfig> } {
  let kind = (params.agent as AgentKind | undefined) ?? (agent as AgentKind);
  const options: Partial<AgentConfig> = { ...base };
  if (typeof params.estimator === 'string') {
    const preset = ESTIMATOR_PRESETS[params.estimator];
    kind = preset.kind;
    if (preset.baseline) options.baseline = preset.baseline;
  }
  for (const [name, value] of Object.entries(params)) {
    const key = PARAMS[name]?.key;
    // "0.01" is the number 0.01; any other string is a schedule of progress.
    if (key) (options as Record<string, unknown>)[key] = typeof value === 'string' && (name === 'lr' || name === 'entropy') ? scheduleOf(value) : value;
  }
  return { kind, options };
}
