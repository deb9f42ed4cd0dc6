// The VAE's steps with the unpacked SIMD products (src/tf/matMul.ts) against
// the same steps on tf.matMul (the kernel turned off around each step): the
// same training run to float32 rounding, for the generic reinforce-baseline
// step and the hand-written REBAR and RELAX steps of fast.ts, tensor count flat.
import { describe, it, expect } from 'vitest';
import { tf } from '../../src/tf/index.js';
import { freshMatMulActive, setFreshMatMul } from '../../src/tf/matMul.js';
import { BinaryMnist } from '../../envs/vae/mnist.js';
import { VaeTrainer, type VaeTrainConfig } from '../../experiments/vae/train.js';
import { VAE_DEFAULTS } from '../../experiments/vae/run.js';
import { fakeMnist } from './fixtures.js';

const data = new BinaryMnist(fakeMnist(200, 40, 40), 'fixed', 1);
// An odd batch (see train.test.ts); latents and hidden sizes that leave tails in the kernel's 4 × 8 blocks.
const config: VaeTrainConfig = { ...VAE_DEFAULTS, model: 'linear1', latents: 18, residualHidden: [13, 10], lr: 3e-3, batch: 5 };

function withoutKernel<T>(fn: () => T): T {
  const old = setFreshMatMul(false);
  try {
    return fn();
  } finally {
    setFreshMatMul(old);
  }
}

describe('VAE steps on the unpacked SIMD products', () => {
  it('the kernel is in use on this backend', () => {
    expect(freshMatMulActive()).toBe(true);
  });

  for (const estimator of ['reinforce-baseline', 'rebar', 'relax-rebar']) {
    it(`${estimator}: the same run as on tf.matMul`, () => {
      const simd = new VaeTrainer(config, data, estimator, 6);
      const stock = new VaeTrainer(config, data, estimator, 6);
      expect(simd.step()).toBeCloseTo(withoutKernel(() => stock.step()), 2);
      const before = tf.memory().numTensors;
      for (let i = 0; i < 5; i++) expect(simd.step()).toBeCloseTo(withoutKernel(() => stock.step()), 2);
      expect(tf.memory().numTensors).toBe(before);
      const values = (t: VaeTrainer) => [...t.model.variables, ...t.cvs.flatMap((c) => c?.variables ?? [])].flatMap((v) => Array.from(v.dataSync()));
      const [a, b] = [values(simd), values(stock)];
      expect(a.length).toBe(b.length);
      let worst = 0;
      for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / (1e-2 + Math.abs(b[i])));
      // As train.test.ts: Adam turns rounding-level differences of near-zero gradients into visible ones.
      expect(worst).toBeLessThan(1e-3);
      const fresh = new VaeTrainer(config, data, estimator, 6);
      const start = values(fresh);
      fresh.dispose();
      expect(a.some((v, i) => Math.abs(v - start[i]) > 1e-4)).toBe(true);
      const cs = stock.cvState();
      const cf = simd.cvState();
      for (const key of Object.keys(cs)) expect(cf[key], key).toBeCloseTo(cs[key], 4);
      simd.dispose();
      stock.dispose();
    });
  }
});
