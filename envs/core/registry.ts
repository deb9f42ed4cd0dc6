// The environment registry: `register` an id with a factory, `make` it wrapped
// as Gymnasium's make does (PassiveEnvChecker, OrderEnforcing, TimeLimit).
import { UserError } from '../../src/errors.js';
import { OrderEnforcing } from '../wrappers/orderEnforcing.js';
import { PassiveEnvChecker, warnOnce } from '../wrappers/passiveEnvChecker.js';
import { TimeLimit } from '../wrappers/timeLimit.js';
import type { Env, EnvSpec, RenderMode } from './env.js';
import type { MadeEnv, RegisteredEnvs } from './registeredEnvs.js';

/** Options given to an env's factory: its registered kwargs, make's extra options, and `renderMode` if asked. */
export type EnvOptions = Record<string, unknown> & { renderMode?: RenderMode };

export interface EnvRegistration {
  /** E.g. 'CartPole-v1' (Gymnasium's `[namespace/]name[-vN]`). */
  id: string;
  entryPoint: (options: EnvOptions) => Env<any, any>;
  maxEpisodeSteps?: number;
  rewardThreshold?: number;
  /** Default options passed to `entryPoint`; `make(id, options)` overrides them. */
  kwargs?: Record<string, unknown>;
}

/** What `spec(id)` returns: the registration (its kwargs copied). */
export type RegisteredSpec = Readonly<EnvRegistration>;

export interface MakeOptions {
  /** Overrides the registered limit (TimeLimit is added whenever a limit is known). */
  maxEpisodeSteps?: number;
  renderMode?: RenderMode;
  /** Skip the PassiveEnvChecker (then actions are not validated). */
  disableEnvChecker?: boolean;
  /** Skip OrderEnforcing (step before reset is then not caught). */
  orderEnforce?: boolean;
  /** Any other key is an option for the env itself (merged over the registered kwargs). */
  [option: string]: unknown;
}

const RESERVED = new Set(['maxEpisodeSteps', 'renderMode', 'disableEnvChecker', 'orderEnforce']);
const registry = new Map<string, EnvRegistration>();
const ID_RE = /^(?:[\w.-]+\/)?[\w:.-]+?(?:-v\d+)?$/;

function checkPositiveInteger(v: unknown, what: string): void {
  if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v <= 0)) {
    throw new UserError(`${what} must be a positive integer, got ${String(v)}`);
  }
}

export function register(reg: EnvRegistration): void {
  if (typeof reg?.id !== 'string' || !ID_RE.test(reg.id)) {
    throw new UserError(`register: invalid id ${JSON.stringify(reg?.id)} (expected e.g. 'MyEnv-v0')`);
  }
  if (typeof reg.entryPoint !== 'function') throw new UserError(`register: ${reg.id} needs an entryPoint function`);
  checkPositiveInteger(reg.maxEpisodeSteps, `register: ${reg.id} maxEpisodeSteps`);
  if (reg.rewardThreshold !== undefined && typeof reg.rewardThreshold !== 'number') {
    throw new UserError(`register: ${reg.id} rewardThreshold must be a number`);
  }
  if (registry.has(reg.id)) warnOnce(`register: overriding environment ${reg.id} already in the registry`);
  registry.set(reg.id, { ...reg, kwargs: { ...(reg.kwargs ?? {}) } });
}

/** Removes an id (for tests and for users replacing an env); returns whether it existed. */
export function unregister(id: string): boolean {
  return registry.delete(id);
}

/** All registered ids, sorted. */
export function listEnvs(): string[] {
  return [...registry.keys()].sort();
}

function baseName(id: string): string {
  return id.replace(/-v\d+$/, '');
}

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length];
}

function unknownId(id: string): UserError {
  const ids = listEnvs();
  const base = baseName(id);
  const versions = ids.filter((k) => baseName(k) === base);
  if (versions.length > 0 && id !== base) {
    return new UserError(`unknown environment '${id}': ${base} exists as ${versions.join(', ')}`);
  }
  if (versions.length > 0) return new UserError(`unknown environment '${id}': give a version, e.g. ${versions[versions.length - 1]}`);
  const lower = id.toLowerCase();
  const close = ids
    .map((k) => ({ k, d: Math.min(editDistance(lower, k.toLowerCase()), editDistance(baseName(lower), baseName(k).toLowerCase())) }))
    .filter(({ k, d }) => d <= Math.max(2, Math.floor(baseName(k).length / 3)) || k.toLowerCase().includes(baseName(lower)))
    .sort((a, b) => a.d - b.d)
    .slice(0, 3)
    .map(({ k }) => k);
  if (close.length > 0) return new UserError(`unknown environment '${id}'; did you mean ${close.join(', ')}?`);
  return new UserError(`unknown environment '${id}' (${ids.length} registered: ${ids.slice(0, 12).join(', ')}${ids.length > 12 ? ', ...' : ''})`);
}

export function spec(id: string): RegisteredSpec {
  const reg = registry.get(id);
  if (!reg) throw unknownId(id);
  return { ...reg, kwargs: { ...(reg.kwargs ?? {}) } };
}

/**
 * A new env for `id`, wrapped (innermost first) in PassiveEnvChecker,
 * OrderEnforcing and, if a step limit is registered or given, TimeLimit.
 * `env.spec` (on every layer) tells the id, limit, threshold and options.
 *
 * Types: a bundled id gives its own (registeredEnvs.ts), e.g. make('CartPole-v1') is an
 * Env<Float32Array, number> whose `unwrapped` is a CartPoleEnv. Any other id gives
 * Env<any, any> as before, or the types you pass:
 * `make<Float64Array, number, MyEnv>('MyEnv-v0')` (observation, action, unwrapped env).
 */
export function make<K extends keyof RegisteredEnvs>(id: K, options?: MakeOptions): MadeEnv<K>;
export function make<O = any, A = any, E extends Env<any, any> = Env<any, any>>(
  id: string,
  options?: MakeOptions,
): Env<O, A> & { readonly unwrapped: E };
export function make(id: string, options: MakeOptions = {}): Env<any, any> {
  const reg = registry.get(id);
  if (!reg) throw unknownId(id);
  checkPositiveInteger(options.maxEpisodeSteps, `make(${id}): maxEpisodeSteps`);
  const envOptions: EnvOptions = { ...(reg.kwargs ?? {}) };
  for (const [k, v] of Object.entries(options)) if (!RESERVED.has(k) && v !== undefined) envOptions[k] = v;
  if (options.renderMode !== undefined) envOptions.renderMode = options.renderMode;

  let env = reg.entryPoint(envOptions) as Env<any, any>;
  if (env === null || typeof env !== 'object' || typeof env.step !== 'function') {
    throw new UserError(`make(${id}): the entryPoint did not return an Env`);
  }
  if (options.renderMode !== undefined) {
    const modes = env.metadata?.renderModes ?? [];
    if (!modes.includes(options.renderMode)) {
      throw new UserError(`make(${id}): renderMode '${options.renderMode}' is not supported (supported: ${modes.join(', ') || 'none'})`);
    }
    if (env.renderMode === undefined) env.renderMode = options.renderMode;
  }
  const maxEpisodeSteps = options.maxEpisodeSteps ?? reg.maxEpisodeSteps;
  const envSpec: EnvSpec = { id, maxEpisodeSteps, rewardThreshold: reg.rewardThreshold, kwargs: envOptions };
  env.unwrapped.spec = envSpec;

  if (!options.disableEnvChecker) env = new PassiveEnvChecker(env);
  if (options.orderEnforce !== false) env = new OrderEnforcing(env);
  if (maxEpisodeSteps !== undefined) env = new TimeLimit(env, maxEpisodeSteps);
  return env;
}
