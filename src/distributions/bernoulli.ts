// Bernoulli(σ(ℓ)) with the logistic relaxation z = ℓ + log u − log(1 − u),
// H(z) = 1[z > 0], and REBAR's conditional z̃ ~ p(z | b, ℓ).
import { tf, safe } from '../tf/index.js';
import { clampUniforms, type RelaxedDistribution } from './types.js';

type Tensor = tf.Tensor;

/** logit(u) = log u − log(1 − u). */
const logit = (u: Tensor) => tf.sub(tf.log(u), tf.log1p(tf.neg(u)));

export const bernoulli: RelaxedDistribution = {
  name: 'bernoulli',
  kind: 'discrete',
  noise: 'uniform',

  noiseShape: (shape) => shape,

  sample: (logits, u) => tf.add(logits, logit(clampUniforms(u))),

  hard: (z) => tf.cast(tf.greater(z, 0), 'float32'),

  // v' = v·(1 − p) for b = 0 and v·p + (1 − p) for b = 1, z̃ = ℓ + logit(v'),
  // rewritten in log space:
  //   b = 0: z̃ = log v − softplus(−ℓ) − log1p(−v·σ(−ℓ))   (< 0)
  //   b = 1: z̃ = softplus(ℓ) − log(1 − v) + log1p(−(1 − v)·σ(ℓ))   (> 0)
  conditional: (logits, b, v) => {
    const vc = clampUniforms(v);
    const z0 = tf.sub(
      tf.sub(tf.log(vc), safe.softplus(tf.neg(logits))),
      tf.log1p(tf.neg(tf.mul(vc, tf.sigmoid(tf.neg(logits))))),
    );
    const oneMinusV = tf.sub(1, vc);
    const z1 = tf.add(
      tf.sub(safe.softplus(logits), tf.log(oneMinusV)),
      tf.log1p(tf.neg(tf.mul(oneMinusV, tf.sigmoid(logits)))),
    );
    return tf.where(tf.greater(b, 0.5), z1, z0);
  },

  relax: (z, temperature) => tf.sigmoid(tf.div(z, temperature)),

  logProb: (logits, b) => tf.sub(tf.mul(b, logits), safe.softplus(logits)),

  score: (logits, b) => tf.sub(b, tf.sigmoid(logits)),

  // z − ℓ is standard logistic: log density −s − 2·softplus(−s), s = z − ℓ.
  relaxedLogDensity: (logits, z) => {
    const s = tf.sub(z, logits);
    return tf.sub(tf.neg(s), tf.mul(2, safe.softplus(tf.neg(s))));
  },

  // H = softplus(ℓ) − ℓ·σ(ℓ).
  entropy: (logits) => tf.sub(safe.softplus(logits), tf.mul(logits, tf.sigmoid(logits))),

  // KL = σ(p)(p − q) + softplus(q) − softplus(p), from log-odds p and q.
  kl: (p, q) => tf.add(tf.mul(tf.sigmoid(p), tf.sub(p, q)), tf.sub(safe.softplus(q), safe.softplus(p))),
};
