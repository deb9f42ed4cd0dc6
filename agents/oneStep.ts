// A policy trained on a one-step problem (envs/core/oneStep.ts) with any
// applicable estimator of the catalog: each step draws a batch of contexts,
// samples b ~ p(b|θ) with θ from the policy, scores f(b), asks the estimator
// for ĝ = ∂θ E f (training its control variate along ∂φ Σ ĝ² on the way),
// pushes Σ θ(ψ)·ĝ into the policy's parameters ψ, and ascends f in the
// problem's own parameters. θ is a free parameter vector when the problem has
// no context (the toy), else an MLP of the context. `learn` drives it.
import { tf, makeVariable } from '../src/tf/index.js';
import { Rng } from '../src/random/index.js';
import type { RelaxedDistribution } from '../src/distributions/index.js';
import { estimateAndTrain, estimatorSetup, groupMean, logVarianceOf, type MovingAverage, type EstimatorInput } from '../src/estimators/index.js';
import type { ControlVariate } from '../src/controlVariates/index.js';
import { Mlp, makeOptimizer, type Activation } from '../src/nn/index.js';
import type { CheckpointParts } from '../src/nn/index.js';
import { UserError } from '../src/errors.js';
import type { OneStepEnv } from '../envs/index.js';
import type { Counters, Learner } from './learn.js';
import { oneStepEstimator, type OneStepEstimator } from './oneStepEstimator.js';
import { fusedGradientSamples, fusedOneStep, type OneStepParts } from './fusedOneStep.js';

export interface OneStepConfig {
  estimator: string;
  seed: number;
  /** Samples (episodes of one step) per update. */
  batch: number;
  lr: number;
  cvLr: number;
  /** REBAR's initial η and λ (λ is also Concrete's temperature and the neural CV's initial one). */
  eta: number;
  temperature: number;
  /** Hidden layers of the neural control variate (tanh) and of a contextual policy (tanh). */
  cvHidden: number[];
  cvActivation: Activation;
  policyHidden: number[];
  /** Draws per variance measurement. */
  varianceSamples: number;
  /**
   * Samples per input of a K-sample estimator (rloo, vimco, arms; default
   * the catalog's): a step draws batch × K samples, K per context. Ignored
   * by the other estimators, so one config serves a comparison.
   */
  k?: number;
}

export const ONE_STEP_DEFAULTS: Omit<OneStepConfig, 'estimator'> = {
  seed: 1,
  batch: 1,
  lr: 0.01,
  cvLr: 0.01,
  eta: 1,
  temperature: 0.5,
  cvHidden: [10],
  cvActivation: 'tanh',
  policyHidden: [],
  varianceSamples: 1000,
};

/** Variables under names fixed by construction order, for checkpoints. */
function byPosition(prefix: string, variables: tf.Variable[]): Record<string, tf.Variable> {
  return Object.fromEntries(variables.map((v, i) => [`${prefix}${i}`, v]));
}

interface Sample {
  theta: tf.Tensor;
  u: tf.Tensor;
  v: tf.Tensor;
  b: tf.Tensor;
  fb: tf.Tensor;
}

let counter = 0;

export class OneStepLearner implements Learner {
  readonly unit = 'steps' as const;
  readonly counters: Counters = { episodes: 0, steps: 0, updates: 0 };
  readonly config: OneStepConfig;
  readonly dist: RelaxedDistribution;
  readonly cv?: ControlVariate;
  readonly baseline?: MovingAverage;
  /** θ itself ([1, size]) when the problem has no context, else the policy network. */
  readonly logits?: tf.Variable;
  readonly net?: Mlp;
  /** The catalog estimator with its control variate and baseline (agents/oneStepEstimator.ts). */
  private readonly assembled: OneStepEstimator;
  private readonly policyOpt: tf.Optimizer;
  private readonly cvOpt?: tf.Optimizer;
  private readonly envOpt?: tf.Optimizer;
  private readonly noise: Rng;
  private readonly fusedParts: OneStepParts;
  /** Since the last log row: Σ of batch-mean rewards and their count. */
  private running = { sum: 0, count: 0 };
  /** Wall time of training steps (never in metric rows). */
  trainMs = 0;

  constructor(
    readonly env: OneStepEnv,
    config: Partial<OneStepConfig> & { estimator: string },
    /** Extra figures for log rows, from θ (problems without context), e.g. the toy's p. */
    private readonly report?: (theta: number[]) => Record<string, number>,
  ) {
    this.config = { ...ONE_STEP_DEFAULTS, ...config };
    const { seed } = this.config;
    const init = new Rng(`${seed}:init`);
    this.noise = new Rng(`${seed}:noise`);
    // Refuses, with the catalog's one line, an estimator the problem cannot serve (e.g. REBAR without relaxedReward).
    const { eta, temperature, cvHidden: hidden, cvActivation: activation } = this.config;
    const k = estimatorSetup(this.config.estimator).needs.multiSample ? this.config.k : undefined;
    this.assembled = oneStepEstimator(this.config.estimator, env, { eta, temperature, hidden, activation, k }, init);
    this.dist = this.assembled.dist;
    this.cv = this.assembled.cv;
    this.baseline = this.assembled.baseline;
    const id = counter++;
    if (env.contextSize === 0) {
      this.logits = makeVariable(() => tf.zeros([1, env.thetaSize]), true, `oneStep${id}/logits`);
    } else {
      this.net = new Mlp({ sizes: [env.contextSize, ...this.config.policyHidden, env.thetaSize], activation: 'tanh', outputGain: 0.01 }, init, `oneStep${id}/policy`);
    }
    this.policyOpt = makeOptimizer({ kind: 'adam', learningRate: this.config.lr });
    if (this.cv) this.cvOpt = makeOptimizer({ kind: 'adam', learningRate: this.config.cvLr });
    if (env.variables?.length) this.envOpt = makeOptimizer({ kind: 'adam', learningRate: this.config.lr });
    this.fusedParts = { env, assembled: this.assembled, logits: this.logits, policyOpt: this.policyOpt, cvOpt: this.cvOpt, noise: this.noise, batch: this.config.batch };
  }

  get seed(): number {
    return this.config.seed;
  }

  get policyVariables(): tf.Variable[] {
    return this.logits ? [this.logits] : this.net!.variables;
  }

  /** θ for n samples (contexts x, or none). */
  private theta(n: number, x?: tf.Tensor): tf.Tensor {
    return this.logits ? tf.tile(this.logits, [n, 1]) : this.net!.apply(x!);
  }

  /** Samples per input (K for a K-sample estimator, else 1). */
  get k(): number {
    return this.assembled.k;
  }

  /** Contexts x with each row repeated K times (the rows of a K-sample draw); x itself when K = 1. */
  private repeated(x?: tf.Tensor): tf.Tensor | undefined {
    const k = this.k;
    if (!x || k === 1) return x;
    const n = x.shape[0] ?? 1;
    return tf.gather(x, tf.tensor1d(Array.from({ length: n * k }, (_, i) => Math.floor(i / k)), 'int32'));
  }

  /** θ, the noise u and v from `rng`, b = H(z(θ, u)) and f(b) for n inputs (contexts x already repeated K times), K samples each. */
  private draw(n: number, rng: Rng, x?: tf.Tensor): Sample {
    const { env, dist } = this;
    const rows = n * this.k;
    const theta = this.theta(rows, x);
    const shape = dist.noiseShape([rows, env.thetaSize]);
    const size = shape.reduce((a, b) => a * b, 1);
    const u = this.assembled.noise(theta, tf.tensor(rng.uniforms(size), shape));
    const v = tf.tensor(rng.uniforms(size), shape);
    const b = dist.hard(dist.sample(theta, u));
    return { theta, u, v, b, fb: env.reward(b, x) };
  }

  private input(s: Sample, x?: tf.Tensor): EstimatorInput {
    return this.assembled.input(s, x);
  }

  iterate(): { episodes: never[]; update: Record<string, number> } {
    const t0 = performance.now();
    const B = this.config.batch;
    // The typed-array step where it applies (agents/fusedOneStep.ts), else the tape.
    const value = fusedOneStep(this.fusedParts) ?? this.tapeStep(B);
    if (!Number.isFinite(value)) throw new UserError(`f(b) became ${value} at step ${this.counters.steps + 1}`);
    this.baseline?.update(value);
    this.running.sum += value;
    this.running.count++;
    this.counters.steps++;
    this.counters.updates++;
    this.counters.episodes += B * this.k;
    this.trainMs += performance.now() - t0;
    return { episodes: [], update: { meanReward: value } };
  }

  /** One step on the tape: the sample, ĝ with the control variate's step, the policy's and the problem's steps; the batch mean of f(b). */
  private tapeStep(B: number): number {
    const observed = this.env.observe(B);
    const x = this.repeated(observed);
    if (observed && x !== observed) observed.dispose();
    const sample = tf.tidy(() => this.draw(B, this.noise, x) as unknown as tf.TensorContainer) as unknown as Sample;
    const { gradient } = estimateAndTrain(this.assembled.estimator, this.input(sample, x), { optimizer: this.cvOpt });
    const meanF = tf.tidy(() => {
      // Ascend Σ θ(ψ)·ĝ / B in the policy (ĝ held fixed), and E f in the problem's own parameters.
      this.policyOpt.applyGradients(this.policyGrads(B * this.k, gradient, x));
      if (this.envOpt) {
        const own = tf.variableGrads(() => tf.neg(tf.mean(this.env.reward(sample.b, x))) as tf.Scalar, this.env.variables!);
        this.envOpt.applyGradients(own.grads);
      }
      return tf.mean(sample.fb);
    });
    const value = meanF.dataSync()[0];
    tf.dispose([meanF, gradient, ...Object.values(sample), ...(x ? [x] : [])]);
    return value;
  }

  /**
   * ∂ψ of −Σ θ(ψ)·ĝ / B. For free logits θ = tile(ψ) that is −mean(ĝ) over the
   * batch, written out: the tape's tile and sum cost more than the toy's whole
   * REINFORCE step (a test checks the two agree).
   */
  policyGrads(B: number, gradient: tf.Tensor, x?: tf.Tensor): tf.NamedTensorMap {
    if (this.logits) return { [this.logits.name]: tf.neg(tf.mean(gradient, 0, true)) };
    return tf.variableGrads(() => tf.neg(tf.div(tf.sum(tf.mul(this.theta(B, x), gradient)), B)) as tf.Scalar, this.policyVariables).grads;
  }

  /** θ now (problems without context). */
  thetaValues(): number[] {
    return this.logits ? Array.from(this.logits.dataSync()) : [];
  }

  logRow(): Record<string, number> {
    const row: Record<string, number> = {};
    if (this.running.count > 0) row.meanReward = this.running.sum / this.running.count;
    this.running = { sum: 0, count: 0 };
    const theta = this.thetaValues();
    if (theta.length && this.report) Object.assign(row, this.report(theta));
    return row;
  }

  /** Variance of ĝ over θ's entries from `varianceSamples` draws at the current parameters (nothing trained). */
  logVariance(rng: Rng): number {
    const n = this.config.varianceSamples;
    const rows = fusedGradientSamples(this.fusedParts, rng, n);
    if (rows) return logVarianceOf(rows);
    const envState = this.saveEnvStream();
    const observed = this.env.observe(n);
    this.restoreEnvStream(envState);
    const x = this.repeated(observed);
    if (observed && x !== observed) observed.dispose();
    // A K-sample estimate is the mean of its K rows.
    const g = tf.tidy(() => groupMean(this.assembled.estimator(this.input(this.draw(n, rng, x), x)).gradient, this.k));
    const value = logVarianceOf(g);
    tf.dispose([g, ...(x ? [x] : [])]);
    return value;
  }

  private saveEnvStream(): unknown {
    return 'randomState' in this.env ? (this.env as { randomState: unknown }).randomState : undefined;
  }

  private restoreEnvStream(state: unknown): void {
    if (state !== undefined) (this.env as unknown as { randomState: unknown }).randomState = state;
  }

  checkpointParts(): CheckpointParts {
    const variables: Record<string, tf.Variable> = {
      ...byPosition('policy/', this.policyVariables),
      ...byPosition('cv/', this.cv?.variables ?? []),
      ...byPosition('env/', this.env.variables ?? []),
    };
    const optimizers: Record<string, tf.Optimizer> = { policy: this.policyOpt };
    if (this.cvOpt) optimizers.cv = this.cvOpt;
    if (this.envOpt) optimizers.env = this.envOpt;
    return { variables, optimizers, rngs: { noise: this.noise } };
  }

  checkpointState(): unknown {
    return {
      kind: 'one-step',
      config: this.config,
      counters: this.counters,
      running: this.running,
      baseline: this.baseline && this.counters.steps > 0 ? this.baseline.value : null,
      env: this.saveEnvStream() ?? null,
      trainMs: this.trainMs,
    };
  }

  restoreState(state: unknown): void {
    const s = state as { config: OneStepConfig; counters: Counters; running: { sum: number; count: number }; baseline: number | null; env: unknown; trainMs: number };
    if (s.config.estimator !== this.config.estimator || s.config.seed !== this.config.seed) {
      throw new UserError(`checkpoint is for ${s.config.estimator} seed ${s.config.seed}, not ${this.config.estimator} seed ${this.config.seed}`);
    }
    Object.assign(this.counters, s.counters);
    this.running = { ...s.running };
    if (s.baseline !== null) this.baseline?.restore(s.baseline);
    if (s.env !== null) this.restoreEnvStream(s.env);
    this.trainMs = s.trainMs;
  }

  dispose(): void {
    for (const v of [...this.policyVariables, ...(this.cv?.variables ?? [])]) v.dispose();
    this.policyOpt.dispose();
    this.cvOpt?.dispose();
    this.envOpt?.dispose();
  }
}
