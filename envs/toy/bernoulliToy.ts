// The paper's toy problem as a one-step environment: the action is
// b ∈ {0,1}^n, the loss f(b) = mean_j (b_j − t)², and the reward is −f(b).
// The exact expected loss and its gradient are known, so estimators can be
// checked against them; the relaxed loss f(σ_λ(z)) serves REBAR and Concrete.
import { UserError } from '../../src/errors.js';
import { Env, type Info, type StepResult } from '../core/env.js';
import { Box } from '../spaces/box.js';
import { MultiBinary } from '../spaces/multiBinary.js';
import type { OneStepEnv, RelaxedRewardArrays } from '../core/oneStep.js';
import type { tf } from '../../src/tf/index.js';

export interface BernoulliToyOptions {
  target?: number;
  latents?: number;
}

export class BernoulliToyEnv extends Env<Float32Array, Int8Array> implements OneStepEnv {
  readonly distribution = 'bernoulli' as const;
  readonly contextSize = 0;
  readonly observationSpace = new Box(0, 0, [1]);
  readonly actionSpace: MultiBinary;
  readonly target: number;
  readonly latents: number;
  private readonly obs = new Float32Array(1);

  constructor(options: BernoulliToyOptions = {}) {
    super();
    this.target = options.target ?? 0.499;
    this.latents = options.latents ?? 1;
    if (!Number.isFinite(this.target)) throw new UserError(`target must be a number, got ${options.target}`);
    if (!Number.isInteger(this.latents) || this.latents < 1) {
      throw new UserError(`latents must be a positive integer, got ${options.latents}`);
    }
    this.actionSpace = new MultiBinary(this.latents);
    this.metadata = { renderModes: ['ansi'] };
  }

  override reset(opts = {}): [Float32Array, Info] {
    super.reset(opts);
    return [this.obs.slice(), {}];
  }

  step(action: Int8Array): StepResult<Float32Array> {
    return [this.obs.slice(), -this.loss(action), true, false, {}];
  }

  get thetaSize(): number {
    return this.latents;
  }

  observe(): undefined {
    return undefined;
  }

  /** −f(b) per sample, for hard b or relaxed σ_λ(z) alike (chained ops: no tfjs import here). */
  reward(b: tf.Tensor): tf.Tensor {
    return b.sub(this.target).square().mean(-1).neg();
  }

  relaxedReward(soft: tf.Tensor): tf.Tensor {
    return this.reward(soft);
  }

  /** −f(b) per row of b ([rows, latents]), as `reward` on arrays. */
  rewardArrays(b: Float64Array, rows: number): Float64Array {
    const out = new Float64Array(rows);
    for (let r = 0; r < rows; r++) out[r] = -this.loss(b.subarray(r * this.latents, (r + 1) * this.latents));
    return out;
  }

  /** −f(s) per row, its gradient −2(s_j − t)/n and, along d, its curvature −2 d_j/n (f is quadratic). */
  relaxedRewardArrays(soft: Float64Array, rows: number, direction?: Float64Array): RelaxedRewardArrays {
    const n = this.latents;
    const value = this.rewardArrays(soft, rows);
    const gradient = new Float64Array(rows * n);
    for (let i = 0; i < rows * n; i++) gradient[i] = (-2 * (soft[i] - this.target)) / n;
    return { value, gradient, curvature: direction?.map((d) => (-2 * d) / n) };
  }

  exactReward(logits: ArrayLike<number>): number {
    return -this.exactLoss(logits);
  }

  exactGradient(logits: ArrayLike<number>): number[] {
    return this.exactLossGradient(logits).map((g) => -g);
  }

  describe(): string {
    return `Bernoulli toy, t = ${this.target}, ${this.latents} latent(s)`;
  }

  /** f(b) = mean_j (b_j − t)². */
  loss(b: ArrayLike<number>): number {
    let s = 0;
    for (let j = 0; j < this.latents; j++) s += (b[j] - this.target) ** 2;
    return s / this.latents;
  }

  /** E f(b) under b_j ~ Bernoulli(σ(ℓ_j)). */
  exactLoss(logits: ArrayLike<number>): number {
    const t = this.target;
    let s = 0;
    for (let j = 0; j < this.latents; j++) {
      const p = 1 / (1 + Math.exp(-logits[j]));
      s += p * (1 - t) ** 2 + (1 - p) * t * t;
    }
    return s / this.latents;
  }

  /** ∂ℓ_j E f(b) = ((1 − t)² − t²) · σ(ℓ_j)(1 − σ(ℓ_j)) / n. */
  exactLossGradient(logits: ArrayLike<number>): number[] {
    const t = this.target;
    return Array.from({ length: this.latents }, (_, j) => {
      const p = 1 / (1 + Math.exp(-logits[j]));
      return ((1 - t) ** 2 - t * t) * p * (1 - p) / this.latents;
    });
  }

  override render(): string {
    return `BernoulliToy(t=${this.target}, latents=${this.latents})`;
  }
}
