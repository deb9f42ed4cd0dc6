// The one checkpoint format: variables by logical name, every optimiser's
// full state, every random stream, and the caller's JSON state. A checkpoint
// is `<name>.json` (the commit point, written last and atomically) naming one
// generation of weight files `<name>-<generation>.bin`; older generations are
// removed only after the json is written, so a kill at any moment leaves the
// previous checkpoint loadable.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { tf } from '../tf/index.js';
import type { Rng, AleaState } from '../random/index.js';
import { UserError } from '../errors.js';
import { readJson, writeJsonAtomic } from '../report/files.js';
import { saveWeights, loadWeights, assignWeights, type WeightsManifestGroup } from './weights.js';
import { getLearningRate, setLearningRate } from './optim.js';
import { FusedAdam } from './adam.js';

export interface CheckpointParts {
  variables: Record<string, tf.Variable>;
  optimizers: Record<string, tf.Optimizer>;
  rngs: Record<string, Rng>;
}

export interface CheckpointOptions {
  /** The checkpoint's file name without `.json` (default 'checkpoint'); several can share a folder. */
  name?: string;
}

interface OptimizerRecord {
  /** tfjs class name ('Adam', 'RMSProp', 'SGD'): moments only fit the same kind. */
  kind?: string;
  /** Tensors from getWeights(): the iteration count first, then the moments in variable order. */
  count: number;
  learningRate: number;
  /**
   * Adam's bias-correction powers βᵗ as the optimiser holds them: tfjs's
   * setWeights rebuilds them with pow(), which differs from the running
   * product in the last bits, and a resumed run would drift.
   */
  accBeta1?: number;
  accBeta2?: number;
}

interface CheckpointFile {
  format: 'relax-pg-checkpoint';
  version: 1;
  generation: string;
  weights: WeightsManifestGroup[];
  optimizers: Record<string, OptimizerRecord>;
  rngs: Record<string, AleaState>;
  state: unknown;
}

// Private fields of tfjs's AdamOptimizer (absent on RMSProp and SGD).
type AdamInternals = { accBeta1?: tf.Variable; accBeta2?: tf.Variable };

const OPTIMIZER_PREFIX = 'optimizer/';
const DEFAULT_NAME = 'checkpoint';
const jsonOf = (dir: string, name: string) => join(dir, `${name}.json`);
const binOf = (name: string, generation: string) => `${name}-${generation}.bin`;
// Names of an optimiser's saved tensors, in getWeights() order.
const stateIds = (key: string, count: number) => Array.from({ length: count }, (_, i) => `${OPTIMIZER_PREFIX}${key}/${i}`);
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function hasCheckpoint(dir: string, options: CheckpointOptions = {}): boolean {
  return existsSync(jsonOf(dir, options.name ?? DEFAULT_NAME));
}

/** The JSON state of the checkpoint in `dir` without loading anything (e.g. to rebuild what it belongs to). */
export function readCheckpointState<S = unknown>(dir: string, options: CheckpointOptions = {}): S {
  return readCheckpointFile(dir, options.name ?? DEFAULT_NAME).state as S;
}

function readCheckpointFile(dir: string, name: string): CheckpointFile {
  const path = jsonOf(dir, name);
  const file = readJson<CheckpointFile>(path); // missing or unparsable: one-line UserError
  const ok =
    file?.format === 'relax-pg-checkpoint' &&
    file.version === 1 &&
    typeof file.generation === 'string' &&
    Array.isArray(file.weights) &&
    typeof file.optimizers === 'object' &&
    typeof file.rngs === 'object';
  if (!ok) throw new UserError(`${path} is not a relax-pg checkpoint (version 1)`);
  return file;
}

export async function saveCheckpoint(dir: string, parts: CheckpointParts, state: unknown, options: CheckpointOptions = {}): Promise<void> {
  const name = options.name ?? DEFAULT_NAME;
  // Time then random: unique across saves and processes, so a killed save's
  // half-written generation can never be mistaken for the current one.
  const generation = `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
  for (const key of Object.keys(parts.variables)) {
    if (key.startsWith(OPTIMIZER_PREFIX)) throw new Error(`checkpoint variable names may not start with '${OPTIMIZER_PREFIX}' (${key})`);
  }
  const tensors: Record<string, tf.Tensor> = { ...parts.variables };
  const optimizers: Record<string, OptimizerRecord> = {};
  const made: tf.Tensor[] = [];
  try {
    for (const [key, opt] of Object.entries(parts.optimizers)) {
      const weights = await opt.getWeights();
      // getWeights() makes a fresh iterations scalar; the moments are the optimiser's own variables.
      if (weights.length > 0) made.push(weights[0].tensor);
      stateIds(key, weights.length).forEach((id, i) => (tensors[id] = weights[i].tensor));
      const [accBeta1, accBeta2] = betaPowers(opt);
      optimizers[key] = { kind: opt.getClassName(), count: weights.length, learningRate: getLearningRate(opt), accBeta1, accBeta2 };
    }
    const weights = await saveWeights(dir, tensors, binOf(name, generation));
    const file: CheckpointFile = {
      format: 'relax-pg-checkpoint',
      version: 1,
      generation,
      weights,
      optimizers,
      rngs: Object.fromEntries(Object.entries(parts.rngs).map(([k, r]) => [k, r.state()])),
      state,
    };
    writeJsonAtomic(jsonOf(dir, name), file); // the commit point
  } finally {
    tf.dispose(made);
  }
  removeStaleTemps(dir, name);
}

export async function loadCheckpoint<S = unknown>(dir: string, parts: CheckpointParts, options: CheckpointOptions = {}): Promise<S> {
  const name = options.name ?? DEFAULT_NAME;
  const file = readCheckpointFile(dir, name);
  const where = jsonOf(dir, name);
  // Check everything before changing anything, so a mismatched load leaves the parts as they were.
  const saved = file.weights.flatMap((g) => g.weights.map((w) => w.name)).filter((n) => !n.startsWith(OPTIMIZER_PREFIX));
  const extra = saved.filter((n) => !(n in parts.variables));
  if (extra.length > 0) throw new UserError(`${where} has variables the model lacks: ${extra.join(', ')}`);
  for (const key of Object.keys(parts.optimizers)) {
    const record = file.optimizers[key];
    if (!record) throw new UserError(`${where} has no state for optimiser '${key}'`);
    const kind = parts.optimizers[key]!.getClassName();
    if (record.kind !== undefined && record.kind !== kind) throw new UserError(`${where}: optimiser '${key}' was ${record.kind}, the model's is ${kind}`);
  }
  for (const key of Object.keys(parts.rngs)) {
    if (!file.rngs[key]) throw new UserError(`${where} has no random stream '${key}'`);
  }
  const values = loadWeights(dir, file.weights);
  try {
    for (const [key, v] of Object.entries(parts.variables)) {
      const t = values[key];
      if (!t) throw new UserError(`${where} has no variable '${key}'`);
      if (t.shape.join('x') !== v.shape.join('x')) throw new UserError(`${where}: variable '${key}' has shape [${t.shape}], the model's is [${v.shape}]`);
    }
    for (const key of Object.keys(parts.optimizers)) {
      const missing = stateIds(key, file.optimizers[key]!.count).find((id) => !values[id]);
      if (missing) throw new UserError(`${where} lacks optimiser state ${missing}`);
    }
    for (const [key, opt] of Object.entries(parts.optimizers)) await restoreOptimizer(opt, key, file.optimizers[key]!, values);
    assignWeights(parts.variables, values);
  } finally {
    tf.dispose(Object.values(values));
  }
  for (const [key, rng] of Object.entries(parts.rngs)) rng.setState(file.rngs[key]!);
  return file.state as S;
}

async function restoreOptimizer(opt: tf.Optimizer, key: string, record: OptimizerRecord, values: tf.NamedTensorMap): Promise<void> {
  const list = stateIds(key, record.count).map((id) => ({ name: id, tensor: values[id]! }));
  setLearningRate(opt, record.learningRate);
  if (list.length === 0) return;
  // setWeights copies the values into new variables and drops the old ones
  // without disposing them: an optimiser that has already stepped would leak.
  const old = await opt.getWeights();
  await opt.setWeights(list);
  tf.dispose(old.map((w) => w.tensor));
  if (record.accBeta1 === undefined || record.accBeta2 === undefined) return;
  if (opt instanceof FusedAdam) return opt.setBetaPowers(record.accBeta1, record.accBeta2);
  const internals = opt as unknown as AdamInternals;
  tf.tidy(() => {
    internals.accBeta1?.assign(tf.scalar(record.accBeta1!));
    internals.accBeta2?.assign(tf.scalar(record.accBeta2!));
  });
}

/** Adam's β powers as held (undefined for optimisers without them). */
function betaPowers(opt: tf.Optimizer): [number | undefined, number | undefined] {
  if (opt instanceof FusedAdam) return opt.getBetaPowers();
  const internals = opt as unknown as AdamInternals;
  return [internals.accBeta1?.dataSync()[0], internals.accBeta2?.dataSync()[0]];
}

/**
 * Remove what killed writes left in `dir`: atomic-write temp files
 * (`.<file>.<pid>.<hex>.tmp`, see writeFileAtomic) and weight generations of
 * checkpoint `name` that its json does not name. Returns how many it removed.
 * Generations are kept while the json is unreadable: load reports that.
 */
export function removeStaleTemps(dir: string, name = DEFAULT_NAME): number {
  if (!existsSync(dir)) return 0;
  // The files the json names (its manifest), whatever generation scheme wrote them.
  let current = new Set<string>();
  let readable = true;
  try {
    if (existsSync(jsonOf(dir, name))) current = new Set(readCheckpointFile(dir, name).weights.flatMap((g) => g.paths));
  } catch {
    readable = false;
  }
  const generation = new RegExp(`^${escapeRegExp(name)}-[0-9a-z]+-[0-9a-z]+\\.bin$`);
  let removed = 0;
  for (const f of readdirSync(dir)) {
    const stale = /^\..+\.\d+\.[0-9a-f]+\.tmp$/.test(f) || (readable && generation.test(f) && !current.has(f));
    if (stale) {
      rmSync(join(dir, f), { force: true });
      removed++;
    }
  }
  return removed;
}
