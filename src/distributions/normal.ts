// Diagonal Normal with parameters packed as θ = [mean, logStd] along the last
// axis (so one tensor carries both, as every estimator expects), sampled by
// reparameterisation b = T(θ, ε) = mean + exp(logStd)·ε with ε standard
// normal. It implements the common Distribution interface (kind
// 'continuous'): `sample` is b itself and `hard` the identity, so REINFORCE
// and LAX take it through the same signature as the discrete distributions.
import { tf } from '../tf/index.js';
import type { ContinuousDistribution } from './types.js';

type Tensor = tf.Tensor;

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

function split(theta: Tensor): [Tensor, Tensor] {
  const d = theta.shape[theta.rank - 1] / 2;
  const [mean, logStd] = tf.split(theta, [d, d], -1);
  return [mean, logStd];
}

export interface DiagNormal extends ContinuousDistribution {
  readonly name: 'normal';
  /** θ → [mean, logStd], each with half of θ's last axis. */
  split(theta: Tensor): [Tensor, Tensor];
  /** θ from a mean and a log standard deviation (broadcast to the mean's shape). */
  pack(mean: Tensor, logStd: Tensor): Tensor;
}

export const diagNormal: DiagNormal = {
  name: 'normal',
  kind: 'continuous',
  noise: 'normal',
  split,
  pack: (mean, logStd) => tf.concat([mean, tf.add(tf.zerosLike(mean), logStd)], -1),
  /** Shape of ε given θ's shape: θ's with the last axis halved. */
  noiseShape: (shape) => [...shape.slice(0, -1), shape[shape.length - 1] / 2],
  /** b = mean + exp(logStd)·ε. */
  sample: (theta, eps) => {
    const [mean, logStd] = split(theta);
    return tf.add(mean, tf.mul(tf.exp(logStd), eps));
  },
  /** b is the sample itself. */
  hard: (b) => b,
  /** log N(x; mean, std²) summed over the last axis. */
  logProb: (theta, x) => {
    const [mean, logStd] = split(theta);
    const zScore = tf.div(tf.sub(x, mean), tf.exp(logStd));
    return tf.sum(tf.neg(tf.add(tf.add(tf.mul(0.5, tf.square(zScore)), logStd), HALF_LOG_2PI)), -1);
  },
  /** ∂θ log p(x | θ) in closed form: [(x − μ)/σ², ((x − μ)/σ)² − 1]. */
  score: (theta, x) => {
    const [mean, logStd] = split(theta);
    const std = tf.exp(logStd);
    const zScore = tf.div(tf.sub(x, mean), std);
    return tf.concat([tf.div(zScore, std), tf.sub(tf.square(zScore), 1)], -1);
  },
  /** Σ log σ + ½ log(2πe) over the last axis. */
  entropy: (theta) => {
    const [, logStd] = split(theta);
    return tf.sum(tf.add(logStd, 0.5 + HALF_LOG_2PI), -1);
  },
  /** KL(N(θp) ‖ N(θq)) = Σ log σq/σp + (σp² + (μp − μq)²)/(2σq²) − ½. */
  kl: (thetaP, thetaQ) => {
    const [mp, sp] = split(thetaP);
    const [mq, sq] = split(thetaQ);
    const ratio = tf.div(tf.add(tf.exp(tf.mul(2, sp)), tf.square(tf.sub(mp, mq))), tf.mul(2, tf.exp(tf.mul(2, sq))));
    return tf.sum(tf.sub(tf.add(tf.sub(sq, sp), ratio), 0.5), -1);
  },
};
