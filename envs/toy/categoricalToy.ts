// A categorical version of the toy: the action is a class b ∈ {0..K−1}, the
// loss f(b) = (w_b − t)² for given weights w, the reward −f(b).
import { UserError } from '../../src/errors.js';
import { Env, type Info, type StepResult } from '../core/env.js';
import { Box } from '../spaces/box.js';
import { Discrete } from '../spaces/discrete.js';
import type { OneStepEnv } from '../core/oneStep.js';
import type { tf } from '../../src/tf/index.js';

export interface CategoricalToyOptions {
  target?: number;
  weights?: number[];
}

export class CategoricalToyEnv extends Env<Float32Array, number> implements OneStepEnv {
  readonly distribution = 'categorical' as const;
  readonly contextSize = 0;
  readonly observationSpace = new Box(0, 0, [1]);
  readonly actionSpace: Discrete;
  readonly target: number;
  readonly weights: number[];
  private readonly obs = new Float32Array(1);

  constructor(options: CategoricalToyOptions = {}) {
    super();
    this.target = options.target ?? 0.499;
    this.weights = options.weights ?? [0.1, 0.6, 0.9];
    if (!Number.isFinite(this.target)) throw new UserError(`target must be a number, got ${options.target}`);
    if (this.weights.length < 2 || !this.weights.every(Number.isFinite)) {
      throw new UserError('weights must be at least two numbers');
    }
    this.actionSpace = new Discrete(this.weights.length);
    this.metadata = { renderModes: ['ansi'] };
  }

  get classes(): number {
    return this.weights.length;
  }

  override reset(opts = {}): [Float32Array, Info] {
    super.reset(opts);
    return [this.obs.slice(), {}];
  }

  step(action: number): StepResult<Float32Array> {
    return [this.obs.slice(), -this.loss(action), true, false, {}];
  }

  get thetaSize(): number {
    return this.classes;
  }

  observe(): undefined {
    return undefined;
  }

  /** −f per sample: −(Σ_k s_k w_k − t)², (w_b − t)² at a one-hot b, its relaxation inside the simplex. */
  reward(b: tf.Tensor): tf.Tensor {
    return b.mul(this.weights).sum(-1).sub(this.target).square().neg();
  }

  relaxedReward(soft: tf.Tensor): tf.Tensor {
    return this.reward(soft);
  }

  exactReward(logits: ArrayLike<number>): number {
    return -this.exactLoss(logits);
  }

  exactGradient(logits: ArrayLike<number>): number[] {
    return this.exactLossGradient(logits).map((g) => -g);
  }

  describe(): string {
    return `categorical toy, t = ${this.target}, w = [${this.weights.join(', ')}]`;
  }

  loss(b: number): number {
    return (this.weights[b] - this.target) ** 2;
  }

  private probs(logits: ArrayLike<number>): number[] {
    const m = Math.max(...Array.from(logits));
    const e = Array.from(logits, (l) => Math.exp(l - m));
    const s = e.reduce((a, b) => a + b, 0);
    return e.map((x) => x / s);
  }

  exactLoss(logits: ArrayLike<number>): number {
    return this.probs(logits).reduce((s, p, k) => s + p * this.loss(k), 0);
  }

  /** ∂ℓ_k E f = p_k (f_k − E f). */
  exactLossGradient(logits: ArrayLike<number>): number[] {
    const p = this.probs(logits);
    const mean = this.exactLoss(logits);
    return p.map((pk, k) => pk * (this.loss(k) - mean));
  }

  override render(): string {
    return `CategoricalToy(t=${this.target}, w=[${this.weights.join(', ')}])`;
  }
}
