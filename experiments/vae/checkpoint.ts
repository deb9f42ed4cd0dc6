// What a VAE run's resume point holds, in the one checkpoint format
// (src/nn/checkpoint.ts): the model's and control variates' variables by
// logical name, every optimiser's full state, the run's random streams, and
// as JSON the counters, the open log window's running sum, the baselines and
// the best validation ELBO, so a resumed run continues bit for bit. Also the
// best-validation model, written beside it.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { readCheckpointState, hasCheckpoint, saveWeights, type CheckpointParts } from '../../src/nn/index.js';
import { writeJsonAtomic } from '../../src/report/index.js';
import { UserError } from '../../src/errors.js';
import { resumeLearner, type Counters } from '../../agents/learn.js';
import type { VaeTrainer, VaeTrainConfig } from './trainer.js';

const KIND = 'binary-vae';

export interface VaeCheckpointState {
  kind: typeof KIND;
  version: 2;
  estimator: string;
  seed: number;
  config: VaeTrainConfig;
  counters: Counters;
  window: { sum: number; count: number };
  /** Moving-average baseline (null before the first step: it then starts at the first value). */
  movingAverage: number | null;
  /** MuProp: the moving averages of each layer's residual f(b) − c(b). */
  residualAverages: number[] | null;
  /** JSON has no −∞: null before the first evaluation. */
  best: { validElbo: number | null; step: number };
  lastEvalStep: number;
  trainMs: number;
}

export function vaeCheckpointParts(t: VaeTrainer): CheckpointParts {
  const variables: CheckpointParts['variables'] = {};
  for (const [k, v] of Object.entries(t.model.namedVariables())) variables[`model/${k}`] = v;
  Object.assign(variables, t.estimators.named());
  const optimizers: CheckpointParts['optimizers'] = { model: t.modelOpt };
  t.cvOpts.forEach((o, l) => (optimizers[`cv${l}`] = o));
  return { variables, optimizers, rngs: { ...t.streams } };
}

export function vaeCheckpointState(t: VaeTrainer): VaeCheckpointState {
  const started = t.counters.steps > 0;
  return {
    kind: KIND,
    version: 2,
    estimator: t.estimatorName,
    seed: t.seed,
    config: t.config,
    counters: { ...t.counters },
    window: { ...t.window },
    movingAverage: t.estimators.movingAverage && started ? t.estimators.movingAverage.value : null,
    residualAverages: t.estimators.residualAverages && started ? t.estimators.residualAverages.map((a) => a.value) : null,
    best: { validElbo: Number.isFinite(t.best.validElbo) ? t.best.validElbo : null, step: t.best.step },
    lastEvalStep: t.lastEvalStep,
    trainMs: t.trainMs,
  };
}

/** The state, if it belongs to this trainer's run (same estimator, seed and settings that shape the curve); else one-line UserError. */
export function checkVaeState(t: VaeTrainer, state: unknown, where: string): VaeCheckpointState {
  const s = state as Partial<VaeCheckpointState> | null;
  if (s?.kind !== KIND || s.version !== 2) throw new UserError(`${where} is not a binary-VAE checkpoint (version 2)`);
  if (s.estimator !== t.estimatorName || s.seed !== t.seed) {
    throw new UserError(`${where} is for ${s.estimator} seed ${s.seed}, not ${t.estimatorName} seed ${t.seed}`);
  }
  for (const key of ['model', 'batch', 'lr', 'cvLrScale', 'latents', 'weightDecay'] as const) {
    if (JSON.stringify(s.config?.[key]) !== JSON.stringify(t.config[key])) {
      throw new UserError(`${where} was made with ${key} = ${JSON.stringify(s.config?.[key])}, not ${JSON.stringify(t.config[key])}`);
    }
  }
  if (t.estimators.k > 1 && s.config?.k !== t.config.k) {
    throw new UserError(`${where} was made with k = ${JSON.stringify(s.config?.k)}, not ${t.config.k}`);
  }
  return s as VaeCheckpointState;
}

export function restoreVaeState(t: VaeTrainer, state: unknown): void {
  const s = checkVaeState(t, state, 'checkpoint');
  Object.assign(t.counters, s.counters);
  t.window = { ...s.window };
  if (s.movingAverage !== null) t.estimators.movingAverage?.restore(s.movingAverage);
  s.residualAverages?.forEach((value, l) => t.estimators.residualAverages?.[l]?.restore(value));
  t.best = { validElbo: s.best.validElbo ?? -Infinity, step: s.best.step };
  t.lastEvalStep = s.lastEvalStep;
  t.trainMs = s.trainMs;
}

/**
 * Continue the trainer from the checkpoint in its run folder `dir`, if there
 * is one (leftovers of a killed write removed first); returns whether it did.
 * The state is checked before anything is loaded.
 */
export async function resumeVae(t: VaeTrainer, dir: string): Promise<boolean> {
  if (!hasCheckpoint(dir) && existsSync(join(dir, 'checkpoint', 'state.json'))) {
    throw new UserError(`${dir} holds a checkpoint of an older relax-pg (checkpoint/state.json); run again without --resume`);
  }
  if (hasCheckpoint(dir)) checkVaeState(t, readCheckpointState(dir), join(dir, 'checkpoint.json'));
  return resumeLearner(t, dir);
}

/** The best-validation model's weights (TensorFlow.js format) and a small description. */
export async function saveBest(t: VaeTrainer, dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const manifest = await saveWeights(dir, t.model.namedVariables());
  writeJsonAtomic(join(dir, 'model.json'), {
    kind: 'binary-vae',
    model: t.config.model,
    estimator: t.estimatorName,
    seed: t.seed,
    step: t.best.step,
    validElbo: t.best.validElbo,
    weightsManifest: manifest,
  });
}
