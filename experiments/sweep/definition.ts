// A sweep definition (a JSON file, or the same object from code) and its
// checks: every mistake is one line naming the field. See expand.ts for the
// trials it becomes.
import { readFileSync } from 'node:fs';
import { UserError } from '../../src/errors.js';
import { RL_EXPERIMENTS } from '../rl/definitions.js';
import { checkParam, checkParamName, type ParamValue } from './params.js';
import { parseMetric } from './metric.js';

/** A random-search distribution of one parameter. */
export type Distribution = { uniform: [number, number] } | { logUniform: [number, number] } | { int: [number, number] } | { choice: ParamValue[] };

export interface SweepDefinition {
  name?: string;
  /** An agent preset (relax, a2c, reinforce, lax); with `experiment`, one of its agents by name. */
  agent: string;
  env?: string;
  /** One of the RL experiments (cartpole, ...): its env, the agent's settings and its variance cadence. */
  experiment?: string;
  envOptions?: Record<string, unknown>;
  /** Parameters every trial shares. */
  fixed?: Record<string, ParamValue>;
  grid?: Record<string, ParamValue[]>;
  random?: Record<string, Distribution>;
  /** Random draws per grid point (default 1 with `random`). */
  samples?: number;
  /** The seed of the random search (default 1). */
  searchSeed?: number;
  seeds: number[];
  /** The budget of each trial: episodes, and/or environment frames (steps is a synonym). */
  episodes?: number;
  frames?: number;
  steps?: number;
  metric: string;
  mode: 'max' | 'min';
  /** Save each trial's agent every this many episodes (default max(1, episodes / 10)). */
  checkpointEvery?: number;
  /** Successive halving (ASHA): at each rung (a fraction of the budget) keep the best 1/eta so far. */
  asha?: { rungs: number[]; eta?: number; minTrials?: number };
}

const FIELDS = ['name', 'agent', 'env', 'experiment', 'envOptions', 'fixed', 'grid', 'random', 'samples', 'searchSeed', 'seeds', 'episodes', 'frames', 'steps', 'metric', 'mode', 'checkpointEvery', 'asha'];

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const positiveInt = (v: unknown) => Number.isInteger(v) && (v as number) >= 1;

function checkDistribution(name: string, d: unknown): void {
  const where = `random.${name}`;
  checkParamName(name, where);
  if (!isObject(d) || Object.keys(d).length !== 1) throw new UserError(`${where} must be one of { "uniform": [a, b] }, { "logUniform": [a, b] }, { "int": [a, b] }, { "choice": [...] }`);
  const [kind, arg] = Object.entries(d)[0];
  if (kind === 'choice') {
    if (!Array.isArray(arg) || arg.length === 0) throw new UserError(`${where}.choice must be a non-empty list`);
    for (const v of arg) checkParam(name, v, where);
    return;
  }
  if (!['uniform', 'logUniform', 'int'].includes(kind)) throw new UserError(`${where}: unknown distribution '${kind}' (choose from uniform, logUniform, int, choice)`);
  if (!Array.isArray(arg) || arg.length !== 2 || !arg.every((x) => typeof x === 'number' && Number.isFinite(x)) || arg[0] > arg[1]) {
    throw new UserError(`${where}.${kind} must be [low, high] with low ≤ high`);
  }
  if (kind === 'logUniform' && arg[0] <= 0) throw new UserError(`${where}.logUniform needs low > 0`);
  checkParam(name, arg[0], where);
  checkParam(name, arg[1], where);
}

/** The definition checked and with its defaults; a one-line UserError at the first mistake. */
export function checkDefinition(raw: unknown): SweepDefinition {
  if (!isObject(raw)) throw new UserError('a sweep definition must be a JSON object');
  for (const k of Object.keys(raw)) if (!FIELDS.includes(k)) throw new UserError(`unknown field '${k}' in the sweep definition (fields: ${FIELDS.join(', ')})`);
  const d = raw as unknown as SweepDefinition;
  if (typeof d.agent !== 'string') throw new UserError('the sweep definition needs "agent" (e.g. "relax")');
  if (d.experiment !== undefined) {
    const e = RL_EXPERIMENTS[d.experiment];
    if (!e) throw new UserError(`unknown experiment '${d.experiment}' (choose from ${Object.keys(RL_EXPERIMENTS).join(', ')})`);
    if (!e.agents.some((a) => a.name === d.agent)) throw new UserError(`experiment ${d.experiment} has no agent '${d.agent}' (choose from ${e.agents.map((a) => a.name).join(', ')})`);
    if (d.env !== undefined && d.env !== e.env) throw new UserError(`experiment ${d.experiment} runs ${e.env}: leave out "env" or give that one`);
  } else if (typeof d.env !== 'string') {
    throw new UserError('the sweep definition needs "env" (e.g. "CartPole-v1") or "experiment"');
  } else {
    checkParam('agent', d.agent, 'agent');
  }
  if (!Array.isArray(d.seeds) || d.seeds.length === 0 || !d.seeds.every((s) => Number.isInteger(s))) throw new UserError('"seeds" must be a non-empty list of whole numbers, e.g. [1, 2, 3]');
  if (new Set(d.seeds).size !== d.seeds.length) throw new UserError('"seeds" lists a seed twice');
  if (d.steps !== undefined && d.frames !== undefined) throw new UserError('give "frames" or "steps" (the same budget), not both');
  for (const f of ['episodes', 'frames', 'steps', 'samples', 'checkpointEvery'] as const) {
    if (d[f] !== undefined && !positiveInt(d[f])) throw new UserError(`"${f}" must be a whole number ≥ 1, got ${JSON.stringify(d[f])}`);
  }
  if (d.episodes === undefined && d.frames === undefined && d.steps === undefined) throw new UserError('the sweep needs a budget: "episodes" and/or "frames"');
  if (d.searchSeed !== undefined && !Number.isInteger(d.searchSeed)) throw new UserError('"searchSeed" must be a whole number');
  if (d.mode !== 'max' && d.mode !== 'min') throw new UserError(`"mode" must be "max" or "min", got ${JSON.stringify(d.mode)}`);
  if (typeof d.metric !== 'string') throw new UserError('the sweep definition needs "metric" (e.g. "meanReturnLast100")');
  parseMetric(d.metric);
  if (d.envOptions !== undefined && !isObject(d.envOptions)) throw new UserError('"envOptions" must be an object');
  for (const [field, value] of [['fixed', d.fixed], ['grid', d.grid], ['random', d.random]] as const) {
    if (value !== undefined && !isObject(value)) throw new UserError(`"${field}" must be an object of parameters`);
  }
  for (const [name, v] of Object.entries(d.fixed ?? {})) checkParam(name, v, 'fixed');
  for (const [name, values] of Object.entries(d.grid ?? {})) {
    checkParamName(name, `grid.${name}`);
    if (!Array.isArray(values) || values.length === 0) throw new UserError(`grid.${name} is empty: give a non-empty list of values`);
    for (const v of values) checkParam(name, v, `grid.${name}`);
    if (new Set(values.map((v) => JSON.stringify(v))).size !== values.length) throw new UserError(`grid.${name} lists a value twice`);
  }
  for (const [name, dist] of Object.entries(d.random ?? {})) {
    if (!(name in (d.grid ?? {}))) checkDistribution(name, dist);
    else throw new UserError(`'${name}' is in both grid and random`);
  }
  const swept = Object.keys(d.grid ?? {}).length + Object.keys(d.random ?? {}).length;
  if (swept === 0) throw new UserError('the sweep varies nothing: give "grid" and/or "random" parameters');
  if (d.samples !== undefined && d.random === undefined) throw new UserError('"samples" needs "random"');
  for (const name of Object.keys(d.fixed ?? {})) if (name in (d.grid ?? {}) || name in (d.random ?? {})) throw new UserError(`'${name}' is both fixed and swept`);
  if (d.asha !== undefined) checkAsha(d.asha);
  return d;
}

function checkAsha(a: unknown): void {
  if (!isObject(a)) throw new UserError('"asha" must be { "rungs": [0.25, 0.5], "eta": 2 }');
  for (const k of Object.keys(a)) if (!['rungs', 'eta', 'minTrials'].includes(k)) throw new UserError(`unknown field 'asha.${k}' (fields: rungs, eta, minTrials)`);
  const rungs = a.rungs;
  if (!Array.isArray(rungs) || rungs.length === 0 || !rungs.every((r) => typeof r === 'number' && r > 0 && r < 1)) throw new UserError('asha.rungs must be a non-empty list of fractions of the budget in (0, 1), e.g. [0.25, 0.5]');
  if (rungs.some((r, i) => i > 0 && r <= rungs[i - 1])) throw new UserError('asha.rungs must increase');
  if (a.eta !== undefined && !(typeof a.eta === 'number' && a.eta > 1)) throw new UserError('asha.eta must be a number > 1');
  if (a.minTrials !== undefined && !positiveInt(a.minTrials)) throw new UserError('asha.minTrials must be a whole number ≥ 1');
}

/** A sweep file: read, parsed and checked (one line for a missing file or bad JSON). */
export function readDefinition(path: string): SweepDefinition {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UserError(`cannot read the sweep file ${path} (${(error as { code?: string }).code ?? 'error'})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new UserError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
  return checkDefinition(raw);
}
