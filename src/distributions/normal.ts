// Diagonal Normal with parameters packed as θ = [mean, logStd] along the last
// axis (so one tensor carries both, as every estimator expects), sampled by
// reparameterisation b = mean + exp(logStd)·ε.
import { tf } from '../tf/index.js';

type Tensor = tf.Tensor;

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

function split(theta: Tensor): [Tensor, Tensor] {
  const d = theta.shape[theta.rank - 1] / 2;
  const [mean, logStd] = tf.split(theta, [d, d], -1);
  return [mean, logStd];
}

export const diagNormal = {
  name: 'normal' as const,
  split,
  /** θ from a mean and a log standard deviation (broadcast to the mean's shape). */
  pack: (mean: Tensor, logStd: Tensor): Tensor => tf.concat([mean, tf.add(tf.zerosLike(mean), logStd)], -1),
  /** Shape of ε given θ's shape. */
  noiseShape: (shape: number[]) => [...shape.slice(0, -1), shape[shape.length - 1] / 2],
  sample: (theta: Tensor, eps: Tensor): Tensor => {
    const [mean, logStd] = split(theta);
    return tf.add(mean, tf.mul(tf.exp(logStd), eps));
  },
  /** log N(x; mean, std²) summed over the last axis. */
  logProb: (theta: Tensor, x: Tensor): Tensor => {
    const [mean, logStd] = split(theta);
    const zScore = tf.div(tf.sub(x, mean), tf.exp(logStd));
    return tf.sum(tf.neg(tf.add(tf.add(tf.mul(0.5, tf.square(zScore)), logStd), HALF_LOG_2PI)), -1);
  },
  /** ∂θ log p(x | θ) in closed form: [(x − μ)/σ², ((x − μ)/σ)² − 1]. */
  score: (theta: Tensor, x: Tensor): Tensor => {
    const [mean, logStd] = split(theta);
    const std = tf.exp(logStd);
    const zScore = tf.div(tf.sub(x, mean), std);
    return tf.concat([tf.div(zScore, std), tf.sub(tf.square(zScore), 1)], -1);
  },
  entropy: (theta: Tensor): Tensor => {
    const [, logStd] = split(theta);
    return tf.sum(tf.add(logStd, 0.5 + HALF_LOG_2PI), -1);
  },
  /** KL(N(θp) ‖ N(θq)) = Σ log σq/σp + (σp² + (μp − μq)²)/(2σq²) − ½. */
  kl: (thetaP: Tensor, thetaQ: Tensor): Tensor => {
    const [mp, sp] = split(thetaP);
    const [mq, sq] = split(thetaQ);
    const ratio = tf.div(tf.add(tf.exp(tf.mul(2, sp)), tf.square(tf.sub(mp, mq))), tf.mul(2, tf.exp(tf.mul(2, sq))));
    return tf.sum(tf.sub(tf.add(tf.sub(sq, sp), ratio), 0.5), -1);
  },
};

export type DiagNormal = typeof diagNormal;
