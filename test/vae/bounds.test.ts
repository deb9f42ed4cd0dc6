// The held-out bounds (envs/vae/bounds.ts): the IWAE bound computes the first
// encoder layer once per image and repeats its logits for the k samples; it
// must equal the bound with every sample's row passed through the whole
// encoder, from the same draws, for every model family and a chunking that
// leaves a partial last chunk. And with one sample, IWAE is the ELBO. The
// linear model's log w on arrays (experiments/vae/fused/bound.ts) equals the
// tensor path's, row by row, and so do the bounds made from it.
import { describe, it, expect } from 'vitest';
import { tf } from '../../src/tf/index.js';
import { Rng } from '../../src/random/index.js';
import { BinaryVaeModel, type VaeModelName } from '../../envs/vae/binaryVae.js';
import { BinaryMnist, PIXELS } from '../../envs/vae/mnist.js';
import { evaluateBounds, repeatRows } from '../../envs/vae/bounds.js';
import { FusedBound } from '../../experiments/vae/fused/bound.js';
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

describe('FusedBound (linear1 on arrays)', () => {
  const data = new BinaryMnist(fakeMnist(60, 30, 30), 'fixed', 3);
  const { data: valid } = data.split('valid');

  /** The tensor path's log w per row (row s·n + i), from the same uniforms. */
  function tapeLogWeights(model: BinaryVaeModel, images: Float32Array, n: number, k: number, u: Float32Array): Float32Array {
    return tf.tidy(() => {
      const x = tf.tensor2d(repeatRows(images, k), [k * n, PIXELS]);
      const pass = model.forward(x, [tf.tensor2d(u, [k * n, model.latents])]);
      return model.reward(x, pass.b, pass.logits).dataSync() as Float32Array;
    });
  }

  it.each([
    [8, true, 'binary'],
    [8, false, 'binary'],
    [7, true, 'binary'],
    [8, true, 'grey'],
  ] as const)('latents %i, simd %s, %s images: log w per row equals the tensor path within float32 rounding', (L, simd, kind) => {
    const model = new BinaryVaeModel({ model: 'linear1', dataMean: data.trainMean, rng: new Rng(`fused-bound-${L}`), latents: L });
    // Train-like weights: the decoder's scale grows, and the biases and the prior leave their zeros, so every term of f counts.
    const r = new Rng(`weights-${L}`);
    const spread = (v: tf.Variable, scale: number) => v.assign(tf.tensor(Float32Array.from({ length: v.size }, () => scale * (r.next() - 0.5)), v.shape));
    tf.tidy(() => {
      model.decoder[0].weights[0].assign(tf.mul(model.decoder[0].weights[0], 3));
      spread(model.encoder[0].biases[0], 4);
      spread(model.decoder[0].biases[0], 4);
      spread(model.prior, 4);
    });
    const [n, k] = [6, 5];
    const images = kind === 'binary' ? valid.subarray(0, n * PIXELS) : data.source.valid.intensities.subarray(0, n * PIXELS);
    const u = new Rng(`u-${L}-${kind}`).uniforms(k * n * L);
    const got = new FusedBound(model, n, k, { simd }).logWeights(images, u);
    const want = tapeLogWeights(model, images, n, k, u);
    let worst = 0;
    for (let r = 0; r < k * n; r++) {
      // f sums P + 2L + 2 float32 terms, each no larger than 10 + |f|/P here: a generous (P + 2L)·ε bound on Σ|terms|.
      const bound = (PIXELS + 2 * L + 4) * 2 ** -23 * (PIXELS * 10 + Math.abs(want[r]));
      worst = Math.max(worst, Math.abs(got[r] - want[r]) / bound);
    }
    expect(worst).toBeLessThanOrEqual(1);
    model.dispose();
  });

  it('evaluateBounds with the arrays’ log w gives the tensor path’s ELBO and IWAE (partial chunks included)', () => {
    const model = new BinaryVaeModel({ model: 'linear1', dataMean: data.trainMean, rng: new Rng('fused-bound-eval'), latents: 8 });
    const bounds = new Map<string, FusedBound>();
    const logWeights = (images: Float32Array, n: number, k: number, u: Float32Array) => {
      const key = `${n}:${k}`;
      if (!bounds.has(key)) bounds.set(key, new FusedBound(model, n, k));
      return bounds.get(key)!.logWeights(images, u);
    };
    const options = { iwaeSamples: 90, chunk: 7 };
    const tape = evaluateBounds(model, valid, 30, { ...options, rng: new Rng('same') });
    const arrays = evaluateBounds(model, valid, 30, { ...options, rng: new Rng('same'), logWeights });
    expect(Math.abs(arrays.elbo - tape.elbo)).toBeLessThanOrEqual(1e-4 * Math.abs(tape.elbo));
    expect(Math.abs(arrays.iwae! - tape.iwae!)).toBeLessThanOrEqual(1e-4 * Math.abs(tape.iwae!));
    // Chunks of 7 and 22 images leave partial ones: 4 shapes were built.
    expect([...bounds.keys()].sort()).toEqual(['22:90', '2:1', '7:1', '8:90']);
    model.dispose();
  });
});
