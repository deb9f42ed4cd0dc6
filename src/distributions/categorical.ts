// Categorical(softmax(θ)) over the last axis with the Gumbel-max relaxation
// z_i = log p_i − log(−log u_i), H(z) = one-hot(argmax z), and the exact
// conditional z̃ ~ p(z | b, θ):
//   z̃_b = −log(−log v_b),   z̃_i = −log(−log v_i / p_i − log v_b)  (i ≠ b).
// (The reference RL code drew z̃_b as log p_b + Gumbel, which is biased.)
import { tf, safe } from '../tf/index.js';
import { clampUniforms, type RelaxedDistribution } from './types.js';

type Tensor = tf.Tensor;

/** log(−log u), finite for clamped u. */
const logNegLog = (u: Tensor) => tf.log(tf.neg(tf.log(u)));

export const categorical: RelaxedDistribution = {
  name: 'categorical',
  kind: 'discrete',
  noise: 'uniform',

  noiseShape: (shape) => shape,

  sample: (logits, u) => tf.sub(safe.logSoftmax(logits), logNegLog(clampUniforms(u))),

  hard: (z) => tf.oneHot(tf.argMax(z, -1), z.shape[z.rank - 1]).toFloat(),

  conditional: (logits, b, v) => {
    const vc = clampUniforms(v);
    const logP = safe.logSoftmax(logits);
    const lnl = logNegLog(vc); // log(−log v_i)
    // C = log(−log v_b), broadcast over classes.
    const C = tf.sum(tf.mul(b, lnl), -1, true);
    // For i ≠ b: −log(exp(A_i) + exp(C)) with A_i = log(−log v_i) − log p_i,
    // i.e. −(C + softplus(A_i − C)).
    const A = tf.sub(lnl, logP);
    const others = tf.neg(tf.add(C, safe.softplus(tf.sub(A, C))));
    const top = tf.neg(C); // z̃_b = −log(−log v_b)
    return tf.add(tf.mul(b, top), tf.mul(tf.sub(1, b), others));
  },

  relax: (z, temperature) => tf.softmax(tf.div(z, temperature)),

  logProb: (logits, b) => tf.sum(tf.mul(b, safe.logSoftmax(logits)), -1),

  score: (logits, b) => tf.sub(b, tf.softmax(logits)),

  // Each z_i is Gumbel with location log p_i: log density Σ −g_i − exp(−g_i), g = z − log p.
  relaxedLogDensity: (logits, z) => {
    const g = tf.sub(z, safe.logSoftmax(logits));
    return tf.sum(tf.neg(tf.add(g, tf.exp(tf.neg(g)))), -1);
  },

  entropy: (logits) => {
    const logP = safe.logSoftmax(logits);
    return tf.neg(tf.sum(tf.mul(tf.exp(logP), logP), -1));
  },

  kl: (p, q) => {
    const logP = safe.logSoftmax(p);
    return tf.sum(tf.mul(tf.exp(logP), tf.sub(logP, safe.logSoftmax(q))), -1);
  },
};
