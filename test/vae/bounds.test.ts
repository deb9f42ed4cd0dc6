// The held-out bounds (envs/vae/bounds.ts): the IWAE bound computes the first
// encoder layer once per image and repeats its logits for the k samples; it
// must equal the bound with every sample's row passed through the whole
// encoder, from the same draws, for every model family and a chunking that
// leaves a partial last chunk. And with one sample, IWAE is the ELBO.
import { describe, it, expect } from 'vitest';
import { tf } from '../../src/tf/index.js';
import { Rng } from '../../src/random/index.js';
import { BinaryVaeModel, type VaeModelName } from '../../envs/vae/binaryVae.js';
import { BinaryMnist, PIXELS } from '../../envs/vae/mnist.js';
import { evaluateBounds, repeatRows } from '../../envs/vae/bounds.js';
import { fakeMnist } from './fixtures.js';

/** The IWAE_k average as the definition reads: each of the k·n rows through model.forward, then log-mean-exp per image. */
function straightIwae(model: BinaryVaeModel, data: Float32Array, images: number, k: number, rng: Rng): number {
  const L = model.latents;
  const per = Math.max(1, Math.floor(2000 / k));
  let sum = 0;
  for (let start = 0; start < images; start += per) {
    const n = Math.min(per, images - start);
    sum += tf.tidy(() => {
      const x = tf.tensor2d(repeatRows(data.subarray(start * PIXELS, (start + n) * PIXELS), k), [k * n, PIXELS]);
      const u = Array.from({ length: model.layers }, () => tf.tensor2d(rng.uniforms(k * n * L), [k * n, L]));
      const pass = model.forward(x, u);
      const logw = tf.reshape(model.reward(x, pass.b, pass.logits), [k, n]);
      return tf.sum(tf.sub(tf.logSumExp(logw, 0), Math.log(k))).dataSync()[0];
    });
  }
  return sum / images;
}

describe('evaluateBounds', () => {
  const data = new BinaryMnist(fakeMnist(60, 30, 30), 'fixed', 2);
  const { data: valid } = data.split('valid');

  it.each<VaeModelName>(['linear1', 'linear2', 'nonlinear'])('%s: IWAE with the first layer once per image equals every sample through the whole encoder', (name) => {
    const model = new BinaryVaeModel({ model: name, dataMean: data.trainMean, rng: new Rng(`bounds-${name}`), latents: 7 });
    // k = 90: 22 images a chunk, so 30 images leave a partial chunk of 8.
    const k = 90;
    const stream = () => new Rng(`eval-${name}`);
    const straight = straightIwae(model, valid, 30, k, (() => {
      // evaluateBounds draws the ELBO's uniforms first: skip them so both see the same IWAE draws.
      const r = stream();
      r.uniforms(30 * 7 * model.layers);
      return r;
    })());
    const got = evaluateBounds(model, valid, 30, { iwaeSamples: k, rng: stream() });
    expect(got.iwae).toBeDefined();
    // The same products on the same rows: equal to float32 rounding of a sum over 30 images.
    expect(Math.abs(got.iwae! - straight)).toBeLessThanOrEqual(1e-5 * Math.abs(straight));
    expect(got.iwae!).toBeGreaterThan(got.elbo - 5);
    model.dispose();
  });

  it('with one sample per image the IWAE bound is the ELBO of the same draws', () => {
    const model = new BinaryVaeModel({ model: 'linear2', dataMean: data.trainMean, rng: new Rng('bounds-k1'), latents: 7 });
    const draws = 30 * 7 * model.layers;
    // The IWAE pass draws after the ELBO's; a stream started there gives an ELBO of the IWAE pass's draws.
    const both = evaluateBounds(model, valid, 30, { iwaeSamples: 1, rng: new Rng('k1') });
    const later = new Rng('k1');
    later.uniforms(draws);
    const elbo = evaluateBounds(model, valid, 30, { rng: later }).elbo;
    expect(Math.abs(both.iwae! - elbo)).toBeLessThanOrEqual(1e-5 * Math.abs(elbo));
    expect(both.iwae).not.toBe(both.elbo);
    model.dispose();
  });
});
