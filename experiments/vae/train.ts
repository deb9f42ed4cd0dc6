// One binary-VAE training run: the decoder and prior follow ordinary
// gradients of f(b); the encoder follows the chosen estimator's ĝ, one
// estimator per stochastic layer (back-propagated from its logits into the
// encoder); learned control variates follow ∂φ Σ ĝ² (estimateAndTrain), all
// at the same step. Checkpoints hold everything a resumed run needs to
// continue the same curve: variables, optimiser moments, random streams.
import { existsSync, readdirSync, rmSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { tf } from '../../src/tf/index.js';
import { bernoulli } from '../../src/distributions/index.js';
import { estimateAndTrain, estimatorSetup, mupropTerms, MovingAverage, type Estimator, type EstimatorInput } from '../../src/estimators/index.js';
import {
  buildControlVariate,
  RebarControlVariate,
  NeuralControlVariate,
  SumControlVariate,
  BaselineNetwork,
  type ControlVariate,
  type RelaxedObjective,
} from '../../src/controlVariates/index.js';
import { makeOptimizer, saveWeights, loadWeights, assignWeights, type WeightsManifestGroup } from '../../src/nn/index.js';
import { Rng, type AleaState } from '../../src/random/index.js';
import { writeJsonAtomic, readJson } from '../../src/report/index.js';
import { UserError } from '../../src/errors.js';
import { BinaryVaeModel, evaluateBounds, repeatRows, VAE_MODELS, type HardPass, type VaeModelName } from '../../envs/vae/binaryVae.js';
import { PIXELS, type BinaryMnist } from '../../envs/vae/mnist.js';
import { fastLinearRelaxStep } from './fast.js';
import { SplitResidual } from './residual.js';

type Tensor = tf.Tensor;

/**
 * Estimators compared on the VAE; 'relax' is the paper's VAE choice (REBAR's
 * relaxation plus a neural residual); 'muprop' expands f around the
 * mean-field point of each layer and subtracts NVIL's learned baseline;
 * 'arm' and 'disarm' evaluate f at an antithetic second sample.
 */
export const VAE_ESTIMATORS = ['reinforce', 'reinforce-baseline', 'nvil', 'muprop', 'arm', 'disarm', 'concrete', 'rebar', 'relax'] as const;
export type VaeEstimatorName = (typeof VAE_ESTIMATORS)[number];

export function checkVaeEstimator(name: string): VaeEstimatorName {
  if (!(VAE_ESTIMATORS as readonly string[]).includes(name)) {
    throw new UserError(`unknown VAE estimator '${name}' (choose from ${VAE_ESTIMATORS.join(', ')})`);
  }
  return name as VaeEstimatorName;
}

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
  /** Validation ELBO every this many steps (0: only at the end), on this many images (0: all). */
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
  /** Use the hand-written REBAR / RELAX step where it exists (linear1); default true. */
  fast?: boolean;
}

export interface VaeTrack {
  estimator: string;
  seed: number;
  model: string;
  /** Steps done (equals config.steps when finished). */
  step: number;
  logSteps: number[];
  /** Mean f(b) over the training batches since the previous log step (the running training ELBO). */
  trainElbo: number[];
  evalSteps: number[];
  validElbo: number[];
  varianceSteps: number[];
  logVariance: number[];
  /** Learned temperatures and η per layer, at the log steps (REBAR / RELAX). */
  cvState: Record<string, number>[];
  bestValidElbo: number;
  bestStep: number;
  /** Accumulated wall time of training steps (evaluation excluded). */
  trainMs: number;
  final?: {
    trainElbo: number;
    validElbo: number;
    testElbo: number;
    validIwae?: number;
    testIwae?: number;
    msPerStep: number;
  };
}

interface CheckpointState {
  version: 1;
  config: VaeTrainConfig;
  estimator: string;
  seed: number;
  track: VaeTrack;
  rngs: Record<string, AleaState>;
  movingAverage: number | null;
  /** MuProp: the moving averages of each layer's residual f(b) − c(b) (absent in older checkpoints). */
  residualAverages?: number[] | null;
  weightsFile: string;
  manifest: WeightsManifestGroup[];
  optimizers: Record<string, { count: number; accBeta1?: number; accBeta2?: number }>;
}

/** The current step's tensors, read by the relaxed objectives inside the estimators. */
interface Current {
  x: Tensor;
  pass: HardPass;
  u: Tensor[];
  /** Per layer, the context of its control variate (see VaeTrainer.context). */
  contexts: Tensor[];
}

function cvNamed(cv: ControlVariate | undefined, prefix: string): Record<string, tf.Variable> {
  if (!cv) return {};
  if (cv instanceof SumControlVariate) return Object.assign({}, ...cv.parts.map((p, i) => cvNamed(p, `${prefix}part${i}/`)));
  if (cv instanceof RebarControlVariate || cv instanceof NeuralControlVariate) {
    return Object.fromEntries(Object.entries(cv.named()).map(([k, v]) => [`${prefix}${k}`, v]));
  }
  if (cv instanceof BaselineNetwork) return cv.net.namedVariables(prefix);
  return Object.fromEntries(cv.variables.map((v, i) => [`${prefix}v${i}`, v]));
}

function rebarPart(cv: ControlVariate | undefined): RebarControlVariate | undefined {
  if (cv instanceof RebarControlVariate) return cv;
  if (cv instanceof SumControlVariate) return cv.parts.find((p): p is RebarControlVariate => p instanceof RebarControlVariate);
  return undefined;
}

function neuralPart(cv: ControlVariate | undefined): NeuralControlVariate | undefined {
  if (cv instanceof NeuralControlVariate) return cv;
  if (cv instanceof SumControlVariate) return cv.parts.find((p): p is NeuralControlVariate => p instanceof NeuralControlVariate);
  return undefined;
}

// tfjs's Adam keeps its bias-correction powers β^t in private variables and
// rebuilds them with pow() on setWeights, which differs in the last bits from
// the running product; they are saved and restored as they are so a resumed
// run continues exactly.
type AdamInternals = { accBeta1?: tf.Variable; accBeta2?: tf.Variable };

export class VaeTrainer {
  readonly model: BinaryVaeModel;
  readonly cvs: (ControlVariate | undefined)[] = [];
  /** What the estimators evaluate: cvs[l], with RELAX's residual in its split form (residual.ts); same variables. */
  private readonly estimatorCvs: (ControlVariate | undefined)[] = [];
  readonly movingAverage?: MovingAverage;
  /** MuProp: per layer, a moving average of the residual f(b) − c(b), the constant part of its baseline. */
  readonly residualAverages?: MovingAverage[];
  readonly track: VaeTrack;
  private readonly modelOpt: tf.Optimizer;
  /** One per layer: tfjs's Adam matches its moments to variables by position, so each variable set needs its own. */
  private readonly cvOpts: tf.Optimizer[] = [];
  private readonly rngs: { batch: Rng; noise: Rng; variance: Rng; eval: Rng };
  private readonly relaxedF: RelaxedObjective[] = [];
  private current?: Current;
  private readonly estimator: Estimator;
  private epochPerm?: { epoch: number; perm: Uint32Array };
  /** Whether steps take the hand-written linear REBAR / RELAX path. */
  readonly fastPath: boolean;

  constructor(
    readonly config: VaeTrainConfig,
    readonly data: BinaryMnist,
    readonly estimatorName: string,
    readonly seed: number,
  ) {
    const name = checkVaeEstimator(estimatorName);
    const setupName = name === 'relax' ? 'relax-rebar' : name;
    const setup = estimatorSetup(setupName);
    this.estimator = setup.estimator;
    const initRng = new Rng(`${seed}:init`);
    this.model = new BinaryVaeModel({ model: config.model, dataMean: data.trainMean, rng: initRng, latents: config.latents });
    this.rngs = {
      batch: new Rng(`${seed}:batch`),
      noise: new Rng(`${seed}:noise`),
      variance: new Rng(`${seed}:variance`),
      eval: new Rng(`${seed}:eval`),
    };
    const L = this.model.latents;
    for (let l = 0; l < this.model.layers; l++) {
      const kind = setup.controlVariate;
      let cv: ControlVariate | undefined;
      // f at layer l relaxed; the temperature of the later layers is the CV's own λ.
      const temperatureOf = () => {
        const r = rebarPart(this.cvs[l]);
        return r ? tf.exp(r.logTemperature) : config.temperature;
      };
      if (name === 'muprop') {
        // MuProp's f at continuous inputs: layer l at the given point, earlier
        // layers hard, later layers deterministic at their means (the
        // mean-field pass). The relaxed reward with uniforms ½ (logit 0) and
        // temperature 1 relaxes each later layer to σ(logits) exactly.
        this.relaxedF.push((point) => {
          const c = this.current!;
          const halves = c.u.map((t) => tf.fill(t.shape, 0.5));
          return this.model.relaxedReward(l, point, c.x, c.pass, halves, 1);
        });
      } else {
        this.relaxedF.push((soft) => {
          const c = this.current!;
          return this.model.relaxedReward(l, soft, c.x, c.pass, c.u, temperatureOf());
        });
      }
      if (kind === 'baseline' || kind === 'rebar' || kind === 'rebar+neural') {
        cv = buildControlVariate(kind, {
          dist: bernoulli,
          sampleSize: L,
          contextSize: PIXELS + l * L,
          relaxedF: this.relaxedF[l],
          rng: initRng,
          eta: config.eta,
          temperature: config.temperature,
          hidden: kind === 'baseline' ? [100] : config.residualHidden,
          activation: kind === 'baseline' ? 'tanh' : 'relu',
          // The residual starts switched off (scale 0): RELAX begins as REBAR.
          scale: 0,
        });
      }
      this.cvs.push(cv);
      const split = (p: ControlVariate) => (p instanceof NeuralControlVariate ? new SplitResidual(p, () => this.current!.contexts[l]) : p);
      this.estimatorCvs.push(cv instanceof SumControlVariate ? new SumControlVariate(cv.parts.map(split)) : cv);
    }
    this.fastPath =
      config.fast !== false &&
      VAE_MODELS[config.model].layers === 1 &&
      VAE_MODELS[config.model].hidden.length === 0 &&
      (setup.controlVariate === 'rebar' || setup.controlVariate === 'rebar+neural');
    if (name === 'muprop') {
      // MuProp's learning signal is the residual f(b) − c(b), not f(b): its
      // constant baseline tracks that, per layer (NVIL's recipe applied to it).
      this.residualAverages = Array.from({ length: this.model.layers }, () => new MovingAverage(0.99));
    } else if (setup.controlVariate === 'moving-average' || setup.controlVariate === 'baseline') {
      this.movingAverage = new MovingAverage(0.99);
    }
    this.modelOpt = makeOptimizer({ kind: 'adam', learningRate: config.lr, beta1: 0.9, beta2: 0.99999 });
    for (let l = 0; l < this.model.layers; l++) {
      this.cvOpts.push(makeOptimizer({ kind: 'adam', learningRate: config.lr * config.cvLrScale, beta1: 0.9, beta2: 0.99999 }));
    }
    this.track = {
      estimator: estimatorName,
      seed,
      model: config.model,
      step: 0,
      logSteps: [],
      trainElbo: [],
      evalSteps: [],
      validElbo: [],
      varianceSteps: [],
      logVariance: [],
      cvState: [],
      bestValidElbo: -Infinity,
      bestStep: 0,
      trainMs: 0,
    };
  }

  /** Training images of one step: an epoch-wise shuffle (seeded per epoch), so only the step number is state. */
  private batchIndices(step: number): number[] {
    const N = this.data.counts.train;
    const B = this.config.batch;
    const out: number[] = [];
    for (let i = 0; i < B; i++) {
      const pos = (step - 1) * B + i;
      const epoch = Math.floor(pos / N);
      if (this.epochPerm?.epoch !== epoch) {
        const perm = new Uint32Array(N);
        for (let j = 0; j < N; j++) perm[j] = j;
        const rng = new Rng(`${this.seed}:epoch:${epoch}`);
        for (let j = N - 1; j > 0; j--) {
          const k = rng.integer(j + 1);
          const t = perm[j];
          perm[j] = perm[k];
          perm[k] = t;
        }
        this.epochPerm = { epoch, perm };
      }
      out.push(this.epochPerm.perm[pos % N]);
    }
    return out;
  }

  /** Context of layer l's control variate / baseline: [x − mean, 2b_0 − 1, …, 2b_{l−1} − 1]. */
  private context(l: number, x: Tensor, pass: HardPass): Tensor {
    const parts = [this.model.centre(x), ...pass.b.slice(0, l).map((b) => tf.sub(tf.mul(2, b), 1))];
    return parts.length === 1 ? parts[0] : tf.concat(parts, 1);
  }

  private estimatorInput(l: number, pass: HardPass, u: Tensor[], v: Tensor[], fb: Tensor, context: Tensor): EstimatorInput {
    return {
      dist: bernoulli,
      theta: pass.logits[l],
      u: u[l],
      v: v[l],
      fb,
      cv: this.estimatorCvs[l],
      baseline: this.residualAverages ? this.residualAverages[l].value : this.movingAverage?.value,
      relaxedF: this.relaxedF[l],
      // ARM / DisARM: f at another hard sample of this layer, given the current pass.
      f: (b) => {
        const c = this.current!;
        return this.model.hardReward(l, b, c.x, c.pass, c.u);
      },
      temperature: this.config.temperature,
      context,
    };
  }

  private noise(n: number): { u: Tensor[]; v: Tensor[] } {
    const L = this.model.latents;
    const u: Tensor[] = [];
    const v: Tensor[] = [];
    for (let l = 0; l < this.model.layers; l++) {
      u.push(tf.tensor2d(this.rngs.noise.uniforms(n * L), [n, L]));
      v.push(tf.tensor2d(this.rngs.noise.uniforms(n * L), [n, L]));
    }
    return { u, v };
  }

  /** ∂ of the encoder surrogate Σ_l Σ ĝ_l · logits_l(ψ) / B (ĝ held fixed). */
  private encoderSurrogate(x: Tensor, pass: HardPass, gradients: Tensor[]): Tensor {
    const B = x.shape[0] ?? 1;
    let total: Tensor = tf.scalar(0);
    for (let l = 0; l < this.model.layers; l++) {
      const logits = this.model.encoderLogits(l, l === 0 ? x : pass.b[l - 1]);
      total = tf.add(total, tf.sum(tf.mul(gradients[l], logits)));
    }
    return tf.div(total, B);
  }

  /** The hard pass and f(b) on x, made the current one (which the relaxed objectives and the split residual read). */
  private hardPass(x: Tensor, u: Tensor[]): { pass: HardPass; fb: Tensor; contexts: Tensor[] } {
    const pass = this.model.forward(x, u);
    const fb = this.model.passReward(x, pass);
    const contexts = pass.b.map((_, l) => this.context(l, x, pass));
    this.current = { x, pass, u, contexts };
    return { pass, fb, contexts };
  }

  /** The hard pass, f(b), and each layer's ĝ (pushed to `gradients`), its control variate trained on the way. */
  private estimate(x: Tensor, u: Tensor[], v: Tensor[], gradients: Tensor[], residualMeans: Tensor[]): { pass: HardPass; fb: Tensor } {
    const { pass, fb, contexts } = this.hardPass(x, u);
    for (let l = 0; l < this.model.layers; l++) {
      const input = this.estimatorInput(l, pass, u, v, fb, contexts[l]);
      const estimator: Estimator = this.residualAverages
        ? (i) => {
            const { gradient, residual } = mupropTerms(i);
            residualMeans.push(tf.keep(tf.mean(residual)));
            return { gradient };
          }
        : this.estimator;
      gradients.push(estimateAndTrain(estimator, input, { optimizer: this.cvOpts[l], objective: { kind: 'theta' } }).gradient);
    }
    this.current = undefined;
    return { pass, fb };
  }

  /** One training step; returns the batch mean of f(b). */
  step(): number {
    const t0 = performance.now();
    const step = this.track.step + 1;
    const B = this.config.batch;
    const xData = this.data.trainBatch(this.batchIndices(step), this.rngs.batch);
    const gradients: Tensor[] = [];
    // MuProp: each layer's batch-mean residual f(b) − c(b), kept out of the step's tidy.
    const residualMeans: Tensor[] = [];
    const meanF = tf.tidy(() => {
      const x = tf.tensor2d(xData, [B, PIXELS]);
      if (this.fastPath) {
        const { u, v } = this.noise(B);
        const theta = this.model.encoderLogits(0, x);
        const out = fastLinearRelaxStep({
          model: this.model,
          x,
          theta,
          u: u[0],
          v: v[0],
          rebar: rebarPart(this.cvs[0])!,
          neural: neuralPart(this.cvs[0]),
          context: this.model.centre(x),
          cvOptimizer: this.cvOpts[0],
        });
        this.modelOpt.applyGradients(out.modelGrads);
        this.decayResidual();
        return tf.mean(out.fb);
      }
      const { u, v } = this.noise(B);
      // The estimators hold the model constant (BinaryVaeModel.withFixedWeights); its own gradients come after.
      const { pass, fb } = this.model.withFixedWeights(() => this.estimate(x, u, v, gradients, residualMeans));
      // Decoder and prior ascend f(b) directly; the encoder ascends its estimator's ĝ.
      const { grads } = tf.variableGrads(
        () =>
          tf.neg(tf.add(tf.div(tf.sum(this.model.logJoint(x, pass.b)), B), this.encoderSurrogate(x, pass, gradients))) as tf.Scalar,
        this.model.variables,
      );
      this.modelOpt.applyGradients(grads);
      this.decayResidual();
      return tf.mean(fb);
    });
    tf.dispose(gradients);
    const value = meanF.dataSync()[0];
    meanF.dispose();
    const residuals = residualMeans.map((r) => r.dataSync()[0]);
    tf.dispose(residualMeans);
    if (!Number.isFinite(value)) throw new Error(`${this.estimatorName}, seed ${this.seed}: f(b) became ${value} at step ${step}`);
    this.movingAverage?.update(value);
    residuals.forEach((r, l) => this.residualAverages![l].update(r));
    this.track.step = step;
    this.track.trainMs += performance.now() - t0;
    return value;
  }

  /** Decoupled weight decay on the residual network's weights (RELAX). */
  private decayResidual(): void {
    if (this.config.weightDecay <= 0) return;
    const factor = 1 - this.config.lr * this.config.cvLrScale * this.config.weightDecay;
    for (const cv of this.cvs) {
      const n = neuralPart(cv);
      if (n) for (const w of n.net.weights) w.assign(tf.mul(w, factor));
    }
  }

  /**
   * log of the variance of the encoder-parameter gradient estimate at the
   * current parameters, averaged over parameters, from `draws` independent
   * estimates on one random training batch.
   */
  logVariance(draws = this.config.varianceSamples): number {
    const B = this.config.batch;
    const indices = Array.from({ length: B }, () => this.rngs.variance.integer(this.data.counts.train));
    const { variance } = this.encoderGradientStats(this.data.trainBatch(indices, this.rngs.variance), draws, this.rngs.variance);
    let total = 0;
    for (let i = 0; i < variance.length; i++) total += variance[i];
    return Math.log(Math.max(total / variance.length, 1e-300));
  }

  /**
   * Mean and variance over `draws` independent estimates of the encoder-
   * parameter gradient (all encoder variables flattened in order) on the
   * images `xData`; the estimators' ĝ of all draws come from one batched pass.
   */
  encoderGradientStats(
    xData: Float32Array,
    draws: number,
    rng: Rng,
    options: { loop?: boolean } = {},
  ): { mean: Float64Array; variance: Float64Array } {
    const B = xData.length / PIXELS;
    const encVars = this.model.encoderVariables;
    const size = encVars.reduce((n, v) => n + v.size, 0);
    const sum = new Float64Array(size);
    const sumSq = new Float64Array(size);
    const linear = VAE_MODELS[this.model.name].hidden.length === 0 && !options.loop;
    tf.tidy(() => {
      const x = tf.tensor2d(repeatRows(xData, draws), [draws * B, PIXELS]);
      const L = this.model.latents;
      const u = Array.from({ length: this.model.layers }, () => tf.tensor2d(rng.uniforms(draws * B * L), [draws * B, L]));
      const v = Array.from({ length: this.model.layers }, () => tf.tensor2d(rng.uniforms(draws * B * L), [draws * B, L]));
      const { pass, ghat } = this.model.withFixedWeights(() => {
        const { pass, fb, contexts } = this.hardPass(x, u);
        const ghat = pass.logits.map((_, l) => this.estimator(this.estimatorInput(l, pass, u, v, fb, contexts[l])).gradient);
        this.current = undefined;
        return { pass, ghat };
      });
      const accumulate = (offset: number, perDraw: Tensor) => {
        // perDraw: [draws, ...] gradients of one variable.
        const s1 = tf.sum(perDraw, 0).dataSync();
        const s2 = tf.sum(tf.square(perDraw), 0).dataSync();
        for (let i = 0; i < s1.length; i++) {
          sum[offset + i] += s1[i];
          sumSq[offset + i] += s2[i];
        }
        return offset + s1.length;
      };
      if (linear) {
        // Linear layers: draw r's gradient is inputᵣᵀ ĝᵣ / B and Σ ĝᵣ / B, for all draws in one batched product.
        let offset = 0;
        for (let l = 0; l < this.model.layers; l++) {
          const input = l === 0 ? this.model.centre(x) : tf.sub(tf.mul(2, pass.b[l - 1]), 1);
          const inR = tf.reshape(input, [draws, B, -1]);
          const gR = tf.reshape(tf.div(ghat[l], B), [draws, B, -1]);
          offset = accumulate(offset, tf.matMul(tf.transpose(inR, [0, 2, 1]), gR));
          offset = accumulate(offset, tf.sum(gR, 1));
        }
        return;
      }
      for (let r = 0; r < draws; r++) {
        tf.tidy(() => {
          const rows = (t: Tensor) => tf.slice(t, [r * B, 0], [B, -1]);
          const passR: HardPass = { logits: pass.logits.map(rows), z: pass.z.map(rows), b: pass.b.map(rows) };
          const { grads } = tf.variableGrads(() => this.encoderSurrogate(rows(x), passR, ghat.map(rows)) as tf.Scalar, encVars);
          let offset = 0;
          for (const variable of encVars) offset = accumulate(offset, tf.expandDims(grads[variable.name], 0));
        });
      }
    });
    const mean = new Float64Array(size);
    const variance = new Float64Array(size);
    for (let i = 0; i < size; i++) {
      mean[i] = sum[i] / draws;
      variance[i] = Math.max(0, (sumSq[i] - draws * mean[i] * mean[i]) / (draws - 1));
    }
    return { mean, variance };
  }

  /** ELBO (and optionally IWAE) on a split. */
  evaluate(split: 'train' | 'valid' | 'test', options: { images?: number; iwaeSamples?: number; iwaeImages?: number } = {}) {
    const { data, count } = this.data.split(split);
    const n = options.images && options.images > 0 ? Math.min(options.images, count) : count;
    return evaluateBounds(this.model, data, n, {
      rng: this.rngs.eval,
      iwaeSamples: options.iwaeSamples,
      iwaeImages: options.iwaeImages && options.iwaeImages > 0 ? options.iwaeImages : n,
    });
  }

  /** η and λ of each layer's relaxation, the residual's scale (what the CV learned), MuProp's average residual. */
  cvState(): Record<string, number> {
    const out: Record<string, number> = {};
    this.cvs.forEach((cv, l) => {
      const r = rebarPart(cv);
      if (r) {
        out[`eta${l}`] = r.eta.dataSync()[0];
        out[`temperature${l}`] = r.temperature;
      }
      const n = neuralPart(cv);
      if (n?.scale) out[`residualScale${l}`] = n.scale.dataSync()[0];
    });
    this.residualAverages?.forEach((a, l) => (out[`mupropResidual${l}`] = a.value));
    return out;
  }

  private optimizers(): [string, tf.Optimizer][] {
    return [['model', this.modelOpt], ...this.cvOpts.map((o, l): [string, tf.Optimizer] => [`cv${l}`, o])];
  }

  /** Every variable a checkpoint holds, by logical name. */
  private named(): Record<string, tf.Variable> {
    const out: Record<string, tf.Variable> = {};
    for (const [k, v] of Object.entries(this.model.namedVariables())) out[`model/${k}`] = v;
    this.cvs.forEach((cv, l) => Object.assign(out, cvNamed(cv, `cv${l}/`)));
    return out;
  }

  /** Write a resume point into `dir`: weights first, then state.json (the commit point), then old weights are removed. */
  async saveCheckpoint(dir: string): Promise<void> {
    mkdirSync(dir, { recursive: true });
    const tensors: Record<string, tf.Tensor> = { ...this.named() };
    const optimizers: CheckpointState['optimizers'] = {};
    for (const [name, opt] of this.optimizers()) {
      const weights = await opt.getWeights();
      weights.forEach((w, i) => (tensors[`opt/${name}/${i}`] = w.tensor));
      const internals = opt as unknown as AdamInternals;
      optimizers[name] = {
        count: weights.length,
        accBeta1: internals.accBeta1?.dataSync()[0],
        accBeta2: internals.accBeta2?.dataSync()[0],
      };
    }
    const weightsFile = `weights-${this.track.step}.bin`;
    const manifest = await saveWeights(dir, tensors, weightsFile);
    // getWeights() made fresh iteration scalars; the moments are the optimisers' own.
    for (const [name] of this.optimizers()) if (optimizers[name].count > 0) tensors[`opt/${name}/0`].dispose();
    const state: CheckpointState = {
      version: 1,
      config: this.config,
      estimator: this.estimatorName,
      seed: this.seed,
      track: this.track,
      rngs: Object.fromEntries(Object.entries(this.rngs).map(([k, r]) => [k, r.state()])),
      movingAverage: this.movingAverage && this.track.step > 0 ? this.movingAverage.value : null,
      residualAverages: this.residualAverages && this.track.step > 0 ? this.residualAverages.map((a) => a.value) : null,
      weightsFile,
      manifest,
      optimizers,
    };
    writeJsonAtomic(join(dir, 'state.json'), state);
    for (const f of readdirSync(dir)) if (f.startsWith('weights-') && f !== weightsFile) rmSync(join(dir, f), { force: true });
  }

  /** Whether `dir` holds a checkpoint. */
  static hasCheckpoint(dir: string): boolean {
    return existsSync(join(dir, 'state.json'));
  }

  /** Restore a resume point written by saveCheckpoint (same estimator, seed and settings). */
  async loadCheckpoint(dir: string): Promise<void> {
    const state = readJson<CheckpointState>(join(dir, 'state.json'));
    if (state.version !== 1 || state.estimator !== this.estimatorName || state.seed !== this.seed) {
      throw new UserError(`checkpoint in ${dir} is for ${state.estimator} seed ${state.seed}, not ${this.estimatorName} seed ${this.seed}`);
    }
    for (const key of ['model', 'batch', 'lr', 'cvLrScale'] as const) {
      if (JSON.stringify(state.config[key]) !== JSON.stringify(this.config[key])) {
        throw new UserError(`checkpoint in ${dir} was made with ${key} = ${JSON.stringify(state.config[key])}, not ${JSON.stringify(this.config[key])}`);
      }
    }
    const values = loadWeights(dir, state.manifest);
    try {
      assignWeights(this.named(), values);
      for (const [name, opt] of this.optimizers()) {
        const info = state.optimizers[name];
        if (!info || info.count === 0) continue;
        const list = Array.from({ length: info.count }, (_, i) => {
          const t = values[`opt/${name}/${i}`];
          if (!t) throw new UserError(`checkpoint in ${dir} lacks optimiser state opt/${name}/${i}`);
          return { name: `opt/${name}/${i}`, tensor: t };
        });
        await opt.setWeights(list);
        const internals = opt as unknown as AdamInternals;
        if (info.accBeta1 !== undefined) internals.accBeta1?.assign(tf.scalar(info.accBeta1));
        if (info.accBeta2 !== undefined) internals.accBeta2?.assign(tf.scalar(info.accBeta2));
      }
    } finally {
      tf.dispose(Object.values(values));
    }
    Object.assign(this.track, state.track);
    // JSON has no −∞: a run not yet evaluated stores null.
    this.track.bestValidElbo = state.track.bestValidElbo ?? -Infinity;
    // Continuing past the saved run's end: its final evaluation is redone at the new end.
    if (this.track.step < this.config.steps) delete this.track.final;
    for (const [k, s] of Object.entries(state.rngs)) (this.rngs as Record<string, Rng>)[k] = Rng.fromState(s);
    if (state.movingAverage !== null && this.movingAverage) this.movingAverage.update(state.movingAverage);
    state.residualAverages?.forEach((value, l) => this.residualAverages?.[l]?.restore(value));
  }

  dispose(): void {
    this.model.dispose();
    for (const cv of this.cvs) for (const v of cv?.variables ?? []) v.dispose();
    this.modelOpt.dispose();
    for (const o of this.cvOpts) o.dispose();
  }
}

export interface TrainHooks {
  /** Called after every logged step. */
  onLog?: (track: VaeTrack) => void;
  /** Resume points go here (none if undefined). */
  checkpointDir?: string;
  /** The best-validation model goes here. */
  bestDir?: string;
}

/** Train to config.steps (from wherever the trainer is), evaluating, measuring and checkpointing on the way. */
export async function trainVae(trainer: VaeTrainer, hooks: TrainHooks = {}): Promise<VaeTrack> {
  const { config, track } = trainer;
  let fSum = 0;
  let fCount = 0;
  const measure = (step: number) => {
    if (config.varianceEvery > 0 && step % config.varianceEvery === 0) {
      track.varianceSteps.push(step);
      track.logVariance.push(trainer.logVariance());
    }
  };
  const evaluate = async (step: number) => {
    const { elbo } = trainer.evaluate('valid', { images: config.evalImages });
    track.evalSteps.push(step);
    track.validElbo.push(elbo);
    if (elbo > track.bestValidElbo) {
      track.bestValidElbo = elbo;
      track.bestStep = step;
      if (hooks.bestDir) await saveBest(trainer, hooks.bestDir);
    }
  };
  if (track.step === 0) measure(0);
  while (track.step < config.steps) {
    fSum += trainer.step();
    fCount++;
    const step = track.step;
    if (step % config.logEvery === 0 || step === config.steps) {
      track.logSteps.push(step);
      track.trainElbo.push(fSum / fCount);
      track.cvState.push(trainer.cvState());
      fSum = 0;
      fCount = 0;
      hooks.onLog?.(track);
    }
    measure(step);
    if ((config.evalEvery > 0 && step % config.evalEvery === 0) || step === config.steps) await evaluate(step);
    // Only at log steps, so a resumed run's running means cover the same windows.
    const checkpointDue = config.checkpointEvery > 0 && step % config.checkpointEvery === 0 && step % config.logEvery === 0;
    if (hooks.checkpointDir && checkpointDue && step < config.steps) {
      await trainer.saveCheckpoint(hooks.checkpointDir);
    }
  }
  if (!track.final) {
    const valid = trainer.evaluate('valid', { iwaeSamples: config.iwaeSamples, iwaeImages: config.iwaeImages });
    const test = trainer.evaluate('test', { iwaeSamples: config.iwaeSamples, iwaeImages: config.iwaeImages });
    track.final = {
      trainElbo: trainer.evaluate('train').elbo,
      validElbo: valid.elbo,
      testElbo: test.elbo,
      validIwae: valid.iwae,
      testIwae: test.iwae,
      msPerStep: track.trainMs / Math.max(1, track.step),
    };
  }
  if (hooks.checkpointDir) await trainer.saveCheckpoint(hooks.checkpointDir);
  return track;
}

/** The best-validation model's weights (TensorFlow.js format) and a small description. */
async function saveBest(trainer: VaeTrainer, dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const manifest = await saveWeights(dir, trainer.model.namedVariables());
  writeJsonAtomic(join(dir, 'model.json'), {
    kind: 'binary-vae',
    model: trainer.config.model,
    estimator: trainer.estimatorName,
    seed: trainer.seed,
    step: trainer.track.bestStep,
    validElbo: trainer.track.bestValidElbo,
    weightsManifest: manifest,
  });
}
