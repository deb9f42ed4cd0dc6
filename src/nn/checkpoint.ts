// The one checkpoint format: variables by logical name, every optimiser's
// full state, every random stream, and the caller's JSON state. A checkpoint
// is `<name>.json` (the commit point, written last and atomically) naming one
// generation of weight files; older generations are removed only after it is
// written, so a kill at any moment leaves the previous checkpoint loadable.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tf } from '../tf/index.js';
import type { Rng, AleaState } from '../random/index.js';
import { UserError } from '../errors.js';
import { readJson, writeJsonAtomic } from '../report/files.js';
import { saveWeights, loadWeights, assignWeights, type WeightsManifestGroup } from './weights.js';
import { getLearningRate, setLearningRate } from './optim.js';

export interface CheckpointParts {
  variables: Record<string, tf.Variable>;
  optimizers: Record<string, tf.Optimizer>;
  rngs: Record<string, Rng>;
}

interface OptimizerRecord {
  /** Tensors from getWeights() (iterations first, then the moments in variable order). */
  count: number;
  learningRate: number;
  /** Adam's bias-correction powers βᵗ, kept as they are: rebuilding them with pow() differs in the last bits. */
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

type AdamInternals = { accBeta1?: tf.Variable; accBeta2?: tf.Variable };

const fileOf = (dir: string, name = 'checkpoint') => join(dir, `${name}.json`);

export function hasCheckpoint(dir: string, options: { name?: string } = {}): boolean {
  return existsSync(fileOf(dir, options.name));
}

/** The JSON state of the checkpoint in `dir` without loading anything (e.g. to rebuild what it belongs to). */
export function readCheckpointState<S = unknown>(dir: string, options: { name?: string } = {}): S {
  return readCheckpointFile(dir, options.name).state as S;
}

function readCheckpointFile(dir: string, name?: string): CheckpointFile {
  const file = readJson<CheckpointFile>(fileOf(dir, name));
  if (file?.format !== 'relax-pg-checkpoint' || file.version !== 1) throw new UserError(`${fileOf(dir, name)} is not a relax-pg checkpoint (version 1)`);
  return file;
}

export async function saveCheckpoint(dir: string, parts: CheckpointParts, state: unknown, options: { name?: string } = {}): Promise<void> {
  const name = options.name ?? 'checkpoint';
  const generation = `${name}-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e9).toString(36)}`;
  const tensors: Record<string, tf.Tensor> = { ...parts.variables };
  const optimizers: Record<string, OptimizerRecord> = {};
  const made: tf.Tensor[] = [];
  for (const [key, opt] of Object.entries(parts.optimizers)) {
    const weights = await opt.getWeights();
    weights.forEach((w, i) => (tensors[`optimizer/${key}/${i}`] = w.tensor));
    // getWeights() makes a fresh iterations scalar; the moments are the optimiser's own.
    if (weights.length > 0) made.push(weights[0].tensor);
    const internals = opt as unknown as AdamInternals;
    optimizers[key] = {
      count: weights.length,
      learningRate: getLearningRate(opt),
      accBeta1: internals.accBeta1?.dataSync()[0],
      accBeta2: internals.accBeta2?.dataSync()[0],
    };
  }
  let weights: WeightsManifestGroup[];
  try {
    weights = await saveWeights(dir, tensors, `${generation}.bin`);
  } finally {
    tf.dispose(made);
  }
  const file: CheckpointFile = {
    format: 'relax-pg-checkpoint',
    version: 1,
    generation,
    weights,
    optimizers,
    rngs: Object.fromEntries(Object.entries(parts.rngs).map(([k, r]) => [k, r.state()])),
    state,
  };
  writeJsonAtomic(fileOf(dir, name), file);
  removeStaleTemps(dir, name);
}

export async function loadCheckpoint<S = unknown>(dir: string, parts: CheckpointParts, options: { name?: string } = {}): Promise<S> {
  const file = readCheckpointFile(dir, options.name);
  const values = loadWeights(dir, file.weights);
  try {
    assignWeights(parts.variables, values);
    for (const [key, opt] of Object.entries(parts.optimizers)) {
      const record = file.optimizers[key];
      if (!record) throw new UserError(`checkpoint in ${dir} has no state for optimiser '${key}'`);
      setLearningRate(opt, record.learningRate);
      if (record.count === 0) continue;
      const list = Array.from({ length: record.count }, (_, i) => {
        const tensor = values[`optimizer/${key}/${i}`];
        if (!tensor) throw new UserError(`checkpoint in ${dir} lacks optimiser state optimizer/${key}/${i}`);
        return { name: `optimizer/${key}/${i}`, tensor };
      });
      await opt.setWeights(list);
      const internals = opt as unknown as AdamInternals;
      if (record.accBeta1 !== undefined) internals.accBeta1?.assign(tf.scalar(record.accBeta1));
      if (record.accBeta2 !== undefined) internals.accBeta2?.assign(tf.scalar(record.accBeta2));
    }
  } finally {
    tf.dispose(Object.values(values));
  }
  for (const [key, rng] of Object.entries(parts.rngs)) {
    const s = file.rngs[key];
    if (!s) throw new UserError(`checkpoint in ${dir} has no random stream '${key}'`);
    rng.setState(s);
  }
  return file.state as S;
}

/**
 * Remove what killed writes left in `dir`: atomic-write temp files and weight
 * generations of checkpoint `name` that its json does not name. Returns how many.
 */
export function removeStaleTemps(dir: string, name = 'checkpoint'): number {
  if (!existsSync(dir)) return 0;
  let current: string | undefined;
  try {
    current = hasCheckpoint(dir, { name }) ? readCheckpointFile(dir, name).generation : undefined;
  } catch {
    return 0; // an unreadable checkpoint is reported by load, not silently cleaned
  }
  let removed = 0;
  for (const f of readdirSync(dir)) {
    const stale = /^\..+\.tmp$/.test(f) || (f.startsWith(`${name}-`) && f.endsWith('.bin') && f !== `${current}.bin`);
    if (stale) {
      rmSync(join(dir, f), { force: true });
      removed++;
    }
  }
  return removed;
}
