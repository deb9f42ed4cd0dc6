// Ops that are safe to differentiate twice. tfjs's logSoftmax, logSigmoid and
// losses are built with customGrad and save their outputs, so their second
// derivatives are wrong even with the kernel fix; these are composed from
// kernels whose gradients we corrected.
import * as tf from '@tensorflow/tfjs';
import { softplus, sumSoftplus } from './softplus.js';

export { softplus, sumSoftplus, softplusComposite, sumSoftplusComposite } from './softplus.js';

type Tensor = tf.Tensor;

/** log softmax along `axis` as x − logSumExp(x). */
export function logSoftmax<T extends Tensor>(x: T, axis = -1): T {
  return tf.sub(x, tf.logSumExp(x, axis, true)) as T;
}

/** log σ(x) = −softplus(−x), stable for large |x|. */
export function logSigmoid<T extends Tensor>(x: T): T {
  return tf.neg(softplus(tf.neg(x))) as T;
}

/** log(1 − σ(x)) = −softplus(x). */
export function log1mSigmoid<T extends Tensor>(x: T): T {
  return tf.neg(softplus(x)) as T;
}

/** Bernoulli log-likelihood of labels y ∈ {0,1} under logits x: y·x − softplus(x). */
export function bernoulliLogProb<T extends Tensor>(logits: T, labels: Tensor): T {
  return tf.sub(tf.mul(labels, logits), softplus(logits)) as T;
}

/**
 * Σ over the last axis of bernoulliLogProb(logits, labels), with the softplus
 * summed by sumSoftplus (much cheaper on wasm). logits may broadcast against
 * labels along leading axes only (e.g. a prior [L] against samples [B, L]).
 */
export function bernoulliLogProbSum(logits: Tensor, labels: Tensor): Tensor {
  const last = (t: Tensor) => t.shape[t.rank - 1];
  if (logits.rank === 0 || last(logits) !== last(labels)) return tf.sum(bernoulliLogProb(logits, labels), -1);
  return tf.sub(tf.sum(tf.mul(labels, logits), -1), sumSoftplus(logits));
}

/** Sigmoid cross-entropy (the negative of bernoulliLogProb). */
export function sigmoidCrossEntropy<T extends Tensor>(logits: T, labels: Tensor): T {
  return tf.neg(bernoulliLogProb(logits, labels)) as T;
}

/** Softmax cross-entropy −Σ labels·logSoftmax(logits) over the last axis. */
export function softmaxCrossEntropy(logits: Tensor, labels: Tensor): Tensor {
  return tf.neg(tf.sum(tf.mul(labels, logSoftmax(logits)), -1));
}

/** elu, whose gradient we re-registered (exported so callers need not know). */
export function elu<T extends Tensor>(x: T): T {
  return tf.elu(x) as T;
}

/**
 * x[..., index] along the last axis as a one-hot product: `gather`'s gradient
 * needs UnsortedSegmentSum, which the wasm backend lacks, and gatherND has no
 * gradient at all.
 */
export function pickLast(x: Tensor, indices: tf.Tensor1D | tf.Tensor, depth = x.shape[x.rank - 1]): Tensor {
  return tf.sum(tf.mul(x, tf.oneHot(tf.cast(indices, 'int32') as tf.Tensor1D, depth)), -1);
}

/** matMul(a, b) with optional transposes done explicitly (fast on wasm). */
export function matMul(a: tf.Tensor2D, b: tf.Tensor2D, transposeA = false, transposeB = false): tf.Tensor2D {
  return tf.matMul(transposeA ? tf.transpose(a) : a, transposeB ? tf.transpose(b) : b);
}

/**
 * x's value as a constant. tfjs has no stop_gradient, and it matters: inside
 * an outer tape (e.g. ∂φ Σ ĝ²), an inner tf.grad with respect to θ also
 * differentiates through every tensor computed earlier from θ on that tape,
 * where outside a tape the same call treats them as constants.
 */
export function stopGradient<T extends Tensor>(x: T): T {
  const constant = tf.customGrad(((a: Tensor) => ({
    value: tf.clone(a),
    gradFunc: (dy: Tensor) => [tf.zerosLike(dy)],
  })) as unknown as Parameters<typeof tf.customGrad>[0]);
  return constant(x) as T;
}
