// Estimate d/dθ E[(b − 0.45)²], b ~ Bernoulli(σ(θ)), with RELAX, and train its
// control variate for a few hundred steps at a fixed θ. Run after `npm run build`:
//   node examples/estimate.mjs
import { tf, Rng, bernoulli, relax, estimateAndTrain, buildControlVariate, makeOptimizer } from 'relax-pg';

const t = 0.45;
const f = (b) => tf.mean(tf.square(tf.sub(b, t)), -1); // the black box, on hard samples [batch, 1]
const rng = new Rng(1);
const cv = buildControlVariate('neural', { dist: bernoulli, sampleSize: 1, rng, scale: 0 });
const optimizer = makeOptimizer({ kind: 'adam', learningRate: 0.01 });
const theta = tf.tensor2d([[0.3]]);

for (let step = 0; step <= 500; step++) {
  const u = tf.tensor2d(rng.uniforms(1), [1, 1]);
  const v = tf.tensor2d(rng.uniforms(1), [1, 1]);
  // tidy: the sample and f's intermediates are freed, only fb is kept.
  const fb = tf.tidy(() => f(bernoulli.hard(bernoulli.sample(theta, u))));
  const { gradient, varianceLoss } = estimateAndTrain(relax, { dist: bernoulli, theta, u, v, fb, cv }, { optimizer });
  if (step % 100 === 0) console.log(`step ${step}: ĝ = ${gradient.dataSync()[0].toFixed(4)}, ĝ² = ${varianceLoss.toExponential(2)}`);
  tf.dispose([u, v, fb, gradient]);
}
