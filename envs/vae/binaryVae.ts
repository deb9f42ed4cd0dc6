// The binary VAE as a one-step environment: the observation is a minibatch
// of binarised images x, the action the latent sample b ~ q(b|x), the reward
// the ELBO integrand f(b) (model.ts). Trainers use `env.model` and the
// epoch-wise shuffled training batches (`trainingBatch`); a gym-style caller
// uses reset() and step().
import { tf } from '../../src/tf/index.js';
import { Rng, stream } from '../../src/random/index.js';
import { UserError } from '../../src/errors.js';
import { Env, type Info, type ResetOptions, type StepResult } from '../core/env.js';
import { Box } from '../spaces/box.js';
import { MultiBinary } from '../spaces/multiBinary.js';
import { BinaryMnist, mnist, PIXELS, type Binarisation } from './mnist.js';
import { BinaryVaeModel, checkModelName, type VaeModelName } from './model.js';

// The model and its bounds used to live here: importers of this file keep working.
export * from './model.js';
export * from './bounds.js';

type Tensor = tf.Tensor;

export interface BinaryVaeOptions {
  model?: VaeModelName;
  batch?: number;
  binarisation?: Binarisation;
  /** Seed of the data binarisation, and the default of the model's and the shuffle's seeds. */
  seed?: number;
  /** Use these binarised data instead of MNIST (tests, or one copy shared by several runs). */
  data?: BinaryMnist;
  /** Latents per stochastic layer (200 in the papers; small for exact tests). */
  latents?: number;
  /**
   * The stream the model's initial weights are drawn from (default
   * stream(seed, 'init')). A trainer passing its own continues it for its
   * other networks, so they do not depend on how many draws the model took.
   */
  initRng?: Rng;
  /** Seed of the epoch-wise shuffles of `trainingBatch` (default: seed). */
  shuffleSeed?: number;
}

/**
 * The one-step environment. reset() draws a minibatch of training images
 * (the observation, batch × 784); step(b) takes the latents (batch ×
 * layers·latents, layer-major per row) and returns the mean reward f(b) over
 * the batch, with per-image rewards in info.rewards. The model is
 * `env.model`; whoever trains the encoder (an estimator) and the decoder
 * (ordinary gradients of f) updates its variables.
 */
export class BinaryVae extends Env<Float32Array, Int8Array> {
  readonly observationSpace: Box;
  readonly actionSpace: MultiBinary;
  readonly model: BinaryVaeModel;
  readonly data: BinaryMnist;
  readonly batch: number;
  readonly shuffleSeed: number;
  private x?: Float32Array;
  /** The last epoch's order, kept: consecutive batches mostly share it. */
  private epochOrder?: { epoch: number; order: Uint32Array };

  constructor(options: BinaryVaeOptions = {}) {
    super();
    const name = checkModelName(options.model ?? 'linear1');
    this.batch = options.batch ?? 24;
    if (!Number.isInteger(this.batch) || this.batch < 1) throw new UserError(`batch must be a positive integer, got ${options.batch}`);
    const seed = options.seed ?? 0;
    this.data = options.data ?? new BinaryMnist(mnist(), options.binarisation ?? 'fixed', seed);
    this.shuffleSeed = options.shuffleSeed ?? seed;
    this.model = new BinaryVaeModel({ model: name, dataMean: this.data.trainMean, rng: options.initRng ?? stream(seed, 'init'), latents: options.latents });
    this.observationSpace = new Box(0, 1, [this.batch, PIXELS]);
    this.actionSpace = new MultiBinary([this.batch, this.model.layers * this.model.latents]);
    this.metadata = { renderModes: ['ansi'] };
  }

  /**
   * Training-set indices of batch `index` (0, 1, ...) of passes over the
   * training set in epoch-wise shuffled order, each epoch's order drawn from
   * stream(shuffleSeed, 'epoch:<e>'): the index alone fixes the batch, so a
   * resumed trainer needs no shuffle state.
   */
  batchIndices(index: number): number[] {
    const N = this.data.counts.train;
    const out: number[] = [];
    for (let i = 0; i < this.batch; i++) {
      const pos = index * this.batch + i;
      out.push(this.order(Math.floor(pos / N))[pos % N]);
    }
    return out;
  }

  /** The images of batch `index` (batch × 784); dynamic binarisation draws from `rng`. */
  trainingBatch(index: number, rng: Rng): Float32Array {
    return this.data.trainBatch(this.batchIndices(index), rng);
  }

  /** A Fisher–Yates shuffle of the training set for one epoch. */
  private order(epoch: number): Uint32Array {
    if (this.epochOrder?.epoch === epoch) return this.epochOrder.order;
    const N = this.data.counts.train;
    const order = new Uint32Array(N);
    for (let j = 0; j < N; j++) order[j] = j;
    const rng = stream(this.shuffleSeed, `epoch:${epoch}`);
    for (let j = N - 1; j > 0; j--) {
      const k = rng.integer(j + 1);
      const t = order[j];
      order[j] = order[k];
      order[k] = t;
    }
    this.epochOrder = { epoch, order };
    return order;
  }

  override reset(opts: ResetOptions = {}): [Float32Array, Info] {
    super.reset(opts);
    const indices = Array.from({ length: this.batch }, () => this.npRandom.integer(this.data.counts.train));
    this.x = this.data.trainBatch(indices, this.npRandom);
    return [this.x.slice(), { indices }];
  }

  step(action: Int8Array): StepResult<Float32Array> {
    if (!this.x) throw new UserError('BinaryVae: call reset() before step()');
    const { layers, latents } = this.model;
    const B = this.batch;
    const rewards = tf.tidy(() => {
      const x = tf.tensor2d(this.x!, [B, PIXELS]);
      const all = tf.tensor2d(Float32Array.from(action), [B, layers * latents]);
      const b = tf.split(all, layers, 1);
      const logits: Tensor[] = [];
      let previous: Tensor = x;
      for (let l = 0; l < layers; l++) {
        logits.push(this.model.encoderLogits(l, previous));
        previous = b[l];
      }
      return this.model.reward(x, b, logits);
    });
    const values = Float64Array.from(rewards.dataSync());
    rewards.dispose();
    const meanReward = values.reduce((a, v) => a + v, 0) / B;
    return [this.x.slice(), meanReward, true, false, { rewards: values }];
  }

  override render(): string {
    return `BinaryVae(${this.model.name}, batch ${this.batch})`;
  }

  override close(): void {
    this.model.dispose();
  }
}
