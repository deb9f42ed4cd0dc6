// Optimisers behind one small config: Adam is FusedAdam (adam.ts: tfjs's
// Adam in one kernel per step, same numbers), RMSProp and SGD are tfjs's.
import { tf } from '../tf/index.js';
import { UserError } from '../errors.js';
import { FusedAdam } from './adam.js';

export interface OptimizerConfig {
  kind: 'adam' | 'rmsprop' | 'sgd';
  learningRate: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  decay?: number; // RMSProp
}

export function makeOptimizer(config: OptimizerConfig): tf.Optimizer {
  const { kind, learningRate: lr } = config;
  if (!(lr > 0) || !Number.isFinite(lr)) throw new UserError(`learning rate must be a positive number, got ${lr}`);
  switch (kind) {
    case 'adam':
      return new FusedAdam(lr, config.beta1 ?? 0.9, config.beta2 ?? 0.999, config.epsilon ?? 1e-8);
    case 'rmsprop':
      return tf.train.rmsprop(lr, config.decay ?? 0.9, 0, config.epsilon ?? 1e-8);
    case 'sgd':
      return tf.train.sgd(lr);
    default:
      throw new UserError(`unknown optimiser '${kind as string}' (choose adam, rmsprop or sgd)`);
  }
}

// tfjs's Adam, RMSProp and SGD read `learningRate` at every step but do not
// expose it; these two give schedules (e.g. a KL-adapted rate) one typed door.
type WithRate = { learningRate: number };

export function getLearningRate(opt: tf.Optimizer): number {
  return (opt as unknown as WithRate).learningRate;
}

export function setLearningRate(opt: tf.Optimizer, lr: number): void {
  (opt as unknown as WithRate).learningRate = lr;
}
