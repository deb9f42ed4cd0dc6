// The toy problems as one-step estimation problems: a distribution over the
// action, the black-box loss on hard samples, its relaxation, and the exact
// expected loss and gradient.
import { tf } from '../../src/tf/index.js';
import { bernoulli, categorical, type RelaxedDistribution } from '../../src/distributions/index.js';
import type { RelaxedObjective } from '../../src/controlVariates/index.js';
import { BernoulliToyEnv } from '../../envs/toy/bernoulliToy.js';
import { CategoricalToyEnv } from '../../envs/toy/categoricalToy.js';
import { UserError } from '../../src/errors.js';

export interface ToyProblem {
  name: 'toy' | 'toy-categorical';
  /** The one-step environment the problem is (training goes through it). */
  env: BernoulliToyEnv | CategoricalToyEnv;
  dist: RelaxedDistribution;
  /** Event size: latents (Bernoulli) or classes (categorical). */
  size: number;
  /** f(b) for hard samples [batch, size] → [batch]; the estimators see only its values. */
  f: (b: tf.Tensor) => tf.Tensor;
  relaxedF: RelaxedObjective;
  exactLoss(logits: number[]): number;
  exactGradient(logits: number[]): number[];
  describe(): string;
}

export function toyProblem(options: { problem: string; target: number; latents?: number; weights?: number[] }): ToyProblem {
  if (options.problem === 'toy') {
    const env = new BernoulliToyEnv({ target: options.target, latents: options.latents ?? 1 });
    // The loss f is the env's reward negated, on hard samples or relaxed ones.
    const loss = (x: tf.Tensor) => tf.neg(env.reward(x));
    return {
      env,
      name: 'toy',
      dist: bernoulli,
      size: env.latents,
      f: loss,
      relaxedF: loss,
      exactLoss: (l) => env.exactLoss(l),
      exactGradient: (l) => env.exactLossGradient(l),
      describe: () => env.describe(),
    };
  }
  if (options.problem === 'toy-categorical') {
    const env = new CategoricalToyEnv({ target: options.target, weights: options.weights });
    const loss = (x: tf.Tensor) => tf.neg(env.reward(x));
    return {
      env,
      name: 'toy-categorical',
      dist: categorical,
      size: env.classes,
      f: loss,
      relaxedF: loss,
      exactLoss: (l) => env.exactLoss(l),
      exactGradient: (l) => env.exactLossGradient(l),
      describe: () => env.describe(),
    };
  }
  throw new UserError(`unknown problem '${options.problem}' (choose toy or toy-categorical)`);
}
