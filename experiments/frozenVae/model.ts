// The frozen model of the study: a binary-VAE run's checkpoint (a run folder
// of `experiment vae`, or one this study trains to a mid-point itself), read
// without its optimisers or control variates: only the model's weights
// (encoder, decoder, prior) and the settings it was made with.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { tf } from '../../src/tf/index.js';
import { loadWeights, hasCheckpoint, type WeightsManifestGroup } from '../../src/nn/index.js';
import { readJson } from '../../src/report/index.js';
import { UserError } from '../../src/errors.js';
import { learn, saveLearner } from '../../agents/learn.js';
import type { BinaryMnist, Binarisation } from '../../envs/vae/mnist.js';
import { VAE_DEFAULTS } from '../vae/run.js';
import { VaeTrainer, type VaeTrainConfig } from '../vae/trainer.js';
import type { VaeCheckpointState } from '../vae/checkpoint.js';

/** What the study needs of a checkpoint: the run's settings and where its weights are. */
export interface FrozenCheckpoint {
  dir: string;
  config: VaeTrainConfig & { binarisation?: Binarisation; dataSeed?: number };
  estimator: string;
  seed: number;
  step: number;
  manifest: WeightsManifestGroup[];
}

/** Read and check `dir`'s checkpoint.json: a one-line UserError unless it is a binary-VAE run's. */
export function readFrozenCheckpoint(dir: string): FrozenCheckpoint {
  if (!existsSync(dir)) throw new UserError(`--checkpoint ${dir} does not exist`);
  if (!hasCheckpoint(dir)) {
    // An experiment folder rather than one of its runs: name the runs it holds.
    const runs = existsSync(join(dir, 'runs')) ? readdirSync(join(dir, 'runs')).filter((r) => hasCheckpoint(join(dir, 'runs', r))) : [];
    const best = existsSync(join(dir, 'model.json')) ? ' (a best-validation model folder: give the run folder above it, which holds the settings)' : '';
    const hint = runs.length ? ` (it is an experiment folder: give one of its runs, e.g. ${join(dir, 'runs', runs[0])})` : best;
    throw new UserError(`--checkpoint ${dir} holds no checkpoint.json${hint}`);
  }
  const file = readJson<{ format?: string; weights?: WeightsManifestGroup[]; state?: Partial<VaeCheckpointState> }>(join(dir, 'checkpoint.json'));
  const s = file?.state;
  if (file?.format !== 'relax-pg-checkpoint' || !Array.isArray(file.weights) || s?.kind !== 'binary-vae' || s.version !== 2 || !s.config || !s.counters) {
    throw new UserError(`--checkpoint ${dir} is not a binary-VAE checkpoint (made by \`relax-pg experiment vae\`)`);
  }
  return { dir, config: s.config, estimator: s.estimator ?? '?', seed: s.seed ?? 0, step: s.counters.steps, manifest: file.weights };
}

/** Copy the checkpoint's model weights into `trainer`'s model (its control variates keep their fresh values). */
export function loadFrozenModel(trainer: VaeTrainer, ckpt: FrozenCheckpoint): void {
  const values = loadWeights(ckpt.dir, ckpt.manifest);
  try {
    for (const [name, v] of Object.entries(trainer.model.namedVariables())) {
      const t = values[`model/${name}`];
      if (!t) throw new UserError(`--checkpoint ${ckpt.dir} has no weight model/${name}`);
      if (t.shape.join('x') !== v.shape.join('x')) throw new UserError(`--checkpoint ${ckpt.dir}: model/${name} has shape [${t.shape}], expected [${v.shape}]`);
      v.assign(t);
    }
  } finally {
    tf.dispose(Object.values(values));
  }
}

export interface MidpointOptions {
  steps: number;
  estimator: string;
  seed: number;
  batch: number;
  latents?: number;
}

/** Train linear1 for `steps` steps with the VAE experiment's settings and leave its checkpoint in `dir`. */
export async function trainMidpoint(dir: string, data: BinaryMnist, o: MidpointOptions, onStep?: (step: number, elbo: number) => void): Promise<FrozenCheckpoint> {
  const config: VaeTrainConfig = {
    ...VAE_DEFAULTS,
    model: 'linear1',
    steps: o.steps,
    batch: o.batch,
    latents: o.latents,
    evalEvery: 0,
    varianceEvery: 0,
    checkpointEvery: 0,
    logEvery: Math.max(1, Math.min(100, Math.floor(o.steps / 10))),
  };
  const trainer = new VaeTrainer(config, data, o.estimator, o.seed);
  try {
    await learn(trainer, {
      until: { steps: o.steps },
      logEvery: config.logEvery,
      onRow: (row) => typeof row.trainElbo === 'number' && onStep?.(row.step as number, row.trainElbo),
    });
    await saveLearner(trainer, dir);
  } finally {
    trainer.dispose();
  }
  return readFrozenCheckpoint(dir);
}
