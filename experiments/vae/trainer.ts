// One binary-VAE run as a Learner (agents/learn.ts): it trains on the
// BinaryVae environment (BinaryVAE-v0) — its model and its epoch-wise
// shuffled training batches — with one step per iterate(). The loop around
// it (train.ts, through `learn`) owns the cadences of logging, variance
// measurement, evaluation and checkpoints; the pieces are estimators.ts (the
// estimators and control variates), step.ts (the update), variance.ts (the
// diagnostic) and checkpoint.ts (what a resume point holds).
import { tf } from '../../src/tf/index.js';
import { makeOptimizer, type CheckpointParts } from '../../src/nn/index.js';
import { Rng, stream } from '../../src/random/index.js';
import { BinaryVae } from '../../envs/vae/binaryVae.js';
import { evaluateBounds, type LogWeights } from '../../envs/vae/bounds.js';
import type { BinaryVaeModel, VaeModelName } from '../../envs/vae/model.js';
import type { BinaryMnist } from '../../envs/vae/mnist.js';
import type { Counters, Learner } from '../../agents/learn.js';
import { checkVaeEstimator, VaeEstimators } from './estimators.js';
import { fastPathApplies, linearGradsApply, trainingStep, type StepParts } from './step.js';
import { encoderGradientStats, encoderLogVariance } from './variance.js';
import { vaeCheckpointParts, vaeCheckpointState, restoreVaeState, saveBest } from './checkpoint.js';
import { FusedBound } from './fused/bound.js';

export interface VaeTrainConfig {
  model: VaeModelName;
  steps: number;
  batch: number;
  /** Model learning rate (Adam, β2 = 0.99999 as in the paper's code). */
  lr: number;
  /** Control variates learn at lr × this. */
  cvLrScale: number;
  /** Initial η and λ of REBAR's relaxation; λ is also Concrete's temperature. */
  eta: number;
  temperature: number;
  /** Hidden ReLU layers of RELAX's residual network, and its decoupled weight decay. */
  residualHidden: number[];
  weightDecay: number;
  /** Validation ELBO every this many steps (and at the end), on this many images (0: all). */
  evalEvery: number;
  evalImages: number;
  /** Log-variance of the encoder gradient at fixed parameters every this many steps (0: never), from this many draws. */
  varianceEvery: number;
  varianceSamples: number;
  /** Running training ELBO recorded every this many steps. */
  logEvery: number;
  /** Resume point written every this many steps (0: only at the end). */
  checkpointEvery: number;
  /** Importance samples and images (per split, 0: all) of the final IWAE bound. */
  iwaeSamples: number;
  iwaeImages: number;
  /** Latents per stochastic layer (200 in the paper; small for exact tests). */
  latents?: number;
  /** Samples per image of the K-sample estimators (rloo, arms, double-cv): B × K evaluations of f a step. */
  k?: number;
  /** Use the hand-written REBAR / RELAX step and model gradients where they exist (linear1); default true. */
  fast?: boolean;
}

export class VaeTrainer implements Learner {
  readonly unit = 'steps' as const;
  readonly counters: Counters = { episodes: 0, steps: 0, updates: 0 };
  readonly env: BinaryVae;
  readonly estimators: VaeEstimators;
  readonly modelOpt: tf.Optimizer;
  /** One per layer: tfjs's Adam matches its moments to variables by position, so each variable set needs its own. */
  readonly cvOpts: tf.Optimizer[] = [];
  /** Dynamic binarisation of training batches, the estimators' uniforms, held-out evaluation. */
  readonly streams: { batch: Rng; noise: Rng; eval: Rng };
  /** Whether steps take the hand-written linear REBAR / RELAX path. */
  readonly fastPath: boolean;
  /** Mean f(b) over the steps since the last log row: the running training ELBO (checkpointed with the rest). */
  window = { sum: 0, count: 0 };
  best = { validElbo: -Infinity, step: 0 };
  /** Step of the last validation evaluation (−1: none yet). */
  lastEvalStep = -1;
  /** Accumulated wall time of training steps (evaluation excluded); summaries only, never metric rows. */
  trainMs = 0;
  /** Where the best-validation model is written when the validation ELBO improves (none if undefined). */
  bestDir?: string;
  private readonly parts: StepParts;
  /** The bounds' arrays, one per chunk shape (n images, k samples), for the linear one-layer model. */
  private readonly fusedBounds = new Map<string, FusedBound>();

  constructor(
    readonly config: VaeTrainConfig,
    data: BinaryMnist,
    readonly estimatorName: string,
    readonly seed: number,
  ) {
    const name = checkVaeEstimator(estimatorName);
    // One initialisation stream: the model's weights, then the control variates'.
    const initRng = stream(seed, 'init');
    this.env = new BinaryVae({ model: config.model, batch: config.batch, data, latents: config.latents, initRng, shuffleSeed: seed });
    this.streams = { batch: stream(seed, 'batch'), noise: stream(seed, 'noise'), eval: stream(seed, 'eval') };
    this.estimators = new VaeEstimators(name, this.model, config, initRng);
    this.fastPath = fastPathApplies({ model: this.model, estimators: this.estimators }, config.fast !== false);
    const adam = (lr: number) => makeOptimizer({ kind: 'adam', learningRate: lr, beta1: 0.9, beta2: 0.99999 });
    this.modelOpt = adam(config.lr);
    for (let l = 0; l < this.model.layers; l++) this.cvOpts.push(adam(config.lr * config.cvLrScale));
    this.parts = {
      model: this.model,
      estimators: this.estimators,
      modelOpt: this.modelOpt,
      cvOpts: this.cvOpts,
      noise: this.streams.noise,
      lr: config.lr,
      cvLrScale: config.cvLrScale,
      weightDecay: config.weightDecay,
      fastPath: this.fastPath,
      linearGrads: linearGradsApply(this.model, config.fast !== false),
    };
  }

  get model(): BinaryVaeModel {
    return this.env.model;
  }

  get data(): BinaryMnist {
    return this.env.data;
  }

  get cvs() {
    return this.estimators.cvs;
  }

  /** One training step on the env's next training batch; returns the batch mean of f(b). */
  step(): number {
    const t0 = performance.now();
    const step = this.counters.steps + 1;
    const xData = this.env.trainingBatch(step - 1, this.streams.batch);
    const { meanF, residuals } = trainingStep(this.parts, xData);
    if (!Number.isFinite(meanF)) throw new Error(`${this.estimatorName}, seed ${this.seed}: f(b) became ${meanF} at step ${step}`);
    this.estimators.movingAverage?.update(meanF);
    residuals.forEach((r, l) => this.estimators.residualAverages![l].update(r));
    this.counters.steps = step;
    this.counters.updates++;
    this.counters.episodes += this.config.batch;
    this.window.sum += meanF;
    this.window.count++;
    this.trainMs += performance.now() - t0;
    return meanF;
  }

  iterate(): { episodes: never[]; update: Record<string, number> } {
    return { episodes: [], update: { trainElbo: this.step() } };
  }

  /** The running training ELBO since the last log row (then a new window starts) and what the control variates learned. */
  logRow(): Record<string, number> {
    const row: Record<string, number> = {};
    if (this.window.count > 0) row.trainElbo = this.window.sum / this.window.count;
    this.window = { sum: 0, count: 0 };
    return Object.assign(row, this.cvState());
  }

  /** log of the encoder-gradient variance at the current parameters, all randomness from `rng` (nothing trained). */
  logVariance(rng: Rng, draws = this.config.varianceSamples): number {
    return encoderLogVariance(this.model, this.estimators, this.data, this.config.batch, draws, rng);
  }

  /** The validation ELBO (evalImages images); a new best is remembered and, with bestDir, saved. */
  async heldOut(): Promise<Record<string, number>> {
    const { elbo } = this.evaluate('valid', { images: this.config.evalImages });
    this.lastEvalStep = this.counters.steps;
    if (elbo > this.best.validElbo) {
      this.best = { validElbo: elbo, step: this.counters.steps };
      if (this.bestDir) await saveBest(this, this.bestDir);
    }
    return { validElbo: elbo };
  }

  /** ELBO (and optionally IWAE) on a split, from the run's evaluation stream. */
  evaluate(split: 'train' | 'valid' | 'test', options: { images?: number; iwaeSamples?: number; iwaeImages?: number } = {}) {
    const { data, count } = this.data.split(split);
    const n = options.images && options.images > 0 ? Math.min(options.images, count) : count;
    return evaluateBounds(this.model, data, n, {
      rng: this.streams.eval,
      iwaeSamples: options.iwaeSamples,
      iwaeImages: options.iwaeImages && options.iwaeImages > 0 ? options.iwaeImages : n,
      logWeights: FusedBound.applies(this.model) ? this.boundWeights : undefined,
    });
  }

  /** log w on arrays (fused/bound.ts), the arrays kept for the next evaluation of the same chunk shape. */
  private readonly boundWeights: LogWeights = (images, n, k, u) => {
    const key = `${n}:${k}`;
    let bound = this.fusedBounds.get(key);
    if (!bound) this.fusedBounds.set(key, (bound = new FusedBound(this.model, n, k)));
    return bound.logWeights(images, u);
  };

  /** Mean and variance of `draws` encoder-gradient estimates on the images `xData` (see variance.ts). */
  encoderGradientStats(xData: Float32Array, draws: number, rng: Rng, options: { loop?: boolean } = {}) {
    return encoderGradientStats(this.model, this.estimators, xData, draws, rng, options);
  }

  cvState(): Record<string, number> {
    return this.estimators.cvState();
  }

  checkpointParts(): CheckpointParts {
    return vaeCheckpointParts(this);
  }

  checkpointState(): unknown {
    return vaeCheckpointState(this);
  }

  restoreState(state: unknown): void {
    restoreVaeState(this, state);
  }

  dispose(): void {
    this.env.close();
    this.estimators.dispose();
    this.modelOpt.dispose();
    for (const o of this.cvOpts) o.dispose();
  }
}
