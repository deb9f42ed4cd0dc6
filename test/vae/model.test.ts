// The VAE's reward against a direct computation, and the environment API.
import { describe, it, expect } from 'vitest';
import { tf } from '../../src/tf/index.js';
import { Rng } from '../../src/random/index.js';
import { BinaryVaeModel, BinaryVae, checkModelName } from '../../envs/vae/binaryVae.js';
import { BinaryMnist, PIXELS } from '../../envs/vae/mnist.js';
import { UserError } from '../../src/errors.js';
import { make } from '../../envs/core/registry.js';
import '../../envs/vae/register.js';
import { fakeMnist } from './fixtures.js';

const sigmoid = (a: number) => 1 / (1 + Math.exp(-a));
const logBern = (y: number, logit: number) => y * Math.log(sigmoid(logit)) + (1 - y) * Math.log(1 - sigmoid(logit));

/** y = x·W + b for row-major W [in, out]. */
function affine(x: number[], w: Float32Array, b: Float32Array): number[] {
  const out = Array.from(b);
  for (let i = 0; i < x.length; i++) for (let j = 0; j < out.length; j++) out[j] += x[i] * w[i * out.length + j];
  return out;
}

describe('BinaryVaeModel', () => {
  it('f(b) = log p(x|b) + log p(b) − log q(b|x) matches a direct computation (two layers)', () => {
    const P = 6;
    const K = 3;
    const mean = Float32Array.from([0.1, 0.5, 0.9, 0.3, 0.7, 0.2]);
    const model = new BinaryVaeModel({ model: 'linear2', dataMean: mean, rng: new Rng(4), latents: K, pixels: P });
    tf.tidy(() => model.prior.assign(tf.tensor1d([0.3, -0.2, 0.5])));
    const x = [1, 0, 1, 1, 0, 0];
    const u = [
      [0.2, 0.7, 0.55],
      [0.9, 0.1, 0.4],
    ];
    const [f, b0, b1] = tf.tidy(() => {
      const pass = model.forward(tf.tensor2d([x]), u.map((r) => tf.tensor2d([r])));
      const r = model.reward(tf.tensor2d([x]), pass.b, pass.logits);
      return [r.dataSync()[0], Array.from(pass.b[0].dataSync()), Array.from(pass.b[1].dataSync())];
    });
    const val = (v: tf.Variable) => v.dataSync() as Float32Array;
    const [e0, e1] = model.encoder;
    const [d0, d1] = model.decoder;
    const q0 = affine(x.map((xi, i) => xi - mean[i]), val(e0.weights[0]), val(e0.biases[0]));
    // b = H(logit + log u − log(1 − u))
    q0.forEach((l, j) => expect(b0[j]).toBe(l + Math.log(u[0][j] / (1 - u[0][j])) > 0 ? 1 : 0));
    const q1 = affine(b0.map((b) => 2 * b - 1), val(e1.weights[0]), val(e1.biases[0]));
    const px = affine(b0.map((b) => 2 * b - 1), val(d0.weights[0]), val(d0.biases[0]));
    const pb0 = affine(b1.map((b) => 2 * b - 1), val(d1.weights[0]), val(d1.biases[0]));
    const prior = Array.from(val(model.prior));
    let direct = 0;
    x.forEach((xi, i) => (direct += logBern(xi, px[i])));
    b0.forEach((b, j) => (direct += logBern(b, pb0[j]) - logBern(b, q0[j])));
    b1.forEach((b, j) => (direct += logBern(b, prior[j]) - logBern(b, q1[j])));
    expect(f).toBeCloseTo(direct, 4);
    // The decoder's output bias starts at the logit of the data mean.
    const bias = Array.from(val(d0.biases[0]));
    bias.forEach((v, i) => expect(v).toBeCloseTo(Math.log(mean[i] / (1 - mean[i])), 4));
    model.dispose();
  });

  it('the relaxed reward at a hard sample equals the reward (one layer)', () => {
    const data = new BinaryMnist(fakeMnist(20, 5, 5), 'fixed', 1);
    const model = new BinaryVaeModel({ model: 'nonlinear', dataMean: data.trainMean, rng: new Rng(2), latents: 5 });
    const [f, fr] = tf.tidy(() => {
      const x = tf.tensor2d(data.train.subarray(0, 2 * PIXELS), [2, PIXELS]);
      const u = [tf.tensor2d(new Rng(5).uniforms(10), [2, 5])];
      const pass = model.forward(x, u);
      const relaxed = model.relaxedReward(0, tf.concat([pass.b[0], pass.b[0]]), x, pass, u, 0.5);
      return [Array.from(model.reward(x, pass.b, pass.logits).dataSync()), Array.from(relaxed.dataSync())];
    });
    expect(fr).toHaveLength(4);
    fr.forEach((v, i) => expect(v).toBeCloseTo(f[i % 2], 3));
    model.dispose();
  });

  it('is a one-step environment and rejects unknown models', () => {
    const data = new BinaryMnist(fakeMnist(20, 5, 5), 'fixed', 1);
    const env = new BinaryVae({ data, batch: 3, model: 'linear1' });
    const [obs] = env.reset({ seed: 3 });
    expect(obs.length).toBe(3 * PIXELS);
    const action = env.actionSpace.sample();
    const [, reward, terminated, truncated, info] = env.step(action);
    expect(Number.isFinite(reward)).toBe(true);
    expect([terminated, truncated]).toEqual([true, false]);
    expect((info.rewards as Float64Array).length).toBe(3);
    env.close();
    const made = make('BinaryVAE-v0', { data, batch: 2, model: 'linear2' });
    made.reset({ seed: 1 });
    const [, r] = made.step(new Int8Array(2 * 400).fill(1));
    expect(Number.isFinite(r)).toBe(true);
    made.close();
    expect(() => checkModelName('deep')).toThrow(UserError);
    expect(() => checkModelName('deep')).toThrow(/unknown VAE model 'deep'/);
  });
});
